// SPDX-License-Identifier: GPL-2.0
/*
 * Events: every change to buses, devices and connections, multicast on the
 * "events" group of the family. Sent under vbus_lock, so in change order;
 * each one moves the generation that dumps check for consistency.
 */
#include <net/genetlink.h>

#include "vbus.h"

/*
 * Counts every change (each is announced here), never 0: dumps compare it
 * across their parts and set NLM_F_DUMP_INTR when it moved.
 */
static u32 vbus_generation = 1;

u32 vbus_generation_get(void)
{
	lockdep_assert_held(&vbus_lock);
	return vbus_generation;
}

/* A connection event when both are given, else a device or a bus event. */
static void vbus_event(u8 cmd, struct vbus_device *dev, struct vbus_bus *bus)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	lockdep_assert_held(&vbus_lock);
	if (!++vbus_generation)
		vbus_generation = 1;
	if (!vbus_has_listeners())
		return;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		goto err;
	hdr = vbus_genlmsg_put(skb, 0, 0, 0, cmd);
	if (!hdr)
		goto err_free;
	if (dev && bus)
		err = vbus_fill_connection(skb, dev, bus);
	else if (dev)
		err = vbus_fill_device(skb, dev);
	else
		err = vbus_fill_bus(skb, bus);
	if (err)
		goto err_free;
	genlmsg_end(skb, hdr);
	vbus_multicast(skb);
	return;

err_free:
	nlmsg_free(skb);
err:
	pr_warn_ratelimited("vbus: event %u not sent: out of memory\n", cmd);
}

void vbus_event_bus(u8 cmd, struct vbus_bus *bus)
{
	vbus_event(cmd, NULL, bus);
}

void vbus_event_device(u8 cmd, struct vbus_device *dev)
{
	vbus_event(cmd, dev, NULL);
}

void vbus_event_connection(u8 cmd, struct vbus_device *dev,
			   struct vbus_bus *bus)
{
	vbus_event(cmd, dev, bus);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest reset (include/uapi/linux/vbus_ring.h, "Reset"): a guest that
 * reboots or reloads its drivers asks through the region; the host
 * quiesces the bus's worker, takes every device off, lays the region out
 * again, clears a broken state and gives every device its slot back, all
 * without detaching (QEMU keeps the memory and eventfds across a reboot).
 * The devices park meanwhile: what the host sees of them (venet's vbt-*)
 * stays.
 */
#include <linux/module.h>

#include "datapath.h"

/*
 * The worker's check, at every pass, under the attachment's lock: the
 * request is read once; a new one stops the worker (resetting) until
 * vbus_reset_work() has served it. True while a reset is under way.
 */
bool vbus_reset_check(struct vbus_attachment *att)
{
	const struct vbus_region_header *hdr = (void *)att->region;
	u32 request;

	lockdep_assert_held(&att->lock);
	if (att->resetting)
		return true;
	request = le32_to_cpu(READ_ONCE(hdr->reset_request));
	if (request == att->reset_served)
		return false;
	att->reset_served = request;
	att->resetting = true;
	kref_get(&att->ref);
	if (!queue_work(vbus_wq, &att->reset_work))
		vbus_attachment_put(att);
	return true;
}

/* Under vbus_lock and the attachment's lock: an empty region again. */
static int vbus_reset_region(struct vbus_attachment *att)
{
	u32 i;

	for (i = 0; i < att->layout.slot_count; i++) {
		att->ports[i].events = 0;
		att->ports[i].in_batch = false;
	}
	att->broken = false;
	return vbus_region_format(att);
}

/* What a parked device's plug did not take back goes. Under vbus_lock. */
static void vbus_reset_unpark(struct vbus_device *dev)
{
	if (dev->model->datapath && dev->model->datapath->unpark)
		dev->model->datapath->unpark(dev);
}

static void vbus_reset_work(struct work_struct *work)
{
	struct vbus_attachment *att =
		container_of(work, struct vbus_attachment, reset_work);
	struct vbus_bus *bus = att->bus;
	struct vbus_region_header *hdr = (void *)att->region;
	struct vbus_device *dev;
	bool was_broken;
	int err;

	mutex_lock(&vbus_lock);
	mutex_lock(&att->lock);
	/* Detached meanwhile: the devices are off the region already. */
	if (att->stopped) {
		mutex_unlock(&att->lock);
		goto out;
	}
	was_broken = att->broken;
	mutex_unlock(&att->lock);

	list_for_each_entry(dev, &bus->devices, bus_node)
		vbus_region_park(att, dev);
	mutex_lock(&att->lock);
	err = vbus_reset_region(att);
	mutex_unlock(&att->lock);
	if (err) {
		/* The layout was valid at attach: this cannot fail. */
		pr_err("vbus: bus %s: reset failed to lay the region out: %d\n", bus->name, err);
		list_for_each_entry(dev, &bus->devices, bus_node)
			vbus_reset_unpark(dev);
		goto out;
	}
	list_for_each_entry(dev, &bus->devices, bus_node) {
		err = vbus_region_plug(att, dev);
		if (err)
			pr_warn("vbus: bus %s: device %s not back after a reset: %d\n",
				bus->name, dev->name, err);
		vbus_reset_unpark(dev);
	}

	mutex_lock(&att->lock);
	att->resetting = false;
	/* Release: the guest that sees its request served sees the region whole. */
	smp_store_release(&hdr->reset_done, cpu_to_le32(att->reset_served));
	vbus_worker_raise(att);
	mutex_unlock(&att->lock);
	/* The guest's region is whole again: so is its bus. */
	if (vbus_bus_find(bus->name) == bus && bus->attach == att)
		vbus_bus_set_state(bus, VBUS_BUS_STATE_OK);
	pr_info("vbus: bus %s: reset by the guest%s\n", bus->name,
		was_broken ? ", no longer broken" : "");
	/* The DEVICE_ADDED events wait for the worker. */
	vbus_worker_kick(att);
out:
	mutex_unlock(&vbus_lock);
	vbus_attachment_put(att);
}

void vbus_reset_init(struct vbus_attachment *att)
{
	INIT_WORK(&att->reset_work, vbus_reset_work);
}

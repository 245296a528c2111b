// SPDX-License-Identifier: GPL-2.0
/*
 * vbus_loop: the guest bridge to the buses of vbus.ko in this same kernel
 * whose connector is loop, so that the whole guest stack (vbus_proxy and
 * its drivers) runs against a real host bus without a VM, as virtio_net
 * runs on the vdpa simulator. Region layout, worker, rings and the
 * notification logic are those a VM gets; only the mapping (the host's
 * own) and the delivery (calls instead of eventfds and MSI-X) differ.
 * It attaches every loop bus that exists when it loads and detaches them
 * when it unloads.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vbus_loop.h"
#include "vbus_proxy.h"

#ifndef VBUS_VERSION
#define VBUS_VERSION "unknown"
#endif

#define VBUS_LOOP_MAX_BUSES	64

struct vbus_loop {
	struct list_head node;
	struct vbus_bridge bridge;
	struct vbus_attachment *att;
	char name[VBUS_NAME_MAX];
};

static LIST_HEAD(vbus_loops);

static void vbus_loop_guest_kick(struct vbus_bridge *bridge, u16 vector)
{
	struct vbus_loop *loop = container_of(bridge, struct vbus_loop, bridge);

	vbus_loop_kick(loop->att, vector);
}

static const struct vbus_bridge_ops vbus_loop_bridge_ops = {
	.kick = vbus_loop_guest_kick,
};

/* From the host's worker: the bus interrupt. */
static void vbus_loop_interrupt(void *context)
{
	struct vbus_loop *loop = context;

	vbus_proxy_interrupt(&loop->bridge);
}

static int vbus_loop_add(const char *name)
{
	struct vbus_loop *loop;
	int err;

	loop = kzalloc(sizeof(*loop), GFP_KERNEL);
	if (!loop)
		return -ENOMEM;
	strscpy(loop->name, name, sizeof(loop->name));
	loop->bridge.ops = &vbus_loop_bridge_ops;
	loop->att = vbus_loop_attach(name, vbus_loop_interrupt, loop, &loop->bridge.region,
				     &loop->bridge.size);
	if (IS_ERR(loop->att)) {
		err = PTR_ERR(loop->att);
		pr_err("vbus_loop: bus %s: cannot attach: %d\n", name, err);
		kfree(loop);
		return err;
	}
	err = vbus_proxy_add(&loop->bridge);
	if (err) {
		vbus_loop_detach(loop->att);
		kfree(loop);
		return err;
	}
	list_add_tail(&loop->node, &vbus_loops);
	return 0;
}

/* The guest side first: its drivers stop before the host detaches. */
static void vbus_loop_del(struct vbus_loop *loop)
{
	list_del(&loop->node);
	vbus_proxy_remove(&loop->bridge);
	vbus_loop_detach(loop->att);
	kfree(loop);
}

static void vbus_loop_del_all(void)
{
	struct vbus_loop *loop, *next;

	list_for_each_entry_safe(loop, next, &vbus_loops, node)
		vbus_loop_del(loop);
}

static int __init vbus_loop_init(void)
{
	char *names;
	int n, i, err = 0;

	names = kcalloc(VBUS_LOOP_MAX_BUSES, VBUS_NAME_MAX, GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	n = vbus_loop_buses(names, VBUS_LOOP_MAX_BUSES);
	for (i = 0; i < n && !err; i++)
		err = vbus_loop_add(names + VBUS_NAME_MAX * i);
	kfree(names);
	if (err)
		vbus_loop_del_all();
	return err;
}

static void __exit vbus_loop_exit(void)
{
	vbus_loop_del_all();
}

module_init(vbus_loop_init);
module_exit(vbus_loop_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vbus paravirtual I/O fabric: guest bridge to loop buses of this kernel");
MODULE_VERSION(VBUS_VERSION);

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
 *
 * Test only, with poke=1: a host that writes garbage. Under
 * /sys/kernel/debug/vbus_loop/<bus>/, "region" reads the region and
 * writing "OFFSET SIZE VALUE" to "poke" stores VALUE (SIZE 1, 2, 4 or 8
 * bytes, naturally aligned) at OFFSET and raises the bus interrupt, as a
 * broken or hostile host would; the guest stack must log an error and stop
 * using what broke, never oops (tests/vm/guest/garbage-host.sh).
 */
#include <linux/debugfs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vbus_loop.h"
#include "vbus_proxy.h"

#ifndef VBUS_VERSION
#define VBUS_VERSION "unknown"
#endif

#define VBUS_LOOP_MAX_BUSES	64

static bool poke;
module_param(poke, bool, 0444);
MODULE_PARM_DESC(poke,
		 "test only: debugfs vbus_loop/<bus>/poke writes into the region as a broken host would (default off)");

struct vbus_loop {
	struct list_head node;
	struct vbus_bridge bridge;
	struct vbus_attachment *att;
	struct debugfs_blob_wrapper blob;
	struct dentry *debugfs;
	char name[VBUS_NAME_MAX];
};

static LIST_HEAD(vbus_loops);
static struct dentry *vbus_loop_debugfs;

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

/* "OFFSET SIZE VALUE": one store into the region, then the bus interrupt. */
static ssize_t vbus_loop_poke_write(struct file *file, const char __user *ubuf, size_t len,
				    loff_t *ppos)
{
	struct vbus_loop *loop = file->private_data;
	void *region = loop->bridge.region;
	unsigned int offset, size;
	unsigned long long value;
	char buf[64];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%u %u %llu", &offset, &size, &value) != 3)
		return -EINVAL;
	if ((size != 1 && size != 2 && size != 4 && size != 8) || offset % size ||
	    offset > loop->bridge.size - size)
		return -EINVAL;
	switch (size) {
	case 1:
		WRITE_ONCE(*(u8 *)(region + offset), value);
		break;
	case 2:
		WRITE_ONCE(*(u16 *)(region + offset), value);
		break;
	case 4:
		WRITE_ONCE(*(u32 *)(region + offset), value);
		break;
	default:
		WRITE_ONCE(*(u64 *)(region + offset), value);
		break;
	}
	vbus_proxy_interrupt(&loop->bridge);
	return len;
}

static const struct file_operations vbus_loop_poke_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vbus_loop_poke_write,
};

static void vbus_loop_debugfs_add(struct vbus_loop *loop)
{
	if (!poke)
		return;
	loop->blob.data = loop->bridge.region;
	loop->blob.size = loop->bridge.size;
	loop->debugfs = debugfs_create_dir(loop->name, vbus_loop_debugfs);
	debugfs_create_blob("region", 0400, loop->debugfs, &loop->blob);
	debugfs_create_file("poke", 0200, loop->debugfs, loop, &vbus_loop_poke_fops);
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
	vbus_loop_debugfs_add(loop);
	return 0;
}

/* The guest side first: its drivers stop before the host detaches. */
static void vbus_loop_del(struct vbus_loop *loop)
{
	list_del(&loop->node);
	debugfs_remove(loop->debugfs);
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
	if (poke) {
		pr_warn("vbus_loop: poke=1: a test may write garbage into the buses' regions\n");
		vbus_loop_debugfs = debugfs_create_dir("vbus_loop", NULL);
	}
	n = vbus_loop_buses(names, VBUS_LOOP_MAX_BUSES);
	for (i = 0; i < n && !err; i++)
		err = vbus_loop_add(names + VBUS_NAME_MAX * i);
	kfree(names);
	if (err) {
		vbus_loop_del_all();
		debugfs_remove(vbus_loop_debugfs);
	}
	return err;
}

static void __exit vbus_loop_exit(void)
{
	vbus_loop_del_all();
	debugfs_remove(vbus_loop_debugfs);
}

module_init(vbus_loop_init);
module_exit(vbus_loop_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vbus paravirtual I/O fabric: guest bridge to loop buses of this kernel");
MODULE_VERSION(VBUS_VERSION);

// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vbus (include/uapi/linux/vbus_dev.h): an open file attaches one bus
 * to a sealed memfd and eventfds; closing it detaches. Owns the life of an
 * attachment, which zero-copy frames may keep past the close.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "datapath.h"

struct vbus_dev_file {
	struct mutex lock;		/* att */
	struct vbus_attachment *att;
};

/* In process context, from vbus_attachment_put() anywhere. */
static void vbus_attachment_release_work(struct work_struct *work)
{
	struct vbus_attachment *att =
		container_of(work, struct vbus_attachment, release_work);

	/* A zero-copy completion may have queued the worker last. */
	cancel_work_sync(&att->work);
	vbus_region_unpin(att);
	vbus_region_free(att);
	kobject_put(&att->bus->kobj);
	kfree(att);
	/* Held by the attachment so that its callbacks outlive the file. */
	module_put(THIS_MODULE);
}

static void vbus_attachment_release(struct kref *ref)
{
	struct vbus_attachment *att = container_of(ref, struct vbus_attachment, ref);

	queue_work(vbus_wq, &att->release_work);
}

void vbus_attachment_put(struct vbus_attachment *att)
{
	kref_put(&att->ref, vbus_attachment_release);
}

/* A new attachment of bus, holding a reference on it and on the module. */
static struct vbus_attachment *vbus_attachment_new(struct vbus_bus *bus)
{
	struct vbus_attachment *att;

	att = kzalloc(sizeof(*att), GFP_KERNEL);
	if (!att)
		return NULL;
	kref_init(&att->ref);
	mutex_init(&att->lock);
	spin_lock_init(&att->zc_lock);
	INIT_WORK(&att->release_work, vbus_attachment_release_work);
	vbus_worker_init(att);
	att->bus = bus;
	kobject_get(&bus->kobj);
	__module_get(THIS_MODULE);
	return att;
}

/*
 * A device on the bus whose slot in att is in the state asked for (plugged
 * or not), or NULL. Under vbus_lock, which every writer of a port's device
 * holds. Devices whose model has no data path never get a slot.
 */
static struct vbus_device *vbus_attach_find(struct vbus_attachment *att, bool plugged)
{
	struct vbus_device *dev;

	lockdep_assert_held(&vbus_lock);
	list_for_each_entry(dev, &att->bus->devices, bus_node)
		if (dev->model->datapath && !!vbus_region_find_port(att, dev) == plugged)
			return dev;
	return NULL;
}

/*
 * Unplugs every device of att, one per hold of vbus_lock (each may
 * unregister a netdev), and ends the attachment's place on its bus in the
 * same hold as the last, so that no connect plugs into it afterwards.
 */
static void vbus_unplug_all(struct vbus_attachment *att)
{
	struct vbus_device *dev;

	do {
		mutex_lock(&vbus_lock);
		dev = vbus_attach_find(att, true);
		if (dev)
			vbus_region_unplug(att, dev);
		else if (att->bus->attach == att)
			att->bus->attach = NULL;
		mutex_unlock(&vbus_lock);
	} while (dev);
}

/*
 * The region pinned: lays it out for the devices on the bus now and plugs
 * them. The layout makes att the bus's attachment at once, under
 * vbus_lock, so that a connect or disconnect meanwhile plugs or unplugs as
 * on any attached bus; then each device is plugged in a hold of vbus_lock
 * of its own, since plugging registers its host netdev: the control plane
 * waits for one registration at a time, not for a whole bus's (up to
 * VBUS_BUS_MAX_DEVICES). The worker is not started yet (the caller starts
 * it once this succeeded), so a guest cannot break the bus before the
 * attach is complete, and a failed attach has no worker to stop.
 */
static int vbus_attach_devices(struct vbus_attachment *att)
{
	struct vbus_bus *bus = att->bus;
	struct vbus_device *dev;
	int err;

	mutex_lock(&vbus_lock);
	bus->attaching = false;
	err = vbus_region_layout(att, bus->device_count);
	if (!err) {
		bus->attach = att;
		/* A fresh attachment that has not been served is sound. */
		vbus_bus_set_state(bus, VBUS_BUS_STATE_OK);
	}
	mutex_unlock(&vbus_lock);
	if (err)
		return err;

	do {
		mutex_lock(&vbus_lock);
		dev = vbus_attach_find(att, false);
		if (dev)
			err = vbus_region_plug(att, dev);
		mutex_unlock(&vbus_lock);
	} while (dev && !err);
	if (err)
		vbus_unplug_all(att);
	return err;
}

void vbus_detach(struct vbus_attachment *att)
{
	vbus_worker_stop(att);
	vbus_unplug_all(att);
	vbus_worker_clear_eventfds(att);
	vbus_attachment_put(att);
}

/*
 * Attaches the bus called name to memfd, or, for the loop connector (loop
 * true, memfd NULL), to a new shmem region of the bus's size. Not under
 * vbus_lock: the region (up to VBUS_REGION_SIZE_MAX) is pinned without it
 * and its devices plugged one per hold (vbus_attach_devices()),
 * while bus->attaching keeps the bus from being deleted or attached twice.
 * The worker is not started: the caller starts it once it has set up how
 * doorbells and the interrupt are delivered.
 */
int vbus_attach(const char *name, bool loop, struct file *memfd,
		struct vbus_attachment **ret)
{
	struct vbus_attachment *att = NULL;
	struct file *region = memfd;
	struct vbus_bus *bus;
	int err;

	mutex_lock(&vbus_lock);
	bus = vbus_bus_find(name);
	if (!bus) {
		err = -ENOENT;
	} else if (loop && bus->connector != VBUS_CONNECTOR_LOOP) {
		err = -EINVAL;
	} else if (bus->attach || bus->attaching) {
		err = -EBUSY;
	} else {
		att = vbus_attachment_new(bus);
		err = att ? 0 : -ENOMEM;
		bus->attaching = !!att;
	}
	mutex_unlock(&vbus_lock);
	if (err)
		return err;

	if (!region)
		region = vbus_region_shmem(bus->region_size);
	if (IS_ERR(region))
		err = PTR_ERR(region);
	else
		err = vbus_region_pin(att, region, bus->region_size);
	if (!memfd && !IS_ERR(region))
		fput(region);
	if (!err) {
		err = vbus_attach_devices(att);
	} else {
		mutex_lock(&vbus_lock);
		bus->attaching = false;
		mutex_unlock(&vbus_lock);
	}
	if (err) {
		/* Never started; stopped before its last reference goes. */
		vbus_worker_stop(att);
		vbus_attachment_put(att);
		return err;
	}
	*ret = att;
	return 0;
}

static long vbus_dev_attach(struct vbus_dev_file *f, void __user *argp)
{
	struct vbus_dev_attach req;
	struct vbus_attachment *att;
	struct file *memfd;
	long err;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags || strnlen(req.bus, sizeof(req.bus)) == sizeof(req.bus))
		return -EINVAL;
	memfd = fget(req.memfd);
	if (!memfd)
		return -EBADF;

	mutex_lock(&f->lock);
	err = -EBUSY;
	if (f->att)
		goto out;
	err = vbus_attach(req.bus, false, memfd, &att);
	if (err)
		goto out;
	f->att = att;
	vbus_worker_start(att);
out:
	mutex_unlock(&f->lock);
	fput(memfd);
	return err;
}

static long vbus_dev_set_eventfd(struct vbus_dev_file *f, void __user *argp,
				 bool call)
{
	struct vbus_dev_eventfd req;
	long err;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (call && req.vector)
		return -EINVAL;
	mutex_lock(&f->lock);
	if (!f->att)
		err = -ENOTCONN;
	else if (call)
		err = vbus_worker_set_call(f->att, req.fd);
	else
		err = vbus_worker_set_kick(f->att, req.vector, req.fd);
	mutex_unlock(&f->lock);
	return err;
}

static long vbus_dev_get_info(struct vbus_dev_file *f, void __user *argp)
{
	struct vbus_dev_info info = {};
	struct vbus_attachment *att;
	u32 i;

	mutex_lock(&f->lock);
	att = f->att;
	if (!att) {
		mutex_unlock(&f->lock);
		return -ENOTCONN;
	}
	mutex_lock(&att->lock);
	info.region_size = att->layout.size;
	info.slot_count = att->layout.slot_count;
	info.vectors = att->layout.vectors;
	info.state = att->broken ? VBUS_BUS_STATE_BROKEN : VBUS_BUS_STATE_OK;
	for (i = 0; i < att->layout.slot_count; i++)
		info.device_count += !!att->ports[i].dev;
	mutex_unlock(&att->lock);
	mutex_unlock(&f->lock);
	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vbus_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vbus_dev_file *f = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case VBUS_DEV_ATTACH:
		return vbus_dev_attach(f, argp);
	case VBUS_DEV_SET_KICK:
		return vbus_dev_set_eventfd(f, argp, false);
	case VBUS_DEV_SET_CALL:
		return vbus_dev_set_eventfd(f, argp, true);
	case VBUS_DEV_GET_INFO:
		return vbus_dev_get_info(f, argp);
	default:
		return -ENOTTY;
	}
}

static int vbus_dev_open(struct inode *inode, struct file *file)
{
	struct vbus_dev_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int vbus_dev_release(struct inode *inode, struct file *file)
{
	struct vbus_dev_file *f = file->private_data;

	if (f->att)
		vbus_detach(f->att);
	kfree(f);
	return 0;
}

static const struct file_operations vbus_dev_fops = {
	.owner = THIS_MODULE,
	.open = vbus_dev_open,
	.release = vbus_dev_release,
	.unlocked_ioctl = vbus_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice vbus_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VBUS_DEV_NAME,
	.fops = &vbus_dev_fops,
	.mode = 0600,
};

int vbus_chardev_init(void)
{
	int err;

	vbus_wq = alloc_workqueue("vbus", WQ_UNBOUND, 0);
	if (!vbus_wq)
		return -ENOMEM;
	err = misc_register(&vbus_miscdev);
	if (err)
		destroy_workqueue(vbus_wq);
	return err;
}

/* No attachment is left: each holds a module reference. */
void vbus_chardev_exit(void)
{
	misc_deregister(&vbus_miscdev);
	destroy_workqueue(vbus_wq);
}

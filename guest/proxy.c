// SPDX-License-Identifier: GPL-2.0
/*
 * vbus_proxy: the guest side of a vbus. It registers the "vbus-proxy" bus
 * type, on which the device drivers of a guest (venet, ...) bind by device
 * type to the devices a bridge (vbus_ivshmem, vbus_loop) finds in the
 * shared region; a device's uevent carries MODALIAS=vbus:<type> so that its
 * driver module loads by itself. The region is read in eventq.c.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "proxy-bus.h"

#ifndef VBUS_VERSION
#define VBUS_VERSION "unknown"
#endif

/* The device types this guest has a name for: the modalias uses it. */
static const char *const vbus_proxy_type_names[] = {
	[VBUS_DEVICE_TYPE_VENET] = "venet",
};

static const char *vbus_proxy_type_name(u32 type)
{
	if (type < ARRAY_SIZE(vbus_proxy_type_names) && vbus_proxy_type_names[type])
		return vbus_proxy_type_names[type];
	return "unknown";
}

/* --- the bus type -------------------------------------------------------- */

/*
 * A device matches the driver of its type. The driver core calls match for
 * bound devices too, so it looks at nothing but the two types.
 */
static int vbus_proxy_match(struct device *dev, VBUS_MATCH_DRIVER_CONST struct device_driver *drv)
{
	return to_vbus_proxy_device(dev)->slot.type == to_vbus_driver(drv)->type;
}

static int vbus_proxy_uevent(VBUS_UEVENT_DEVICE_CONST struct device *dev,
			     struct kobj_uevent_env *env)
{
	const struct vbus_proxy_device *vdev = to_vbus_proxy_device(dev);

	return add_uevent_var(env, "MODALIAS=vbus:%s", vbus_proxy_type_name(vdev->slot.type));
}

static int vbus_proxy_probe(struct device *dev)
{
	struct vbus_proxy_device *vdev = to_vbus_proxy_device(dev);
	struct vbus_driver *drv = to_vbus_driver(dev->driver);
	struct vbus_proxy_bus *bus = vdev->bus;
	int err;

	/* Its rings were used: the reset that follows an unbind re-adds it. */
	if (vdev->used) {
		vbus_proxy_schedule_reset(bus);
		return -EAGAIN;
	}
	err = drv->probe(vdev);
	if (err)
		return err;
	vdev->used = true;
	spin_lock_bh(&bus->dispatch_lock);
	bus->bound[vdev->slot.index] = drv;
	spin_unlock_bh(&bus->dispatch_lock);
	return 0;
}

static void vbus_proxy_driver_remove(struct device *dev)
{
	struct vbus_proxy_device *vdev = to_vbus_proxy_device(dev);
	struct vbus_driver *drv = to_vbus_driver(dev->driver);
	struct vbus_proxy_bus *bus = vdev->bus;

	/* No callback runs or starts once the driver is unhooked. */
	spin_lock_bh(&bus->dispatch_lock);
	bus->bound[vdev->slot.index] = NULL;
	spin_unlock_bh(&bus->dispatch_lock);
	if (drv->remove)
		drv->remove(vdev);
	/*
	 * Unbound while the device stays (rmmod, sysfs unbind): its queues
	 * cannot start again from scratch, so the bus resets (vbus_ring.h
	 * "Reset"), and the next driver gets fresh ones. A device removed
	 * (unplug, reset, a broken bus, the bridge going) needs none.
	 */
	if (!vdev->removed)
		vbus_proxy_schedule_reset(bus);
}

static ssize_t type_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", vbus_proxy_type_name(to_vbus_proxy_device(dev)->slot.type));
}
static DEVICE_ATTR_RO(type);

static ssize_t device_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_vbus_proxy_device(dev)->slot.id);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "vbus:%s\n",
			  vbus_proxy_type_name(to_vbus_proxy_device(dev)->slot.type));
}
static DEVICE_ATTR_RO(modalias);

static struct attribute *vbus_proxy_device_attrs[] = {
	&dev_attr_type.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vbus_proxy_device);

struct bus_type vbus_proxy_bus_type = {
	.name = "vbus-proxy",
	.match = vbus_proxy_match,
	.uevent = vbus_proxy_uevent,
	.probe = vbus_proxy_probe,
	.remove = vbus_proxy_driver_remove,
	.dev_groups = vbus_proxy_device_groups,
};

/* --- drivers ------------------------------------------------------------- */

int __vbus_driver_register(struct vbus_driver *drv, struct module *owner)
{
	if (!drv->probe || drv->type == VBUS_DEVICE_TYPE_UNSPEC)
		return -EINVAL;
	drv->driver.bus = &vbus_proxy_bus_type;
	drv->driver.owner = owner;
	if (!drv->driver.name)
		drv->driver.name = vbus_proxy_type_name(drv->type);
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__vbus_driver_register);

void vbus_driver_unregister(struct vbus_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(vbus_driver_unregister);

/* --- devices ------------------------------------------------------------- */

static void vbus_proxy_device_release(struct device *dev)
{
	kfree(to_vbus_proxy_device(dev));
}

/* A device for a present slot, probed by its driver if one is loaded. */
int vbus_proxy_device_add(struct vbus_proxy_bus *bus, const struct vbus_region_slot *slot)
{
	struct vbus_proxy_device *vdev;
	int err;

	lockdep_assert_held(&bus->lock);
	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	if (!vdev)
		return -ENOMEM;
	vdev->bus = bus;
	vdev->slot = *slot;
	vdev->dev.parent = &bus->dev;
	vdev->dev.bus = &vbus_proxy_bus_type;
	vdev->dev.release = vbus_proxy_device_release;
	device_initialize(&vdev->dev);
	err = dev_set_name(&vdev->dev, "%s.%u", bus->layout.name, slot->index);
	if (!err)
		err = device_add(&vdev->dev);
	if (err) {
		dev_err(&bus->dev, "slot %u (device %u): cannot add its device: %d\n",
			slot->index, slot->id, err);
		put_device(&vdev->dev);
		return err;
	}
	bus->devices[slot->index] = vdev;
	return 0;
}

/* Removes a slot's device: its driver's remove runs. */
void vbus_proxy_device_remove(struct vbus_proxy_bus *bus, u32 index)
{
	struct vbus_proxy_device *vdev = bus->devices[index];

	lockdep_assert_held(&bus->lock);
	if (!vdev)
		return;
	bus->devices[index] = NULL;
	vdev->removed = true;
	device_unregister(&vdev->dev);
}

void vbus_proxy_remove_all(struct vbus_proxy_bus *bus)
{
	u32 i;

	for (i = 0; i < VBUS_BUS_MAX_DEVICES; i++)
		vbus_proxy_device_remove(bus, i);
}

int vbus_proxy_queue_config(struct vbus_proxy_device *vdev, unsigned int queue,
			    struct ioq_config *config)
{
	if (queue >= vdev->slot.queue_count)
		return -EINVAL;
	*config = vbus_region_queue_config(&vdev->bus->layout, &vdev->slot.queue[queue]);
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_proxy_queue_config);

void vbus_proxy_kick(struct vbus_proxy_device *vdev, unsigned int queue)
{
	struct vbus_bridge *bridge = vdev->bus->bridge;

	if (queue < vdev->slot.queue_count)
		bridge->ops->kick(bridge, vdev->slot.queue[queue].doorbell);
}
EXPORT_SYMBOL_GPL(vbus_proxy_kick);

/* The layout stays while a device exists: only a reset changes it. */
int vbus_proxy_read_slot(struct vbus_proxy_device *vdev, struct vbus_region_slot *slot)
{
	const char *why;
	int r;

	r = vbus_region_read_slot(&vdev->bus->layout, vdev->slot.index, slot, &why);
	if (r == 0 || (r > 0 && slot->id != vdev->slot.id))
		return -ENODEV;
	/* A slot that breaks the rules breaks the bus, as at a DEVICE_ADDED. */
	if (r < 0)
		vbus_proxy_device_broken(vdev, why);
	return r < 0 ? r : 0;
}
EXPORT_SYMBOL_GPL(vbus_proxy_read_slot);

/*
 * The data window, between the devices of the bus. The pool exists while
 * the device does: a reset removes every device before it makes a new one.
 */
int vbus_proxy_data_alloc(struct vbus_proxy_device *vdev, u32 size, u32 *offset)
{
	unsigned long addr = gen_pool_alloc(vdev->bus->data, size);

	if (!addr)
		return -ENOSPC;
	*offset = addr;
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_proxy_data_alloc);

void vbus_proxy_data_free(struct vbus_proxy_device *vdev, u32 offset, u32 size)
{
	gen_pool_free(vdev->bus->data, offset, size);
}
EXPORT_SYMBOL_GPL(vbus_proxy_data_free);

u32 vbus_proxy_data_avail(struct vbus_proxy_device *vdev)
{
	return gen_pool_avail(vdev->bus->data);
}
EXPORT_SYMBOL_GPL(vbus_proxy_data_avail);

void *vbus_proxy_data(struct vbus_proxy_device *vdev, u32 offset)
{
	return (u8 *)vdev->bus->layout.region + offset;
}
EXPORT_SYMBOL_GPL(vbus_proxy_data);

void vbus_proxy_ack_venet(struct vbus_proxy_device *vdev, u64 features)
{
	vbus_region_ack_venet(&vdev->bus->layout, vdev->slot.index, features);
}
EXPORT_SYMBOL_GPL(vbus_proxy_ack_venet);

void vbus_proxy_venet_counters(struct vbus_proxy_device *vdev, u64 *zerocopy, u64 *copied)
{
	struct vbus_device_slot *shared = vbus_region_slot_at(&vdev->bus->layout,
							      vdev->slot.index);

	*zerocopy = vbus_region_read_le64(&shared->config.venet.tx_zerocopy);
	*copied = vbus_region_read_le64(&shared->config.venet.tx_copied);
}
EXPORT_SYMBOL_GPL(vbus_proxy_venet_counters);

/* --- the bus device's sysfs: which bus this is, its state, reset --------- */

static ssize_t name_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_vbus_proxy_bus(dev)->layout.name);
}
static DEVICE_ATTR_RO(name);

static ssize_t uuid_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vbus_proxy_bus *bus = to_vbus_proxy_bus(dev);

	if (!bus->layout.has_uuid)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%pUb\n", bus->layout.uuid);
}
static DEVICE_ATTR_RO(uuid);

static ssize_t state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", READ_ONCE(to_vbus_proxy_bus(dev)->broken) ? "broken" : "ok");
}
static DEVICE_ATTR_RO(state);

static ssize_t interrupts_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&to_vbus_proxy_bus(dev)->interrupts));
}
static DEVICE_ATTR_RO(interrupts);

/* Writing 1 resets the bus: every device goes and comes back. */
static ssize_t reset_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct vbus_proxy_bus *bus = to_vbus_proxy_bus(dev);
	bool value;
	int err;

	err = kstrtobool(buf, &value);
	if (err || !value)
		return err ?: -EINVAL;
	mutex_lock(&bus->lock);
	err = bus->dead ? -ENODEV : vbus_proxy_reset(bus);
	mutex_unlock(&bus->lock);
	return err ?: count;
}
static DEVICE_ATTR_WO(reset);

static struct attribute *vbus_proxy_bus_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_uuid.attr,
	&dev_attr_state.attr,
	&dev_attr_interrupts.attr,
	&dev_attr_reset.attr,
	NULL,
};

static const struct attribute_group vbus_proxy_bus_group = {
	.attrs = vbus_proxy_bus_attrs,
};

const struct attribute_group *vbus_proxy_bus_groups[] = {
	&vbus_proxy_bus_group,
	NULL,
};

static int __init vbus_proxy_init(void)
{
	int err = vbus_proxy_eventq_init();

	if (err)
		return err;
	err = bus_register(&vbus_proxy_bus_type);
	if (err)
		vbus_proxy_eventq_exit();
	return err;
}

/* No bus is left: each bridge module holds a reference on this one. */
static void __exit vbus_proxy_exit(void)
{
	bus_unregister(&vbus_proxy_bus_type);
	vbus_proxy_eventq_exit();
}

module_init(vbus_proxy_init);
module_exit(vbus_proxy_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vbus paravirtual I/O fabric: guest bus");
MODULE_VERSION(VBUS_VERSION);

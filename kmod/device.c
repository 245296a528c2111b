// SPDX-License-Identifier: GPL-2.0
/*
 * Devices and the device-model registry: the table of devices (by id for
 * dumps, by name for lookups) and the life of a device.
 */
#include <linux/ctype.h>
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "vbus.h"

/* The control-plane lock: what it protects is written in vbus.h. */
DEFINE_MUTEX(vbus_lock);

/* Under vbus_lock. */
static const struct vbus_device_model *vbus_models[VBUS_DEVICE_TYPE_MAX + 1];
static DEFINE_XARRAY_ALLOC1(vbus_devices);
static DEFINE_HASHTABLE(vbus_device_names, 12);
static u32 vbus_device_count;
static u32 vbus_device_next_id;

bool vbus_name_valid(const char *name)
{
	size_t i;

	if (!isdigit(name[0]) && !islower(name[0]))
		return false;
	for (i = 1; name[i]; i++) {
		if (i >= VBUS_NAME_MAX - 1)
			return false;
		if (!isdigit(name[i]) && !islower(name[i]) &&
		    !strchr("_.-", name[i]))
			return false;
	}
	return true;
}

int vbus_model_register(const struct vbus_device_model *model)
{
	int err = 0;

	if (model->type > VBUS_DEVICE_TYPE_MAX)
		return -EINVAL;
	mutex_lock(&vbus_lock);
	if (vbus_models[model->type])
		err = -EEXIST;
	else
		vbus_models[model->type] = model;
	mutex_unlock(&vbus_lock);
	return err;
}

/* Only after every device of the model is gone. */
void vbus_model_unregister(const struct vbus_device_model *model)
{
	mutex_lock(&vbus_lock);
	vbus_models[model->type] = NULL;
	mutex_unlock(&vbus_lock);
}

const struct vbus_device_model *vbus_model_find(u32 type)
{
	lockdep_assert_held(&vbus_lock);
	return type <= VBUS_DEVICE_TYPE_MAX ? vbus_models[type] : NULL;
}

struct vbus_device *vbus_device_find(const char *name)
{
	struct vbus_device *dev;

	lockdep_assert_held(&vbus_lock);
	hash_for_each_possible(vbus_device_names, dev, name_node,
			       full_name_hash(NULL, name, strlen(name)))
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

/* The device with the lowest id >= *id, for dumps that resume. */
struct vbus_device *vbus_device_next(unsigned long *id)
{
	lockdep_assert_held(&vbus_lock);
	return xa_find(&vbus_devices, id, ULONG_MAX, XA_PRESENT);
}

static int vbus_device_check(const char *name, struct netlink_ext_ack *extack)
{
	if (vbus_device_find(name)) {
		NL_SET_ERR_MSG(extack, "a device of that name exists");
		return -EEXIST;
	}
	if (vbus_device_count >= VBUS_MAX_DEVICES) {
		NL_SET_ERR_MSG(extack, "too many devices");
		return -ENOSPC;
	}
	return 0;
}

int vbus_device_create(const char *name, const struct vbus_device_model *model,
		       const struct nlattr *nest, struct vbus_device **ret,
		       struct netlink_ext_ack *extack)
{
	struct vbus_device *dev;
	int err;

	lockdep_assert_held(&vbus_lock);
	err = vbus_device_check(name, extack);
	if (err)
		return err;

	dev = kzalloc(sizeof(*dev) + model->priv_size, GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	vbus_sysfs_init_device(dev);
	strscpy(dev->name, name, sizeof(dev->name));
	dev->model = model;
	u64_stats_init(&dev->stats_sync);
	INIT_LIST_HEAD(&dev->bus_node);

	err = model->init(dev, nest, extack);
	if (err)
		goto err_put;

	err = xa_alloc_cyclic(&vbus_devices, &dev->id, dev, xa_limit_32b,
			      &vbus_device_next_id, GFP_KERNEL);
	if (err < 0)
		goto err_put;

	err = vbus_sysfs_add_device(dev);
	if (err)
		goto err_erase;

	hash_add(vbus_device_names, &dev->name_node,
		 full_name_hash(NULL, dev->name, strlen(dev->name)));
	vbus_device_count++;
	vbus_event_device(VBUS_CMD_DEVICE_NEW, dev);
	*ret = dev;
	return 0;

err_erase:
	xa_erase(&vbus_devices, dev->id);
err_put:
	kobject_put(&dev->kobj);
	return err;
}

/* Removes a device not on a bus; its name is free when this returns. */
int vbus_device_destroy(struct vbus_device *dev, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vbus_lock);
	if (dev->bus) {
		NL_SET_ERR_MSG(extack, "device is connected to a bus: disconnect it first");
		return -EBUSY;
	}
	vbus_event_device(VBUS_CMD_DEVICE_DEL, dev);
	hash_del(&dev->name_node);
	xa_erase(&vbus_devices, dev->id);
	vbus_device_count--;
	vbus_sysfs_del_device(dev);
	kobject_put(&dev->kobj);
	return 0;
}

/* A consistent copy of the counters, which the worker updates meanwhile. */
void vbus_device_stats_read(struct vbus_device *dev, struct vbus_device_stats *stats)
{
	const u64 *from = (const u64 *)&dev->stats;
	u64 *to = (u64 *)stats;
	unsigned int start;
	size_t i;

	BUILD_BUG_ON(sizeof(*stats) % sizeof(u64));
	do {
		start = u64_stats_fetch_begin(&dev->stats_sync);
		for (i = 0; i < sizeof(*stats) / sizeof(u64); i++)
			to[i] = READ_ONCE(from[i]);
	} while (u64_stats_fetch_retry(&dev->stats_sync, start));
}

/* Module exit: disconnects and removes every device. */
void vbus_device_destroy_all(void)
{
	struct vbus_device *dev;
	unsigned long id;

	mutex_lock(&vbus_lock);
	xa_for_each(&vbus_devices, id, dev) {
		if (dev->bus)
			vbus_disconnect(dev, NULL);
		vbus_device_destroy(dev, NULL);
	}
	mutex_unlock(&vbus_lock);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/vbus: the root of the sysfs view, with devices/ and buses/ beneath
 * it and a read-only "version" file.
 */
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "vbus.h"

static struct kobject *vbus_root;
static struct kset *vbus_devices;
static struct kset *vbus_buses;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", VBUS_VERSION);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

int vbus_sysfs_init(void)
{
	int err = -ENOMEM;

	vbus_root = kobject_create_and_add("vbus", NULL);
	if (!vbus_root)
		return -ENOMEM;

	err = sysfs_create_file(vbus_root, &version_attr.attr);
	if (err)
		goto err_root;

	err = -ENOMEM;
	vbus_devices = kset_create_and_add("devices", NULL, vbus_root);
	if (!vbus_devices)
		goto err_root;

	vbus_buses = kset_create_and_add("buses", NULL, vbus_root);
	if (!vbus_buses)
		goto err_devices;

	return 0;

err_devices:
	kset_unregister(vbus_devices);
err_root:
	kobject_put(vbus_root);
	return err;
}

void vbus_sysfs_exit(void)
{
	kset_unregister(vbus_buses);
	kset_unregister(vbus_devices);
	kobject_put(vbus_root);
}

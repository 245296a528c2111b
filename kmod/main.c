// SPDX-License-Identifier: GPL-2.0
/*
 * vbus.ko module life: brings up sysfs, the device models, the generic
 * netlink family and /dev/vbus in order, and takes them down in reverse.
 * Unloading with objects present removes them all (buses, devices,
 * connections); an open /dev/vbus holds the module.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "vbus.h"

static int __init vbus_init(void)
{
	int err;

	err = vbus_sysfs_init();
	if (err)
		return err;

	err = vbus_venet_init();
	if (err)
		goto err_sysfs;

	err = vbus_netlink_init();
	if (err)
		goto err_venet;

	err = vbus_chardev_init();
	if (err)
		goto err_netlink;

	pr_info("vbus: version %s loaded\n", VBUS_VERSION);
	return 0;

err_netlink:
	vbus_netlink_exit();
err_venet:
	vbus_venet_exit();
err_sysfs:
	vbus_sysfs_exit();
	return err;
}

static void __exit vbus_exit(void)
{
	vbus_chardev_exit();
	vbus_netlink_exit();
	vbus_device_destroy_all();
	vbus_bus_destroy_all();
	vbus_venet_exit();
	vbus_sysfs_exit();
	pr_info("vbus: unloaded\n");
}

module_init(vbus_init);
module_exit(vbus_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vbus paravirtual I/O fabric: host core");
MODULE_VERSION(VBUS_VERSION);
MODULE_ALIAS_GENL_FAMILY(VBUS_GENL_NAME);

// SPDX-License-Identifier: GPL-2.0
/*
 * vbus_proxy: the guest side of a vbus. It registers the "vbus-proxy" bus
 * type on which the device drivers of a guest (venet, ...) bind to devices
 * that a bridge (vbus_ivshmem, vbus_loop) finds in the shared region.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/string.h>

#include "compat.h"

#ifndef VBUS_VERSION
#define VBUS_VERSION "unknown"
#endif

/* A device matches a driver of the same device-model name ("venet"). */
static int vbus_proxy_match(struct device *dev,
			    VBUS_MATCH_DRIVER_CONST struct device_driver *drv)
{
	const char *type = dev_get_drvdata(dev);

	return type && !strcmp(type, drv->name);
}

static struct bus_type vbus_proxy_bus = {
	.name = "vbus-proxy",
	.match = vbus_proxy_match,
};

static int __init vbus_proxy_init(void)
{
	return bus_register(&vbus_proxy_bus);
}

static void __exit vbus_proxy_exit(void)
{
	bus_unregister(&vbus_proxy_bus);
}

module_init(vbus_proxy_init);
module_exit(vbus_proxy_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vbus paravirtual I/O fabric: guest bus");
MODULE_VERSION(VBUS_VERSION);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel's fabric: one consistent dump of vbus.ko's buses and devices
 * as a struct fabric, for vbusd and for vbusctl's reads without vbusd. */
#include <errno.h>

#include "fabric.h"

/* An inconsistent dump (objects changed during it) is taken again, this
 * many times at most. */
#define DUMP_ATTEMPTS	5

struct dump {
	struct fabric *fabric;
	fabric_bridge_of bridge;
	void *userdata;
};

static int add_bus(const struct vbus_bus_info *info, void *arg)
{
	struct dump *dump = arg;
	struct fabric_bus bus;

	fabric_bus_from_info(&bus, info);
	return fabric_add_bus(dump->fabric, &bus);
}

static int add_device(const struct vbus_device_info *info, void *arg)
{
	struct dump *dump = arg;
	struct fabric_device device;
	char bridge[VBUS_IFNAME_MAX] = "";

	fabric_device_from_info(&device, info,
				dump->bridge ? dump->bridge(info, bridge, dump->userdata) : NULL);
	return fabric_add_device(dump->fabric, &device);
}

int fabric_dump(struct vbus_client *client, fabric_bridge_of bridge, void *userdata,
		struct fabric **actual)
{
	int r = -EINTR, attempt;

	*actual = NULL;
	for (attempt = 0; attempt < DUMP_ATTEMPTS && r == -EINTR; attempt++) {
		_cleanup_(fabric_freep) struct fabric *fabric = fabric_new();
		struct dump dump = { fabric, bridge, userdata };

		if (!fabric)
			return -ENOMEM;
		r = vbus_bus_dump(client, add_bus, &dump);
		if (r == 0)
			r = vbus_device_dump(client, add_device, &dump);
		if (r == 0) {
			*actual = fabric;
			fabric = NULL;
		}
	}
	return r;
}

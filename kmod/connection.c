// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: a device on a bus. A device is on at most one bus; the bus
 * counts and lists its devices, and sysfs links them.
 */
#include "vbus.h"

int vbus_connect(struct vbus_device *dev, struct vbus_bus *bus,
		 struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&vbus_lock);
	if (dev->bus) {
		if (dev->bus == bus)
			NL_SET_ERR_MSG(extack, "device is connected to this bus already");
		else
			NL_SET_ERR_MSG(extack, "device is connected to another bus");
		return -EBUSY;
	}
	if (bus->device_count >= VBUS_BUS_MAX_DEVICES) {
		NL_SET_ERR_MSG(extack, "bus has the most devices it can take");
		return -ENOSPC;
	}
	err = vbus_sysfs_link(dev, bus);
	if (err)
		return err;
	dev->bus = bus;
	list_add_tail(&dev->bus_node, &bus->devices);
	bus->device_count++;
	vbus_event_connection(VBUS_CMD_CONNECT, dev, bus);
	return 0;
}

int vbus_disconnect(struct vbus_device *dev, struct netlink_ext_ack *extack)
{
	struct vbus_bus *bus = dev->bus;

	lockdep_assert_held(&vbus_lock);
	if (!bus) {
		NL_SET_ERR_MSG(extack, "device is not connected to a bus");
		return -ENOTCONN;
	}
	vbus_sysfs_unlink(dev, bus);
	list_del_init(&dev->bus_node);
	bus->device_count--;
	dev->bus = NULL;
	vbus_event_connection(VBUS_CMD_DISCONNECT, dev, bus);
	return 0;
}

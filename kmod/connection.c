// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: a device on a bus. A device is on at most one bus; the bus
 * counts and lists its devices, and sysfs links them. On an attached bus
 * a connection is a hot-plug: the device gets or loses a slot.
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
	if (bus->attach) {
		err = vbus_region_plug(bus->attach, dev);
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(extack, "no free slot in the bus's attached region");
		else if (err)
			NL_SET_ERR_MSG(extack, "cannot create the device's host interface");
		if (err)
			return err;
	}
	err = vbus_sysfs_link(dev, bus);
	if (err) {
		if (bus->attach)
			vbus_region_unplug(bus->attach, dev);
		return err;
	}
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
	if (bus->attach)
		vbus_region_unplug(bus->attach, dev);
	vbus_sysfs_unlink(dev, bus);
	list_del_init(&dev->bus_node);
	bus->device_count--;
	dev->bus = NULL;
	vbus_event_connection(VBUS_CMD_DISCONNECT, dev, bus);
	return 0;
}

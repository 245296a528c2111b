// SPDX-License-Identifier: GPL-2.0
/*
 * Buses: one per VM. The table of buses (by id for dumps, by name for
 * lookups) and the life of a bus: create, destroy.
 */
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "vbus.h"

/* Under vbus_lock. */
static DEFINE_XARRAY_ALLOC1(vbus_buses);
static DEFINE_HASHTABLE(vbus_bus_names, 8);
static u32 vbus_bus_count;
static u32 vbus_bus_next_id;

struct vbus_bus *vbus_bus_find(const char *name)
{
	struct vbus_bus *bus;

	lockdep_assert_held(&vbus_lock);
	hash_for_each_possible(vbus_bus_names, bus, name_node,
			       full_name_hash(NULL, name, strlen(name)))
		if (!strcmp(bus->name, name))
			return bus;
	return NULL;
}

/* The bus with the lowest id >= *id, for dumps that resume. */
struct vbus_bus *vbus_bus_next(unsigned long *id)
{
	lockdep_assert_held(&vbus_lock);
	return xa_find(&vbus_buses, id, ULONG_MAX, XA_PRESENT);
}

static int vbus_bus_params_check(const struct vbus_bus_params *params,
				 struct netlink_ext_ack *extack)
{
	if (vbus_bus_find(params->name)) {
		NL_SET_ERR_MSG(extack, "a bus of that name exists");
		return -EEXIST;
	}
	if (vbus_bus_count >= VBUS_MAX_BUSES) {
		NL_SET_ERR_MSG(extack, "too many buses");
		return -ENOSPC;
	}
	return 0;
}

int vbus_bus_create(const struct vbus_bus_params *params,
		    struct vbus_bus **ret, struct netlink_ext_ack *extack)
{
	struct vbus_bus *bus;
	int err;

	lockdep_assert_held(&vbus_lock);
	err = vbus_bus_params_check(params, extack);
	if (err)
		return err;

	bus = kzalloc(sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return -ENOMEM;
	vbus_sysfs_init_bus(bus);
	strscpy(bus->name, params->name, sizeof(bus->name));
	bus->connector = params->connector;
	bus->region_size = params->region_size;
	if (params->domain)
		strscpy(bus->domain, params->domain, sizeof(bus->domain));
	if (params->uuid) {
		bus->has_uuid = true;
		memcpy(bus->uuid, params->uuid, VBUS_UUID_LEN);
	}
	bus->state = VBUS_BUS_STATE_OK;
	bus->poll_us = params->poll_us;
	INIT_LIST_HEAD(&bus->devices);

	err = xa_alloc_cyclic(&vbus_buses, &bus->id, bus, xa_limit_32b,
			      &vbus_bus_next_id, GFP_KERNEL);
	if (err < 0)
		goto err_put;

	err = vbus_sysfs_add_bus(bus);
	if (err)
		goto err_erase;

	hash_add(vbus_bus_names, &bus->name_node,
		 full_name_hash(NULL, bus->name, strlen(bus->name)));
	vbus_bus_count++;
	vbus_event_bus(VBUS_CMD_BUS_NEW, bus);
	*ret = bus;
	return 0;

err_erase:
	xa_erase(&vbus_buses, bus->id);
err_put:
	kobject_put(&bus->kobj);
	return err;
}

/* Removes a bus without devices; its name is free when this returns. */
int vbus_bus_destroy(struct vbus_bus *bus, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vbus_lock);
	if (bus->device_count) {
		NL_SET_ERR_MSG(extack, "bus has connected devices: disconnect them first");
		return -EBUSY;
	}
	if (bus->attach || bus->attaching) {
		NL_SET_ERR_MSG(extack, "bus is attached to /dev/vbus: close it first");
		return -EBUSY;
	}
	vbus_event_bus(VBUS_CMD_BUS_DEL, bus);
	hash_del(&bus->name_node);
	xa_erase(&vbus_buses, bus->id);
	vbus_bus_count--;
	vbus_sysfs_del_bus(bus);
	kobject_put(&bus->kobj);
	return 0;
}

/*
 * The one writer of a bus's state: every transition (broken by its guest,
 * ok at the next attach) is made here under vbus_lock and announced with a
 * BUS_GET event carrying the new state.
 */
void vbus_bus_set_state(struct vbus_bus *bus, u32 state)
{
	lockdep_assert_held(&vbus_lock);
	if (bus->state == state)
		return;
	/* READ_ONCE in sysfs's state_show, which does not take the lock. */
	WRITE_ONCE(bus->state, state);
	vbus_event_bus(VBUS_CMD_BUS_GET, bus);
}

/* Module exit: every device is gone already. */
void vbus_bus_destroy_all(void)
{
	struct vbus_bus *bus;
	unsigned long id;

	mutex_lock(&vbus_lock);
	xa_for_each(&vbus_buses, id, bus)
		vbus_bus_destroy(bus, NULL);
	mutex_unlock(&vbus_lock);
}

/*
 * Under vbus_lock. The worker reads poll_us at its next idle moment; the
 * change is announced as BUS_SET, whether it came over netlink or sysfs.
 */
void vbus_bus_set_poll_us(struct vbus_bus *bus, u32 poll_us)
{
	lockdep_assert_held(&vbus_lock);
	WRITE_ONCE(bus->poll_us, poll_us);
	vbus_event_bus(VBUS_CMD_BUS_SET, bus);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a plan on a fabric in memory, with the kernel's refusals (the
 * tests' fake kernel), and the inverse plan that undoes part of one. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fabric-attribute.h"
#include "plan.h"

static size_t devices_on(const struct fabric *fabric, const char *bus)
{
	size_t i, count = 0;

	for (i = 0; i < fabric->device_count; i++)
		count += !strcmp(fabric->devices[i].info.bus, bus);
	return count;
}

static int bus_create(struct fabric *fabric, const struct fabric_bus *bus)
{
	struct fabric_bus copy = *bus;

	if (fabric_find_bus(fabric, bus->info.name))
		return -EEXIST;
	copy.origin = (struct fabric_origin){ 0 };
	return fabric_add_bus(fabric, &copy);
}

static int bus_destroy(struct fabric *fabric, const char *name)
{
	struct fabric_bus *bus = fabric_find_bus(fabric, name);

	if (!bus)
		return -ENOENT;
	if (devices_on(fabric, name))
		return -EBUSY;
	fabric_remove_bus(fabric, bus);
	return 0;
}

static int bus_set(struct fabric *fabric, const struct fabric_bus *changed)
{
	struct fabric_bus *bus = fabric_find_bus(fabric, changed->info.name);

	if (!bus)
		return -ENOENT;
	bus->info.has_poll_us = changed->info.has_poll_us;
	bus->info.poll_us = changed->info.poll_us;
	bus->present = (bus->present & ~FABRIC_BUS_F_POLL_US) |
		       (changed->present & FABRIC_BUS_F_POLL_US);
	return 0;
}

static int device_create(struct fabric *fabric, const struct fabric_device *device)
{
	struct fabric_device copy = *device;

	if (fabric_find_device(fabric, device->info.name))
		return -EEXIST;
	copy.origin = (struct fabric_origin){ 0 };
	copy.info.bus[0] = '\0';
	return fabric_add_device(fabric, &copy);
}

static int device_destroy(struct fabric *fabric, const char *name)
{
	struct fabric_device *device = fabric_find_device(fabric, name);

	if (!device)
		return -ENOENT;
	if (device->info.bus[0])
		return -EBUSY;
	fabric_remove_device(fabric, device);
	return 0;
}

static int device_set(struct fabric *fabric, const struct plan_operation *operation)
{
	struct fabric_device *device = fabric_find_device(fabric, operation->device.info.name);
	const struct fabric_attribute *attribute;
	size_t i;

	if (!device)
		return -ENOENT;
	for (i = 0; i < fabric_attribute_count; i++) {
		attribute = &fabric_attributes[i];
		if (attribute->flag ? operation->changed & attribute->flag : operation->bridge_changed)
			fabric_attribute_copy(attribute, device, &operation->device);
	}
	return 0;
}

static int device_connect(struct fabric *fabric, const char *name, const char *bus)
{
	struct fabric_device *device = fabric_find_device(fabric, name);

	if (!device || !fabric_find_bus(fabric, bus))
		return -ENOENT;
	if (device->info.bus[0])
		return -EBUSY;
	if (devices_on(fabric, bus) >= VBUS_BUS_MAX_DEVICES)
		return -ENOSPC;
	memcpy(device->info.bus, bus, VBUS_NAME_MAX);
	return 0;
}

static int device_disconnect(struct fabric *fabric, const char *name)
{
	struct fabric_device *device = fabric_find_device(fabric, name);

	if (!device)
		return -ENOENT;
	if (!device->info.bus[0])
		return -ENOTCONN;
	device->info.bus[0] = '\0';
	return 0;
}

static int apply(struct fabric *fabric, const struct plan_operation *operation)
{
	const struct fabric_device *device = &operation->device;

	switch (operation->action) {
	case PLAN_BUS_CREATE:
		return bus_create(fabric, &operation->bus);
	case PLAN_BUS_DESTROY:
		return bus_destroy(fabric, operation->bus.info.name);
	case PLAN_BUS_SET:
		return bus_set(fabric, &operation->bus);
	case PLAN_DEVICE_CREATE:
		return device_create(fabric, device);
	case PLAN_DEVICE_DESTROY:
		return device_destroy(fabric, device->info.name);
	case PLAN_DEVICE_SET:
		return device_set(fabric, operation);
	case PLAN_CONNECT:
		return device_connect(fabric, device->info.name, device->info.bus);
	case PLAN_DISCONNECT:
		return device_disconnect(fabric, device->info.name);
	}
	return -EINVAL;
}

int plan_apply_in_memory(const struct plan *plan, struct fabric *fabric, size_t *executed)
{
	size_t i;
	int r;

	for (i = 0; i < plan->count; i++) {
		r = apply(fabric, &plan->operations[i]);
		if (r < 0) {
			*executed = i;
			return r;
		}
	}
	*executed = plan->count;
	return 0;
}

static const enum plan_action inverse_action[] = {
	[PLAN_DISCONNECT] = PLAN_CONNECT,
	[PLAN_DEVICE_DESTROY] = PLAN_DEVICE_CREATE,
	[PLAN_BUS_DESTROY] = PLAN_BUS_CREATE,
	[PLAN_BUS_CREATE] = PLAN_BUS_DESTROY,
	[PLAN_DEVICE_CREATE] = PLAN_DEVICE_DESTROY,
	[PLAN_BUS_SET] = PLAN_BUS_SET,
	[PLAN_DEVICE_SET] = PLAN_DEVICE_SET,
	[PLAN_CONNECT] = PLAN_DISCONNECT,
};

/* The operation that undoes OPERATION into *INVERSE; false when there is
 * nothing it can undo (a change of attributes the device did not have). */
static bool invert(const struct plan_operation *operation, struct plan_operation *inverse)
{
	*inverse = (struct plan_operation){
		.action = inverse_action[operation->action],
		.bus = operation->bus,
		.device = operation->device,
	};
	if (operation->action == PLAN_DEVICE_DESTROY)
		inverse->device.info.bus[0] = '\0';
	if (operation->action == PLAN_BUS_SET) {
		/* A poll_us the bus did not report cannot be put back. */
		inverse->bus = operation->previous_bus;
		inverse->previous_bus = operation->bus;
		return operation->previous_bus.present & FABRIC_BUS_F_POLL_US;
	}
	if (operation->action != PLAN_DEVICE_SET)
		return true;
	inverse->device = operation->previous;
	inverse->previous = operation->device;
	inverse->changed = operation->changed & operation->previous.info.venet.present;
	inverse->bridge_changed = operation->bridge_changed;
	return inverse->changed || inverse->bridge_changed;
}

int plan_inverse(const struct plan *plan, size_t executed, struct plan **result)
{
	_cleanup_(plan_freep) struct plan *inverse = calloc(1, sizeof(struct plan));
	size_t i;

	*result = NULL;
	if (!inverse)
		return -ENOMEM;
	if (executed > plan->count)
		return -EINVAL;
	inverse->operations = calloc(executed + 1, sizeof(*inverse->operations));
	if (!inverse->operations)
		return -ENOMEM;
	inverse->capacity = executed + 1;
	for (i = executed; i-- > 0;)
		if (invert(&plan->operations[i], &inverse->operations[inverse->count]))
			inverse->count++;
	*result = inverse;
	inverse = NULL;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drift: what others change in the kernel. Attribute changes are adopted;
 * managed buses, devices and connections that disappear are restored
 * through the apply path, or reported, as --drift says. vbusd's own changes
 * never count: the check compares the kernel with the desired state after
 * the fact, and adoption compares an event with the view vbusd last read. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "drift.h"
#include "kernel.h"
#include "log.h"
#include "reconcile.h"
#include "state.h"

static const struct {
	uint32_t flag;
	size_t offset;
	const char *name;
} adoptable[] = {
	{ VBUS_VENET_F_MTU, offsetof(struct vbus_venet_config, mtu), "mtu" },
	{ VBUS_VENET_F_ZCTHRESH, offsetof(struct vbus_venet_config, zcthresh), "zcthresh" },
	{ VBUS_VENET_F_WMEM, offsetof(struct vbus_venet_config, wmem), "wmem" },
	{ VBUS_VENET_F_TXQLEN, offsetof(struct vbus_venet_config, txqlen), "txqlen" },
};

static uint32_t venet_value(const struct vbus_venet_config *venet, size_t i)
{
	return *(const uint32_t *)((const char *)venet + adoptable[i].offset);
}

int drift_refresh(struct manager *manager)
{
	struct fabric *actual;
	int r = kernel_dump(manager, &actual);

	if (r < 0)
		return r;
	fabric_free(manager->actual);
	manager->actual = actual;
	return 0;
}

/*
 * Takes into the desired state the attributes of NOW that differ from what
 * vbusd saw BEFORE (NULL: from what the desired state sets) and from what it
 * wants: someone else set them.
 */
static void adopt(struct manager *manager, const struct vbus_device_info *now,
		  const struct fabric_device *before)
{
	struct fabric_device *wanted = fabric_find_device(manager->desired, now->name);
	char changes[256] = "", fields[384];
	uint32_t value;
	size_t i;
	int r;

	if (!wanted)
		return;
	for (i = 0; i < sizeof(adoptable) / sizeof(adoptable[0]); i++) {
		value = venet_value(&now->venet, i);
		if (!(now->venet.present & adoptable[i].flag))
			continue;
		if (before && venet_value(&before->info.venet, i) == value)
			continue;
		if (!before && !(wanted->info.venet.present & adoptable[i].flag))
			continue;
		if ((wanted->info.venet.present & adoptable[i].flag) &&
		    venet_value(&wanted->info.venet, i) == value)
			continue;
		*(uint32_t *)((char *)&wanted->info.venet + adoptable[i].offset) = value;
		wanted->info.venet.present |= adoptable[i].flag;
		snprintf(changes + strlen(changes), sizeof(changes) - strlen(changes), "%s%s %u",
			 changes[0] ? ", " : "", adoptable[i].name, value);
	}
	if (!changes[0])
		return;
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=device\nVBUS_NAME=%s\nVBUS_ADOPTED=%s",
		 now->name, changes);
	log_fields(LOG_INFO, 0, fields, "device %s: changed outside vbusd (%s): adopted", now->name,
		   changes);
	r = state_write(manager->state_file, manager->desired);
	if (r < 0)
		log_error(r, "%s: cannot persist the desired state: %s", manager->state_file,
			  strerror(-r));
	manager_update_status(manager);
}

static void check_later(struct manager *manager);

static void update_actual(struct manager *manager, const struct vbus_event *event)
{
	struct fabric *actual = manager->actual;
	struct fabric_device *device = fabric_find_device(actual, event->device.name);
	struct fabric_bus *bus = fabric_find_bus(actual, event->bus.name);
	struct fabric_device copy;
	struct fabric_bus bus_copy;

	switch (event->cmd) {
	case VBUS_CMD_BUS_NEW:
		if (bus)
			fabric_remove_bus(actual, bus);
		fabric_bus_from_info(&bus_copy, &event->bus);
		fabric_add_bus(actual, &bus_copy);
		break;
	case VBUS_CMD_BUS_DEL:
		if (bus)
			fabric_remove_bus(actual, bus);
		break;
	case VBUS_CMD_BUS_GET:
		if (bus)
			bus->info.state = event->bus.state;
		break;
	case VBUS_CMD_BUS_SET:
		if (bus) {
			bus->info.has_poll_us = event->bus.has_poll_us;
			bus->info.poll_us = event->bus.poll_us;
			if (bus->info.has_poll_us)
				bus->present |= FABRIC_BUS_F_POLL_US;
		}
		break;
	case VBUS_CMD_DEVICE_NEW:
	case VBUS_CMD_DEVICE_SET:
		fabric_device_from_info(&copy, &event->device, device ? device->bridge : NULL);
		if (device)
			fabric_remove_device(actual, device);
		fabric_add_device(actual, &copy);
		break;
	case VBUS_CMD_DEVICE_DEL:
		if (device)
			fabric_remove_device(actual, device);
		break;
	case VBUS_CMD_CONNECT:
		if (device)
			snprintf(device->info.bus, VBUS_NAME_MAX, "%s", event->bus.name);
		break;
	case VBUS_CMD_DISCONNECT:
		if (device)
			device->info.bus[0] = '\0';
		break;
	}
}

void drift_on_event(struct manager *manager, const struct vbus_event *event)
{
	const struct fabric_device *before;
	struct fabric_device previous;
	bool managed = false;

	if (!manager->actual)
		return;
	before = fabric_find_device(manager->actual, event->device.name);
	if (before)
		previous = *before;
	if (event->cmd == VBUS_CMD_DEVICE_SET)
		adopt(manager, &event->device, before ? &previous : NULL);
	update_actual(manager, event);
	switch (event->cmd) {
	case VBUS_CMD_BUS_DEL:
		managed = fabric_find_bus(manager->desired, event->bus.name);
		break;
	case VBUS_CMD_DEVICE_DEL:
	case VBUS_CMD_DISCONNECT:
		managed = fabric_find_device(manager->desired, event->device.name);
		break;
	}
	if (managed)
		check_later(manager);
}

void drift_resync(struct manager *manager)
{
	size_t i;

	if (drift_refresh(manager) < 0)
		return;
	for (i = 0; i < manager->actual->device_count; i++)
		adopt(manager, &manager->actual->devices[i].info, NULL);
	check_later(manager);
}

/* --- the check ---------------------------------------------------------- */

static void add_drift(struct manager *manager, const char *object, const char *name,
		      const char *what)
{
	struct drift *bigger;
	size_t i;

	for (i = 0; i < manager->drift_count; i++)
		if (!strcmp(manager->drifts[i].object, object) &&
		    !strcmp(manager->drifts[i].name, name))
			return;
	bigger = reallocarray(manager->drifts, manager->drift_count + 1, sizeof(*bigger));
	if (!bigger)
		return;
	manager->drifts = bigger;
	bigger = &manager->drifts[manager->drift_count++];
	snprintf(bigger->object, sizeof(bigger->object), "%s", object);
	snprintf(bigger->name, sizeof(bigger->name), "%s", name);
	snprintf(bigger->what, sizeof(bigger->what), "%s", what);
}

/* Logs and signals one drift; with policy report, records it. */
static void note_drift(struct manager *manager, const char *object, const char *name,
		       const char *what)
{
	bool restore = manager->options.drift == DRIFT_RESTORE;
	char fields[160], details[192];

	snprintf(fields, sizeof(fields), "VBUS_OBJECT=%s\nVBUS_NAME=%s\nVBUS_DRIFT=%s", object, name,
		 restore ? "restored" : "reported");
	log_fields(LOG_WARNING, 0, fields, "%s %s: %s outside vbusd: %s", object, name, what,
		   restore ? "restoring it" : "reported (drift policy report)");
	snprintf(details, sizeof(details), "{\"what\":\"%s\"}", what);
	manager_emit_event(manager, restore ? "drift-restored" : "drift-reported", object, name,
			   details);
	if (!restore)
		add_drift(manager, object, name, what);
}

/* Managed objects the kernel lacks; how many. */
static size_t find_drift(struct manager *manager, const struct fabric *actual)
{
	const struct fabric *desired = manager->desired;
	const struct fabric_device *now;
	char what[96];
	size_t i, count = 0;

	for (i = 0; i < desired->bus_count; i++)
		if (!fabric_find_bus(actual, desired->buses[i].info.name)) {
			note_drift(manager, "bus", desired->buses[i].info.name, "deleted");
			count++;
		}
	for (i = 0; i < desired->device_count; i++) {
		now = fabric_find_device(actual, desired->devices[i].info.name);
		if (!now) {
			note_drift(manager, "device", desired->devices[i].info.name, "deleted");
			count++;
		} else if (desired->devices[i].info.bus[0] &&
			   strcmp(now->info.bus, desired->devices[i].info.bus)) {
			snprintf(what, sizeof(what), "disconnected from %s",
				 desired->devices[i].info.bus);
			note_drift(manager, "connection", now->info.name, what);
			count++;
		}
	}
	return count;
}

static int on_check(sd_event_source *source, void *userdata)
{
	struct manager *manager = userdata;
	struct apply_request request = {
		.desired = manager->desired,
		.source = "drift",
	};
	_cleanup_free_ char *result = NULL;
	char error[1024];
	int r;

	manager->drift_check = sd_event_source_unref(source);
	if (drift_refresh(manager) < 0 || !find_drift(manager, manager->actual)) {
		manager_update_status(manager);
		return 0;
	}
	if (manager->options.drift == DRIFT_RESTORE) {
		r = reconcile_apply(manager, &request, &result, error, sizeof(error));
		if (r < 0)
			log_fields(LOG_ERR, r, "VBUS_DRIFT=restore-failed", "restoring drift: %s",
				   error);
	}
	manager_update_status(manager);
	return 0;
}

/* One check for any number of events: after the loop drained them. */
static void check_later(struct manager *manager)
{
	if (manager->drift_check)
		return;
	if (sd_event_add_defer(manager->event, &manager->drift_check, on_check, manager) < 0)
		manager->drift_check = NULL;
}

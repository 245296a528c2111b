/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's side of vbusd: dumps into a fabric, plan operations through
 * libvbus, and the event socket in the loop (re-emitted, fed to drift.c). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "drift.h"
#include "kernel.h"
#include "log.h"
#include "ports.h"

static const char *device_bridge(struct manager *manager, const struct vbus_device_info *info,
				 char bridge[VBUS_IFNAME_MAX])
{
	const struct fabric_device *wanted;
	struct link_state state;

	if (link_get(manager->link, info->venet.ifname, &state) == 0) {
		snprintf(bridge, VBUS_IFNAME_MAX, "%s", state.bridge);
		return bridge;
	}
	/* Not observable: take the wanted bridge as the one it is on, so that
	 * no plan tries to change what nobody can see. */
	wanted = manager->desired ? fabric_find_device(manager->desired, info->name) : NULL;
	snprintf(bridge, VBUS_IFNAME_MAX, "%s", wanted ? wanted->bridge : "");
	return bridge;
}

struct dump {
	struct manager *manager;
	struct fabric *fabric;
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
	char bridge[VBUS_IFNAME_MAX];

	fabric_device_from_info(&device, info, device_bridge(dump->manager, info, bridge));
	return fabric_add_device(dump->fabric, &device);
}

int kernel_dump(struct manager *manager, struct fabric **actual)
{
	int r = -EINTR, attempt;

	*actual = NULL;
	/* An inconsistent dump (objects changed during it) is taken again. */
	for (attempt = 0; attempt < 5 && r == -EINTR; attempt++) {
		_cleanup_(fabric_freep) struct fabric *fabric = fabric_new();
		struct dump dump = { manager, fabric };

		if (!fabric)
			return -ENOMEM;
		r = vbus_bus_dump(manager->client, add_bus, &dump);
		if (r == 0)
			r = vbus_device_dump(manager->client, add_device, &dump);
		if (r == 0) {
			*actual = fabric;
			fabric = NULL;
		}
	}
	return r;
}

static int execute_operation(struct manager *manager, const struct plan_operation *operation)
{
	const struct fabric_device *device = &operation->device;
	struct vbus_venet_config venet;
	int r = 0;

	switch (operation->action) {
	case PLAN_DISCONNECT:
		return vbus_disconnect(manager->client, device->info.name);
	case PLAN_DEVICE_DESTROY:
		return vbus_device_del(manager->client, device->info.name);
	case PLAN_BUS_DESTROY:
		return vbus_bus_del(manager->client, operation->bus.info.name);
	case PLAN_BUS_CREATE:
		return vbus_bus_new(manager->client, &operation->bus.info);
	case PLAN_BUS_SET:
		return vbus_bus_set_poll_us(manager->client, operation->bus.info.name,
					    operation->bus.info.poll_us);
	case PLAN_DEVICE_CREATE:
		r = vbus_device_new(manager->client, &device->info);
		if (r == 0 && device->bridge[0])
			ports_configure(manager, device, device->bridge);
		return r;
	case PLAN_DEVICE_SET:
		if (operation->changed) {
			venet = device->info.venet;
			venet.present = operation->changed;
			r = vbus_device_set(manager->client, device->info.name, &venet);
		}
		if (r == 0 && operation->bridge_changed)
			ports_configure(manager, device, device->bridge);
		return r;
	case PLAN_CONNECT:
		return vbus_connect(manager->client, device->info.name, device->info.bus);
	}
	return -EINVAL;
}

int kernel_execute(struct manager *manager, const struct plan *plan, size_t *executed)
{
	int r;

	for (*executed = 0; *executed < plan->count; (*executed)++) {
		r = execute_operation(manager, &plan->operations[*executed]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- events ---------------------------------------------------------------- */

static const struct {
	unsigned int cmd;
	const char *kind, *object;
} event_names[] = {
	{ VBUS_CMD_BUS_NEW, "bus-new", "bus" },
	{ VBUS_CMD_BUS_DEL, "bus-del", "bus" },
	{ VBUS_CMD_BUS_SET, "bus-set", "bus" },
	{ VBUS_CMD_DEVICE_NEW, "device-new", "device" },
	{ VBUS_CMD_DEVICE_DEL, "device-del", "device" },
	{ VBUS_CMD_DEVICE_SET, "device-set", "device" },
	{ VBUS_CMD_CONNECT, "connect", "connection" },
	{ VBUS_CMD_DISCONNECT, "disconnect", "connection" },
};

const char *kernel_event_kind(unsigned int cmd)
{
	size_t i;

	for (i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (event_names[i].cmd == cmd)
			return event_names[i].kind;
	return NULL;
}

const char *kernel_event_object(unsigned int cmd)
{
	size_t i;

	for (i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (event_names[i].cmd == cmd)
			return event_names[i].object;
	return NULL;
}

/* The details of an event: the object's attributes after the change. */
static char *event_details(const struct vbus_event *event)
{
	struct json_object *details = NULL;
	struct fabric_device device;
	struct fabric_bus bus;
	char *text;

	switch (event->cmd) {
	case VBUS_CMD_BUS_NEW:
	case VBUS_CMD_BUS_DEL:
	case VBUS_CMD_BUS_GET:
	case VBUS_CMD_BUS_SET:
		fabric_bus_from_info(&bus, &event->bus);
		details = fabric_bus_to_json(&bus, true);
		if (details && event->cmd == VBUS_CMD_BUS_GET)
			json_object_object_add(details, "state", json_object_new_string(
					vbus_bus_state_to_string(event->bus.state) ?: "unknown"));
		break;
	case VBUS_CMD_DEVICE_NEW:
	case VBUS_CMD_DEVICE_DEL:
	case VBUS_CMD_DEVICE_SET:
		fabric_device_from_info(&device, &event->device, NULL);
		details = fabric_device_to_json(&device, true);
		break;
	default:
		details = json_object_new_object();
		json_object_object_add(details, "device",
				       json_object_new_string(event->device.name));
		json_object_object_add(details, "bus", json_object_new_string(event->bus.name));
		break;
	}
	if (!details)
		return NULL;
	text = strdup(json_object_to_json_string_ext(details, JSON_C_TO_STRING_PLAIN));
	json_object_put(details);
	return text;
}

static const char *event_name(const struct vbus_event *event)
{
	if (event->cmd == VBUS_CMD_BUS_NEW || event->cmd == VBUS_CMD_BUS_DEL ||
	    event->cmd == VBUS_CMD_BUS_GET || event->cmd == VBUS_CMD_BUS_SET)
		return event->bus.name;
	return event->device.name;
}

/* The kernel announces a bus's state change (broken by its guest, or reset
 * by a new attachment) as a BUS_GET event; only the break is an Event. */
static void bus_state_changed(struct manager *manager, const struct vbus_event *event)
{
	_cleanup_free_ char *details = NULL;
	char fields[128];

	if (event->bus.state != VBUS_BUS_STATE_BROKEN) {
		log_info("bus %s: %s again (a guest attached)", event->bus.name,
			 vbus_bus_state_to_string(event->bus.state) ?: "unknown");
		return;
	}
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=bus\nVBUS_NAME=%s\n", event->bus.name);
	log_fields(LOG_ERR, 0, fields,
		   "bus %s: broken: the guest corrupted the shared region (reset when a guest attaches again)",
		   event->bus.name);
	details = event_details(event);
	manager_emit_event(manager, "bus-broken", "bus", event->bus.name, details ? details : "{}");
}

static void handle_event(struct manager *manager, const struct vbus_event *event)
{
	const char *kind = kernel_event_kind(event->cmd);
	_cleanup_free_ char *details = NULL;

	if (event->cmd == VBUS_CMD_BUS_GET) {
		bus_state_changed(manager, event);
		drift_on_event(manager, event);
		return;
	}
	if (!kind)
		return;
	details = event_details(event);
	manager_emit_event(manager, kind, kernel_event_object(event->cmd), event_name(event),
			   details ? details : "{}");
	drift_on_event(manager, event);
}

static int on_events(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct manager *manager = userdata;
	struct vbus_event event;
	int r;

	(void)source;
	(void)fd;
	(void)revents;
	for (;;) {
		r = vbus_events_next(manager->events, &event, 0);
		if (r == -ETIMEDOUT || r == -EAGAIN) {
			manager_update_status(manager);
			return 0;
		}
		if (r == -ENOBUFS) {
			log_warning("kernel events were lost (socket buffer full): reading the kernel again");
			drift_resync(manager);
			continue;
		}
		if (r == -EBADMSG)
			continue;
		if (r < 0)
			return log_error(0, "kernel events: %s", strerror(-r));
		handle_event(manager, &event);
	}
}

int kernel_watch_events(struct manager *manager)
{
	return sd_event_add_io(manager->event, &manager->events_source,
			       vbus_events_fd(manager->events), EPOLLIN, on_events, manager);
}

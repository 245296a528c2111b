/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's side of vbusd: dumps into a fabric, plan operations through
 * libvbus, and the event socket in the loop, which keeps the kernel's fabric
 * current and reports each change to the one callback. */
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "family-watch.h"
#include "json-cleanup.h"
#include "kernel.h"
#include "log.h"
#include "macro.h"

struct kernel {
	sd_event *event;
	struct vbus_client *client;
	struct vbus_events *events;
	sd_event_source *events_source;
	struct fabric *fabric;		/* as the events say */
	bool present;			/* vbus.ko loaded (the family registered) */
	struct family_watch *watch;	/* the family going and coming */
	kernel_changed_t changed;
	kernel_presence_t presence;
	void *userdata;
};

static void on_family(bool present, void *userdata);

int kernel_new(sd_event *event, kernel_changed_t changed, kernel_presence_t presence,
	       void *userdata, struct kernel **result)
{
	struct kernel *kernel = calloc(1, sizeof(*kernel));
	int r;

	if (!kernel)
		return -ENOMEM;
	kernel->event = sd_event_ref(event);
	kernel->changed = changed;
	kernel->presence = presence;
	kernel->userdata = userdata;
	r = family_watch_new(event, VBUS_GENL_NAME, on_family, kernel, &kernel->watch);
	if (r < 0)
		log_warning_errno(r, "cannot follow vbus.ko coming and going (%m): after rmmod/modprobe vbus, restart vbusd");
	*result = kernel;
	return 0;
}

/* The sockets of a module that went: its family id and groups are stale. */
static void kernel_close(struct kernel *kernel)
{
	kernel->events_source = sd_event_source_disable_unref(kernel->events_source);
	vbus_events_close(kernel->events);
	vbus_client_close(kernel->client);
	kernel->events = NULL;
	kernel->client = NULL;
}

void kernel_free(struct kernel *kernel)
{
	if (!kernel)
		return;
	family_watch_free(kernel->watch);
	kernel_close(kernel);
	fabric_free(kernel->fabric);
	sd_event_unref(kernel->event);
	free(kernel);
}

static int add_bus(const struct vbus_bus_info *info, void *arg)
{
	struct fabric_bus bus;

	fabric_bus_from_info(&bus, info);
	return fabric_add_bus(arg, &bus);
}

static int add_device(const struct vbus_device_info *info, void *arg)
{
	struct fabric_device device;

	fabric_device_from_info(&device, info, NULL);
	return fabric_add_device(arg, &device);
}

int kernel_dump(struct kernel *kernel, struct fabric **actual)
{
	int r = -EINTR, attempt;

	*actual = NULL;
	if (!kernel->client)
		return -ENOTCONN;
	/* An inconsistent dump (objects changed during it) is taken again. */
	for (attempt = 0; attempt < 5 && r == -EINTR; attempt++) {
		_cleanup_(fabric_freep) struct fabric *fabric = fabric_new();

		if (!fabric)
			return -ENOMEM;
		r = vbus_bus_dump(kernel->client, add_bus, fabric);
		if (r == 0)
			r = vbus_device_dump(kernel->client, add_device, fabric);
		if (r == 0) {
			*actual = fabric;
			fabric = NULL;
		}
	}
	return r;
}

bool kernel_present(const struct kernel *kernel)
{
	return kernel->present;
}

int kernel_refresh(struct kernel *kernel)
{
	struct fabric *fabric;
	int r = kernel_dump(kernel, &fabric);

	if (r < 0)
		return r;
	fabric_free(kernel->fabric);
	kernel->fabric = fabric;
	return 0;
}

const struct fabric *kernel_fabric(const struct kernel *kernel)
{
	return kernel->fabric;
}

struct vbus_client *kernel_client(struct kernel *kernel)
{
	return kernel->client;
}

const char *kernel_error(const struct kernel *kernel)
{
	return kernel->client ? vbus_client_error(kernel->client) : "";
}

int kernel_execute(struct kernel *kernel, const struct plan_operation *operation)
{
	const struct fabric_device *device = &operation->device;
	struct vbus_venet_config venet;

	switch (operation->action) {
	case PLAN_DISCONNECT:
		return vbus_disconnect(kernel->client, device->info.name);
	case PLAN_DEVICE_DESTROY:
		return vbus_device_del(kernel->client, device->info.name);
	case PLAN_BUS_DESTROY:
		return vbus_bus_del(kernel->client, operation->bus.info.name);
	case PLAN_BUS_CREATE:
		return vbus_bus_new(kernel->client, &operation->bus.info);
	case PLAN_BUS_SET:
		return vbus_bus_set_poll_us(kernel->client, operation->bus.info.name,
					    operation->bus.info.poll_us);
	case PLAN_DEVICE_CREATE:
		return vbus_device_new(kernel->client, &device->info);
	case PLAN_DEVICE_SET:
		if (!operation->changed)
			return 0;
		venet = device->info.venet;
		venet.present = operation->changed;
		return vbus_device_set(kernel->client, device->info.name, &venet);
	case PLAN_CONNECT:
		return vbus_connect(kernel->client, device->info.name, device->info.bus);
	}
	return -EINVAL;
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

/* The names of CMD's event; NULL when it has none. */
static const char *event_name_of(unsigned int cmd, bool object)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(event_names); i++)
		if (event_names[i].cmd == cmd)
			return object ? event_names[i].object : event_names[i].kind;
	return NULL;
}

const char *kernel_event_kind(unsigned int cmd)
{
	return event_name_of(cmd, false);
}

const char *kernel_event_object(unsigned int cmd)
{
	return event_name_of(cmd, true);
}

char *kernel_event_details(const struct vbus_event *event)
{
	_cleanup_(json_object_putp) struct json_object *details = NULL;
	struct fabric_device device;
	struct fabric_bus bus;

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
		if (!details)
			break;
		json_object_object_add(details, "device",
				       json_object_new_string(event->device.name));
		json_object_object_add(details, "bus", json_object_new_string(event->bus.name));
		break;
	}
	if (!details)
		return NULL;
	return strdup(json_object_to_json_string_ext(details, JSON_C_TO_STRING_PLAIN));
}

const char *kernel_event_name(const struct vbus_event *event)
{
	if (event->cmd == VBUS_CMD_BUS_NEW || event->cmd == VBUS_CMD_BUS_DEL ||
	    event->cmd == VBUS_CMD_BUS_GET || event->cmd == VBUS_CMD_BUS_SET)
		return event->bus.name;
	return event->device.name;
}

/* Takes EVENT into the kernel's fabric (a device keeps the bridge it had). */
static void update_fabric(struct fabric *fabric, const struct vbus_event *event)
{
	struct fabric_device *device = fabric_find_device(fabric, event->device.name);
	struct fabric_bus *bus = fabric_find_bus(fabric, event->bus.name);
	struct fabric_device copy;
	struct fabric_bus bus_copy;

	switch (event->cmd) {
	case VBUS_CMD_BUS_NEW:
		if (bus)
			fabric_remove_bus(fabric, bus);
		fabric_bus_from_info(&bus_copy, &event->bus);
		fabric_add_bus(fabric, &bus_copy);
		break;
	case VBUS_CMD_BUS_DEL:
		if (bus)
			fabric_remove_bus(fabric, bus);
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
			fabric_remove_device(fabric, device);
		fabric_add_device(fabric, &copy);
		break;
	case VBUS_CMD_DEVICE_DEL:
		if (device)
			fabric_remove_device(fabric, device);
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

static void handle_event(struct kernel *kernel, const struct vbus_event *event)
{
	const struct fabric_device *found;
	struct fabric_device before;

	if (event->cmd != VBUS_CMD_BUS_GET && !kernel_event_kind(event->cmd))
		return;
	found = fabric_find_device(kernel->fabric, event->device.name);
	if (found)
		before = *found;
	update_fabric(kernel->fabric, event);
	kernel->changed(event, found ? &before : NULL, kernel->userdata);
}

static int on_events(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	(void)source;
	(void)fd;
	(void)revents;
	kernel_process_events(userdata);
	return 0;
}

void kernel_process_events(struct kernel *kernel)
{
	struct vbus_event event;
	int r;

	if (!kernel->events)
		return;
	for (;;) {
		r = vbus_events_next(kernel->events, &event, 0);
		if (r == -ETIMEDOUT || r == -EAGAIN)
			return;
		if (r == -ENOBUFS) {
			log_warning("kernel events were lost (socket buffer full): reading the kernel again");
			r = kernel_refresh(kernel);
			if (r < 0)
				log_error_errno(r, "cannot read the kernel's fabric: %m");
			else
				kernel->changed(NULL, NULL, kernel->userdata);
			continue;
		}
		if (r == -EBADMSG)
			continue;
		if (r < 0) {
			log_error_errno(r, "kernel events: %m; no longer following them");
			sd_event_source_set_enabled(kernel->events_source, SD_EVENT_OFF);
			return;
		}
		if (kernel->fabric)
			handle_event(kernel, &event);
	}
}

int kernel_open(struct kernel *kernel)
{
	int r;

	kernel_close(kernel);
	r = vbus_events_open(&kernel->events);
	if (r >= 0)
		r = vbus_client_open(&kernel->client);
	if (r >= 0)
		r = sd_event_add_io(kernel->event, &kernel->events_source,
				    vbus_events_fd(kernel->events), EPOLLIN, on_events, kernel);
	if (r >= 0)
		r = kernel_refresh(kernel);
	kernel->present = r >= 0;
	return r;
}

static void on_family(bool present, void *userdata)
{
	struct kernel *kernel = userdata;
	int r;

	if (present == kernel->present)
		return;
	if (!present) {
		/* the client stays until the family is back: its requests get
		 * ENOENT meanwhile, never a NULL client */
		kernel->events_source = sd_event_source_disable_unref(kernel->events_source);
		vbus_events_close(kernel->events);
		kernel->events = NULL;
		kernel->present = false;
		fabric_free(kernel->fabric);
		kernel->fabric = fabric_new();
		kernel->presence(false, kernel->userdata);
		return;
	}
	r = kernel_open(kernel);
	if (r < 0) {
		log_error_errno(r, "vbus.ko is back, but vbusd cannot talk to it: %m");
		return;
	}
	kernel->presence(true, kernel->userdata);
}

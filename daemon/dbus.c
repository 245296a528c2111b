/* SPDX-License-Identifier: GPL-2.0-or-later */
/* org.vbus.Manager1's transports: the system bus name and the private
 * socket server; who may change things; signals to every peer. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>

#include "dbus.h"
#include "log.h"
#include "private.h"

struct dbus {
	sd_bus *system_bus;
	struct private_server *private;
	const sd_bus_vtable *vtable;
	void *userdata;
};

static int setup_connection(sd_bus *bus, void *userdata)
{
	struct dbus *dbus = userdata;

	return sd_bus_add_object_vtable(bus, NULL, DBUS_PATH, DBUS_INTERFACE, dbus->vtable,
					dbus->userdata);
}

static void join_system_bus(struct dbus *dbus, sd_event *event, const char *private_socket)
{
	_cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
	int r;

	r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = setup_connection(bus, dbus);
	if (r >= 0)
		r = sd_bus_request_name(bus, DBUS_NAME, 0);
	if (r >= 0)
		r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0) {
		log_warning_errno(r, "system bus: not serving %s there: %m (the private socket %s serves)",
				  DBUS_NAME, private_socket);
		return;
	}
	dbus->system_bus = bus;
	bus = NULL;
}

int dbus_new(sd_event *event, const char *private_socket, bool system_bus,
	     const sd_bus_vtable *vtable, void *userdata, struct dbus **result)
{
	_cleanup_(dbus_freep) struct dbus *dbus = calloc(1, sizeof(*dbus));
	int r;

	if (!dbus)
		return -ENOMEM;
	dbus->vtable = vtable;
	dbus->userdata = userdata;
	r = private_server_new(event, private_socket, setup_connection, dbus, &dbus->private);
	if (r < 0)
		return r;
	if (system_bus)
		join_system_bus(dbus, event, private_socket);
	*result = dbus;
	dbus = NULL;
	return 0;
}

void dbus_free(struct dbus *dbus)
{
	if (!dbus)
		return;
	private_server_free(dbus->private);
	sd_bus_flush_close_unref(dbus->system_bus);
	free(dbus);
}

int dbus_check_privilege(struct dbus *dbus, sd_bus_message *message, const char *method,
			 sd_bus_error *error)
{
	int r = private_server_privileged(dbus->private, sd_bus_message_get_bus(message));

	if (r == -ENOENT)
		r = sd_bus_query_sender_privilege(message, CAP_NET_ADMIN);
	if (r > 0)
		return 1;
	return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
				 "vbusd: %s: permission denied (needs CAP_NET_ADMIN)", method);
}

struct event {
	const char *kind, *object, *name, *details;
};

static void send_event(sd_bus *bus, void *arg)
{
	const struct event *event = arg;

	sd_bus_emit_signal(bus, DBUS_PATH, DBUS_INTERFACE, "Event", "ssss", event->kind,
			   event->object, event->name, event->details);
}

void dbus_emit_event(struct dbus *dbus, const char *kind, const char *object, const char *name,
		     const char *details)
{
	struct event event = { kind, object, name, details };

	if (!dbus)
		return;
	if (dbus->system_bus)
		send_event(dbus->system_bus, &event);
	private_server_broadcast(dbus->private, send_event, &event);
}

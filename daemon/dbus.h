/* SPDX-License-Identifier: GPL-2.0-or-later */
/* org.vbus.Manager1's transports: the system bus when there is one, and
 * always the private socket (private.c). The objects served are the front
 * end's (api.c's vtable); this file only carries them. */
#ifndef VBUSD_DBUS_H
#define VBUSD_DBUS_H

#include <stdbool.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "macro.h"

#define DBUS_NAME	"org.vbus.Manager1"
#define DBUS_PATH	"/org/vbus/Manager1"
#define DBUS_INTERFACE	"org.vbus.Manager1"

struct dbus;

/* Serves VTABLE (with USERDATA) at DBUS_PATH on the private socket and,
 * when SYSTEM_BUS, on the system bus (a failure there is only logged). */
int dbus_new(sd_event *event, const char *private_socket, bool system_bus,
	     const sd_bus_vtable *vtable, void *userdata, struct dbus **dbus);
void dbus_free(struct dbus *dbus);
DEFINE_CLEANUP_FUNC(struct dbus, dbus_free)

/* Whether the sender of MESSAGE has CAP_NET_ADMIN: 1; else 0, with
 * AccessDenied in ERROR. */
int dbus_check_privilege(struct dbus *dbus, sd_bus_message *message, const char *method,
			 sd_bus_error *error);

/* The Event signal on the system bus and every private connection. */
void dbus_emit_event(struct dbus *dbus, const char *kind, const char *object, const char *name,
		     const char *details);

#endif

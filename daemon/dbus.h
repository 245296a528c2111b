/* SPDX-License-Identifier: GPL-2.0-or-later */
/* org.vbus.Manager1 on D-Bus: the system bus when there is one, and always
 * the private socket (peer to peer, root only). */
#ifndef VBUSD_DBUS_H
#define VBUSD_DBUS_H

#include "manager.h"

#define DBUS_NAME	"org.vbus.Manager1"
#define DBUS_PATH	"/org/vbus/Manager1"
#define DBUS_INTERFACE	"org.vbus.Manager1"

/* Listens on the private socket and, unless disabled, joins the system bus
 * (a failure there is only logged). */
int dbus_start(struct manager *manager);
void dbus_stop(struct manager *manager);
/* The Event signal on the system bus and every private connection. */
void dbus_emit_event(struct manager *manager, const char *kind, const char *object,
		     const char *name, const char *details);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The connection to vbusd (org.vbus.Manager1) and its method calls. */
#ifndef VBUSCTL_DAEMON_H
#define VBUSCTL_DAEMON_H

#include <systemd/sd-bus.h>

#include "cli.h"

#define DAEMON_PRIVATE_SOCKET	"/run/vbus/private"
#define DAEMON_BUS_NAME		"org.vbus.Manager1"
#define DAEMON_PATH		"/org/vbus/Manager1"
#define DAEMON_INTERFACE	"org.vbus.Manager1"

/* Connects CONTEXT to vbusd once: --address / $VBUS_ADDRESS as a peer, else
 * the private socket when this user may open it, else the system bus. An
 * exit code; a failure is reported. */
int daemon_connect(struct context *context);

/* A new call of METHOD on vbusd; -errno. */
int daemon_method(struct context *context, const char *method, sd_bus_message **message);
/* Sends MESSAGE and waits for the reply (up to the context's timeout). An
 * exit code; a failure is reported as "vbusctl: OBJECT: WHAT: why". */
int daemon_call(struct context *context, sd_bus_message *message, const char *object,
		const char *what, sd_bus_message **reply);
/* Connects, then calls METHOD, which takes no argument; its reply in *REPLY
 * (may be NULL). An exit code; a failure is reported as daemon_call() does. */
int daemon_call_method(struct context *context, const char *method, const char *object,
		       const char *what, sd_bus_message **reply);
/* Calls a method that takes NAMES (as) or nothing (NAMES NULL) and returns
 * one JSON string; *TEXT points into *REPLY. An exit code. */
int daemon_get(struct context *context, const char *method, char **names, const char *object,
	       sd_bus_message **reply, const char **text);
void daemon_disconnect(struct context *context);

#endif

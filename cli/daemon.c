/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl's transport: where vbusd listens, how to reach it, and the one
 * place method calls are made and their failures reported. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "error.h"
#include "macro.h"

static int connect_peer(struct context *context, const char *address)
{
	sd_bus *bus = NULL;
	int r;

	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, address);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		return r;
	}
	context->bus = bus;
	context->destination = NULL;
	return 0;
}

/* "unix:path=/run/vbus/private" shows as the path, other addresses whole. */
static const char *address_shown(const char *address)
{
	return strncmp(address, "unix:path=", 10) ? address : address + 10;
}

/* Reports that vbusd cannot be reached (or keeps it for a read that falls
 * back to the kernel: context->unreachable_text); the exit code. */
static int report_unreachable(struct context *context, const char *message, const char *hint,
			      int r)
{
	int code = error_exit_code(NULL, r);

	context->unreachable_error = r;
	if (context->quiet_unreachable && code == EXIT_UNREACHABLE) {
		snprintf(context->unreachable_text, sizeof(context->unreachable_text),
			 "vbusctl: vbusd: %s%s%s%s\n", message, hint ? " (hint: " : "",
			 hint ? hint : "", hint ? ")" : "");
		return code;
	}
	error_print("vbusd", message, hint);
	return code;
}

static int report_connect(struct context *context, const char *address, int r)
{
	char message[512];
	const char *hint;

	snprintf(message, sizeof(message), "cannot connect to %s: %s", address_shown(address),
		 strerror(-r));
	if (context->address)
		/* the user named the address: it, not vbusd, may be wrong */
		hint = "is vbusd listening there? Without --address and $VBUS_ADDRESS, vbusctl finds it";
	else if (r == -EACCES || r == -EPERM)
		hint = "only root may use vbusd's private socket: run vbusctl as root";
	else
		hint = "systemctl start vbusd";
	return report_unreachable(context, message, hint, r);
}

/* "TRANSPORT:KEY=VALUE[,KEY=VALUE...][;...]", as sd_bus_set_address() takes. */
static bool address_valid(const char *address)
{
	const char *colon = strchr(address, ':');

	return colon && colon > address && strchr(colon, '=');
}

int daemon_connect(struct context *context)
{
	const char *address = context->address;
	int r;

	if (context->bus)
		return EXIT_OK;
	if (address && !address_valid(address)) {
		char message[512];

		snprintf(message, sizeof(message), "%s: not a D-Bus address", address);
		error_print(getenv("VBUS_ADDRESS") && !strcmp(getenv("VBUS_ADDRESS"), address) ?
				    "$VBUS_ADDRESS" : "--address",
			    message, "expected TRANSPORT:KEY=VALUE, e.g. unix:path=" DAEMON_PRIVATE_SOCKET);
		return EXIT_USAGE;
	}
	if (!address && !context->system_bus) {
		address = "unix:path=" DAEMON_PRIVATE_SOCKET;
		if (access(DAEMON_PRIVATE_SOCKET, R_OK | W_OK) < 0) {
			int saved = -errno;

			/* No private socket for this user: vbusd may still
			 * serve it on the system bus. */
			r = sd_bus_open_system(&context->bus);
			if (r >= 0) {
				context->destination = DAEMON_BUS_NAME;
				context->private_error = saved;
				return EXIT_OK;
			}
			return report_connect(context, address, saved);
		}
	}
	if (context->system_bus && !context->address) {
		r = sd_bus_open_system(&context->bus);
		if (r < 0)
			return report_unreachable(context, "cannot connect to the system bus",
						  "systemctl start dbus", r);
		context->destination = DAEMON_BUS_NAME;
		return EXIT_OK;
	}
	r = connect_peer(context, address);
	if (r < 0)
		return report_connect(context, address, r);
	return EXIT_OK;
}

void daemon_disconnect(struct context *context)
{
	context->bus = sd_bus_flush_close_unref(context->bus);
}

int daemon_method(struct context *context, const char *method, sd_bus_message **message)
{
	return sd_bus_message_new_method_call(context->bus, message, context->destination,
					      DAEMON_PATH, DAEMON_INTERFACE, method);
}

int daemon_call(struct context *context, sd_bus_message *message, const char *object,
		const char *what, sd_bus_message **reply)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_call(context->bus, message, context->timeout_usec, &error, reply);
	if (r >= 0)
		return EXIT_OK;
	/* vbusd not on the system bus either: why the private socket failed
	 * (absent: not running; closed to us: not root) is what to act on. */
	if (context->private_error && error_exit_code(error.name, r) == EXIT_UNREACHABLE)
		return report_connect(context, "unix:path=" DAEMON_PRIVATE_SOCKET,
				      context->private_error);
	if (context->quiet_unreachable && error_exit_code(error.name, r) == EXIT_UNREACHABLE)
		return report_unreachable(context, error.message ? error.message : strerror(-r),
					  error_hint(error.name), r);
	/* "Exists": the hint about --may-exist only where the verb has it */
	return error_report_hint(object, what, error.name, error.message, r,
				 error.name && !strcmp(error.name, ERROR_EXISTS) ?
					 context->exists_hint : error_hint(error.name));
}

int daemon_call_method(struct context *context, const char *method, const char *object,
		       const char *what, sd_bus_message **reply)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	int code, r;

	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, method, &message);
	if (r < 0)
		return error_report(object, what, NULL, NULL, r);
	return daemon_call(context, message, object, what, reply);
}

int daemon_get(struct context *context, const char *method, char **names, const char *object,
	       sd_bus_message **reply, const char **text)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	int r, code;

	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, method, &message);
	if (r >= 0 && names)
		r = sd_bus_message_append_strv(message, names);
	if (r < 0)
		return error_report(object, method, NULL, NULL, r);
	code = daemon_call(context, message, object, "cannot read", reply);
	if (code != EXIT_OK)
		return code;
	r = sd_bus_message_read(*reply, "s", text);
	if (r < 0)
		return error_report(object, "unexpected reply from vbusd", NULL, NULL, r);
	return EXIT_OK;
}

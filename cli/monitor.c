/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl monitor: vbusd's Event signals, one line each, until SIGINT or
 * SIGTERM (or until vbusd goes away). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-event.h>

#include "daemon.h"
#include "error.h"
#include "macro.h"
#include "options.h"
#include "output.h"
#include "status.h"

#define MONITOR_USAGE \
	"usage: vbusctl monitor\n\n" \
	"Prints every change vbusd sees or makes as it happens, one line each:\n" \
	"KIND OBJECT NAME and the object's attributes after the change, e.g.\n" \
	"  device-set device web0 type=venet bus=web mtu=9000 zcthresh=0 wmem=1MiB ...\n" \
	"With -j, one JSON object per line: {\"kind\", \"object\", \"name\", \"details\"}\n" \
	"(--pretty: indented, one object after the other).\n" \
	"Runs until interrupted (SIGINT, SIGTERM); once listening it says so on\n" \
	"standard error.\n"

struct monitor {
	struct context *context;
	sd_event *event;
	int exit_code;
};

void monitor_render(FILE *out, const char *kind, const char *object, const char *name,
		    struct json_object *details)
{
	char text[512];

	fprintf(out, "%s %s%s%s", kind, object, *name ? " " : "", name);
	if (json_object_is_type(details, json_type_object)) {
		json_object_object_foreach(details, key, value) {
			if (!strcmp(key, "name") || !strcmp(key, "text") ||
			    json_object_is_type(value, json_type_object))
				continue;
			if (json_object_is_type(value, json_type_array))
				snprintf(text, sizeof(text), "%zu", json_object_array_length(value));
			else
				output_value(key, value, text, sizeof(text));
			fprintf(out, " %s=%s", key, text);
		}
	}
	fputc('\n', out);
}

static int on_event(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct monitor *monitor = userdata;
	_cleanup_(json_object_putp) struct json_object *details = NULL, *line = NULL;
	const char *kind, *object, *name, *text;
	int r;

	(void)error;
	r = sd_bus_message_read(message, "ssss", &kind, &object, &name, &text);
	if (r < 0) {
		error_print("monitor", "an Event signal that is not (ssss): ignored", NULL);
		return 0;
	}
	details = json_tokener_parse(text);
	if (monitor->context->json) {
		line = json_object_new_object();
		json_object_object_add(line, "kind", json_object_new_string(kind));
		json_object_object_add(line, "object", json_object_new_string(object));
		json_object_object_add(line, "name", json_object_new_string(name));
		json_object_object_add(line, "details", json_object_get(details));
		output_json(monitor->context, stdout, line);
	} else {
		monitor_render(stdout, kind, object, name, details);
	}
	fflush(stdout);
	return 0;
}

static int on_disconnect(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct monitor *monitor = userdata;

	(void)message;
	(void)error;
	error_print("vbusd", "connection lost", "systemctl status vbusd");
	monitor->exit_code = EXIT_UNREACHABLE;
	return sd_event_exit(monitor->event, EXIT_UNREACHABLE);
}

/* A round trip, so that vbusd has taken this connection (and, on the
 * system bus, the match) before "listening" is said. */
static int wait_for_daemon(struct context *context)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *version = NULL;
	int r;

	r = sd_bus_get_property_string(context->bus, context->destination, DAEMON_PATH,
				       DAEMON_INTERFACE, "Version", &error, &version);
	if (r < 0)
		return error_report("vbusd", "cannot subscribe to events", error.name,
				    error.message, r);
	fprintf(stderr, "Listening to the events of vbusd %s; Ctrl-C stops.\n", version);
	return EXIT_OK;
}

int command_monitor(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_event_unrefp) sd_event *event = NULL;
	_cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL, *disconnect_slot = NULL;
	struct monitor monitor = { .context = context, .exit_code = EXIT_OK };
	sigset_t mask;
	int first, code, r;

	code = options_parse_verb(context, MONITOR_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("monitor", MONITOR_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	r = sd_event_default(&event);
	monitor.event = event;
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
	if (r >= 0)
		r = sd_bus_attach_event(context->bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r >= 0)
		r = sd_bus_match_signal(context->bus, &slot, context->destination, DAEMON_PATH,
					DAEMON_INTERFACE, "Event", on_event, &monitor);
	if (r >= 0)
		r = sd_bus_match_signal(context->bus, &disconnect_slot, "org.freedesktop.DBus.Local",
					"/org/freedesktop/DBus/Local", "org.freedesktop.DBus.Local",
					"Disconnected", on_disconnect, &monitor);
	if (r < 0)
		return error_report("monitor", "cannot subscribe to events", NULL, NULL, r);
	code = wait_for_daemon(context);
	if (code != EXIT_OK)
		return code;
	r = sd_event_loop(event);
	sd_bus_detach_event(context->bus);
	if (r < 0)
		return error_report("monitor", "event loop failed", NULL, NULL, r);
	return monitor.exit_code;
}

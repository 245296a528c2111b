/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl status: vbusd's GetStatus, as a summary read at a glance. */
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "macro.h"
#include "options.h"
#include "output.h"
#include "status.h"

#define STATUS_USAGE \
	"usage: vbusctl status\n\n" \
	"Summarises vbusd's view: whether the kernel is in sync with the desired\n" \
	"state, how many buses and devices, which objects each fabric.d file defines\n" \
	"(and which vbusctl made), unmanaged objects, drift, problems and the last\n" \
	"apply. -j prints vbusd's JSON.\n" \
	"Exit status: 0 in sync without problems, 11 when the kernel is not in sync\n" \
	"with the desired state or there are problems (for scripts), else as every\n" \
	"verb (4: vbusd unreachable).\n"

static const char *string_of(struct json_object *o, const char *key, const char *otherwise)
{
	struct json_object *value;

	if (!json_object_object_get_ex(o, key, &value) || !json_object_is_type(value, json_type_string))
		return otherwise;
	return json_object_get_string(value);
}

static int64_t number_of(struct json_object *o, const char *key)
{
	struct json_object *value;

	return json_object_object_get_ex(o, key, &value) ? json_object_get_int64(value) : 0;
}

/* "Label:      first line", the next lines indented under it. */
static void print_list(FILE *out, const char *label, struct json_object *array,
		       void (*item)(char *text, size_t size, struct json_object *value))
{
	size_t i, count = json_object_is_type(array, json_type_array) ?
				  json_object_array_length(array) : 0;
	char text[512];

	if (count == 0) {
		fprintf(out, "%-12s%s\n", label, "none");
		return;
	}
	for (i = 0; i < count; i++) {
		item(text, sizeof(text), json_object_array_get_idx(array, i));
		fprintf(out, "%-12s%s\n", i ? "" : label, text);
	}
}

static void problem_item(char *text, size_t size, struct json_object *value)
{
	snprintf(text, size, "%s", json_object_get_string(value));
}

static void drift_item(char *text, size_t size, struct json_object *value)
{
	snprintf(text, size, "%s %s: %s", string_of(value, "object", "?"),
		 string_of(value, "name", "?"), string_of(value, "what", "?"));
}

static void print_unmanaged(FILE *out, struct json_object *unmanaged)
{
	struct json_object *buses = NULL, *devices = NULL;
	char bus_text[512], device_text[512];

	json_object_object_get_ex(unmanaged, "buses", &buses);
	json_object_object_get_ex(unmanaged, "devices", &devices);
	output_value(NULL, buses, bus_text, sizeof(bus_text));
	output_value(NULL, devices, device_text, sizeof(device_text));
	if (!strcmp(bus_text, "-") && !strcmp(device_text, "-"))
		fprintf(out, "%-12s%s\n", "Unmanaged:", "none");
	else
		fprintf(out, "%-12sbuses %s; devices %s\n", "Unmanaged:", bus_text, device_text);
}

/* "bus vm1, devices web0 web1" appended to TEXT: NAMES of KIND, if any. */
static void append_names(char *text, size_t size, const char *kind, struct json_object *names)
{
	size_t count = json_object_is_type(names, json_type_array) ?
			       json_object_array_length(names) : 0;
	size_t length = strlen(text), i;

	if (count == 0 || length >= size)
		return;
	length += snprintf(text + length, size - length, "%s%s%s", length ? ", " : "", kind,
			   count == 1 ? "" : kind[strlen(kind) - 1] == 's' ? "es" : "s");
	for (i = 0; i < count && length < size; i++)
		length += snprintf(text + length, size - length, " %s",
				   json_object_get_string(json_object_array_get_idx(names, i)));
}

/* "/etc/vbus/fabric.d/10-web.json: bus vm1, devices web0 web1", or "made by
 * vbusctl: device own0". */
static void source_item(char *text, size_t size, struct json_object *value)
{
	const char *source = string_of(value, "source", "?");
	struct json_object *buses = NULL, *devices = NULL;
	char objects[400] = "";

	json_object_object_get_ex(value, "buses", &buses);
	json_object_object_get_ex(value, "devices", &devices);
	append_names(objects, sizeof(objects), "bus", buses);
	append_names(objects, sizeof(objects), "device", devices);
	snprintf(text, size, "%s%s: %s", strcmp(source, "vbusctl") ? "" : "made by ", source,
		 objects);
}

static void print_last_apply(FILE *out, struct json_object *last)
{
	const char *error;
	int64_t operations;

	if (!last || !json_object_is_type(last, json_type_object)) {
		fprintf(out, "%-12s%s\n", "Last apply:", "never");
		return;
	}
	operations = number_of(last, "operations");
	fprintf(out, "%-12s%s, %s: %s, %lld operation%s\n", "Last apply:",
		string_of(last, "time", "?"), string_of(last, "source", "?"),
		string_of(last, "result", "?"), (long long)operations, operations == 1 ? "" : "s");
	error = string_of(last, "error", NULL);
	if (error)
		fprintf(out, "%-12s%s\n", "", error);
}

/* vbusd's libvirt connection: null with --no-libvirt; absent from a vbusd
 * older than it. Not a problem either way: vbus works without libvirt. */
static void print_libvirt(FILE *out, struct json_object *status)
{
	struct json_object *libvirt = NULL, *value = NULL;
	int64_t domains;

	if (!json_object_object_get_ex(status, "libvirt", &libvirt))
		return;
	if (!json_object_is_type(libvirt, json_type_object)) {
		fprintf(out, "%-12s%s\n", "libvirt:", "not followed (vbusd --no-libvirt)");
		return;
	}
	json_object_object_get_ex(libvirt, "connected", &value);
	domains = number_of(libvirt, "domains");
	if (json_object_get_boolean(value))
		fprintf(out, "%-12sconnected to %s (%lld domain%s with vbus)\n", "libvirt:",
			string_of(libvirt, "uri", "?"), (long long)domains, domains == 1 ? "" : "s");
	else
		fprintf(out, "%-12snot connected to %s (%s, retrying in %llds)\n", "libvirt:",
			string_of(libvirt, "uri", "?"), string_of(libvirt, "reason", "?"),
			(long long)number_of(libvirt, "retry_in"));
}

bool status_healthy(struct json_object *status)
{
	struct json_object *value = NULL, *problems = NULL;

	json_object_object_get_ex(status, "in_sync", &value);
	json_object_object_get_ex(status, "problems", &problems);
	return json_object_get_boolean(value) &&
	       (!json_object_is_type(problems, json_type_array) ||
		json_object_array_length(problems) == 0);
}

void status_render(FILE *out, struct json_object *status)
{
	struct json_object *kernel = NULL, *value = NULL, *problems;
	size_t count;

	fprintf(out, "%-12s%s (drift policy %s)\n", "vbusd:", string_of(status, "version", "?"),
		string_of(status, "drift_policy", "?"));
	if (json_object_object_get_ex(status, "kernel", &kernel) &&
	    json_object_is_type(kernel, json_type_object))
		fprintf(out, "%-12s%s (generic netlink version %lld)\n", "vbus.ko:",
			string_of(kernel, "module", "?"), (long long)number_of(kernel, "genl_version"));
	else
		fprintf(out, "%-12s%s\n", "vbus.ko:", "not loaded (hint: modprobe vbus)");
	print_libvirt(out, status);
	json_object_object_get_ex(status, "in_sync", &value);
	problems = NULL;
	json_object_object_get_ex(status, "problems", &problems);
	count = json_object_is_type(problems, json_type_array) ? json_object_array_length(problems) : 0;
	fprintf(out, "%-12s%s", "State:", json_object_get_boolean(value) ? "in sync" : "NOT in sync");
	if (count)
		fprintf(out, ", %zu problem%s (below)", count, count == 1 ? "" : "s");
	fputc('\n', out);
	fprintf(out, "%-12s%lld bus%s, %lld device%s\n", "Objects:",
		(long long)number_of(status, "buses"), number_of(status, "buses") == 1 ? "" : "es",
		(long long)number_of(status, "devices"), number_of(status, "devices") == 1 ? "" : "s");
	value = NULL;
	json_object_object_get_ex(status, "unmanaged", &value);
	print_unmanaged(out, value);
	value = NULL;
	if (json_object_object_get_ex(status, "sources", &value))
		print_list(out, "Files:", value, source_item);
	value = NULL;
	json_object_object_get_ex(status, "drift", &value);
	print_list(out, "Drift:", value, drift_item);
	value = NULL;
	json_object_object_get_ex(status, "problems", &value);
	print_list(out, "Problems:", value, problem_item);
	value = NULL;
	json_object_object_get_ex(status, "last_apply", &value);
	print_last_apply(out, value);
	value = NULL;
	if (json_object_object_get_ex(status, "checkpoint", &value) &&
	    json_object_is_type(value, json_type_object))
		fprintf(out, "%-12spending: rolled back at %s unless vbusctl commit\n", "Checkpoint:",
			string_of(value, "deadline", "?"));
	fprintf(out, "%-12s%s\n", "State file:", string_of(status, "state_file", "-"));
	fprintf(out, "%-12s%s\n", "Config dir:", string_of(status, "config_dir", "-"));
}

int command_status(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(json_object_putp) struct json_object *status = NULL;
	const char *text;
	int first, code;

	code = options_parse_verb(context, STATUS_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("status", STATUS_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	code = daemon_get(context, "GetStatus", NULL, "status", &reply, &text);
	if (code != EXIT_OK)
		return code;
	status = output_parse(text, "status");
	if (!status)
		return EXIT_FAILED;
	if (context->json)
		output_json(context, stdout, status);
	else
		status_render(stdout, status);
	return status_healthy(status) ? EXIT_OK : EXIT_DEGRADED;
}

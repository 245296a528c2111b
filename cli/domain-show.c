/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl domain show: a libvirt domain's vbus devices (its metadata) with
 * what vbusd knows of them (GetBuses, GetDevices): the bus, its QEMU peer,
 * each device's link; and that the domain cannot be live-migrated. */
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "domain.h"
#include "domain-libvirt.h"
#include "json-cleanup.h"
#include "macro.h"
#include "options.h"
#include "output.h"

#define SHOW_USAGE \
	"usage: vbusctl domain show DOMAIN [-c|--connect URI]\n\n" \
	"The vbus devices of the libvirt domain DOMAIN (name or UUID) from its\n" \
	"metadata (live when it runs), with what vbusd knows: whether its bus exists,\n" \
	"its state, the QEMU peer on the bus's socket, each device's bus and link.\n" \
	"  -c, --connect URI  libvirt's URI (default $LIBVIRT_DEFAULT_URI, else\n" \
	"                 qemu:///system)\n" \
	"-j prints one JSON object.\n"

#define MIGRATION_NOTE \
	"cannot be live-migrated while it has vbus devices (QEMU does not migrate " \
	"ivshmem-doorbell devices): detach them first or shut it down"

/* The member NAME of vbusd's reply to METHOD whose "name" is WANTED; a new
 * reference, or NULL. */
static struct json_object *vbusd_object(struct context *context, const char *method,
					const char *member, const char *wanted)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(json_object_putp) struct json_object *parsed = NULL;
	struct json_object *array, *object, *name;
	char *all[] = { NULL };
	const char *text;
	size_t i;

	if (daemon_get(context, method, all, "vbusd", &reply, &text) != EXIT_OK)
		return NULL;
	parsed = json_tokener_parse(text);
	if (!parsed || !json_object_object_get_ex(parsed, member, &array))
		return NULL;
	for (i = 0; i < json_object_array_length(array); i++) {
		object = json_object_array_get_idx(array, i);
		if (json_object_object_get_ex(object, "name", &name) &&
		    !strcmp(json_object_get_string(name), wanted))
			return json_object_get(object);
	}
	return NULL;
}

static struct json_object *member_or_null(struct json_object *object, const char *name)
{
	struct json_object *value;

	return object && json_object_object_get_ex(object, name, &value) ?
		json_object_get(value) : NULL;
}

/* The domain's bus as vbusd has it. */
static struct json_object *bus_json(struct context *context, const struct domain_vbus *vbus,
				    bool reachable)
{
	_cleanup_(json_object_putp) struct json_object *actual = NULL;
	struct json_object *bus = json_object_new_object();

	if (reachable)
		actual = vbusd_object(context, "GetBuses", "buses", vbus->bus);
	json_object_object_add(bus, "name", json_object_new_string(vbus->bus));
	json_object_object_add(bus, "exists", reachable ? json_object_new_boolean(!!actual) : NULL);
	json_object_object_add(bus, "state", member_or_null(actual, "state"));
	json_object_object_add(bus, "domain", member_or_null(actual, "domain"));
	json_object_object_add(bus, "ivshmem", member_or_null(actual, "ivshmem"));
	return bus;
}

/* The domain's devices: the metadata's attributes, and vbusd's view. */
static struct json_object *devices_json(struct context *context, const struct domain_vbus *vbus,
					bool reachable)
{
	struct json_object *devices = json_object_new_array(), *wanted, *device, *value;
	bool connected;
	size_t i;

	json_object_object_get_ex(vbus->fabric, "devices", &wanted);
	for (i = 0; i < vbus->device_count; i++) {
		_cleanup_(json_object_putp) struct json_object *actual = NULL;

		device = json_object_new_object();
		json_object_object_foreach(json_object_array_get_idx(wanted, i), key, attribute)
			if (strcmp(key, "bus"))
				json_object_object_add(device, key, json_object_get(attribute));
		json_object_object_add(device, "persistent",
				       json_object_new_boolean(vbus->devices[i].persistent));
		if (reachable)
			actual = vbusd_object(context, "GetDevices", "devices",
					      vbus->devices[i].name);
		json_object_object_add(device, "exists",
				       reachable ? json_object_new_boolean(!!actual) : NULL);
		value = member_or_null(actual, "bus");
		connected = value && !strcmp(json_object_get_string(value), vbus->bus);
		json_object_put(value);
		json_object_object_add(device, "connected",
				       reachable ? json_object_new_boolean(connected) : NULL);
		json_object_object_add(device, "link", member_or_null(actual, "link"));
		json_object_array_add(devices, device);
	}
	return devices;
}

static struct json_object *show_json(struct context *context,
				     const struct domain_libvirt *libvirt,
				     const struct domain_vbus *vbus)
{
	struct json_object *show = json_object_new_object();
	bool reachable = false;

	json_object_object_add(show, "domain", json_object_new_string(libvirt->name));
	json_object_object_add(show, "uuid", json_object_new_string(libvirt->uuid));
	json_object_object_add(show, "running", json_object_new_boolean(libvirt->active));
	json_object_object_add(show, "persistent", json_object_new_boolean(libvirt->persistent));
	if (vbus->present) {
		/* a read: vbusd unreachable is said in the output, not an error */
		context->quiet_unreachable = true;
		reachable = daemon_connect(context) == EXIT_OK;
	}
	json_object_object_add(show, "vbusd", vbus->present ?
			       json_object_new_boolean(reachable) : NULL);
	json_object_object_add(show, "bus", vbus->present ? bus_json(context, vbus, reachable) :
							    NULL);
	json_object_object_add(show, "devices", vbus->present ?
			       devices_json(context, vbus, reachable) : json_object_new_array());
	json_object_object_add(show, "migratable", json_object_new_boolean(!vbus->present));
	json_object_object_add(show, "migration", vbus->present ?
			       json_object_new_string(MIGRATION_NOTE) : NULL);
	return show;
}

static const char *text(struct json_object *object, const char *key, char *buffer, size_t size)
{
	struct json_object *value = NULL;

	json_object_object_get_ex(object, key, &value);
	output_value(key, value, buffer, size);
	return buffer;
}

static void render_bus(FILE *out, struct json_object *bus, bool reachable)
{
	struct json_object *exists, *ivshmem, *connected;
	char state[32], socket[128], id[32], pid[32];

	json_object_object_get_ex(bus, "exists", &exists);
	fprintf(out, "bus %s: ", json_object_get_string(json_object_object_get(bus, "name")));
	if (!reachable) {
		fprintf(out, "vbusd unreachable\n");
		return;
	}
	if (!json_object_get_boolean(exists)) {
		fprintf(out, "not in vbusd\n");
		return;
	}
	fprintf(out, "state %s", text(bus, "state", state, sizeof(state)));
	json_object_object_get_ex(bus, "ivshmem", &ivshmem);
	if (ivshmem) {
		json_object_object_get_ex(ivshmem, "connected", &connected);
		fprintf(out, ", socket %s", text(ivshmem, "socket", socket, sizeof(socket)));
		if (json_object_get_boolean(connected))
			fprintf(out, ", QEMU peer %s (pid %s) connected",
				text(ivshmem, "peer_id", id, sizeof(id)),
				text(ivshmem, "peer_pid", pid, sizeof(pid)));
		else
			fprintf(out, ", no QEMU peer connected");
	}
	fputc('\n', out);
}

static void render(FILE *out, struct json_object *show)
{
	static const char *const attributes[] = {
		"type", "mac", "mtu", "zcthresh", "wmem", "txqlen", "ifname", "bridge",
	};
	struct json_object *devices, *device, *bus, *value, *vbusd;
	bool reachable;
	char buffer[128];
	size_t i, k;

	fprintf(out, "domain %s (%s, %s%s)\n", text(show, "domain", buffer, sizeof(buffer)),
		json_object_get_string(json_object_object_get(show, "uuid")),
		json_object_get_boolean(json_object_object_get(show, "running")) ? "running" :
										   "not running",
		json_object_get_boolean(json_object_object_get(show, "persistent")) ?
			", persistent" : ", transient");
	json_object_object_get_ex(show, "bus", &bus);
	if (!bus) {
		fprintf(out, "no vbus devices\n");
		return;
	}
	json_object_object_get_ex(show, "vbusd", &vbusd);
	reachable = json_object_get_boolean(vbusd);
	render_bus(out, bus, reachable);
	json_object_object_get_ex(show, "devices", &devices);
	for (i = 0; i < json_object_array_length(devices); i++) {
		device = json_object_array_get_idx(devices, i);
		const char *separator = " ";

		fprintf(out, "device %s:", text(device, "name", buffer, sizeof(buffer)));
		for (k = 0; k < ELEMENTSOF(attributes); k++)
			if (json_object_object_get_ex(device, attributes[k], &value)) {
				fprintf(out, "%s%s %s", separator, attributes[k],
					text(device, attributes[k], buffer, sizeof(buffer)));
				separator = ", ";
			}
		if (json_object_get_boolean(json_object_object_get(device, "persistent")))
			fprintf(out, ", persistent");
		if (!reachable)
			fprintf(out, "\n");
		else if (!json_object_get_boolean(json_object_object_get(device, "exists")))
			fprintf(out, "; not in vbusd\n");
		else
			fprintf(out, "; %s, link %s\n",
				json_object_get_boolean(json_object_object_get(device,
									       "connected")) ?
					"connected" : "not connected",
				text(device, "link", buffer, sizeof(buffer)));
	}
	fprintf(out, "migration: %s\n", MIGRATION_NOTE);
}

int command_domain_show(struct context *context, int argc, char **argv)
{
	struct domain_libvirt libvirt;
	_cleanup_(json_object_putp) struct json_object *show = NULL;
	_cleanup_free_ char *xml = NULL;
	struct domain_vbus vbus = { 0 };
	const char *uri = NULL;
	const struct verb_option options[] = {
		{ .name = "connect", .short_name = 'c', .argument = &uri },
		{ NULL },
	};
	char error[256];
	int first, code;

	code = options_parse_verb(context, SHOW_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("domain show", SHOW_USAGE, argc - first, 1, 1);
	if (code >= 0)
		return code;
	code = domain_libvirt_open(uri, argv[first], &libvirt);
	if (code == EXIT_OK)
		code = domain_libvirt_xml(&libvirt, libvirt.active, &xml);
	if (code == EXIT_OK && domain_vbus_parse(xml, strlen(xml), &vbus, error,
						 sizeof(error)) < 0) {
		fprintf(stderr, "vbusctl: domain %s: vbus metadata: %s\n", libvirt.name, error);
		code = EXIT_FAILED;
	}
	if (code == EXIT_OK) {
		show = show_json(context, &libvirt, &vbus);
		if (context->json)
			output_json(context, stdout, show);
		else
			render(stdout, show);
	}
	domain_vbus_clear(&vbus);
	domain_libvirt_close(&libvirt);
	return code;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl show: the whole fabric as one tree, as ovs-vsctl show: buses, the
 * devices on each, each device's host interface, bridge and link; then the
 * devices on no bus. From GetBuses and GetDevices (or the kernel). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "object.h"
#include "options.h"
#include "output.h"

#define SHOW_USAGE \
	"usage: vbusctl show\n\n" \
	"Shows the whole fabric as one tree: each bus with its devices, each device\n" \
	"with its host interface, bridge and link, then the devices on no bus.\n" \
	"-j prints {\"buses\": [{..., \"devices\": [{...}]}], \"unconnected\": [{...}]},\n" \
	"the objects as bus show and device show print them. When vbusd is\n" \
	"unreachable, the kernel is read directly (and the output says so).\n"

static const char *text_of(struct json_object *object, const char *key, char *text, size_t size)
{
	struct json_object *value = NULL;

	json_object_object_get_ex(object, key, &value);
	output_value(key, value, text, size);
	return text;
}

static bool unmanaged(struct json_object *object)
{
	struct json_object *value;

	return json_object_object_get_ex(object, "managed", &value) &&
	       json_object_is_type(value, json_type_boolean) && !json_object_get_boolean(value);
}

/* ", unmanaged", ", source FILE" for an object a fabric.d file defines, or
 * "" (vbusctl's own objects, or no vbusd to ask). */
static const char *ownership(struct json_object *object, char *text, size_t size)
{
	struct json_object *value;
	const char *source;

	if (unmanaged(object))
		return ", unmanaged";
	if (!json_object_object_get_ex(object, "source", &value) ||
	    !json_object_is_type(value, json_type_string))
		return "";
	source = json_object_get_string(value);
	if (!strcmp(source, "vbusctl"))
		return "";
	snprintf(text, size, ", source %s", source);
	return text;
}

static void render_device(FILE *out, struct json_object *device)
{
	char name[64], type[32], mac[32], mtu[32], ifname[32], link[32], bridge[32];
	char owner[4200];

	fprintf(out, "    device %s (%s, mac %s, mtu %s%s)\n",
		text_of(device, "name", name, sizeof(name)),
		text_of(device, "type", type, sizeof(type)), text_of(device, "mac", mac, sizeof(mac)),
		text_of(device, "mtu", mtu, sizeof(mtu)), ownership(device, owner, sizeof(owner)));
	fprintf(out, "        interface %s: link %s, bridge %s\n",
		text_of(device, "ifname", ifname, sizeof(ifname)),
		text_of(device, "link", link, sizeof(link)),
		text_of(device, "bridge", bridge, sizeof(bridge)));
}

static void render(FILE *out, struct json_object *tree)
{
	struct json_object *buses = NULL, *unconnected = NULL, *bus, *devices;
	char name[64], connector[32], region[32], state[32], domain[300], owner[4200];
	size_t i, j;

	json_object_object_get_ex(tree, "buses", &buses);
	json_object_object_get_ex(tree, "unconnected", &unconnected);
	for (i = 0; i < json_object_array_length(buses); i++) {
		bus = json_object_array_get_idx(buses, i);
		fprintf(out, "bus %s (connector %s, region %s, state %s, domain %s%s)\n",
			text_of(bus, "name", name, sizeof(name)),
			text_of(bus, "connector", connector, sizeof(connector)),
			text_of(bus, "region_size", region, sizeof(region)),
			text_of(bus, "state", state, sizeof(state)),
			text_of(bus, "domain", domain, sizeof(domain)),
			ownership(bus, owner, sizeof(owner)));
		devices = NULL;
		json_object_object_get_ex(bus, "devices", &devices);
		if (json_object_array_length(devices) == 0)
			fprintf(out, "    no devices\n");
		for (j = 0; j < json_object_array_length(devices); j++)
			render_device(out, json_object_array_get_idx(devices, j));
	}
	if (json_object_array_length(unconnected) > 0)
		fprintf(out, "on no bus\n");
	for (j = 0; j < json_object_array_length(unconnected); j++)
		render_device(out, json_object_array_get_idx(unconnected, j));
	if (json_object_array_length(buses) == 0 && json_object_array_length(unconnected) == 0)
		fprintf(out, "no buses, no devices\n");
}

/* BUSES' "devices" (names) become DEVICES' objects; the others go to
 * UNCONNECTED. */
static int build(struct json_object *buses, struct json_object *devices,
		 struct json_object *unconnected)
{
	struct json_object *bus, *list, *device, *on;
	const char *name;
	size_t i, j;

	object_sort(buses);
	object_sort(devices);
	for (i = 0; i < json_object_array_length(buses); i++) {
		bus = json_object_array_get_idx(buses, i);
		list = json_object_new_array();
		if (!list)
			return -ENOMEM;
		json_object_object_get_ex(bus, "name", &on);
		name = json_object_get_string(on);
		for (j = 0; j < json_object_array_length(devices); j++) {
			device = json_object_array_get_idx(devices, j);
			on = NULL;
			json_object_object_get_ex(device, "bus", &on);
			if (name && on && !strcmp(json_object_get_string(on), name))
				json_object_array_add(list, json_object_get(device));
		}
		json_object_object_add(bus, "devices", list);
	}
	for (j = 0; j < json_object_array_length(devices); j++) {
		device = json_object_array_get_idx(devices, j);
		on = NULL;
		if (!json_object_object_get_ex(device, "bus", &on) || !on)
			json_object_array_add(unconnected, json_object_get(device));
	}
	return 0;
}

int command_show(struct context *context, int argc, char **argv)
{
	_cleanup_(json_object_putp) struct json_object *bus_reply = NULL, *device_reply = NULL;
	_cleanup_(json_object_putp) struct json_object *tree = json_object_new_object();
	struct json_object *buses = NULL, *devices = NULL, *unconnected;
	char *none[] = { NULL };
	int first, code, r;

	code = options_parse_verb(context, SHOW_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("show", SHOW_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	code = object_read(context, "GetBuses", none, "fabric", &bus_reply);
	if (code == EXIT_OK)
		code = object_read(context, "GetDevices", none, "fabric", &device_reply);
	if (code != EXIT_OK)
		return code;
	unconnected = json_object_new_array();
	if (!tree || !unconnected || json_object_object_add(tree, "unconnected", unconnected) < 0) {
		json_object_put(unconnected);
		return error_report("fabric", "cannot show", NULL, NULL, -ENOMEM);
	}
	json_object_object_get_ex(bus_reply, "buses", &buses);
	json_object_object_get_ex(device_reply, "devices", &devices);
	if (!json_object_is_type(buses, json_type_array) ||
	    !json_object_is_type(devices, json_type_array))
		return error_report("fabric", "cannot print vbusd's reply", NULL, NULL, -EBADMSG);
	r = build(buses, devices, unconnected);
	if (r < 0)
		return error_report("fabric", "cannot show", NULL, NULL, r);
	json_object_object_add(tree, "buses", json_object_get(buses));
	if (json_object_object_get_ex(device_reply, "source", NULL))
		json_object_object_add(tree, "source", json_object_new_string("kernel"));
	object_note(context, stdout, device_reply);
	if (context->json)
		output_json(context, stdout, tree);
	else
		render(stdout, tree);
	return EXIT_OK;
}

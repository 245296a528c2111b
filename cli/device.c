/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl device create|destroy|set|show: CreateDevice, DestroyDevice,
 * SetDevice, GetDevices. */
#include <stdio.h>
#include <string.h>

#include "attribute.h"
#include "daemon.h"
#include "error.h"
#include "macro.h"
#include "object.h"
#include "options.h"
#include "output.h"

#define CREATE_USAGE \
	"usage: vbusctl device create NAME [type=venet] [KEY=VALUE...] [--may-exist]\n\n" \
	"Creates device NAME (on no bus: see vbusctl connect). KEY is one of\n" \
	"mac, mtu, zcthresh, wmem, txqlen, ifname, bridge; sizes take K, M, G.\n" \
	"--may-exist: an existing device is given these attributes instead.\n"
#define DESTROY_USAGE \
	"usage: vbusctl device destroy NAME [--if-exists]\n\n" \
	"Destroys device NAME (disconnect it first). --if-exists: no error when\n" \
	"there is no such device.\n"
#define SET_USAGE \
	"usage: vbusctl device set NAME KEY=VALUE...\n\n" \
	"Changes attributes of device NAME: mtu, zcthresh (bytes, 0 = zero-copy\n" \
	"off), wmem, txqlen, bridge (empty: on no bridge). Sizes take K, M, G.\n" \
	"Example: vbusctl device set web0 zcthresh=0\n"
#define SHOW_USAGE \
	"usage: vbusctl device show [NAME...]\n\n" \
	"Shows every device as a table, or the devices NAME as key: value lines.\n" \
	"-j prints vbusd's JSON: {\"devices\": [...]}.\n"

static const char *const table_keys[] = {
	"name", "type", "bus", "mac", "mtu", "zcthresh", "wmem", "txqlen", "ifname", "bridge",
	"link",
};
static const char *const table_headers[] = {
	"NAME", "TYPE", "BUS", "MAC", "MTU", "ZCTHRESH", "WMEM", "TXQLEN", "IFNAME", "BRIDGE",
	"LINK",
};
static const char *const field_keys[] = {
	"name", "type", "id", "bus", "mac", "mtu", "zcthresh", "wmem", "txqlen", "ifname",
	"bridge", "link", "managed",
};

int device_render(FILE *out, struct json_object *reply, bool listing)
{
	return object_render(out, reply, "devices", listing, table_headers, table_keys,
			     sizeof(table_keys) / sizeof(table_keys[0]), field_keys,
			     sizeof(field_keys) / sizeof(field_keys[0]));
}

static int device_create(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	bool may_exist = false;
	const struct verb_option options[] = { { "may-exist", 0, &may_exist, NULL }, { NULL } };
	struct attribute_list list;
	char object[64], error[512];
	int first, code, r;

	code = options_parse_verb(context, CREATE_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("device create", CREATE_USAGE, argc - first, 1, -1);
	if (code >= 0)
		return code;
	code = object_name("device", argv[first], object, sizeof(object));
	if (code >= 0)
		return code;
	if (attribute_parse(ATTRIBUTE_DEVICE_CREATE, argv + first + 1, argc - first - 1, &list,
			    error, sizeof(error)) < 0) {
		error_print(object, error, NULL);
		return EXIT_USAGE;
	}
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, "CreateDevice", &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "ss", argv[first], list.type);
	if (r >= 0)
		r = attribute_append(message, &list);
	if (r >= 0)
		r = sd_bus_message_append(message, "t", (uint64_t)(may_exist ? 1 : 0));
	if (r < 0)
		return error_report(object, "cannot create", NULL, NULL, r);
	return daemon_call(context, message, object, "cannot create", NULL);
}

static int device_destroy(struct context *context, int argc, char **argv)
{
	return object_destroy(context, "device", "DestroyDevice", DESTROY_USAGE, argc, argv);
}

static int device_set(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	struct attribute_list list;
	char object[64], error[512];
	int first, code, r;

	code = options_parse_verb(context, SET_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("device set", SET_USAGE, argc - first, 2, -1);
	if (code >= 0)
		return code;
	code = object_name("device", argv[first], object, sizeof(object));
	if (code >= 0)
		return code;
	if (attribute_parse(ATTRIBUTE_DEVICE_SET, argv + first + 1, argc - first - 1, &list, error,
			    sizeof(error)) < 0) {
		error_print(object, error, NULL);
		return EXIT_USAGE;
	}
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, "SetDevice", &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "s", argv[first]);
	if (r >= 0)
		r = attribute_append(message, &list);
	if (r < 0)
		return error_report(object, "cannot change", NULL, NULL, r);
	return daemon_call(context, message, object, "cannot change", NULL);
}

static int device_show(struct context *context, int argc, char **argv)
{
	return object_show(context, "device", "GetDevices", SHOW_USAGE, device_render, argc, argv);
}

int command_device(struct context *context, int argc, char **argv)
{
	static const struct command verbs[] = {
		{ "create", device_create, "create a device" },
		{ "destroy", device_destroy, "destroy a device" },
		{ "set", device_set, "change attributes of a device" },
		{ "show", device_show, "show devices" },
	};

	return command_dispatch(context, "device", verbs, sizeof(verbs) / sizeof(verbs[0]), argc,
				argv);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl device create|destroy|set|show: CreateDevice, DestroyDevice,
 * SetDevice, GetDevices. */
#include <stdio.h>

#include "object.h"
#include "output.h"
#include "macro.h"

#define CREATE_USAGE \
	"usage: vbusctl device create NAME [type=venet] [KEY=VALUE...] [--may-exist]\n\n" \
	"Creates device NAME (on no bus: see vbusctl connect). KEY is one of\n" \
	"mac, mtu, zcthresh, wmem, txqlen, ifname, bridge; sizes take K, M, G.\n" \
	"--may-exist: an existing device is given these attributes instead.\n"
#define DESTROY_USAGE \
	"usage: vbusctl device destroy NAME [--if-exists] [--force]\n\n" \
	"Destroys device NAME. A connected device is refused (disconnect it\n" \
	"first): --force disconnects it (its guest loses the device) and destroys\n" \
	"it; --force is also needed for a device a fabric.d file defines (the\n" \
	"next reload makes it again). --if-exists: no error when there is no such\n" \
	"device.\n"
#define SET_USAGE \
	"usage: vbusctl device set NAME KEY=VALUE... [--force]\n\n" \
	"Changes attributes of device NAME: mtu, zcthresh (bytes, 0 = zero-copy\n" \
	"off), wmem, txqlen, bridge (empty: on no bridge). Sizes take K, M, G.\n" \
	"A device a fabric.d file defines is refused: edit the file and run\n" \
	"vbusctl reload, or --force (the next reload puts the file's values back).\n" \
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
	"bridge", "link", "managed", "source",
};

int device_render(FILE *out, struct json_object *reply, bool listing)
{
	return object_render(out, reply, "devices", listing, table_headers, table_keys,
			     ELEMENTSOF(table_keys), field_keys,
			     ELEMENTSOF(field_keys));
}

static int device_create(struct context *context, int argc, char **argv)
{
	return object_change(context, "device", "CreateDevice", ATTRIBUTE_DEVICE_CREATE, CREATE_USAGE, argc, argv);
}

static int device_destroy(struct context *context, int argc, char **argv)
{
	return object_destroy(context, "device", "DestroyDevice", DESTROY_USAGE, argc, argv);
}

static int device_set(struct context *context, int argc, char **argv)
{
	return object_change(context, "device", "SetDevice", ATTRIBUTE_DEVICE_SET, SET_USAGE, argc,
			     argv);
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

	return command_dispatch(context, "device", verbs, ELEMENTSOF(verbs), argc,
				argv);
}

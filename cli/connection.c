/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl connect DEVICE BUS, vbusctl disconnect DEVICE: hot-plug when the
 * guest runs. */
#include <stdio.h>

#include "daemon.h"
#include "error.h"
#include "macro.h"
#include "object.h"
#include "options.h"

#define CONNECT_USAGE \
	"usage: vbusctl connect DEVICE BUS [--move] [--force]\n\n" \
	"Connects DEVICE to BUS; a running guest sees the device appear. A device\n" \
	"on another bus is refused: --move takes it off that bus (its guest loses\n" \
	"the device) and connects it to BUS. A device a fabric.d file defines is\n" \
	"refused: --force changes it (the next reload puts the file's bus back).\n"
#define DISCONNECT_USAGE \
	"usage: vbusctl disconnect DEVICE [--if-exists] [--force]\n\n" \
	"Disconnects DEVICE from its bus. --if-exists: no error when there is no\n" \
	"such device. --force: of a device a fabric.d file defines too (the next\n" \
	"reload connects it again).\n"

int command_connect(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	bool move = false, force = false;
	const struct verb_option options[] = {
		{ .name = "move", .flag = &move },
		{ .name = "force", .flag = &force },
		{ NULL }
	};
	char object[64], bus[64], owner[4096] = "";
	int first, code, r;

	code = options_parse_verb(context, CONNECT_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("connect", CONNECT_USAGE, argc - first, 2, 2);
	if (code >= 0)
		return code;
	code = object_name("device", argv[first], object, sizeof(object));
	if (code < 0)
		code = object_name("bus", argv[first + 1], bus, sizeof(bus));
	if (code >= 0)
		return code;
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	snprintf(bus, sizeof(bus), "cannot connect to bus %s", argv[first + 1]);
	r = daemon_method(context, move ? "Move" : "Connect", &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "sst", argv[first], argv[first + 1],
					  (uint64_t)(force ? OBJECT_FORCE : 0));
	if (r < 0)
		return error_report(object, bus, NULL, NULL, r);
	if (force)
		object_owner(context, "device", argv[first], owner, sizeof(owner));
	return object_forced(daemon_call(context, message, object, bus, NULL), "device",
			     argv[first], owner);
}

int command_disconnect(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	bool if_exists = false, force = false;
	const struct verb_option options[] = {
		{ .name = "if-exists", .flag = &if_exists },
		{ .name = "force", .flag = &force },
		{ NULL }
	};
	char object[64], owner[4096] = "";
	int first, code, r;

	code = options_parse_verb(context, DISCONNECT_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("disconnect", DISCONNECT_USAGE, argc - first, 1, 1);
	if (code >= 0)
		return code;
	code = object_name("device", argv[first], object, sizeof(object));
	if (code >= 0)
		return code;
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, "Disconnect", &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "st", argv[first],
					  (uint64_t)((if_exists ? 1 : 0) | (force ? OBJECT_FORCE : 0)));
	if (r < 0)
		return error_report(object, "cannot disconnect", NULL, NULL, r);
	if (force)
		object_owner(context, "device", argv[first], owner, sizeof(owner));
	return object_forced(daemon_call(context, message, object, "cannot disconnect", NULL),
			     "device", argv[first], owner);
}

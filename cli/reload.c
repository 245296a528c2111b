/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl reload: vbusd reads fabric.d again (its Reload method, as SIGHUP
 * does) and the caller hears how it went. */
#include <stdio.h>
#include <json-c/json.h>

#include "apply.h"
#include "cli.h"
#include "daemon.h"
#include "error.h"
#include "json-cleanup.h"
#include "options.h"
#include "output.h"

#define RELOAD_USAGE \
	"usage: vbusctl reload\n\n" \
	"vbusd reads its fabric.d again, merges it into the desired state and\n" \
	"applies it, as on SIGHUP, but the errors come back here: an invalid\n" \
	"file is reported (file, JSON path, expectation) with exit 1 and nothing\n" \
	"changes. Prints the plan it applied, or \"no changes\"; -j the result.\n"

int command_reload(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int first, code;

	code = options_parse_verb(context, RELOAD_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("reload", RELOAD_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	code = daemon_call_method(context, "Reload", "fabric.d", "cannot reload", &reply);
	if (code != EXIT_OK)
		return code;
	return apply_print_reply(context, reply, "fabric.d", NULL);
}

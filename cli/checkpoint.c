/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checkpoints, nmstatectl's safety net for a remote admin: "apply
 * --checkpoint[=SECONDS]" (vbusd's Checkpoint, then Apply), "commit" keeps
 * the change, "rollback" undoes it now; vbusd rolls back by itself when the
 * deadline passes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "apply.h"
#include "checkpoint.h"
#include "cli.h"
#include "daemon.h"
#include "error.h"
#include "json-cleanup.h"
#include "options.h"
#include "output.h"

#define COMMIT_USAGE \
	"usage: vbusctl commit\n\n" \
	"Keeps the change made by \"vbusctl apply --checkpoint\": the pending\n" \
	"checkpoint is forgotten and nothing is rolled back. Exit 3 when no\n" \
	"checkpoint is pending.\n"
#define ROLLBACK_USAGE \
	"usage: vbusctl rollback\n\n" \
	"Undoes the change made by \"vbusctl apply --checkpoint\" now, as vbusd\n" \
	"does when its deadline passes: the desired state saved before it is\n" \
	"applied again, and what the change added goes. Prints the plan. Exit 3\n" \
	"when no checkpoint is pending.\n"

int checkpoint_parse(const char *text, uint32_t *seconds)
{
	char *end;
	unsigned long value;

	if (!text) {
		*seconds = CHECKPOINT_DEFAULT_SECONDS;
		return 0;
	}
	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || end == text || *end || *text == '-' || !value ||
	    value > CHECKPOINT_MAX_SECONDS) {
		fprintf(stderr, "vbusctl: apply: --checkpoint=%s: expected 1..%u seconds\n", text,
			CHECKPOINT_MAX_SECONDS);
		return -EINVAL;
	}
	*seconds = value;
	return 0;
}

int checkpoint_begin(struct context *context, uint32_t seconds)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL;
	int code, r;

	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, "Checkpoint", &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "u", seconds);
	if (r < 0)
		return error_report("checkpoint", "cannot create", NULL, NULL, r);
	return daemon_call(context, message, "checkpoint", "cannot create", NULL);
}

void checkpoint_abandon(struct context *context)
{
	(void)daemon_call_method(context, "Commit", "checkpoint", "cannot drop", NULL);
}

int command_commit(struct context *context, int argc, char **argv)
{
	int first, code;

	code = options_parse_verb(context, COMMIT_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("commit", COMMIT_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	return daemon_call_method(context, "Commit", "checkpoint", "cannot commit", NULL);
}

int command_rollback(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int first, code;

	code = options_parse_verb(context, ROLLBACK_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("rollback", ROLLBACK_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	code = daemon_call_method(context, "Rollback", "checkpoint", "cannot roll back", &reply);
	if (code != EXIT_OK)
		return code;
	return apply_print_reply(context, reply, "checkpoint", NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl apply and diff: a fabric file, checked here first with libvbus's
 * parser and checks (every error, with file and JSON path), then Apply. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "daemon.h"
#include "error.h"
#include "fabric.h"
#include "macro.h"
#include "options.h"
#include "output.h"

#define APPLY_USAGE \
	"usage: vbusctl apply -f FILE|- [--dry-run] [--prune]\n\n" \
	"Makes the fabric what FILE (- for standard input) describes (vbus-fabric(5)),\n" \
	"as one transaction: on failure, what was done is rolled back. The file is\n" \
	"checked first; every error is printed and nothing is sent.\n" \
	"  -f, --file FILE  the fabric file\n" \
	"  -n, --dry-run    print the plan, change nothing\n" \
	"      --prune      also remove what the file does not name\n" \
	"Prints the operations made, or \"no changes\"; -j prints vbusd's result.\n"
#define DIFF_USAGE \
	"usage: vbusctl diff -f FILE|- [--prune] [--exit-code]\n\n" \
	"Prints what vbusctl apply would change (apply --dry-run).\n" \
	"  -f, --file FILE  the fabric file (- for standard input)\n" \
	"      --prune      as apply --prune\n" \
	"      --exit-code  exit 10 when there are changes, 0 when none\n"

#define APPLY_DRY_RUN	1
#define APPLY_PRUNE	2

int apply_read(const char *path, char **text, size_t *length)
{
	_cleanup_free_ char *buffer = NULL;
	FILE *in = strcmp(path, "-") ? fopen(path, "re") : stdin;
	size_t capacity = 0, used = 0, got;

	if (!in)
		return -errno;
	do {
		if (used + 4096 + 1 > capacity) {
			char *grown = realloc(buffer, capacity = capacity * 2 + 8192);

			if (!grown) {
				if (in != stdin)
					fclose(in);
				return -ENOMEM;
			}
			buffer = grown;
		}
		got = fread(buffer + used, 1, capacity - used - 1, in);
		used += got;
	} while (got > 0);
	if (ferror(in)) {
		if (in != stdin)
			fclose(in);
		return -EIO;
	}
	if (in != stdin)
		fclose(in);
	buffer[used] = '\0';
	*text = buffer;
	buffer = NULL;
	*length = used;
	return 0;
}

int apply_check(const char *text, size_t length, const char *name)
{
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };
	size_t i;
	int r;

	r = fabric_parse(text, length, name, &fabric, &errors);
	if (r >= 0)
		r = fabric_check(fabric, &errors);
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "vbusctl: %s\n", errors.lines[i]);
	if (r < 0 && errors.count == 0)
		fprintf(stderr, "vbusctl: %s: cannot check: %s\n", name, strerror(-r));
	if (r < 0)
		fprintf(stderr, "vbusctl: %s: %zu error%s, nothing applied\n", name, errors.count,
			errors.count == 1 ? "" : "s");
	fabric_errors_clear(&errors);
	return r;
}

bool apply_changed(struct json_object *result)
{
	struct json_object *value;

	if (json_object_object_get_ex(result, "operations", &value) &&
	    json_object_is_type(value, json_type_array) && json_object_array_length(value) > 0)
		return true;
	return json_object_object_get_ex(result, "changed", &value) &&
	       json_object_get_boolean(value);
}

void apply_render(FILE *out, struct json_object *result)
{
	struct json_object *value;
	const char *text = "";

	if (json_object_object_get_ex(result, "text", &value))
		text = json_object_get_string(value);
	if (!apply_changed(result) || !text || !*text) {
		fprintf(out, "no changes\n");
		return;
	}
	fprintf(out, "%s%s", text, text[strlen(text) - 1] == '\n' ? "" : "\n");
}

static int apply_run(struct context *context, const char *path, uint64_t flags, bool exit_code)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL, *reply = NULL;
	_cleanup_(json_object_putp) struct json_object *result = NULL;
	_cleanup_free_ char *text = NULL;
	const char *answer;
	size_t length;
	int code, r;

	r = apply_read(path, &text, &length);
	if (r < 0) {
		char message_text[256];

		snprintf(message_text, sizeof(message_text), "cannot read: %s", strerror(-r));
		error_print(strcmp(path, "-") ? path : "standard input", message_text, NULL);
		return EXIT_FAILED;
	}
	if (apply_check(text, length, path) < 0)
		return EXIT_FAILED;
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, "Apply", &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "sst", text, path, flags);
	if (r < 0)
		return error_report(path, "cannot apply", NULL, NULL, r);
	code = daemon_call(context, message, path, "cannot apply", &reply);
	if (code != EXIT_OK)
		return code;
	r = sd_bus_message_read(reply, "s", &answer);
	if (r < 0)
		return error_report(path, "unexpected reply from vbusd", NULL, NULL, r);
	result = output_parse(answer, path);
	if (!result)
		return EXIT_FAILED;
	if (context->json)
		output_json(context, stdout, result);
	else
		apply_render(stdout, result);
	return exit_code && apply_changed(result) ? EXIT_CHANGES : EXIT_OK;
}

int command_apply(struct context *context, int argc, char **argv)
{
	bool dry_run = false, prune = false;
	const char *path = NULL;
	const struct verb_option options[] = {
		{ "file", 'f', NULL, &path },
		{ "dry-run", 'n', &dry_run, NULL },
		{ "prune", 0, &prune, NULL },
		{ NULL },
	};
	int first, code;

	code = options_parse_verb(context, APPLY_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("apply", APPLY_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	if (!path)
		return options_operands("apply: -f FILE is required;", APPLY_USAGE, 0, 1, 1);
	return apply_run(context, path, (dry_run ? APPLY_DRY_RUN : 0) | (prune ? APPLY_PRUNE : 0),
			 false);
}

int command_diff(struct context *context, int argc, char **argv)
{
	bool prune = false, exit_code = false;
	const char *path = NULL;
	const struct verb_option options[] = {
		{ "file", 'f', NULL, &path },
		{ "prune", 0, &prune, NULL },
		{ "exit-code", 0, &exit_code, NULL },
		{ NULL },
	};
	int first, code;

	code = options_parse_verb(context, DIFF_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("diff", DIFF_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	if (!path)
		return options_operands("diff: -f FILE is required;", DIFF_USAGE, 0, 1, 1);
	return apply_run(context, path, APPLY_DRY_RUN | (prune ? APPLY_PRUNE : 0), exit_code);
}

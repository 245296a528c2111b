/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl apply and diff: fabric files, merged and checked here first with
 * libvbus's parser and checks (every error, with file and JSON path), then
 * Apply. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "checkpoint.h"
#include "daemon.h"
#include "error.h"
#include "fabric.h"
#include "macro.h"
#include "options.h"
#include "output.h"

#define APPLY_USAGE \
	"usage: vbusctl apply [-f] FILE... [--dry-run] [--prune] [--checkpoint[=SECONDS]]\n\n" \
	"Makes the fabric what FILE (- for standard input) describes (vbus-fabric(5)),\n" \
	"as one transaction: on failure, what was done is rolled back. Several files\n" \
	"make one fabric (a name defined twice is an error naming both); a device may\n" \
	"name a bus that exists already. The files are checked first; every error of\n" \
	"every file is printed and nothing is sent. \"state\": \"absent\" removes an\n" \
	"object (vbus-fabric(5)).\n" \
	"  -f, --file FILE  a fabric file (may be given several times; FILE alone too)\n" \
	"  -n, --dry-run    print the plan, change nothing\n" \
	"      --prune      also remove what the files do not name\n" \
	"      --checkpoint[=SECONDS]  roll the change back after SECONDS (default 60)\n" \
	"                   unless \"vbusctl commit\" follows (\"vbusctl rollback\": now)\n" \
	"Prints the operations made, or \"no changes\"; -j prints vbusd's result.\n"
#define DIFF_USAGE \
	"usage: vbusctl diff [-f] FILE... [--prune] [--exit-code]\n\n" \
	"Prints what vbusctl apply would change (apply --dry-run).\n" \
	"  -f, --file FILE  a fabric file (- for standard input; several make one)\n" \
	"      --prune      as apply --prune\n" \
	"      --exit-code  exit 10 when there are changes, 0 when none\n"

#define APPLY_DRY_RUN	1
#define APPLY_PRUNE	2

const char *apply_name(const char *path)
{
	return strcmp(path, "-") ? path : APPLY_STDIN_NAME;
}

int apply_read(const char *path, char **text, size_t *length)
{
	int fd, r;

	if (!strcmp(path, "-"))
		return fabric_read_fd(STDIN_FILENO, text, length);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = fabric_read_fd(fd, text, length);
	close(fd);
	return r;
}

void apply_files_free(struct apply_files *files)
{
	size_t i;

	for (i = 0; i < files->count; i++)
		free((char *)files->sources[i].text);
	fabric_free_null(files->fabric);
	*files = (struct apply_files){ 0 };
}

/* Prints every error of ERRORS (and clears them), then a count naming NAME
 * when there is one source; returns R. */
static int apply_report(int r, struct fabric_errors *errors, const char *name)
{
	size_t i;

	for (i = 0; i < errors->count; i++)
		fprintf(stderr, "vbusctl: %s\n", errors->lines[i]);
	if (r < 0 && r != -EINVAL)
		fprintf(stderr, "vbusctl: cannot check the fabric: %s\n", strerror(-r));
	if (errors->count)
		fprintf(stderr, "vbusctl: %s%s%zu error%s, nothing applied\n", name ? name : "",
			name ? ": " : "", errors->count, errors->count == 1 ? "" : "s");
	fabric_errors_clear(errors);
	return r;
}

/* What there is besides the files, for their references (a device on a bus
 * that vbusctl or another file made): the kernel's fabric; else
 * FABRIC_REFERENCES_LATER, for vbusd to check (vbus.ko not loaded, or not
 * readable here). *ACTUAL is the caller's to free. */
static const struct fabric *existing_fabric(struct fabric **actual)
{
	struct vbus_client *client = NULL;

	*actual = NULL;
	if (vbus_client_open(&client) >= 0 && fabric_dump(client, NULL, NULL, actual) < 0)
		*actual = NULL;
	if (client)
		vbus_client_close(client);
	return *actual ?: FABRIC_REFERENCES_LATER;
}

int apply_load(const char *const *paths, size_t count, struct apply_files *files)
{
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	struct fabric_errors errors = { 0 };
	char *text;
	size_t i, length, unread = 0;
	int r;

	*files = (struct apply_files){ 0 };
	for (i = 0; i < count && i < APPLY_FILES_MAX; i++) {
		r = apply_read(paths[i], &text, &length);
		if (r < 0) {
			fprintf(stderr, "vbusctl: %s: cannot read: %s\n", apply_name(paths[i]),
				strerror(-r));
			unread++;
			continue;
		}
		files->sources[files->count++] = (struct fabric_source){ apply_name(paths[i]), text,
									 length };
	}
	r = fabric_load_sources(files->sources, files->count, existing_fabric(&actual),
				&files->fabric, &errors);
	r = apply_report(r, &errors, files->count == 1 ? files->sources[0].name : NULL);
	return unread ? -EINVAL : r;
}

int apply_check(const char *text, size_t length, const char *name)
{
	const struct fabric_source source = { name, text, length };
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };
	int r;

	r = fabric_load_sources(&source, 1, FABRIC_REFERENCES_LATER, &fabric, &errors);
	return apply_report(r, &errors, name);
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

int apply_print_reply(struct context *context, sd_bus_message *reply, const char *object,
		      bool *changed)
{
	_cleanup_(json_object_putp) struct json_object *result = NULL;
	const char *answer;
	int r;

	r = sd_bus_message_read(reply, "s", &answer);
	if (r < 0)
		return error_report(object, "unexpected reply from vbusd", NULL, NULL, r);
	result = output_parse(answer, object);
	if (!result)
		return EXIT_FAILED;
	if (context->json)
		output_json(context, stdout, result);
	else
		apply_render(stdout, result);
	if (changed)
		*changed = apply_changed(result);
	return EXIT_OK;
}

/* What is sent to vbusd: the one file as it was written (so that vbusd's
 * messages point into it), or the files merged into one. */
static int apply_text(const struct apply_files *files, char **merged, const char **text,
		      char *source, size_t size)
{
	size_t i, used = 0;
	int r;

	if (files->count == 1) {
		*text = files->sources[0].text;
		snprintf(source, size, "%s", files->sources[0].name);
		return 0;
	}
	r = fabric_to_json(files->fabric, merged);
	if (r < 0)
		return r;
	*text = *merged;
	source[0] = '\0';
	for (i = 0; i < files->count && used < size; i++)
		used += snprintf(source + used, size - used, "%s%s", i ? "," : "",
				 files->sources[i].name);
	return 0;
}

static int apply_run(struct context *context, const char *const *paths, size_t count,
		     uint64_t flags, bool exit_code, uint32_t checkpoint)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL, *reply = NULL;
	_cleanup_(apply_files_free) struct apply_files files = { 0 };
	_cleanup_free_ char *merged = NULL;
	char source[512];
	const char *text;
	bool changed;
	int code, r;

	if (apply_load(paths, count, &files) < 0)
		return EXIT_FAILED;
	r = apply_text(&files, &merged, &text, source, sizeof(source));
	if (r < 0)
		return error_report(source, "cannot apply", NULL, NULL, r);
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	if (checkpoint) {
		code = checkpoint_begin(context, checkpoint);
		if (code != EXIT_OK)
			return code;
	}
	r = daemon_method(context, "Apply", &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "sst", text, source, flags);
	if (r < 0)
		return error_report(source, "cannot apply", NULL, NULL, r);
	code = daemon_call(context, message, source, "cannot apply", &reply);
	if (code != EXIT_OK) {
		/* vbusd undid the failed apply: nothing to roll back later */
		if (checkpoint)
			checkpoint_abandon(context);
		return code;
	}
	code = apply_print_reply(context, reply, source, &changed);
	if (code != EXIT_OK)
		return code;
	if (checkpoint)
		fprintf(stderr, "vbusctl: checkpoint: vbusd rolls this back in %u s unless "
			"\"vbusctl commit\" (\"vbusctl rollback\": now)\n", checkpoint);
	return exit_code && changed ? EXIT_CHANGES : EXIT_OK;
}

/* The files of "VERB [-f FILE]... [FILE]...", -f's first; -1 to go on,
 * else the exit code. */
static int apply_paths(const char *verb, const char *usage, const char **paths, size_t *count,
		       int first, int argc, char **argv)
{
	int i;

	for (i = first; i < argc; i++) {
		if (*count == APPLY_FILES_MAX) {
			fprintf(stderr, "vbusctl: %s: at most %d files\n", verb, APPLY_FILES_MAX);
			return EXIT_USAGE;
		}
		paths[(*count)++] = argv[i];
	}
	if (*count > 0)
		return -1;
	fprintf(stderr, "vbusctl: %s: no fabric file (expected FILE or -f FILE; - for standard input)\n",
		verb);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

int command_apply(struct context *context, int argc, char **argv)
{
	bool dry_run = false, prune = false, checkpoint = false;
	const char *paths[APPLY_FILES_MAX], *seconds_text = NULL;
	uint32_t seconds = 0;
	size_t count = 0;
	const struct verb_option options[] = {
		{ .name = "file", .short_name = 'f', .list = paths, .count = &count,
		  .capacity = APPLY_FILES_MAX },
		{ .name = "dry-run", .short_name = 'n', .flag = &dry_run },
		{ .name = "prune", .flag = &prune },
		{ .name = "checkpoint", .flag = &checkpoint, .argument = &seconds_text },
		{ NULL },
	};
	int first, code;

	code = options_parse_verb(context, APPLY_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	if (checkpoint && dry_run) {
		fprintf(stderr, "vbusctl: apply: --checkpoint with --dry-run: a dry run changes nothing to roll back\n");
		return EXIT_USAGE;
	}
	if (checkpoint && checkpoint_parse(seconds_text, &seconds) < 0)
		return EXIT_USAGE;
	code = apply_paths("apply", APPLY_USAGE, paths, &count, first, argc, argv);
	if (code >= 0)
		return code;
	return apply_run(context, paths, count,
			 (dry_run ? APPLY_DRY_RUN : 0) | (prune ? APPLY_PRUNE : 0), false, seconds);
}

int command_diff(struct context *context, int argc, char **argv)
{
	bool prune = false, exit_code = false;
	const char *paths[APPLY_FILES_MAX];
	size_t count = 0;
	const struct verb_option options[] = {
		{ .name = "file", .short_name = 'f', .list = paths, .count = &count,
		  .capacity = APPLY_FILES_MAX },
		{ .name = "prune", .flag = &prune },
		{ .name = "exit-code", .flag = &exit_code },
		{ NULL },
	};
	int first, code;

	code = options_parse_verb(context, DIFF_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = apply_paths("diff", DIFF_USAGE, paths, &count, first, argc, argv);
	if (code >= 0)
		return code;
	return apply_run(context, paths, count, APPLY_DRY_RUN | (prune ? APPLY_PRUNE : 0),
			 exit_code, 0);
}

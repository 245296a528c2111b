/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parts of vbusctl apply/diff that need no daemon. */
#ifndef VBUSCTL_APPLY_H
#define VBUSCTL_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

#include <systemd/sd-bus.h>

#include "cli.h"
#include "fabric.h"

/* At most this many fabric files at once. */
#define APPLY_FILES_MAX		32
/* Standard input ("-") in messages. */
#define APPLY_STDIN_NAME	"<stdin>"

/* PATH as messages name it: "<stdin>" for "-". */
const char *apply_name(const char *path);
/* The whole of PATH ("-": standard input), NUL-terminated; -errno
 * (-EISDIR for a directory). */
int apply_read(const char *path, char **text, size_t *length);

/* The fabric files read, and the one fabric they make. */
struct apply_files {
	struct fabric_source sources[APPLY_FILES_MAX];
	size_t count;
	struct fabric *fabric;
};
void apply_files_free(struct apply_files *files);
/* Reads PATHS, parses, merges and checks them: 0, or -EINVAL after printing
 * every error of every file ("vbusctl: FILE: $.PATH: ...") and a count. */
int apply_load(const char *const *paths, size_t count, struct apply_files *files);
/* The same checks of one TEXT already read, called NAME (e.g. a domain's
 * vbus metadata made into a fabric). */
int apply_check(const char *text, size_t length, const char *name);
/* Whether an Apply RESULT has operations. */
bool apply_changed(struct json_object *result);
/* RESULT's plan text, or "no changes". */
void apply_render(FILE *out, struct json_object *result);
/* REPLY's one string, an apply result (Apply, Reload, Rollback), printed as
 * text or JSON; *CHANGED (may be NULL) whether it changed anything. An exit
 * code, failures reported about OBJECT. */
int apply_print_reply(struct context *context, sd_bus_message *reply, const char *object,
		      bool *changed);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parts of vbusctl apply/diff that need no daemon. */
#ifndef VBUSCTL_APPLY_H
#define VBUSCTL_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

/* The whole of PATH ("-": standard input), NUL-terminated; -errno. */
int apply_read(const char *path, char **text, size_t *length);
/* fabric_parse() and fabric_check() of TEXT, called NAME: 0, or -EINVAL
 * after printing every error as "vbusctl: NAME: $.PATH: ..." and a count. */
int apply_check(const char *text, size_t length, const char *name);
/* Whether an Apply RESULT has operations. */
bool apply_changed(struct json_object *result);
/* RESULT's plan text, or "no changes". */
void apply_render(FILE *out, struct json_object *result);

#endif

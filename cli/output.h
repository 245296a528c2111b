/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The printing layer: every verb prints vbusd's JSON as it is with -j, and
 * renders the same parsed document as text, so the two never drift apart. */
#ifndef VBUSCTL_OUTPUT_H
#define VBUSCTL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#include "cli.h"
#include "json-cleanup.h"

/* Parses vbusd's JSON TEXT (an object); NULL, reported, when it is not. */
struct json_object *output_parse(const char *text, const char *object);
/* Prints O on one line, or indented with --pretty. */
void output_json(const struct context *context, FILE *out, struct json_object *o);

/* A value as text: "-" for null or absent, "yes"/"no", numbers as they are
 * but for the sizes (KEY region_size, wmem, zcthresh) when a whole number of
 * KiB, MiB or GiB ("2MiB"), arrays joined with ",". */
void output_value(const char *key, struct json_object *value, char *text, size_t size);
/* "2MiB" for 2097152; the number when not a whole multiple of 1024. */
void output_size(uint64_t bytes, char *text, size_t size);

/* A table with a header row, printed with columns aligned ("ip -br" style). */
struct table;
struct table *table_new(const char *const *headers, size_t columns);
void table_free(struct table *table);
/* Adds a row of the table's number of cells (copied); -ENOMEM. */
int table_add(struct table *table, const char *const *cells);
/* The row of OBJECT's values under KEYS (one per column). */
int table_add_object(struct table *table, const char *const *keys, struct json_object *object);
void table_print(const struct table *table, FILE *out);

/* "key:        value" lines, the keys aligned on a common width: OBJECT's
 * KEYS (those it has), with LABELS (NULL: the keys themselves). */
void output_fields(FILE *out, struct json_object *object, const char *const *keys,
		   const char *const *labels, size_t count);

static inline void table_freep(struct table **table)
{
	if (*table)
		table_free(*table);
}

#endif

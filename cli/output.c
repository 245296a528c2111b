/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text and JSON output: tables, key-value blocks and values, all from the
 * JSON documents vbusd returns. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "libvbus.h"
#include "output.h"

struct table {
	size_t columns, rows, capacity;
	char **cells;			/* rows * columns, the header first */
};

struct json_object *output_parse(const char *text, const char *object)
{
	struct json_object *o = json_tokener_parse(text);

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		error_print(object, "vbusd sent a reply that is not a JSON object", NULL);
		return NULL;
	}
	return o;
}

void output_json(const struct context *context, FILE *out, struct json_object *o)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= context->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
				   JSON_C_TO_STRING_PLAIN;
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, flags));
}

static bool is_size(const char *key)
{
	return key && (!strcmp(key, "region_size") || !strcmp(key, "wmem") ||
		       !strcmp(key, "zcthresh"));
}

void output_value(const char *key, struct json_object *value, char *text, size_t size)
{
	size_t length = 0, i;

	switch (json_object_get_type(value)) {
	case json_type_null:
		snprintf(text, size, "-");
		break;
	case json_type_boolean:
		snprintf(text, size, "%s", json_object_get_boolean(value) ? "yes" : "no");
		break;
	case json_type_int:
		if (is_size(key) && json_object_get_int64(value) > 0)
			vbus_size_format(json_object_get_int64(value), text, size);
		else
			snprintf(text, size, "%" PRId64, json_object_get_int64(value));
		break;
	case json_type_string:
		snprintf(text, size, "%s", json_object_get_string(value));
		if (!*text)
			snprintf(text, size, "-");
		break;
	case json_type_array:
		text[0] = '\0';
		for (i = 0; i < json_object_array_length(value) && length < size; i++)
			length += snprintf(text + length, size - length, "%s%s", i ? "," : "",
					   json_object_get_string(json_object_array_get_idx(value, i)));
		if (i == 0)
			snprintf(text, size, "-");
		break;
	default:
		snprintf(text, size, "%s", json_object_to_json_string_ext(value,
					JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
}

struct table *table_new(const char *const *headers, size_t columns)
{
	struct table *table = calloc(1, sizeof(*table));

	if (!table)
		return NULL;
	table->columns = columns;
	if (table_add(table, headers) < 0) {
		free(table);
		return NULL;
	}
	return table;
}

void table_free(struct table *table)
{
	size_t i;

	for (i = 0; i < table->rows * table->columns; i++)
		free(table->cells[i]);
	free(table->cells);
	free(table);
}

int table_add(struct table *table, const char *const *cells)
{
	size_t i, base;

	if (table->rows == table->capacity) {
		size_t capacity = table->capacity ? table->capacity * 2 : 8;
		char **grown = realloc(table->cells, capacity * table->columns * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		table->cells = grown;
		table->capacity = capacity;
	}
	base = table->rows * table->columns;
	for (i = 0; i < table->columns; i++) {
		table->cells[base + i] = strdup(cells[i] ? cells[i] : "-");
		if (!table->cells[base + i]) {
			while (i--)
				free(table->cells[base + i]);
			return -ENOMEM;
		}
	}
	table->rows++;
	return 0;
}

int table_add_object(struct table *table, const char *const *keys, struct json_object *object)
{
	char values[16][256];
	const char *cells[16];
	struct json_object *value;
	size_t i;

	if (table->columns > 16)
		return -EINVAL;
	for (i = 0; i < table->columns; i++) {
		value = NULL;
		json_object_object_get_ex(object, keys[i], &value);
		output_value(keys[i], value, values[i], sizeof(values[i]));
		cells[i] = values[i];
	}
	return table_add(table, cells);
}

void table_print(const struct table *table, FILE *out)
{
	size_t widths[32] = { 0 };
	size_t row, column, length;

	for (row = 0; row < table->rows; row++)
		for (column = 0; column < table->columns && column < 32; column++) {
			length = strlen(table->cells[row * table->columns + column]);
			if (length > widths[column])
				widths[column] = length;
		}
	for (row = 0; row < table->rows; row++) {
		for (column = 0; column < table->columns; column++) {
			const char *cell = table->cells[row * table->columns + column];

			if (column + 1 == table->columns)
				fprintf(out, "%s\n", cell);
			else
				fprintf(out, "%-*s  ", (int)widths[column], cell);
		}
	}
}

void output_fields(FILE *out, struct json_object *object, const char *const *keys,
		   const char *const *labels, size_t count)
{
	struct json_object *value;
	size_t i, width = 0;
	char text[1024];

	for (i = 0; i < count; i++) {
		size_t length = strlen(labels ? labels[i] : keys[i]);

		if (length > width)
			width = length;
	}
	for (i = 0; i < count; i++) {
		if (!json_object_object_get_ex(object, keys[i], &value))
			continue;
		output_value(keys[i], value, text, sizeof(text));
		fprintf(out, "%s:%*s %s\n", labels ? labels[i] : keys[i],
			(int)(width - strlen(labels ? labels[i] : keys[i])), "", text);
	}
}

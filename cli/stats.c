/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl stats [DEVICE...]: GetStats as a table, one column per counter. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "macro.h"
#include "object.h"
#include "options.h"
#include "output.h"

#define STATS_USAGE \
	"usage: vbusctl stats [DEVICE...]\n\n" \
	"Shows the counters of every device, or of DEVICE...: packets and bytes each\n" \
	"way (tx: guest to host), drops, doorbells taken, interrupts raised,\n" \
	"notifications suppressed, zero-copy and copied transmits; then, per bus (of\n" \
	"those devices), what busy-polling costs: poll_us, the idle moments polled,\n" \
	"the polls that found work, and the time spent polling.\n" \
	"-j prints vbusd's JSON: {\"devices\": [{\"name\", \"stats\": {...}}],\n" \
	"\"buses\": [{\"name\", \"poll_us\", \"poll_windows\", \"poll_hits\", \"poll_time_ns\"}]}.\n" \
	"When vbusd is unreachable, the counters are read from the kernel (and\n" \
	"the output says so).\n"

#define STATS_COLUMNS_MAX 16

/* The buses' polling figures, after the devices' table. */
static int poll_render(FILE *out, struct json_object *reply)
{
	static const char *const keys[] = {
		"name", "poll_us", "poll_windows", "poll_hits", "poll_time_ns",
	};
	static const char *const headers[] = {
		"BUS", "POLL_US", "POLL_WINDOWS", "POLL_HITS", "POLL_TIME_NS",
	};
	_cleanup_(table_freep) struct table *table = NULL;
	struct json_object *buses, *bus, *value;
	char values[5][32];
	const char *cells[5];
	size_t i, j, count;
	int r;

	if (!json_object_object_get_ex(reply, "buses", &buses) ||
	    !json_object_is_type(buses, json_type_array))
		return 0;	/* an older vbusd */
	count = json_object_array_length(buses);
	if (!count)
		return 0;
	table = table_new(headers, 5);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		bus = json_object_array_get_idx(buses, i);
		for (j = 0; j < 5; j++) {
			value = NULL;
			json_object_object_get_ex(bus, keys[j], &value);
			output_value(NULL, value, values[j], sizeof(values[j]));
			cells[j] = values[j];
		}
		r = table_add(table, cells);
		if (r < 0)
			return r;
	}
	fputc('\n', out);
	table_print(table, out);
	return 0;
}

int stats_render(FILE *out, struct json_object *reply, bool listing)
{
	_cleanup_(table_freep) struct table *table = NULL;
	char headers[STATS_COLUMNS_MAX][32], values[STATS_COLUMNS_MAX][32];
	const char *cells[STATS_COLUMNS_MAX];
	struct json_object *devices, *device, *stats, *value;
	size_t columns = 1, i, j, count;
	int r;

	if (!json_object_object_get_ex(reply, "devices", &devices) ||
	    !json_object_is_type(devices, json_type_array))
		return -EBADMSG;
	(void)listing;	/* one table either way */
	object_sort(devices);
	count = json_object_array_length(devices);
	/* The counters are the first device's, in vbusd's order. */
	snprintf(headers[0], sizeof(headers[0]), "DEVICE");
	if (count > 0 && json_object_object_get_ex(json_object_array_get_idx(devices, 0), "stats",
						   &stats)) {
		json_object_object_foreach(stats, key, ignored) {
			(void)ignored;
			if (columns == STATS_COLUMNS_MAX)
				break;
			for (j = 0; key[j] && j + 1 < sizeof(headers[0]); j++)
				headers[columns][j] = toupper((unsigned char)key[j]);
			headers[columns++][j] = '\0';
		}
	}
	for (i = 0; i < columns; i++)
		cells[i] = headers[i];
	table = table_new(cells, columns);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		device = json_object_array_get_idx(devices, i);
		value = NULL;
		json_object_object_get_ex(device, "name", &value);
		output_value(NULL, value, values[0], sizeof(values[0]));
		stats = NULL;
		json_object_object_get_ex(device, "stats", &stats);
		for (j = 1; j < columns; j++) {
			char key[32];
			size_t k;

			for (k = 0; headers[j][k]; k++)
				key[k] = tolower((unsigned char)headers[j][k]);
			key[k] = '\0';
			value = NULL;
			json_object_object_get_ex(stats, key, &value);
			output_value(NULL, value, values[j], sizeof(values[j]));
		}
		for (j = 0; j < columns; j++)
			cells[j] = values[j];
		r = table_add(table, cells);
		if (r < 0)
			return r;
	}
	table_print(table, out);
	return poll_render(out, reply);
}

int command_stats(struct context *context, int argc, char **argv)
{
	return object_show(context, "device", "GetStats", STATS_USAGE, stats_render, argc, argv);
}

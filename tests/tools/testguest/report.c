/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prints the counters once, as "key value" lines or one JSON object, from
 * the same table so the two never drift apart. */
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "report.h"
#include "macro.h"

#define COUNTER(name) { #name, offsetof(struct guest_counters, name) }

static const struct {
	const char *name;
	size_t offset;
} counters[] = {
	COUNTER(frames_sent), COUNTER(bytes_sent), COUNTER(frames_sent_other),
	COUNTER(slowest_second), COUNTER(frames_received),
	COUNTER(bytes_received), COUNTER(frames_bad), COUNTER(frames_foreign),
	COUNTER(frames_duplicate), COUNTER(frames_reordered), COUNTER(frames_gaps),
	COUNTER(frames_too_big),
	COUNTER(doorbells), COUNTER(doorbells_suppressed), COUNTER(interrupts), COUNTER(interrupt_signals),
	COUNTER(polls), COUNTER(poll_hits),
	COUNTER(sleeps), COUNTER(events), COUNTER(events_queue_work), COUNTER(events_added),
	COUNTER(events_removed), COUNTER(events_config), COUNTER(events_stale),
	COUNTER(protocol_errors), COUNTER(corruptions), COUNTER(rounds), COUNTER(breaks),
	COUNTER(resets),
};

void report_add(struct guest_counters *total, const struct guest_counters *c)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(counters); i++)
		*(uint64_t *)((char *)total + counters[i].offset) +=
			*(const uint64_t *)((const char *)c + counters[i].offset);
	total->seconds += c->seconds;
}

double report_notifications_per_frame(const struct guest_counters *c)
{
	uint64_t frames = c->frames_sent + c->frames_received;

	return frames ? (double)(c->doorbells + c->interrupts) / frames : 0;
}

void report_print(const char *mode, const struct guest *g, bool json)
{
	const struct guest_counters *c = &g->counters;
	uint64_t frames = c->frames_sent + c->frames_received;
	double rate = c->seconds > 0 ? frames / c->seconds : 0;
	json_object *o = json_object_new_object();
	size_t i;

	json_object_object_add(o, "mode", json_object_new_string(mode));
	json_object_object_add(o, "device_id", json_object_new_int64(g->slot.id));
	json_object_object_add(o, "slot", json_object_new_int64(g->slot.index));
	for (i = 0; i < ELEMENTSOF(counters); i++)
		json_object_object_add(o, counters[i].name, json_object_new_uint64(
			*(const uint64_t *)((const char *)c + counters[i].offset)));
	json_object_object_add(o, "seconds", json_object_new_double(c->seconds));
	json_object_object_add(o, "frames_per_second", json_object_new_double(rate));
	json_object_object_add(o, "notifications_per_frame",
			       json_object_new_double(report_notifications_per_frame(c)));
	json_object_object_add(o, "header_state",
			       json_object_new_int64(vbus_region_state(&g->layout)));
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	} else {
		json_object_object_foreach(o, key, value)
			printf("%s %s\n", key, json_object_get_string(value));
	}
	json_object_put(o);
}

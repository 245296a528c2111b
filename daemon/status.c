/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The status line and GetStatus's lists, from a given state. */
#include <json-c/json.h>
#include <stdio.h>

#include "reconcile.h"
#include "status.h"

void status_problems(const struct status *status, struct fabric_errors *problems)
{
	const struct fabric *actual = status->actual;
	size_t i;

	for (i = 0; status->problems && i < status->problems->count; i++)
		fabric_errors_add(problems, "%s", status->problems->lines[i]);
	for (i = 0; actual && i < actual->bus_count; i++)
		if (actual->buses[i].info.state == VBUS_BUS_STATE_BROKEN)
			fabric_errors_add(problems,
					  "bus %s: broken (the guest corrupted the shared region; "
					  "it is reset when a guest attaches again)",
					  actual->buses[i].info.name);
	for (i = 0; status->host && i < status->host->count; i++)
		fabric_errors_add(problems, "%s", status->host->lines[i]);
}

bool status_in_sync(const struct status *status)
{
	return !status->drift_count && reconcile_in_sync(status->desired, status->actual);
}

void status_text(const struct status *status, char *text, size_t size)
{
	size_t buses = status->actual ? status->actual->bus_count : 0;
	size_t devices = status->actual ? status->actual->device_count : 0;
	struct fabric_errors all = { 0 };
	size_t problems;
	char state[64];

	status_problems(status, &all);
	problems = all.count + status->drift_count;
	fabric_errors_clear(&all);
	if (problems)
		snprintf(state, sizeof(state), "%zu problem%s", problems, problems == 1 ? "" : "s");
	else
		snprintf(state, sizeof(state), "%s",
			 status_in_sync(status) ? "in sync" : "out of sync");
	snprintf(text, size, "%zu bus%s, %zu device%s, %s", buses, buses == 1 ? "" : "es",
		 devices, devices == 1 ? "" : "s", state);
}

static struct json_object *drift_json(const struct status *status)
{
	struct json_object *drift = json_object_new_array(), *entry;
	size_t i;

	for (i = 0; drift && i < status->drift_count; i++) {
		entry = json_object_new_object();
		if (!entry)
			break;
		json_object_object_add(entry, "object",
				       json_object_new_string(status->drift[i].object));
		json_object_object_add(entry, "name", json_object_new_string(status->drift[i].name));
		json_object_object_add(entry, "what", json_object_new_string(status->drift[i].what));
		json_object_array_add(drift, entry);
	}
	return drift;
}

static struct json_object *last_apply_json(const struct last_apply *apply)
{
	struct json_object *last;

	if (!apply->valid)
		return NULL;
	last = json_object_new_object();
	if (!last)
		return NULL;
	json_object_object_add(last, "time", json_object_new_string(apply->time));
	json_object_object_add(last, "source", json_object_new_string(apply->source));
	json_object_object_add(last, "result", json_object_new_string(apply->result));
	json_object_object_add(last, "operations", json_object_new_int64(apply->operations));
	json_object_object_add(last, "error",
			       apply->error[0] ? json_object_new_string(apply->error) : NULL);
	return last;
}

void status_lists_to_json(const struct status *status, const struct last_apply *last,
			  struct json_object *object)
{
	struct json_object *problems = json_object_new_array();
	struct fabric_errors all = { 0 };
	size_t i;

	status_problems(status, &all);
	for (i = 0; problems && i < all.count; i++)
		json_object_array_add(problems, json_object_new_string(all.lines[i]));
	fabric_errors_clear(&all);
	json_object_object_add(object, "drift", drift_json(status));
	json_object_object_add(object, "problems", problems);
	json_object_object_add(object, "last_apply", last_apply_json(last));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of what vbusd says about itself (status.c): the status line,
 * the problems and GetStatus's lists, from states built in memory. */
#include <json-c/json.h>
#include <string.h>

#include "json-cleanup.h"
#include "status.h"
#include "fabric-text.h"
#include "unit.h"

static const char fabric_text[] =
	"{\"version\":1,\"buses\":[{\"name\":\"vm1\"},{\"name\":\"vm2\"}],"
	"\"devices\":[{\"name\":\"web0\",\"type\":\"venet\",\"bus\":\"vm1\"},"
	"{\"name\":\"db0\",\"type\":\"venet\"},{\"name\":\"log0\",\"type\":\"venet\"}]}";

static void test_in_sync(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(fabric_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(fabric_text);
	struct status status = { .desired = desired, .actual = actual };
	char text[128];

	status_text(&status, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "2 buses, 3 devices, in sync");
	CU_ASSERT_TRUE(status_in_sync(&status));
}

static void test_out_of_sync_and_singulars(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(fabric_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(
		"{\"version\":1,\"buses\":[{\"name\":\"vm1\"}],"
		"\"devices\":[{\"name\":\"web0\",\"type\":\"venet\"}]}");
	struct status status = { .desired = desired, .actual = actual };
	char text[128];

	status_text(&status, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "1 bus, 1 device, out of sync");
	CU_ASSERT_FALSE(status_in_sync(&status));
}

static void test_problems_are_counted_before_sync(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(fabric_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(fabric_text);
	struct fabric_errors kept = { 0 }, host = { 0 }, all = { 0 };
	struct status status = { .desired = desired, .actual = actual, .problems = &kept,
				 .host = &host };
	char text[128];

	fabric_errors_add(&kept, "fabric.d/a.json: $.devices[0].mtu: 0 (expected 68..65535)");
	fabric_errors_add(&host, "device web0: bridge br0 does not exist");
	fabric_find_bus(actual, "vm2")->info.state = VBUS_BUS_STATE_BROKEN;
	status_text(&status, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "2 buses, 3 devices, 3 problems");
	status_problems(&status, &all);
	CU_ASSERT_EQUAL_FATAL(all.count, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(all.lines[0], "fabric.d/a.json"));
	CU_ASSERT_PTR_NOT_NULL(strstr(all.lines[1], "bus vm2: broken"));
	CU_ASSERT_STRING_EQUAL(all.lines[2], "device web0: bridge br0 does not exist");
	fabric_errors_clear(&all);
	fabric_errors_clear(&kept);
	fabric_errors_clear(&host);
}

static void test_reported_drift_is_a_problem(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(fabric_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(fabric_text);
	const struct drift_entry drift = { "device", "db0", "deleted" };
	struct status status = { .desired = desired, .actual = actual, .drift = &drift,
				 .drift_count = 1 };
	char text[128];

	status_text(&status, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "2 buses, 3 devices, 1 problem");
	CU_ASSERT_FALSE(status_in_sync(&status));
}

static void test_lists_as_json(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(fabric_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(fabric_text);
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	const struct drift_entry drift = { "connection", "web0", "disconnected from vm1" };
	struct status status = { .desired = desired, .actual = actual, .drift = &drift,
				 .drift_count = 1 };
	struct last_apply last = { .valid = true, .time = "2026-12-04T22:00:00Z",
				   .source = "drift", .result = "rolled back", .operations = 2,
				   .error = "operation 2 of 2: ..." };
	struct json_object *value;

	status_lists_to_json(&status, &last, object);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(json_object_object_get(object, "drift"),
							      JSON_C_TO_STRING_PLAIN),
			       "[{\"object\":\"connection\",\"name\":\"web0\",\"what\":\"disconnected from vm1\"}]");
	CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(object, "problems")), 0);
	CU_ASSERT_TRUE(json_object_object_get_ex(object, "last_apply", &value));
	CU_ASSERT_STRING_EQUAL(json_object_get_string(json_object_object_get(value, "result")),
			       "rolled back");
	last.valid = false;
	status_lists_to_json(&status, &last, object);
	CU_ASSERT_TRUE(json_object_object_get_ex(object, "last_apply", &value));
	CU_ASSERT_PTR_NULL(value);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "in sync", test_in_sync },
		{ "out of sync, and singulars", test_out_of_sync_and_singulars },
		{ "problems are counted before sync", test_problems_are_counted_before_sync },
		{ "reported drift is a problem", test_reported_drift_is_a_problem },
		{ "lists as JSON", test_lists_as_json },
	};

	return unit_run("vbusd status", UNIT_TESTS(tests));
}

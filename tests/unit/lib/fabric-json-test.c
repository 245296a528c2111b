/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of fabric_to_json(): a stable text (names sorted, keys in a
 * fixed order) that parses back to the same fabric, also for what the kernel
 * reports (vbusctl export). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "fabric.h"
#include "plan.h"
#include "unit.h"

static struct fabric *parse(const char *text)
{
	struct fabric_errors errors = { 0 };
	struct fabric *fabric = NULL;

	CU_ASSERT_EQUAL(fabric_parse(text, strlen(text), "fabric.json", &fabric, &errors), 0);
	CU_ASSERT_EQUAL(errors.count, 0);
	fabric_errors_clear(&errors);
	return fabric;
}

/* FABRIC's text, or NULL. */
static char *serialise(const struct fabric *fabric)
{
	char *text = NULL;

	CU_ASSERT_EQUAL(fabric_to_json(fabric, &text), 0);
	return text;
}

static void test_text_is_sorted_with_keys_in_order(void)
{
	static const char input[] =
		"{\"devices\": [{\"bridge\": \"br0\", \"mtu\": 9000, \"bus\": \"vm2\", \"type\": \"venet\","
		" \"name\": \"web0\", \"mac\": \"02:AB:00:00:00:01\"}, {\"type\": \"venet\", \"name\": \"db0\"}],"
		" \"buses\": [{\"name\": \"vm2\", \"uuid\": \"6F1C2B3A-9D4E-4F10-8A2B-0C1D2E3F4A5B\","
		" \"connector\": \"loop\"}, {\"name\": \"vm1\"}], \"version\": 1}";
	static const char expected[] =
		"{\n"
		"  \"version\": 1,\n"
		"  \"buses\": [\n"
		"    {\n"
		"      \"name\": \"vm1\"\n"
		"    },\n"
		"    {\n"
		"      \"name\": \"vm2\",\n"
		"      \"connector\": \"loop\",\n"
		"      \"uuid\": \"6f1c2b3a-9d4e-4f10-8a2b-0c1d2e3f4a5b\"\n"
		"    }\n"
		"  ],\n"
		"  \"devices\": [\n"
		"    {\n"
		"      \"name\": \"db0\",\n"
		"      \"type\": \"venet\"\n"
		"    },\n"
		"    {\n"
		"      \"name\": \"web0\",\n"
		"      \"type\": \"venet\",\n"
		"      \"bus\": \"vm2\",\n"
		"      \"mac\": \"02:ab:00:00:00:01\",\n"
		"      \"mtu\": 9000,\n"
		"      \"bridge\": \"br0\"\n"
		"    }\n"
		"  ]\n"
		"}\n";
	_cleanup_(fabric_freep) struct fabric *fabric = parse(input);
	_cleanup_free_ char *text = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fabric);
	text = serialise(fabric);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, expected);
	if (strcmp(text, expected))
		fprintf(stderr, "\n%s", text);
}

static void test_empty_fabric(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = fabric_new();
	_cleanup_free_ char *text = serialise(fabric);

	CU_ASSERT_STRING_EQUAL(text, "{\n  \"version\": 1,\n  \"buses\": [\n  ],\n  \"devices\": [\n  ]\n}\n");
}

/* TEXT parses, serialises, parses and serialises to the same text, and no
 * plan leads from one parse to the other. */
static void check_round_trip(const char *input)
{
	_cleanup_(fabric_freep) struct fabric *first = parse(input), *second = NULL;
	_cleanup_free_ char *text = NULL, *again = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	text = serialise(first);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	second = parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(second);
	again = serialise(second);
	CU_ASSERT_STRING_EQUAL(text, again);
	CU_ASSERT_EQUAL(plan_compute(first, second, true, &plan), 0);
	CU_ASSERT_EQUAL(plan->count, 0);
	plan_free(plan);
	plan = NULL;
	CU_ASSERT_EQUAL(plan_compute(second, first, true, &plan), 0);
	CU_ASSERT_EQUAL(plan->count, 0);
}

static void test_round_trips(void)
{
	check_round_trip("{\"version\": 1}");
	check_round_trip("{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"ivshmem\","
			 " \"region_size\": 1073741824, \"domain\": \"web server (prod) #1\","
			 " \"uuid\": \"00000000-0000-0000-0000-000000000000\"}],"
			 " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\","
			 " \"mac\": \"fe:ff:ff:ff:ff:ff\", \"mtu\": 68, \"zcthresh\": 0, \"wmem\": 4096,"
			 " \"txqlen\": 65536, \"ifname\": \"a;b%c!~{}\", \"bridge\": \"br-lan_0\"}]}");
	check_round_trip("{\"version\": 1.0, \"devices\": [{\"name\": \"z\", \"type\": \"venet\", \"mtu\": 9e3},"
			 " {\"name\": \"a\", \"type\": \"venet\"}]}");
}

/* Absent objects are written as their name and "state": "absent" (vbusd's
 * pending state holds them), and read back so. */
static void test_absent_objects_round_trip(void)
{
	_cleanup_(fabric_freep) struct fabric *first = NULL, *second = NULL;
	_cleanup_free_ char *text = NULL, *again = NULL;

	first = parse("{\"version\": 1, \"buses\": [{\"name\": \"vm9\", \"state\": \"absent\"}],"
		      " \"devices\": [{\"name\": \"old0\", \"type\": \"venet\", \"mtu\": 9000,"
		      " \"state\": \"absent\"}]}");
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	text = serialise(first);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text,
			       "{\n  \"version\": 1,\n  \"buses\": [\n    {\n      \"name\": \"vm9\",\n"
			       "      \"state\": \"absent\"\n    }\n  ],\n  \"devices\": [\n    {\n"
			       "      \"name\": \"old0\",\n      \"state\": \"absent\"\n    }\n  ]\n}\n");
	second = parse(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(second);
	CU_ASSERT_TRUE(second->buses[0].absent);
	CU_ASSERT_TRUE(second->devices[0].absent);
	again = serialise(second);
	CU_ASSERT_STRING_EQUAL(text, again);
}

static void test_example_round_trips(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };
	_cleanup_free_ char *text = NULL;

	CU_ASSERT_EQUAL_FATAL(fabric_parse_file(VBUS_SRCDIR "/examples/two-vms.json", &fabric,
						&errors), 0);
	text = serialise(fabric);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	check_round_trip(text);
}

/* What a kernel dump gives for the bus and device of two-vms.json's web0. */
static void kernel_objects(struct vbus_bus_info *bus, struct vbus_device_info *device)
{
	*bus = (struct vbus_bus_info){
		.name = "web", .connector = VBUS_CONNECTOR_IVSHMEM, .region_size = 2097152,
		.domain = "web", .state = VBUS_BUS_STATE_OK, .device_count = 1,
	};
	*device = (struct vbus_device_info){
		.name = "web0", .id = 7, .type = VBUS_DEVICE_TYPE_VENET, .bus = "web",
		.venet = {
			.present = VBUS_VENET_F_ALL, .mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 },
			.mtu = 9000, .zcthresh = 256, .wmem = 1048576, .txqlen = 1000,
			.ifname = "vbt-web0",
		},
	};
}

static void test_kernel_objects_export_every_attribute(void)
{
	static const char expected[] =
		"{\n"
		"  \"version\": 1,\n"
		"  \"buses\": [\n"
		"    {\n"
		"      \"name\": \"web\",\n"
		"      \"connector\": \"ivshmem\",\n"
		"      \"region_size\": 2097152,\n"
		"      \"domain\": \"web\"\n"
		"    }\n"
		"  ],\n"
		"  \"devices\": [\n"
		"    {\n"
		"      \"name\": \"web0\",\n"
		"      \"type\": \"venet\",\n"
		"      \"bus\": \"web\",\n"
		"      \"mac\": \"52:54:00:12:34:56\",\n"
		"      \"mtu\": 9000,\n"
		"      \"zcthresh\": 256,\n"
		"      \"wmem\": 1048576,\n"
		"      \"txqlen\": 1000,\n"
		"      \"ifname\": \"vbt-web0\",\n"
		"      \"bridge\": \"br0\"\n"
		"    }\n"
		"  ]\n"
		"}\n";
	_cleanup_(fabric_freep) struct fabric *actual = fabric_new();
	struct fabric_device device;
	struct vbus_device_info device_info;
	struct vbus_bus_info bus_info;
	struct fabric_bus bus;
	_cleanup_free_ char *text = NULL;

	kernel_objects(&bus_info, &device_info);
	fabric_bus_from_info(&bus, &bus_info);
	fabric_device_from_info(&device, &device_info, "br0");
	CU_ASSERT_EQUAL(bus.present, FABRIC_BUS_F_CONNECTOR | FABRIC_BUS_F_REGION_SIZE |
			FABRIC_BUS_F_DOMAIN);
	CU_ASSERT_PTR_NULL(bus.origin.file);
	CU_ASSERT_EQUAL(fabric_add_bus(actual, &bus), 0);
	CU_ASSERT_EQUAL(fabric_add_device(actual, &device), 0);
	text = serialise(actual);
	CU_ASSERT_STRING_EQUAL(text, expected);
	check_round_trip(text);
}

static void test_objects_without_their_name(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric =
		parse("{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"loop\"}],"
		      " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"zcthresh\": 0}]}");
	struct json_object *bus, *device;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fabric);
	bus = fabric_bus_to_json(&fabric->buses[0], false);
	device = fabric_device_to_json(&fabric->devices[0], false);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(bus, JSON_C_TO_STRING_PLAIN),
			       "{\"connector\":\"loop\"}");
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(device, JSON_C_TO_STRING_PLAIN),
			       "{\"type\":\"venet\",\"zcthresh\":0}");
	json_object_put(bus);
	json_object_put(device);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the text is sorted by name, keys in a fixed order", test_text_is_sorted_with_keys_in_order },
		{ "an empty fabric", test_empty_fabric },
		{ "parse, serialise, parse gives the same fabric", test_round_trips },
		{ "examples/two-vms.json round-trips", test_example_round_trips },
		{ "absent objects round-trip as name and state", test_absent_objects_round_trip },
		{ "kernel objects export every attribute, and re-parse", test_kernel_objects_export_every_attribute },
		{ "a bus or device without its name, for plans", test_objects_without_their_name },
	};

	return unit_run("lib/fabric-json", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the plan engine: the operations and their order for each kind
 * of change, prune, renderings, and, against the in-memory fake kernel
 * (plan_apply_in_memory), idempotence and rollback. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "fabric.h"
#include "plan.h"
#include "unit.h"
#include "macro.h"

static struct fabric *parse(const char *text)
{
	struct fabric_errors errors = { 0 };
	struct fabric *fabric = NULL;
	size_t i;

	CU_ASSERT_EQUAL(fabric_parse(text, strlen(text), "fabric.json", &fabric, &errors), 0);
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "\n      %s", errors.lines[i]);
	fabric_errors_clear(&errors);
	return fabric;
}

static struct fabric *copy(const struct fabric *fabric)
{
	struct fabric *copy = fabric_new();

	CU_ASSERT_EQUAL(fabric_merge(copy, fabric), 0);
	return copy;
}

static char *serialise(const struct fabric *fabric)
{
	char *text = NULL;

	CU_ASSERT_EQUAL(fabric_to_json(fabric, &text), 0);
	return text;
}

static struct plan *compute(const struct fabric *desired, const struct fabric *actual, bool prune)
{
	struct plan *plan = NULL;

	CU_ASSERT_EQUAL(plan_compute(desired, actual, prune, &plan), 0);
	return plan;
}

/* The plan from ACTUAL to DESIRED (fabric files) is EXPECTED, as text. */
static void check_plan(const char *desired_text, const char *actual_text, bool prune,
		       const char *expected)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(desired_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(actual_text);
	_cleanup_(plan_freep) struct plan *plan = NULL;
	_cleanup_free_ char *text = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(desired);
	CU_ASSERT_PTR_NOT_NULL_FATAL(actual);
	plan = compute(desired, actual, prune);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
	CU_ASSERT_EQUAL(plan_to_text(plan, &text), 0);
	CU_ASSERT_STRING_EQUAL(text, expected);
	if (strcmp(text, expected))
		fprintf(stderr, "\n--- got:\n%s--- expected:\n%s", text, expected);
}

/* ACTUAL as a kernel reports it: every attribute set, the defaults where
 * ACTUAL sets none, so that a rollback has every old value to restore. */
static struct fabric *as_reported(const struct fabric *actual)
{
	struct fabric *fabric = copy(actual);
	struct vbus_venet_config *venet;
	size_t i;

	for (i = 0; i < fabric->bus_count; i++) {
		if (!(fabric->buses[i].present & FABRIC_BUS_F_REGION_SIZE))
			fabric->buses[i].info.region_size = VBUS_REGION_SIZE_DEFAULT;
		fabric->buses[i].present |= FABRIC_BUS_F_CONNECTOR | FABRIC_BUS_F_REGION_SIZE;
	}
	for (i = 0; i < fabric->device_count; i++) {
		venet = &fabric->devices[i].info.venet;
		if (!(venet->present & VBUS_VENET_F_MAC))
			memcpy(venet->mac, (uint8_t[]){ 0x02, 0xfe, 0, 0, i >> 8, i }, VBUS_MAC_LEN);
		if (!(venet->present & VBUS_VENET_F_MTU))
			venet->mtu = VBUS_VENET_MTU_DEFAULT;
		if (!(venet->present & VBUS_VENET_F_ZCTHRESH))
			venet->zcthresh = VBUS_VENET_ZCTHRESH_DEFAULT;
		if (!(venet->present & VBUS_VENET_F_WMEM))
			venet->wmem = VBUS_VENET_WMEM_DEFAULT;
		if (!(venet->present & VBUS_VENET_F_TXQLEN))
			venet->txqlen = VBUS_VENET_TXQLEN_DEFAULT;
		if (!(venet->present & VBUS_VENET_F_IFNAME))
			vbus_venet_default_ifname(fabric->devices[i].info.name, venet->ifname);
		venet->present = VBUS_VENET_F_ALL;
	}
	return fabric;
}

/* Whether to try the inverse of the plan's first DONE operations: all of
 * them in a short plan, some twenty in a long one. */
static bool sampled(size_t done, size_t count)
{
	return count <= 64 || done % (count / 20) == 0 || done == count;
}

/*
 * On the fake kernel: the plan from what a kernel with ACTUAL reports to
 * DESIRED runs without a refusal, after it no plan is left (idempotence),
 * and its inverse brings the kernel back; so does the inverse of any prefix
 * of it (rollback after a failure).
 */
static void check_converges(const struct fabric *desired, const struct fabric *partial, bool prune)
{
	_cleanup_(fabric_freep) struct fabric *actual = as_reported(partial);
	_cleanup_(plan_freep) struct plan *plan = compute(desired, actual, prune), *again = NULL;
	_cleanup_free_ char *before = serialise(actual);
	size_t executed, done;

	CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
	for (done = 0; done <= plan->count; done++) {
		_cleanup_(fabric_freep) struct fabric *kernel = NULL;
		_cleanup_(plan_freep) struct plan *inverse = NULL;
		struct plan prefix = *plan;
		_cleanup_free_ char *after = NULL;

		if (!sampled(done, plan->count))
			continue;
		kernel = copy(actual);
		prefix.count = done;
		CU_ASSERT_EQUAL(plan_apply_in_memory(&prefix, kernel, &executed), 0);
		CU_ASSERT_EQUAL(executed, done);
		if (done == plan->count) {
			again = compute(desired, kernel, prune);
			CU_ASSERT_PTR_NOT_NULL_FATAL(again);
			CU_ASSERT_EQUAL(again->count, 0);
		}
		CU_ASSERT_EQUAL(plan_inverse(plan, done, &inverse), 0);
		CU_ASSERT_EQUAL(plan_apply_in_memory(inverse, kernel, &executed), 0);
		after = serialise(kernel);
		CU_ASSERT_STRING_EQUAL(after, before);
	}
}

static void check_converges_text(const char *desired_text, const char *actual_text)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(desired_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(actual_text);

	CU_ASSERT_PTR_NOT_NULL_FATAL(desired);
	CU_ASSERT_PTR_NOT_NULL_FATAL(actual);
	check_converges(desired, actual, false);
	check_converges(desired, actual, true);
}

/* --- the scenarios -------------------------------------------------------- */

#define EMPTY "{\"version\": 1}"

static const char two_buses[] =
	"{\"version\": 1,"
	" \"buses\": [{\"name\": \"vm1\", \"connector\": \"ivshmem\"}, {\"name\": \"vm2\"}],"
	" \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\", \"mtu\": 9000},"
	"   {\"name\": \"db0\", \"type\": \"venet\", \"bus\": \"vm2\", \"zcthresh\": 0,"
	"    \"wmem\": 2097152, \"bridge\": \"br0\"},"
	"   {\"name\": \"spare0\", \"type\": \"venet\"}]}";

/* What a kernel with web0 and old0 reports: every attribute set. */
static const char kernel[] =
	"{\"version\": 1,"
	" \"buses\": [{\"name\": \"vm1\", \"connector\": \"none\", \"region_size\": 1048576},"
	"   {\"name\": \"vm2\", \"connector\": \"none\", \"region_size\": 1048576},"
	"   {\"name\": \"vm9\", \"connector\": \"loop\", \"region_size\": 1048576}],"
	" \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\","
	"    \"mac\": \"02:00:00:00:00:01\", \"mtu\": 1500, \"zcthresh\": 256, \"wmem\": 1048576,"
	"    \"txqlen\": 1000, \"ifname\": \"vbt-web0\", \"bridge\": \"br0\"},"
	"   {\"name\": \"old0\", \"type\": \"venet\", \"bus\": \"vm9\","
	"    \"mac\": \"02:00:00:00:00:09\", \"mtu\": 1500, \"zcthresh\": 256, \"wmem\": 1048576,"
	"    \"txqlen\": 1000, \"ifname\": \"vbt-old0\"}]}";

static void test_create_everything_in_order(void)
{
	check_plan(two_buses, EMPTY, false,
		   "+ bus vm1 (ivshmem)\n"
		   "+ bus vm2\n"
		   "+ device db0 (venet, zcthresh 0, wmem 2MiB, bridge br0)\n"
		   "+ device spare0 (venet)\n"
		   "+ device web0 (venet, mtu 9000)\n"
		   "+ connection db0 -> vm2\n"
		   "+ connection web0 -> vm1\n");
}

static void test_same_fabric_needs_no_operation(void)
{
	check_plan(two_buses, two_buses, true, "");
	check_plan(kernel, kernel, true, "");
	check_plan(EMPTY, EMPTY, true, "");
}

static void test_only_differing_attributes_are_set(void)
{
	check_plan("{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}],"
		   " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\","
		   "  \"mtu\": 1500, \"zcthresh\": 0, \"wmem\": 2097152}]}",
		   kernel, false, "~ device web0: zcthresh 256 -> 0, wmem 1MiB -> 2MiB\n");
}

static void test_attributes_left_out_are_left_alone(void)
{
	check_plan("{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}],"
		   " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\"}]}",
		   kernel, false, "");
}

static const char web0_alone[] =
	"{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}],"
	" \"devices\": [{\"name\": \"web0\", \"type\": \"venet\"}]}";

static void test_without_prune_nothing_is_removed(void)
{
	/* old0, vm9, vm2, web0's connection and bridge port stay */
	check_plan(web0_alone, kernel, false, "");
}

static void test_prune_removes_what_the_fabric_lacks(void)
{
	check_plan(web0_alone, kernel, true,
		   "- connection old0 -> vm9\n"
		   "- connection web0 -> vm1\n"
		   "- device old0\n"
		   "- bus vm2\n"
		   "- bus vm9\n"
		   "~ device web0: bridge br0 -> (none)\n");
}

/* "state": "absent" removes without prune, devices disconnected first, and
 * says why; absent and gone already is no change. */
static void test_absent_objects_are_removed_without_prune(void)
{
	static const char absent[] =
		"{\"version\": 1, \"buses\": [{\"name\": \"vm9\", \"state\": \"absent\"},"
		"   {\"name\": \"gone\", \"state\": \"absent\"}],"
		" \"devices\": [{\"name\": \"old0\", \"state\": \"absent\"},"
		"   {\"name\": \"web0\", \"state\": \"absent\"}, {\"name\": \"gone0\", \"state\": \"absent\"}]}";
	_cleanup_(fabric_freep) struct fabric *desired = parse(absent);
	_cleanup_(fabric_freep) struct fabric *actual = parse(kernel);

	check_plan(absent, kernel, false,
		   "- connection old0 -> vm9 (state absent in fabric.json)\n"
		   "- connection web0 -> vm1 (state absent in fabric.json)\n"
		   "- device old0 (state absent in fabric.json)\n"
		   "- device web0 (state absent in fabric.json)\n"
		   "- bus vm9 (state absent in fabric.json)\n");
	check_plan("{\"version\": 1, \"devices\": [{\"name\": \"old0\", \"state\": \"absent\"}]}",
		   kernel, false,
		   "- connection old0 -> vm9 (state absent in fabric.json)\n"
		   "- device old0 (state absent in fabric.json)\n");
	check_plan(absent, EMPTY, false, "");
	check_plan(absent, EMPTY, true, "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(desired);
	CU_ASSERT_PTR_NOT_NULL_FATAL(actual);
	check_converges(desired, actual, false);
	check_converges(desired, actual, true);
}

static void test_move_to_another_bus(void)
{
	check_plan("{\"version\": 1, \"buses\": [{\"name\": \"vm2\"}],"
		   " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm2\"}]}",
		   kernel, false,
		   "- connection web0 -> vm1\n"
		   "+ connection web0 -> vm2\n");
}

static void test_connect_a_device_that_is_on_no_bus(void)
{
	check_plan("{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}],"
		   " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\"}]}",
		   "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}],"
		   " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\"}]}",
		   false, "+ connection web0 -> vm1\n");
}

static const char vm1_ivshmem[] =
	"{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"ivshmem\","
	" \"region_size\": 2097152}],"
	" \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\"}]}";

static const char vm1_none_with_extra[] =
	"{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"none\","
	" \"region_size\": 1048576}],"
	" \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\"},"
	"   {\"name\": \"extra0\", \"type\": \"venet\", \"bus\": \"vm1\"}]}";

static void test_changed_bus_is_recreated_with_its_devices(void)
{
	check_plan(vm1_ivshmem, vm1_none_with_extra, false,
		   "- connection extra0 -> vm1 (bus vm1 is recreated)\n"
		   "- connection web0 -> vm1 (bus vm1 is recreated)\n"
		   "- bus vm1 (recreated: connector none -> ivshmem, region_size 1MiB -> 2MiB)\n"
		   "+ bus vm1 (ivshmem, region_size 2MiB)\n"
		   "+ connection extra0 -> vm1\n"
		   "+ connection web0 -> vm1\n");
	check_plan(vm1_ivshmem, vm1_none_with_extra, true,
		   "- connection extra0 -> vm1\n"
		   "- connection web0 -> vm1 (bus vm1 is recreated)\n"
		   "- device extra0\n"
		   "- bus vm1 (recreated: connector none -> ivshmem, region_size 1MiB -> 2MiB)\n"
		   "+ bus vm1 (ivshmem, region_size 2MiB)\n"
		   "+ connection web0 -> vm1\n");
}

/* poll_us changes in place (BUS_SET); with another change, the bus is
 * recreated with it. */
static void test_poll_us_is_set_in_place(void)
{
	static const char vm1_poll0[] =
		"{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"poll_us\": 0}]}";
	static const char vm1_poll50[] =
		"{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"none\","
		" \"poll_us\": 50}]}";
	_cleanup_(fabric_freep) struct fabric *desired = parse(vm1_poll0);
	_cleanup_(fabric_freep) struct fabric *actual = parse(vm1_poll50);
	_cleanup_(plan_freep) struct plan *plan = NULL;
	_cleanup_(plan_freep) struct plan *inverse = NULL;
	struct json_object *json;
	size_t executed;

	check_plan(vm1_poll0, vm1_poll50, false, "~ bus vm1: poll_us 50 -> 0\n");
	check_plan(vm1_poll0, "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}]}", false,
		   "~ bus vm1: poll_us (unset) -> 0\n");
	check_plan(vm1_poll50, vm1_poll50, false, "");
	check_plan("{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"loop\","
		   " \"poll_us\": 0}]}", vm1_poll50, false,
		   "- bus vm1 (recreated: connector none -> loop)\n"
		   "+ bus vm1 (loop, poll_us 0)\n");

	/* Applied in memory, it converges; its inverse puts 50 back. */
	plan = compute(desired, actual, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
	CU_ASSERT_EQUAL_FATAL(plan->count, 1);
	CU_ASSERT_EQUAL(plan->operations[0].action, PLAN_BUS_SET);
	json = plan_to_json(plan);
	CU_ASSERT_STRING_EQUAL(json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN),
			       "{\"operations\":[{\"action\":\"set\",\"object\":\"bus\","
			       "\"name\":\"vm1\",\"changes\":{\"poll_us\":{\"from\":50,\"to\":0}}}]}");
	json_object_put(json);
	CU_ASSERT_EQUAL(plan_inverse(plan, 1, &inverse), 0);
	CU_ASSERT_EQUAL_FATAL(inverse->count, 1);
	CU_ASSERT_EQUAL(inverse->operations[0].bus.info.poll_us, 50);
	CU_ASSERT_EQUAL(plan_apply_in_memory(plan, actual, &executed), 0);
	CU_ASSERT_EQUAL(fabric_find_bus(actual, "vm1")->info.poll_us, 0);
	CU_ASSERT_EQUAL(plan_apply_in_memory(inverse, actual, &executed), 0);
	CU_ASSERT_EQUAL(fabric_find_bus(actual, "vm1")->info.poll_us, 50);
}

static void test_bridge_ports(void)
{
	static const char on_br0[] =
		"{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bridge\": \"br0\"}]}";
	static const char on_br1[] =
		"{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bridge\": \"br1\"}]}";
	static const char on_none[] =
		"{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\"}]}";

	check_plan(on_br0, on_none, false, "~ device web0: bridge (none) -> br0\n");
	check_plan(on_br1, on_br0, false, "~ device web0: bridge br0 -> br1\n");
	check_plan(on_none, on_br0, false, "");
	check_plan(on_none, on_br0, true, "~ device web0: bridge br0 -> (none)\n");
}

static void test_set_of_an_attribute_actual_lacks(void)
{
	check_plan("{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"mtu\": 9000}]}",
		   "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\"}]}",
		   false, "~ device web0: mtu (unset) -> 9000\n");
}

/* A kernel reporting a device of a type this library does not know. */
static void test_device_of_another_type_is_recreated(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(vm1_ivshmem);
	_cleanup_(fabric_freep) struct fabric *actual = parse(vm1_ivshmem);
	_cleanup_(plan_freep) struct plan *plan = NULL;
	_cleanup_free_ char *text = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(actual);
	actual->devices[0].info.type = 9;
	plan = compute(desired, actual, false);
	CU_ASSERT_EQUAL(plan_to_text(plan, &text), 0);
	CU_ASSERT_STRING_EQUAL(text,
			       "- connection web0 -> vm1 (device web0 is recreated)\n"
			       "- device web0 (recreated: type unknown -> venet)\n"
			       "+ device web0 (venet)\n"
			       "+ connection web0 -> vm1\n");
	check_converges(desired, actual, false);
}

static void test_one_of_each_in_kernel_order(void)
{
	check_plan("{\"version\": 1,"
		   " \"buses\": [{\"name\": \"vm1\", \"connector\": \"ivshmem\"}, {\"name\": \"vm3\"}],"
		   " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm3\", \"mtu\": 9000},"
		   "   {\"name\": \"new0\", \"type\": \"venet\", \"bus\": \"vm1\"}]}",
		   kernel, true,
		   "- connection old0 -> vm9\n"
		   "- connection web0 -> vm1\n"
		   "- device old0\n"
		   "- bus vm1 (recreated: connector none -> ivshmem)\n"
		   "- bus vm2\n"
		   "- bus vm9\n"
		   "+ bus vm1 (ivshmem)\n"
		   "+ bus vm3\n"
		   "+ device new0 (venet)\n"
		   "~ device web0: mtu 1500 -> 9000, bridge br0 -> (none)\n"
		   "+ connection new0 -> vm1\n"
		   "+ connection web0 -> vm3\n");
}

static void test_idempotent_and_reversible_on_the_fake_kernel(void)
{
	static const char *const fabrics[] = {
		EMPTY, two_buses, kernel, web0_alone, vm1_ivshmem, vm1_none_with_extra,
		"{\"version\": 1, \"buses\": [{\"name\": \"vm2\", \"domain\": \"db\","
		" \"uuid\": \"6f1c2b3a-9d4e-4f10-8a2b-0c1d2e3f4a5b\"}],"
		" \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm2\","
		"  \"bridge\": \"br1\", \"mac\": \"02:00:00:00:00:02\", \"ifname\": \"web\"},"
		"  {\"name\": \"old0\", \"type\": \"venet\", \"bus\": \"vm2\"}]}",
	};
	size_t count = ELEMENTSOF(fabrics), i, j;

	/* every fabric from every other, with and without prune */
	for (i = 0; i < count; i++)
		for (j = 0; j < count; j++)
			check_converges_text(fabrics[i], fabrics[j]);
}

/* 100 buses of 10 devices from nothing, then every device moved on. */
static void test_a_thousand_devices_on_the_fake_kernel(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = fabric_new(), *moved = NULL;
	_cleanup_(fabric_freep) struct fabric *empty = fabric_new();
	_cleanup_(plan_freep) struct plan *plan = NULL;
	struct fabric_device device = { .info.type = VBUS_DEVICE_TYPE_VENET };
	struct fabric_bus bus = { .present = FABRIC_BUS_F_CONNECTOR };
	size_t i;

	for (i = 0; i < 100; i++) {
		snprintf(bus.info.name, sizeof(bus.info.name), "vm%zu", i);
		CU_ASSERT_EQUAL(fabric_add_bus(desired, &bus), 0);
	}
	for (i = 0; i < 1000; i++) {
		snprintf(device.info.name, sizeof(device.info.name), "net%zu", i);
		snprintf(device.info.bus, sizeof(device.info.bus), "vm%zu", i % 100);
		CU_ASSERT_EQUAL(fabric_add_device(desired, &device), 0);
	}
	plan = compute(desired, empty, true);
	CU_ASSERT_EQUAL(plan->count, 2100);
	check_converges(desired, empty, true);

	moved = copy(desired);
	for (i = 0; i < 1000; i++)
		snprintf(moved->devices[i].info.bus, VBUS_NAME_MAX, "vm%zu", (i + 1) % 100);
	plan_free(plan);
	plan = compute(moved, desired, false);
	CU_ASSERT_EQUAL(plan->count, 2000);
	check_converges(moved, desired, false);
}

static void test_fake_kernel_refuses_what_the_kernel_refuses(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = parse(kernel);
	struct plan_operation operation = { .action = PLAN_BUS_DESTROY, .bus.info.name = "vm1" };
	struct plan plan = { .operations = &operation, .count = 1 };
	size_t executed;

	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), -EBUSY);
	CU_ASSERT_EQUAL(executed, 0);
	operation = (struct plan_operation){ .action = PLAN_BUS_CREATE, .bus.info.name = "vm1" };
	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), -EEXIST);
	operation = (struct plan_operation){ .action = PLAN_DEVICE_DESTROY,
					     .device.info.name = "web0" };
	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), -EBUSY);
	operation = (struct plan_operation){ .action = PLAN_CONNECT,
					     .device.info = { .name = "web0", .bus = "vm2" } };
	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), -EBUSY);
	operation.device.info.bus[2] = '7';
	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), -ENOENT);
	operation = (struct plan_operation){ .action = PLAN_DEVICE_SET,
					     .device.info.name = "nothing" };
	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), -ENOENT);
	operation = (struct plan_operation){ .action = PLAN_DISCONNECT,
					     .device.info.name = "web0" };
	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), 0);
	CU_ASSERT_EQUAL(executed, 1);
	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), -ENOTCONN);
}

static void test_fake_kernel_bus_holds_256_devices(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = parse("{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}]}");
	struct plan_operation operations[2 * (VBUS_BUS_MAX_DEVICES + 1)];
	struct plan plan = { .operations = operations, .count = 0 };
	size_t executed, i;

	for (i = 0; i <= VBUS_BUS_MAX_DEVICES; i++) {
		struct plan_operation *create = &operations[plan.count++];
		struct plan_operation *connect = &operations[plan.count++];

		*create = (struct plan_operation){ .action = PLAN_DEVICE_CREATE };
		snprintf(create->device.info.name, VBUS_NAME_MAX, "d%zu", i);
		*connect = (struct plan_operation){ .action = PLAN_CONNECT,
						    .device.info = create->device.info };
		snprintf(connect->device.info.bus, VBUS_NAME_MAX, "vm1");
	}
	CU_ASSERT_EQUAL(plan_apply_in_memory(&plan, fabric, &executed), -ENOSPC);
	CU_ASSERT_EQUAL(executed, plan.count - 1);
}

static void test_refused_fabrics(void)
{
	_cleanup_(fabric_freep) struct fabric *twice = parse(
		"{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}, {\"name\": \"vm1\"}]}");
	_cleanup_(fabric_freep) struct fabric *nowhere = parse(
		"{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm9\"}]}");
	_cleanup_(fabric_freep) struct fabric *actual = parse(kernel);
	_cleanup_(fabric_freep) struct fabric *empty = fabric_new();
	struct plan *plan = (struct plan *)1;

	CU_ASSERT_EQUAL(plan_compute(twice, empty, false, &plan), -EINVAL);
	CU_ASSERT_PTR_NULL(plan);
	CU_ASSERT_EQUAL(plan_compute(empty, twice, false, &plan), -EINVAL);
	CU_ASSERT_EQUAL(plan_compute(nowhere, empty, false, &plan), -ENOENT);
	/* vm9 is in the kernel: kept without prune, gone with it */
	CU_ASSERT_EQUAL(plan_compute(nowhere, actual, false, &plan), 0);
	plan_free(plan);
	CU_ASSERT_EQUAL(plan_compute(nowhere, actual, true, &plan), -ENOENT);
}

static void test_json_rendering(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(
		"{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"loop\"}],"
		" \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\", \"zcthresh\": 0,"
		"  \"bridge\": \"br0\"}, {\"name\": \"new0\", \"type\": \"venet\", \"mtu\": 9000}]}");
	_cleanup_(fabric_freep) struct fabric *actual = parse(kernel);
	_cleanup_(plan_freep) struct plan *plan = compute(desired, actual, false);
	struct json_object *json = plan_to_json(plan);

	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	CU_ASSERT_STRING_EQUAL(
		json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN),
		"{\"operations\":["
		"{\"action\":\"disconnect\",\"object\":\"connection\",\"device\":\"web0\",\"bus\":\"vm1\","
		"\"reason\":\"bus vm1 is recreated\"},"
		"{\"action\":\"destroy\",\"object\":\"bus\",\"name\":\"vm1\","
		"\"reason\":\"recreated: connector none -> loop\"},"
		"{\"action\":\"create\",\"object\":\"bus\",\"name\":\"vm1\","
		"\"attributes\":{\"connector\":\"loop\"}},"
		"{\"action\":\"create\",\"object\":\"device\",\"name\":\"new0\","
		"\"attributes\":{\"type\":\"venet\",\"mtu\":9000}},"
		"{\"action\":\"set\",\"object\":\"device\",\"name\":\"web0\","
		"\"changes\":{\"zcthresh\":{\"from\":256,\"to\":0}}},"
		"{\"action\":\"connect\",\"object\":\"connection\",\"device\":\"web0\",\"bus\":\"vm1\"}]}");
	json_object_put(json);
}

static void test_json_rendering_of_bridge_and_unset_values(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(
		"{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"mtu\": 9000}]}");
	_cleanup_(fabric_freep) struct fabric *actual = parse(
		"{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bridge\": \"br0\"}]}");
	_cleanup_(plan_freep) struct plan *plan = compute(desired, actual, true);
	struct json_object *json = plan_to_json(plan);

	CU_ASSERT_STRING_EQUAL(
		json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN),
		"{\"operations\":[{\"action\":\"set\",\"object\":\"device\",\"name\":\"web0\","
		"\"changes\":{\"mtu\":{\"from\":null,\"to\":9000},\"bridge\":{\"from\":\"br0\",\"to\":null}}}]}");
	json_object_put(json);
}

static void test_one_operation_as_text(void)
{
	struct plan_operation operation = {
		.action = PLAN_CONNECT, .device.info = { .name = "web0", .bus = "vm1" },
	};
	_cleanup_free_ char *text = NULL;

	CU_ASSERT_EQUAL(plan_operation_to_text(&operation, &text), 0);
	CU_ASSERT_STRING_EQUAL(text, "+ connection web0 -> vm1\n");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "everything created, buses before devices before connections", test_create_everything_in_order },
		{ "the same fabric needs no operation", test_same_fabric_needs_no_operation },
		{ "only attributes that differ are set", test_only_differing_attributes_are_set },
		{ "attributes left out are left alone", test_attributes_left_out_are_left_alone },
		{ "without prune, nothing is removed", test_without_prune_nothing_is_removed },
		{ "prune removes connections, devices, buses, bridge ports", test_prune_removes_what_the_fabric_lacks },
		{ "absent objects are removed without prune, and gone is no change", test_absent_objects_are_removed_without_prune },
		{ "a move to another bus: disconnect, then connect", test_move_to_another_bus },
		{ "a device on no bus is connected", test_connect_a_device_that_is_on_no_bus },
		{ "a changed bus is recreated, its devices reconnected", test_changed_bus_is_recreated_with_its_devices },
		{ "poll_us is set in place", test_poll_us_is_set_in_place },
		{ "bridge ports: added, changed, removed with prune only", test_bridge_ports },
		{ "an attribute actual lacks is set from (unset)", test_set_of_an_attribute_actual_lacks },
		{ "a device of another type is recreated (fake kernel)", test_device_of_another_type_is_recreated },
		{ "one of each operation, in the kernel's order", test_one_of_each_in_kernel_order },
		{ "idempotent and reversible, every prefix (fake kernel)", test_idempotent_and_reversible_on_the_fake_kernel },
		{ "1000 devices on 100 buses, then moved (fake kernel)", test_a_thousand_devices_on_the_fake_kernel },
		{ "the fake kernel refuses what vbus.ko refuses", test_fake_kernel_refuses_what_the_kernel_refuses },
		{ "the fake kernel's bus holds 256 devices", test_fake_kernel_bus_holds_256_devices },
		{ "duplicate names and missing buses are refused", test_refused_fabrics },
		{ "JSON rendering", test_json_rendering },
		{ "JSON rendering of bridges and unset values", test_json_rendering_of_bridge_and_unset_values },
		{ "one operation as text", test_one_operation_as_text },
	};

	return unit_run("lib/plan", UNIT_TESTS(tests));
}

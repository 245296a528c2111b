/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of vbusd's desired state: overlaying one fabric on another, and
 * the atomic write read back (in a temporary directory; no kernel). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "fabric-text.h"
#include "unit.h"

static const char base[] =
	"{\"version\":1,\"buses\":[{\"name\":\"vm1\",\"connector\":\"ivshmem\"},"
	"{\"name\":\"vm2\"}],\"devices\":[{\"name\":\"web0\",\"type\":\"venet\",\"bus\":\"vm1\","
	"\"mtu\":9000,\"zcthresh\":0},{\"name\":\"db0\",\"type\":\"venet\"}]}";

static void test_overlay_replaces_named_objects_whole(void)
{
	_cleanup_(fabric_freep) struct fabric *into = parse(base);
	_cleanup_(fabric_freep) struct fabric *from = parse(
		"{\"version\":1,\"devices\":[{\"name\":\"web0\",\"type\":\"venet\",\"wmem\":4096}]}");
	struct fabric_device *web0;

	CU_ASSERT_EQUAL(state_overlay(into, from), 0);
	CU_ASSERT_EQUAL(into->device_count, 2);
	web0 = fabric_find_device(into, "web0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(web0);
	/* the file's attributes, not a mix: mtu and bus are gone */
	CU_ASSERT_EQUAL(web0->info.venet.present, VBUS_VENET_F_WMEM);
	CU_ASSERT_EQUAL(web0->info.venet.wmem, 4096);
	CU_ASSERT_STRING_EQUAL(web0->info.bus, "");
	CU_ASSERT_PTR_NOT_NULL(fabric_find_device(into, "db0"));
}

static void test_overlay_adds_new_objects_and_keeps_the_others(void)
{
	_cleanup_(fabric_freep) struct fabric *into = parse(base);
	_cleanup_(fabric_freep) struct fabric *from = parse(
		"{\"version\":1,\"buses\":[{\"name\":\"vm3\",\"connector\":\"loop\"}],"
		"\"devices\":[{\"name\":\"new0\",\"type\":\"venet\",\"bus\":\"vm3\"}]}");
	struct fabric_errors errors = { 0 };

	CU_ASSERT_EQUAL(state_overlay(into, from), 0);
	CU_ASSERT_EQUAL(into->bus_count, 3);
	CU_ASSERT_EQUAL(into->device_count, 3);
	CU_ASSERT_EQUAL(fabric_find_bus(into, "vm1")->info.connector, VBUS_CONNECTOR_IVSHMEM);
	CU_ASSERT_EQUAL(fabric_find_bus(into, "vm3")->info.connector, VBUS_CONNECTOR_LOOP);
	/* no name twice: the result passes the checker */
	CU_ASSERT_EQUAL(fabric_check(into, &errors), 0);
	fabric_errors_clear(&errors);
}

/* A file's absent objects replace the desired state's (so that the plan
 * removes them), and are dropped once applied; the bridges they had are not
 * kept for them. */
static void test_absent_objects_overlay_then_drop(void)
{
	_cleanup_(fabric_freep) struct fabric *into = parse(base);
	_cleanup_(fabric_freep) struct fabric *previous = parse(base);
	_cleanup_(fabric_freep) struct fabric *from = parse(
		"{\"version\":1,\"buses\":[{\"name\":\"vm2\",\"state\":\"absent\"}],"
		"\"devices\":[{\"name\":\"db0\",\"state\":\"absent\"}]}");

	snprintf(fabric_find_device(previous, "db0")->bridge, VBUS_IFNAME_MAX, "br0");
	CU_ASSERT_EQUAL(state_overlay(into, from), 0);
	state_keep_bridges(into, previous, from);
	CU_ASSERT_TRUE(fabric_find_bus(into, "vm2")->absent);
	CU_ASSERT_TRUE(fabric_find_device(into, "db0")->absent);
	CU_ASSERT_STRING_EQUAL(fabric_find_device(into, "db0")->bridge, "");
	state_drop_absent(into);
	CU_ASSERT_EQUAL(into->bus_count, 1);
	CU_ASSERT_EQUAL(into->device_count, 1);
	CU_ASSERT_PTR_NULL(fabric_find_bus(into, "vm2"));
	CU_ASSERT_PTR_NULL(fabric_find_device(into, "db0"));
	CU_ASSERT_PTR_NOT_NULL(fabric_find_device(into, "web0"));
}

/* What exists besides fabric.d's files: the first fabric's objects, and the
 * second's of names the first lacks. */
static void test_union_prefers_the_first(void)
{
	_cleanup_(fabric_freep) struct fabric *first = parse(base);
	_cleanup_(fabric_freep) struct fabric *second = parse(
		"{\"version\":1,\"buses\":[{\"name\":\"vm1\",\"connector\":\"loop\"},{\"name\":\"vm9\"}],"
		"\"devices\":[{\"name\":\"old0\",\"type\":\"venet\",\"bus\":\"vm9\"}]}");
	_cleanup_(fabric_freep) struct fabric *both = state_union(first, second);
	_cleanup_(fabric_freep) struct fabric *alone = state_union(first, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(both);
	CU_ASSERT_EQUAL(both->bus_count, 3);
	CU_ASSERT_EQUAL(both->device_count, 3);
	CU_ASSERT_EQUAL(fabric_find_bus(both, "vm1")->info.connector, VBUS_CONNECTOR_IVSHMEM);
	CU_ASSERT_STRING_EQUAL(fabric_find_device(both, "old0")->info.bus, "vm9");
	CU_ASSERT_PTR_NOT_NULL_FATAL(alone);
	CU_ASSERT_EQUAL(alone->bus_count, 2);
}

static void test_overlay_of_itself_changes_nothing(void)
{
	_cleanup_(fabric_freep) struct fabric *into = parse(base);
	_cleanup_(fabric_freep) struct fabric *from = parse(base);
	_cleanup_free_ char *before = NULL, *after = NULL;

	CU_ASSERT_EQUAL(fabric_to_json(into, &before), 0);
	CU_ASSERT_EQUAL(state_overlay(into, from), 0);
	CU_ASSERT_EQUAL(fabric_to_json(into, &after), 0);
	CU_ASSERT_STRING_EQUAL(before, after);
}

static void test_copy_outlives_its_source(void)
{
	struct fabric *source = parse(base);
	_cleanup_(fabric_freep) struct fabric *copy = state_copy(source);
	_cleanup_free_ char *expected = NULL, *text = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	CU_ASSERT_EQUAL(fabric_to_json(source, &expected), 0);
	fabric_free(source);
	CU_ASSERT_EQUAL(fabric_to_json(copy, &text), 0);
	CU_ASSERT_STRING_EQUAL(text, expected);
}

static void test_write_is_read_back_and_leaves_no_temporary(void)
{
	char directory[] = "/tmp/vbusd-state-test.XXXXXX", path[128], temporary[160];
	_cleanup_(fabric_freep) struct fabric *fabric = parse(base);
	_cleanup_(fabric_freep) struct fabric *back = NULL;
	_cleanup_free_ char *expected = NULL, *text = NULL;
	struct fabric_errors errors = { 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(directory));
	snprintf(path, sizeof(path), "%s/fabric.json", directory);
	snprintf(temporary, sizeof(temporary), "%s.tmp", path);
	CU_ASSERT_EQUAL(state_read(path, &back, &errors), -ENOENT);
	CU_ASSERT_EQUAL(state_write(path, fabric), 0);
	CU_ASSERT_EQUAL(access(temporary, F_OK), -1);
	CU_ASSERT_EQUAL(state_read(path, &back, &errors), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_EQUAL(fabric_to_json(fabric, &expected), 0);
	CU_ASSERT_EQUAL(fabric_to_json(back, &text), 0);
	CU_ASSERT_STRING_EQUAL(text, expected);
	CU_ASSERT_EQUAL(state_remove(path), 0);
	CU_ASSERT_EQUAL(state_remove(path), 0);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	rmdir(directory);
}

static void test_config_dir_missing_is_empty(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };

	CU_ASSERT_EQUAL(state_load_config("/nonexistent/vbus/fabric.d", NULL, &fabric, &errors), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fabric);
	CU_ASSERT_EQUAL(fabric->bus_count + fabric->device_count, 0);
}

static void test_config_dir_loads_examples(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };

	CU_ASSERT_EQUAL(state_load_config(VBUS_SRCDIR "/examples", NULL, &fabric, &errors), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fabric);
	CU_ASSERT_EQUAL(fabric->bus_count, 2);
	CU_ASSERT_EQUAL(fabric->device_count, 3);
}

static void test_a_file_without_bridge_keeps_it(void)
{
	_cleanup_(fabric_freep) struct fabric *previous = parse(
		"{\"version\":1,\"devices\":[{\"name\":\"web0\",\"type\":\"venet\",\"bridge\":\"br0\"},"
		"{\"name\":\"db0\",\"type\":\"venet\",\"bridge\":\"br1\"}]}");
	_cleanup_(fabric_freep) struct fabric *file = parse(
		"{\"version\":1,\"devices\":[{\"name\":\"web0\",\"type\":\"venet\",\"mtu\":9000},"
		"{\"name\":\"db0\",\"type\":\"venet\",\"bridge\":\"br2\"}]}");
	_cleanup_(fabric_freep) struct fabric *into = state_copy(previous);

	CU_ASSERT_EQUAL_FATAL(state_overlay(into, file), 0);
	CU_ASSERT_STRING_EQUAL(fabric_find_device(into, "web0")->bridge, "");
	state_keep_bridges(into, previous, file);
	/* left out: kept; named: the file's */
	CU_ASSERT_STRING_EQUAL(fabric_find_device(into, "web0")->bridge, "br0");
	CU_ASSERT_EQUAL(fabric_find_device(into, "web0")->info.venet.mtu, 9000);
	CU_ASSERT_STRING_EQUAL(fabric_find_device(into, "db0")->bridge, "br2");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "overlay replaces named objects whole", test_overlay_replaces_named_objects_whole },
		{ "overlay adds new objects and keeps the others",
		  test_overlay_adds_new_objects_and_keeps_the_others },
		{ "overlay of itself changes nothing", test_overlay_of_itself_changes_nothing },
		{ "absent objects overlay, then are dropped", test_absent_objects_overlay_then_drop },
		{ "union of two fabrics prefers the first", test_union_prefers_the_first },
		{ "copy outlives its source", test_copy_outlives_its_source },
		{ "write is read back and leaves no temporary",
		  test_write_is_read_back_and_leaves_no_temporary },
		{ "missing config dir is an empty fabric", test_config_dir_missing_is_empty },
		{ "config dir loads the examples", test_config_dir_loads_examples },
		{ "a file without bridge keeps it", test_a_file_without_bridge_keeps_it },
	};

	return unit_run("vbusd state", UNIT_TESTS(tests));
}

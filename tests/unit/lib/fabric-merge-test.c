/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of fabric_merge(), fabric_check() and fabric_load(): several
 * files make one fabric, and what only the whole fabric shows (a name used
 * twice, a missing bus, shared interfaces and addresses) names both places. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fabric.h"
#include "unit.h"

/* Where fabric_load() tests write their files: under the current directory
 * (the build directory under make check). */
#define SCRATCH "fabric-merge-test.d"

static struct fabric *parse(const char *name, const char *text)
{
	struct fabric_errors errors = { 0 };
	struct fabric *fabric = NULL;

	CU_ASSERT_EQUAL(fabric_parse(text, strlen(text), name, &fabric, &errors), 0);
	CU_ASSERT_EQUAL(errors.count, 0);
	fabric_errors_clear(&errors);
	return fabric;
}

/* The fabric of FILES (name, text, name, text, ..., NULL) merged. */
static struct fabric *merge(const char *const *files)
{
	struct fabric *fabric = fabric_new();
	size_t i;

	for (i = 0; files[i]; i += 2) {
		_cleanup_(fabric_freep) struct fabric *file = parse(files[i], files[i + 1]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(file);
		CU_ASSERT_EQUAL(fabric_merge(fabric, file), 0);
	}
	return fabric;
}

/* FABRIC's check, and that of its references against EXISTING (NULL:
 * nothing exists besides), gives exactly LINES (NULL-terminated; none: it
 * passes). */
static void check_errors_with(const struct fabric *fabric, const struct fabric *existing,
			      const char *const *lines)
{
	struct fabric_errors errors = { 0 };
	size_t i, count = 0;
	int r;

	while (lines[count])
		count++;
	r = fabric_check(fabric, &errors);
	r = fabric_check_references(fabric, existing, &errors) ?: r;
	CU_ASSERT_EQUAL(r, count ? -EINVAL : 0);
	CU_ASSERT_EQUAL(errors.count, count);
	for (i = 0; i < count && i < errors.count; i++) {
		CU_ASSERT_STRING_EQUAL(errors.lines[i], lines[i]);
		if (strcmp(errors.lines[i], lines[i]))
			fprintf(stderr, "\n      got:      %s\n      expected: %s\n", errors.lines[i],
				lines[i]);
	}
	fabric_errors_clear(&errors);
}

static void check_errors(const struct fabric *fabric, const char *const *lines)
{
	check_errors_with(fabric, NULL, lines);
}

static void test_merge_keeps_where_each_object_was_written(void)
{
	static const char *const files[] = {
		"buses.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}, {\"name\": \"vm2\"}]}",
		"web.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\"}]}",
		"db.json", "{\"version\": 1, \"devices\": [{\"name\": \"db1\", \"type\": \"venet\"},"
			   " {\"name\": \"db0\", \"type\": \"venet\", \"bus\": \"vm2\"}]}",
		NULL,
	};
	static const char *const none[] = { NULL };
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);

	CU_ASSERT_EQUAL_FATAL(fabric->bus_count, 2);
	CU_ASSERT_EQUAL_FATAL(fabric->device_count, 3);
	CU_ASSERT_EQUAL(fabric->file_count, 3);
	CU_ASSERT_STRING_EQUAL(fabric->buses[1].origin.file, "buses.json");
	CU_ASSERT_STRING_EQUAL(fabric->devices[0].origin.file, "web.json");
	CU_ASSERT_STRING_EQUAL(fabric->devices[2].origin.file, "db.json");
	CU_ASSERT_EQUAL(fabric->devices[2].origin.index, 1);
	/* a device may name a bus another file defines */
	check_errors(fabric, none);
}

static void test_name_defined_in_two_files_names_both(void)
{
	static const char *const files[] = {
		"a.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}],"
			  " \"devices\": [{\"name\": \"db0\", \"type\": \"venet\"},"
			  " {\"name\": \"web0\", \"type\": \"venet\"}]}",
		"b.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"connector\": \"loop\"}],"
			  " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"mtu\": 9000}]}",
		NULL,
	};
	static const char *const lines[] = {
		"b.json: $.buses[0].name: \"vm1\" is also the name of a.json: $.buses[0] (expected each bus name once)",
		"b.json: $.devices[0].name: \"web0\" is also the name of a.json: $.devices[1] (expected each device name once)",
		NULL,
	};
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);

	check_errors(fabric, lines);
}

static void test_name_twice_in_one_file(void)
{
	static const char *const files[] = {
		"a.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\"},"
			  " {\"name\": \"db0\", \"type\": \"venet\"}, {\"name\": \"web0\", \"type\": \"venet\"},"
			  " {\"name\": \"web0\", \"type\": \"venet\"}]}",
		NULL,
	};
	static const char *const lines[] = {
		"a.json: $.devices[2].name: \"web0\" is also the name of $.devices[0] (expected each device name once)",
		"a.json: $.devices[3].name: \"web0\" is also the name of $.devices[2] (expected each device name once)",
		NULL,
	};
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);

	check_errors(fabric, lines);
}

static void test_device_on_a_bus_no_file_defines(void)
{
	static const char *const files[] = {
		"a.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}, {\"name\": \"vm2\"}]}",
		"b.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm3\"}]}",
		NULL,
	};
	static const char *const lines[] = {
		"b.json: $.devices[0].bus: \"vm3\" is not a bus of the fabric (expected one of its buses: vm1, vm2)",
		NULL,
	};
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);

	check_errors(fabric, lines);
}

/* A devices-only file may name a bus that exists besides it (made by
 * vbusctl, another file, in the kernel); one that exists nowhere is still an
 * error with file and path, naming both kinds of bus. */
static void test_device_on_a_bus_that_exists_besides(void)
{
	static const char *const files[] = {
		"web.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\"},"
			    " {\"name\": \"web1\", \"type\": \"venet\", \"bus\": \"vm7\"}]}",
		"b.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm2\"}]}",
		NULL,
	};
	static const char *const kernel[] = {
		"kernel", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}, {\"name\": \"vm2\"}, {\"name\": \"vm3\"}]}",
		NULL,
	};
	static const char *const lines[] = {
		"web.json: $.devices[1].bus: \"vm7\" is not a bus of the fabric or of the kernel (expected one of its buses: vm1, vm2, vm3)",
		NULL,
	};
	static const char *const alone[] = {
		"web.json: $.devices[0].bus: \"vm1\" is not a bus of the fabric (expected one of its buses: vm2)",
		"web.json: $.devices[1].bus: \"vm7\" is not a bus of the fabric (expected one of its buses: vm2)",
		NULL,
	};
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);
	_cleanup_(fabric_freep) struct fabric *existing = merge(kernel);
	struct fabric_errors errors = { 0 };

	/* the file-level check leaves references to the merged state */
	CU_ASSERT_EQUAL(fabric_check(fabric, &errors), 0);
	CU_ASSERT_EQUAL(errors.count, 0);
	check_errors_with(fabric, existing, lines);
	check_errors(fabric, alone);
	fabric_remove_device(fabric, &fabric->devices[1]);
	check_errors_with(fabric, existing, (const char *const[]){ NULL });
}

/* One file declares absent what another defines: an error naming both. */
static void test_absent_in_one_file_defined_in_another(void)
{
	static const char *const files[] = {
		"a.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}],"
			  " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\"}]}",
		"b.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"state\": \"absent\"}],"
			  " \"devices\": [{\"name\": \"web0\", \"state\": \"absent\"}]}",
		"c.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\"}]}",
		NULL,
	};
	static const char *const lines[] = {
		"b.json: $.buses[0].state: bus \"vm1\" is declared absent, but a.json: $.buses[0] defines it (expected one or the other)",
		"b.json: $.devices[0].state: device \"web0\" is declared absent, but a.json: $.devices[0] defines it (expected one or the other)",
		"c.json: $.devices[0].name: device \"web0\" is defined, but b.json: $.devices[0] declares it absent (expected one or the other)",
		NULL,
	};
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);

	check_errors(fabric, lines);
}

/* A bus declared absent keeps no device: the fabric's own on it are errors;
 * the kernel's that would stay on it too, unless declared absent or moved. */
static void test_absent_bus_keeps_no_device(void)
{
	static const char *const files[] = {
		"gone.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm9\", \"state\": \"absent\"}, {\"name\": \"vm2\"}],"
			     " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm9\"},"
			     " {\"name\": \"db0\", \"type\": \"venet\"}]}",
		NULL,
	};
	static const char *const kernel[] = {
		"kernel", "{\"version\": 1, \"buses\": [{\"name\": \"vm9\"}, {\"name\": \"vm2\"}],"
			  " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm9\"},"
			  " {\"name\": \"db0\", \"type\": \"venet\", \"bus\": \"vm9\"},"
			  " {\"name\": \"old0\", \"type\": \"venet\", \"bus\": \"vm9\"},"
			  " {\"name\": \"old1\", \"type\": \"venet\", \"bus\": \"vm9\"}]}",
		NULL,
	};
	static const char *const lines[] = {
		"gone.json: $.devices[0].bus: \"vm9\" is declared absent in $.buses[0] (expected a bus that stays, or this device absent too)",
		"gone.json: $.buses[0].state: bus \"vm9\" is declared absent, but devices db0, old0, old1 would stay on it (expected them declared absent too, or on another bus)",
		NULL,
	};
	static const char *const fixed_files[] = {
		"gone.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm9\", \"state\": \"absent\"}, {\"name\": \"vm2\"}],"
			     " \"devices\": [{\"name\": \"web0\", \"state\": \"absent\"},"
			     " {\"name\": \"db0\", \"type\": \"venet\", \"bus\": \"vm2\"},"
			     " {\"name\": \"old0\", \"state\": \"absent\"}, {\"name\": \"old1\", \"state\": \"absent\"}]}",
		NULL,
	};
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);
	_cleanup_(fabric_freep) struct fabric *fixed = merge(fixed_files);
	_cleanup_(fabric_freep) struct fabric *existing = merge(kernel);

	check_errors_with(fabric, existing, lines);
	check_errors_with(fixed, existing, (const char *const[]){ NULL });
}

static void test_host_interfaces_must_differ(void)
{
	static const char *const files[] = {
		"a.json", "{\"version\": 1, \"devices\": [{\"name\": \"webserver-frontend1\", \"type\": \"venet\"},"
			  " {\"name\": \"web0\", \"type\": \"venet\"}]}",
		"b.json", "{\"version\": 1, \"devices\": [{\"name\": \"webserver-frontend2\", \"type\": \"venet\"},"
			  " {\"name\": \"db0\", \"type\": \"venet\", \"ifname\": \"vbt-web0\"},"
			  " {\"name\": \"db1\", \"type\": \"venet\", \"ifname\": \"vbt-webserver-f\"}]}",
		NULL,
	};
	static const char *const lines[] = {
		"b.json: $.devices[1].ifname: \"vbt-web0\" is also the host interface of a.json: $.devices[1] (expected each interface name once)",
		"b.json: $.devices[0].name: its default host interface \"vbt-webserver-f\" is also that of a.json: $.devices[0] (expected each interface name once: set \"ifname\")",
		"b.json: $.devices[2].ifname: \"vbt-webserver-f\" is also the host interface of $.devices[0] (expected each interface name once)",
		NULL,
	};
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);

	check_errors(fabric, lines);
}

static void test_mac_addresses_must_differ(void)
{
	static const char *const files[] = {
		"a.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"mac\": \"02:00:00:00:00:01\"}]}",
		"b.json", "{\"version\": 1, \"devices\": [{\"name\": \"db0\", \"type\": \"venet\", \"mac\": \"02:00:00:00:00:01\"}]}",
		NULL,
	};
	static const char *const lines[] = {
		"b.json: $.devices[0].mac: \"02:00:00:00:00:01\" is also the MAC address of a.json: $.devices[0] (expected each MAC address once)",
		NULL,
	};
	_cleanup_(fabric_freep) struct fabric *fabric = merge(files);

	check_errors(fabric, lines);
}

/* A fabric of one bus and COUNT devices on it. */
static struct fabric *bus_with_devices(size_t count)
{
	struct fabric *fabric = fabric_new();
	struct fabric_bus bus = { .info.name = "vm1" };
	struct fabric_device device = { .info.type = VBUS_DEVICE_TYPE_VENET, .info.bus = "vm1" };
	size_t i;

	CU_ASSERT_EQUAL(fabric_add_bus(fabric, &bus), 0);
	for (i = 0; i < count; i++) {
		snprintf(device.info.name, sizeof(device.info.name), "d%zu", i);
		CU_ASSERT_EQUAL(fabric_add_device(fabric, &device), 0);
	}
	return fabric;
}

static void test_a_bus_holds_256_devices(void)
{
	static const char *const none[] = { NULL };
	static const char *const full[] = {
		"bus vm1: 257 devices are on bus \"vm1\" (expected at most 256)", NULL };
	_cleanup_(fabric_freep) struct fabric *fits = bus_with_devices(VBUS_BUS_MAX_DEVICES);
	_cleanup_(fabric_freep) struct fabric *over = bus_with_devices(VBUS_BUS_MAX_DEVICES + 1);

	check_errors(fits, none);
	/* objects with no file (from the kernel) are named by kind and name */
	check_errors(over, full);
}

static void write_file(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(file);
	fputs(text, file);
	fclose(file);
}

static void test_load_reports_every_file_at_once(void)
{
	static const char *const paths[] = {
		SCRATCH "/10-buses.json", SCRATCH "/20-bad.json", SCRATCH "/30-worse.json",
	};
	static const char *const expected[] = {
		SCRATCH "/20-bad.json: $.devices[0].mtu: 70000 is out of range (expected 68..65535)",
		SCRATCH "/30-worse.json:1:16: unexpected '}' (expected a key in double quotes)",
	};
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };

	mkdir(SCRATCH, 0755);
	write_file(paths[0], "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}]}\n");
	write_file(paths[1], "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"mtu\": 70000}]}");
	write_file(paths[2], "{\"version\": 1, }");
	CU_ASSERT_EQUAL(fabric_load(paths, 3, NULL, &fabric, &errors), -EINVAL);
	CU_ASSERT_PTR_NULL(fabric);
	CU_ASSERT_EQUAL_FATAL(errors.count, 2);
	CU_ASSERT_STRING_EQUAL(errors.lines[0], expected[0]);
	CU_ASSERT_STRING_EQUAL(errors.lines[1], expected[1]);
	fabric_errors_clear(&errors);
}

static void test_load_merges_and_checks(void)
{
	static const char *const paths[] = { SCRATCH "/10-buses.json", SCRATCH "/40-web.json" };
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };

	mkdir(SCRATCH, 0755);
	write_file(paths[0], "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}]}\n");
	write_file(paths[1], "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\"}]}");
	CU_ASSERT_EQUAL(fabric_load(paths, 2, NULL, &fabric, &errors), 0);
	CU_ASSERT_EQUAL(errors.count, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fabric);
	CU_ASSERT_EQUAL(fabric->device_count, 1);
	fabric_free(fabric);
	fabric = NULL;

	write_file(paths[1], "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm2\"}]}");
	CU_ASSERT_EQUAL(fabric_load(paths, 2, NULL, &fabric, &errors), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(errors.count, 1);
	CU_ASSERT_STRING_EQUAL(errors.lines[0],
			       SCRATCH "/40-web.json: $.devices[0].bus: \"vm2\" is not a bus of the fabric (expected one of its buses: vm1)");
	fabric_errors_clear(&errors);
	remove(paths[0]);
	remove(paths[1]);
	remove(SCRATCH "/20-bad.json");
	remove(SCRATCH "/30-worse.json");
	rmdir(SCRATCH);
}

/* fabric_load_sources() of FILES (name, text, ..., NULL) gives exactly LINES
 * (none: the merged fabric, with COUNT devices). */
static void check_sources(const char *const *files, const char *const *lines, size_t count)
{
	struct fabric_source sources[8];
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };
	size_t i, n = 0, wanted = 0;

	for (i = 0; files[i] && n < 8; i += 2, n++)
		sources[n] = (struct fabric_source){ files[i], files[i + 1], strlen(files[i + 1]) };
	while (lines[wanted])
		wanted++;
	CU_ASSERT_EQUAL(fabric_load_sources(sources, n, NULL, &fabric, &errors), wanted ? -EINVAL : 0);
	CU_ASSERT_EQUAL(errors.count, wanted);
	for (i = 0; i < wanted && i < errors.count; i++) {
		CU_ASSERT_STRING_EQUAL(errors.lines[i], lines[i]);
		if (strcmp(errors.lines[i], lines[i]))
			fprintf(stderr, "\n      got:      %s\n      expected: %s\n", errors.lines[i],
				lines[i]);
	}
	if (wanted) {
		CU_ASSERT_PTR_NULL(fabric);
	} else {
		CU_ASSERT_EQUAL(fabric ? fabric->device_count : 0, count);
	}
	fabric_errors_clear(&errors);
}

static void test_sources_give_every_error_at_once(void)
{
	/* a parse error (mtu) and a check error (undefined bus) in one file,
	 * and the errors of a second file */
	static const char *const files[] = {
		"typo.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\","
			     " \"mtu\": 70000, \"bus\": \"vm9\"}, {\"name\": \"db0\", \"type\": \"venet\","
			     " \"bus\": \"vm1\", \"wmme\": 1}]}",
		"a.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\", \"region_size\": 5}]}",
		NULL,
	};
	static const char *const lines[] = {
		"typo.json: $.devices[0].mtu: 70000 is out of range (expected 68..65535)",
		"typo.json: $.devices[1]: unknown key \"wmme\", did you mean \"wmem\"? (expected one of name, type, state, bus, mac, mtu, zcthresh, wmem, txqlen, ifname, bridge)",
		"a.json: $.buses[0].region_size: 5 is out of range (expected a multiple of 4096 in 65536..1073741824)",
		"typo.json: $.devices[0].bus: \"vm9\" is not a bus of the fabric (expected one of its buses: vm1)",
		NULL,
	};

	check_sources(files, lines, 0);
}

static void test_sources_merge_with_references_across_files(void)
{
	static const char *const good[] = {
		"a.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}]}",
		"c.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\"}]}",
		NULL,
	};
	static const char *const twice[] = {
		"a.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\"}]}",
		"b.json", "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"mtu\": 1500}]}",
		NULL,
	};
	static const char *const twice_lines[] = {
		"b.json: $.devices[0].name: \"web0\" is also the name of a.json: $.devices[0] (expected each device name once)",
		NULL,
	};
	static const char *const none[] = { NULL };

	check_sources(good, none, 1);
	check_sources(twice, twice_lines, 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "merge keeps where each object was written", test_merge_keeps_where_each_object_was_written },
		{ "a name in two files is an error naming both", test_name_defined_in_two_files_names_both },
		{ "a name twice in one file names the first place", test_name_twice_in_one_file },
		{ "a device on a bus no file defines", test_device_on_a_bus_no_file_defines },
		{ "a device on a bus that exists besides the files", test_device_on_a_bus_that_exists_besides },
		{ "absent in one file, defined in another: both named", test_absent_in_one_file_defined_in_another },
		{ "a bus declared absent keeps no device", test_absent_bus_keeps_no_device },
		{ "host interfaces, named or default, must differ", test_host_interfaces_must_differ },
		{ "MAC addresses must differ", test_mac_addresses_must_differ },
		{ "a bus holds 256 devices, not 257", test_a_bus_holds_256_devices },
		{ "load reports the errors of every file at once", test_load_reports_every_file_at_once },
		{ "load merges the files, then checks the whole", test_load_merges_and_checks },
		{ "sources: parse and check errors of every file at once", test_sources_give_every_error_at_once },
		{ "sources: one fabric, references across files, a name twice", test_sources_merge_with_references_across_files },
	};

	return unit_run("lib/fabric-merge", UNIT_TESTS(tests));
}

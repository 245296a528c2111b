/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of fabric_parse(): a good file becomes the model it says, and a
 * bad one gives every error, each with the file, the JSON path, what was found
 * and what was expected. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fabric.h"
#include "unit.h"

static int parse(const char *text, struct fabric **fabric, struct fabric_errors *errors)
{
	return fabric_parse(text, strlen(text), "fabric.json", fabric, errors);
}

/* TEXT is refused with exactly the LINES (NULL-terminated). */
static void check_errors(const char *text, const char *const *lines)
{
	struct fabric_errors errors = { 0 };
	struct fabric *fabric = (struct fabric *)1;
	size_t i, count = 0;

	while (lines[count])
		count++;
	CU_ASSERT_EQUAL(parse(text, &fabric, &errors), -EINVAL);
	CU_ASSERT_PTR_NULL(fabric);
	CU_ASSERT_EQUAL(errors.count, count);
	for (i = 0; i < count && i < errors.count; i++) {
		CU_ASSERT_STRING_EQUAL(errors.lines[i], lines[i]);
		if (strcmp(errors.lines[i], lines[i]))
			fprintf(stderr, "\n      got:      %s\n      expected: %s\n", errors.lines[i],
				lines[i]);
	}
	fabric_errors_clear(&errors);
}

/* A device with one ATTRIBUTES fragment ("\"mtu\": 70000") is refused with
 * the one error LINE. */
static void check_device_error(const char *attributes, const char *line)
{
	const char *const lines[] = { line, NULL };
	char text[512];

	snprintf(text, sizeof(text),
		 "{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", %s}]}",
		 attributes);
	check_errors(text, lines);
}

static void check_bus_error(const char *attributes, const char *line)
{
	const char *const lines[] = { line, NULL };
	char text[512];

	snprintf(text, sizeof(text), "{\"version\": 1, \"buses\": [{\"name\": \"vm1\", %s}]}",
		 attributes);
	check_errors(text, lines);
}

static void test_good_file_gives_its_model(void)
{
	static const char text[] =
		"{\"version\": 1,\n"
		" \"buses\": [{\"name\": \"vm1\", \"connector\": \"ivshmem\", \"region_size\": 2097152,\n"
		"             \"domain\": \"web\", \"uuid\": \"6F1C2B3A-9D4E-4F10-8A2B-0C1D2E3F4A5B\",\n"
		"             \"poll_us\": 0},\n"
		"            {\"name\": \"vm2\"}],\n"
		" \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"bus\": \"vm1\",\n"
		"               \"mac\": \"02:00:00:00:00:01\", \"mtu\": 9000, \"zcthresh\": 0,\n"
		"               \"wmem\": 2097152, \"txqlen\": 500, \"ifname\": \"web-if\",\n"
		"               \"bridge\": \"br0\"},\n"
		"              {\"name\": \"db0\", \"type\": \"venet\"}]}\n";
	static const uint8_t uuid[VBUS_UUID_LEN] = { 0x6f, 0x1c, 0x2b, 0x3a, 0x9d, 0x4e, 0x4f, 0x10,
						     0x8a, 0x2b, 0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x5b };
	static const uint8_t mac[VBUS_MAC_LEN] = { 0x02, 0, 0, 0, 0, 1 };
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };
	const struct fabric_device *device;
	const struct fabric_bus *bus;

	CU_ASSERT_EQUAL_FATAL(parse(text, &fabric, &errors), 0);
	CU_ASSERT_EQUAL(errors.count, 0);
	CU_ASSERT_EQUAL_FATAL(fabric->bus_count, 2);
	CU_ASSERT_EQUAL_FATAL(fabric->device_count, 2);
	bus = &fabric->buses[0];
	CU_ASSERT_STRING_EQUAL(bus->info.name, "vm1");
	CU_ASSERT_EQUAL(bus->present, FABRIC_BUS_F_ALL);
	CU_ASSERT_EQUAL(bus->info.connector, VBUS_CONNECTOR_IVSHMEM);
	CU_ASSERT_EQUAL(bus->info.region_size, 2097152);
	CU_ASSERT_STRING_EQUAL(bus->info.domain, "web");
	CU_ASSERT_TRUE(bus->info.has_uuid);
	CU_ASSERT_EQUAL(memcmp(bus->info.uuid, uuid, VBUS_UUID_LEN), 0);
	CU_ASSERT_TRUE(bus->info.has_poll_us);
	CU_ASSERT_EQUAL(bus->info.poll_us, 0);
	CU_ASSERT_STRING_EQUAL(bus->origin.file, "fabric.json");
	CU_ASSERT_EQUAL(bus->origin.index, 0);
	CU_ASSERT_EQUAL(fabric->buses[1].present, 0);
	CU_ASSERT_EQUAL(fabric->buses[1].origin.index, 1);
	device = &fabric->devices[0];
	CU_ASSERT_STRING_EQUAL(device->info.name, "web0");
	CU_ASSERT_EQUAL(device->info.type, VBUS_DEVICE_TYPE_VENET);
	CU_ASSERT_STRING_EQUAL(device->info.bus, "vm1");
	CU_ASSERT_EQUAL(device->info.venet.present, VBUS_VENET_F_ALL);
	CU_ASSERT_EQUAL(memcmp(device->info.venet.mac, mac, VBUS_MAC_LEN), 0);
	CU_ASSERT_EQUAL(device->info.venet.mtu, 9000);
	CU_ASSERT_EQUAL(device->info.venet.zcthresh, 0);
	CU_ASSERT_EQUAL(device->info.venet.wmem, 2097152);
	CU_ASSERT_EQUAL(device->info.venet.txqlen, 500);
	CU_ASSERT_STRING_EQUAL(device->info.venet.ifname, "web-if");
	CU_ASSERT_STRING_EQUAL(device->bridge, "br0");
	device = &fabric->devices[1];
	CU_ASSERT_STRING_EQUAL(device->info.bus, "");
	CU_ASSERT_EQUAL(device->info.venet.present, 0);
	CU_ASSERT_STRING_EQUAL(device->bridge, "");
}

static void test_integers_may_be_written_as_floats(void)
{
	static const char text[] =
		"{\"version\": 1.0, \"devices\": [{\"name\": \"web0\", \"type\": \"venet\","
		" \"mtu\": 9e3, \"zcthresh\": -0.0, \"wmem\": 2.097152E6}]}";
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };

	CU_ASSERT_EQUAL_FATAL(parse(text, &fabric, &errors), 0);
	CU_ASSERT_EQUAL(fabric->devices[0].info.venet.mtu, 9000);
	CU_ASSERT_EQUAL(fabric->devices[0].info.venet.zcthresh, 0);
	CU_ASSERT_EQUAL(fabric->devices[0].info.venet.wmem, 2097152);
}

static void test_minimal_file(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };

	CU_ASSERT_EQUAL_FATAL(parse("{\"version\": 1}", &fabric, &errors), 0);
	CU_ASSERT_EQUAL(fabric->bus_count + fabric->device_count, 0);
}

/* "state": "absent": the object is its name (a device needs no type), the
 * rest checked but not kept; "present" is the default; nothing else is a
 * state. */
static void test_absent_objects_keep_only_their_name(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };
	static const char *const lines[] = {
		"fabric.json: $.devices[0].state: \"down\" is not a state (expected one of present, absent)",
		"fabric.json: $.devices[0]: \"type\" is missing (expected venet)",
		"fabric.json: $.devices[1].mtu: 70000 is out of range (expected 68..65535)",
		NULL,
	};

	CU_ASSERT_EQUAL_FATAL(parse("{\"version\": 1,"
				    " \"buses\": [{\"name\": \"vm9\", \"state\": \"absent\", \"poll_us\": 5},"
				    "   {\"name\": \"vm1\", \"state\": \"present\", \"poll_us\": 5}],"
				    " \"devices\": [{\"name\": \"old0\", \"state\": \"absent\"},"
				    "   {\"name\": \"old1\", \"type\": \"venet\", \"bus\": \"vm9\","
				    "    \"mtu\": 9000, \"state\": \"absent\"}]}", &fabric, &errors), 0);
	CU_ASSERT_EQUAL_FATAL(fabric->bus_count, 2);
	CU_ASSERT_TRUE(fabric->buses[0].absent);
	CU_ASSERT_STRING_EQUAL(fabric->buses[0].info.name, "vm9");
	CU_ASSERT_EQUAL(fabric->buses[0].present, 0);
	CU_ASSERT_FALSE(fabric->buses[1].absent);
	CU_ASSERT_EQUAL(fabric->buses[1].present, FABRIC_BUS_F_POLL_US);
	CU_ASSERT_EQUAL_FATAL(fabric->device_count, 2);
	CU_ASSERT_TRUE(fabric->devices[0].absent);
	CU_ASSERT_TRUE(fabric->devices[1].absent);
	CU_ASSERT_STRING_EQUAL(fabric->devices[1].info.name, "old1");
	CU_ASSERT_STRING_EQUAL(fabric->devices[1].info.bus, "");
	CU_ASSERT_EQUAL(fabric->devices[1].info.venet.present, 0);
	CU_ASSERT_EQUAL(fabric->devices[1].origin.index, 1);
	check_errors("{\"version\": 1, \"devices\": [{\"name\": \"web0\", \"state\": \"down\"},"
		     " {\"name\": \"old1\", \"state\": \"absent\", \"mtu\": 70000}]}", lines);
}

static void test_three_mistakes_give_three_errors(void)
{
	static const char *const lines[] = {
		"fabric.json: $.devices[0].mtu: 70000 is out of range (expected 68..65535)",
		"fabric.json: $.devices[1].zcthresh: \"off\" is a string (expected an integer 0..65536)",
		"fabric.json: $.devices[2].name: \"Cache0\" is not a valid name (expected [a-z0-9][a-z0-9_.-]*, at most 31 characters)",
		NULL,
	};

	check_errors("{\"version\": 1, \"devices\": ["
		     "{\"name\": \"web0\", \"type\": \"venet\", \"mtu\": 70000},"
		     "{\"name\": \"db0\", \"type\": \"venet\", \"zcthresh\": \"off\"},"
		     "{\"name\": \"Cache0\", \"type\": \"venet\"}]}", lines);
}

static void test_errors_come_in_document_order(void)
{
	static const char *const lines[] = {
		"fabric.json: $: unknown key \"vms\" (expected one of version, buses, devices, $schema)",
		"fabric.json: $.buses[0]: unknown key \"conector\", did you mean \"connector\"? (expected one of name, state, connector, region_size, domain, uuid, poll_us)",
		"fabric.json: $.buses[0]: \"name\" is missing (expected a name: [a-z0-9][a-z0-9_.-]*, at most 31 characters)",
		"fabric.json: $.buses[1]: \"vm2\" is a string (expected a bus object: {\"name\": ...})",
		"fabric.json: $.devices[0]: \"name\" is missing (expected a name: [a-z0-9][a-z0-9_.-]*, at most 31 characters)",
		"fabric.json: $.devices[0]: \"type\" is missing (expected venet)",
		"fabric.json: $: \"version\" is missing (expected \"version\": 1)",
		NULL,
	};

	check_errors("{\"vms\": [], \"buses\": [{\"conector\": \"loop\"}, \"vm2\"], \"devices\": [{}]}",
		     lines);
}

static void test_version(void)
{
	static const char *const two[] = {
		"fabric.json: $.version: 2 is not a supported version (expected 1)", NULL };
	static const char *const text[] = {
		"fabric.json: $.version: \"1\" is a string (expected the number 1)", NULL };
	static const char *const array[] = {
		"fabric.json: $: [...] is an array (expected a fabric object: {\"version\": 1, ...})",
		NULL };

	check_errors("{\"version\": 2}", two);
	check_errors("{\"version\": \"1\"}", text);
	check_errors("[]", array);
}

static void test_bus_values(void)
{
	check_bus_error("\"connector\": \"qemu\"",
			"fabric.json: $.buses[0].connector: \"qemu\" is not a connector (expected one of none, loop, ivshmem)");
	check_bus_error("\"poll_us\": 10001",
			"fabric.json: $.buses[0].poll_us: 10001 is out of range (expected 0..10000)");
	check_bus_error("\"region_size\": 65537",
			"fabric.json: $.buses[0].region_size: 65537 is not a multiple of 4096 (expected a multiple of 4096 in 65536..1073741824)");
	check_bus_error("\"region_size\": 4096",
			"fabric.json: $.buses[0].region_size: 4096 is out of range (expected a multiple of 4096 in 65536..1073741824)");
	check_bus_error("\"region_size\": \"1M\"",
			"fabric.json: $.buses[0].region_size: \"1M\" is a string (expected an integer, a multiple of 4096 in 65536..1073741824)");
	check_bus_error("\"domain\": \"a/b\"",
			"fabric.json: $.buses[0].domain: \"a/b\" is not a libvirt domain name (expected 1..255 printable ASCII characters, no '/')");
	check_bus_error("\"uuid\": \"6f1c2b3a\"",
			"fabric.json: $.buses[0].uuid: \"6f1c2b3a\" is not a UUID (expected 8-4-4-4-12 hex digits)");
	check_bus_error("\"uuid\": null",
			"fabric.json: $.buses[0].uuid: null is not allowed here (expected a UUID: 8-4-4-4-12 hex digits)");
}

static void test_device_values(void)
{
	check_device_error("\"mtu\": 67",
			   "fabric.json: $.devices[0].mtu: 67 is out of range (expected 68..65535)");
	check_device_error("\"mtu\": 1500.5",
			   "fabric.json: $.devices[0].mtu: 1500.5 is not an integer (expected an integer 68..65535)");
	check_device_error("\"zcthresh\": true",
			   "fabric.json: $.devices[0].zcthresh: true is a boolean (expected an integer 0..65536)");
	check_device_error("\"wmem\": 67108865",
			   "fabric.json: $.devices[0].wmem: 67108865 is out of range (expected 4096..67108864)");
	check_device_error("\"txqlen\": 0",
			   "fabric.json: $.devices[0].txqlen: 0 is out of range (expected 1..65536)");
	check_device_error("\"mac\": \"02:00:00:00:00\"",
			   "fabric.json: $.devices[0].mac: \"02:00:00:00:00\" is not a MAC address (expected six two-digit hex numbers separated by ':')");
	check_device_error("\"mac\": \"03:00:00:00:00:01\"",
			   "fabric.json: $.devices[0].mac: \"03:00:00:00:00:01\" is a multicast address (expected a non-zero unicast address)");
	check_device_error("\"mac\": \"00:00:00:00:00:00\"",
			   "fabric.json: $.devices[0].mac: \"00:00:00:00:00:00\" is the zero address (expected a non-zero unicast address)");
	check_device_error("\"ifname\": \"vbt-web0-too-long\"",
			   "fabric.json: $.devices[0].ifname: \"vbt-web0-too-long\" is not an interface name (expected 1..15 printable ASCII characters, no '/' or ':', not \".\" or \"..\")");
	check_device_error("\"bridge\": \"..\"",
			   "fabric.json: $.devices[0].bridge: \"..\" is not an interface name (expected 1..15 printable ASCII characters, no '/' or ':', not \".\" or \"..\")");
	check_device_error("\"bus\": \"VM1\"",
			   "fabric.json: $.devices[0].bus: \"VM1\" is not a valid name (expected [a-z0-9][a-z0-9_.-]*, at most 31 characters)");
	check_device_error("\"zc_thresh\": 0",
			   "fabric.json: $.devices[0]: unknown key \"zc_thresh\", did you mean \"zcthresh\"? (expected one of name, type, state, bus, mac, mtu, zcthresh, wmem, txqlen, ifname, bridge)");
}

static void test_names_with_nul_or_newline_are_refused(void)
{
	check_device_error("\"bus\": \"vm\\u00001\"",
			   "fabric.json: $.devices[0].bus: \"vm\\u00001\" is not a valid name (expected [a-z0-9][a-z0-9_.-]*, at most 31 characters)");
	check_device_error("\"bus\": \"vm1\\n\"",
			   "fabric.json: $.devices[0].bus: \"vm1\\n\" is not a valid name (expected [a-z0-9][a-z0-9_.-]*, at most 31 characters)");
	check_device_error("\"mac\": \"02:00:00:00:00:01\\u0000\"",
			   "fabric.json: $.devices[0].mac: \"02:00:00:00:00:01\\u0000\" is not a MAC address (expected six two-digit hex numbers separated by ':')");
}

static void test_long_values_are_cut_in_messages(void)
{
	check_bus_error("\"domain\": \"0123456789012345678901234567890123456789/\"",
			"fabric.json: $.buses[0].domain: \"012345678901234567890123456789012345... is not a libvirt domain name (expected 1..255 printable ASCII characters, no '/')");
}

static void test_syntax_errors_give_line_and_column(void)
{
	static const char *const lines[] = {
		"fabric.json:3:15: unexpected ']' (expected a JSON value)", NULL };

	check_errors("{\n  \"version\": 1,\n  \"buses\": [1,]\n}\n", lines);
}

static void test_files(void)
{
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };

	CU_ASSERT_EQUAL(fabric_parse_file(VBUS_SRCDIR "/examples/two-vms.json", &fabric, &errors), 0);
	CU_ASSERT_EQUAL(errors.count, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fabric);
	CU_ASSERT_EQUAL(fabric->bus_count, 2);
	CU_ASSERT_EQUAL(fabric->device_count, 3);
	CU_ASSERT_STRING_EQUAL(fabric->devices[0].origin.file, VBUS_SRCDIR "/examples/two-vms.json");
	fabric_free(fabric);

	CU_ASSERT_EQUAL(fabric_parse_file("/nonexistent/fabric.json", &fabric, &errors), -ENOENT);
	CU_ASSERT_PTR_NULL(fabric);
	CU_ASSERT_EQUAL_FATAL(errors.count, 1);
	CU_ASSERT_STRING_EQUAL(errors.lines[0],
			       "/nonexistent/fabric.json: cannot read: No such file or directory");
	fabric_errors_clear(&errors);

	CU_ASSERT_EQUAL(fabric_parse_file(VBUS_SRCDIR "/examples", &fabric, &errors), -EISDIR);
	CU_ASSERT_EQUAL(errors.count, 1);
	fabric_errors_clear(&errors);
	CU_ASSERT_EQUAL(errors.count, 0);
	CU_ASSERT_PTR_NULL(errors.lines);
}

static void test_a_key_written_twice_is_an_error(void)
{
	static const char *const lines[] = {
		"fabric.json:3:33: $.devices[0]: key \"mtu\" written twice, first at line 3, column 20 (expected each key once)",
		NULL,
	};

	check_errors("{\"version\": 1,\n \"devices\": [\n  {\"name\": \"web0\", \"mtu\": 1500, \"mtu\": 9000,"
		     " \"type\": \"venet\"}]}\n", lines);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "a key written twice is an error, with both places", test_a_key_written_twice_is_an_error },
		{ "a good file gives the model it describes", test_good_file_gives_its_model },
		{ "integers may be written as floats, as JSON Schema allows", test_integers_may_be_written_as_floats },
		{ "{\"version\": 1} is a fabric", test_minimal_file },
		{ "a file with three mistakes gives three errors", test_three_mistakes_give_three_errors },
		{ "errors come in document order, missing keys last", test_errors_come_in_document_order },
		{ "version must be 1", test_version },
		{ "bad bus values name path, value and expectation", test_bus_values },
		{ "bad device values name path, value and expectation", test_device_values },
		{ "a NUL or final newline makes a name invalid", test_names_with_nul_or_newline_are_refused },
		{ "long values are cut in messages", test_long_values_are_cut_in_messages },
		{ "syntax errors give line and column", test_syntax_errors_give_line_and_column },
		{ "files: read, missing, a directory", test_files },
		{ "absent objects keep only their name", test_absent_objects_keep_only_their_name },
	};

	return unit_run("lib/fabric-parse", UNIT_TESTS(tests));
}

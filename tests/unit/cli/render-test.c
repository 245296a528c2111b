/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text renderings of vbusd's JSON documents (in memory): tables, key: value
 * blocks, the status summary, stats, monitor lines and apply results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "object.h"
#include "libvbus.h"
#include "output.h"
#include "status.h"
#include "unit.h"

static char *text;
static size_t text_size;

static FILE *open_text(void)
{
	free(text);
	text = NULL;
	return open_memstream(&text, &text_size);
}

static struct json_object *parse(const char *json)
{
	struct json_object *o = json_tokener_parse(json);

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	return o;
}

static const char devices[] =
	"{\"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"id\": 1, \"bus\": \"web\","
	" \"mac\": \"02:00:00:00:01:00\", \"mtu\": 9000, \"zcthresh\": 256, \"wmem\": 2097152,"
	" \"txqlen\": 1000, \"ifname\": \"vbt-web0\", \"bridge\": \"br0\", \"link\": \"up\","
	" \"managed\": true}, {\"name\": \"db0\", \"type\": \"venet\", \"id\": 2, \"bus\": null,"
	" \"mac\": \"02:00:00:00:02:00\", \"mtu\": 1500, \"zcthresh\": 0, \"wmem\": 1048576,"
	" \"txqlen\": 500, \"ifname\": \"vbt-db0\", \"bridge\": null, \"link\": \"down\","
	" \"managed\": false}]}";

static void test_values(void)
{
	struct json_object *o = parse("{\"a\": null, \"b\": true, \"c\": [\"x\", \"y\"], "
				      "\"d\": [], \"e\": \"\", \"wmem\": 2097152, \"zcthresh\": 0, "
				      "\"mtu\": 9216}");
	char value[64];

	output_value("a", json_object_object_get(o, "a"), value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "-");
	output_value("b", json_object_object_get(o, "b"), value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "yes");
	output_value("c", json_object_object_get(o, "c"), value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "x,y");
	output_value("d", json_object_object_get(o, "d"), value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "-");
	output_value("e", json_object_object_get(o, "e"), value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "-");
	output_value("wmem", json_object_object_get(o, "wmem"), value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "2MiB");
	output_value("zcthresh", json_object_object_get(o, "zcthresh"), value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "0");
	/* Only sizes are shown with units. */
	output_value("mtu", json_object_object_get(o, "mtu"), value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "9216");
	output_value("x", NULL, value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "-");
	vbus_size_format(1536, value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "1536");
	vbus_size_format(1073741824ULL * 4, value, sizeof(value));
	CU_ASSERT_STRING_EQUAL(value, "4GiB");
	json_object_put(o);
}

static void test_device_table(void)
{
	struct json_object *o = parse(devices);
	FILE *out = open_text();

	CU_ASSERT_EQUAL(device_render(out, o, true), 0);
	fclose(out);
	/* sorted by name */
	CU_ASSERT_STRING_EQUAL(text,
		"NAME  TYPE   BUS  MAC                MTU   ZCTHRESH  WMEM  TXQLEN  IFNAME    BRIDGE  LINK\n"
		"db0   venet  -    02:00:00:00:02:00  1500  0         1MiB  500     vbt-db0   -       down\n"
		"web0  venet  web  02:00:00:00:01:00  9000  256       2MiB  1000    vbt-web0  br0     up\n");
	json_object_put(o);
}

static void test_device_fields(void)
{
	struct json_object *o = parse(devices);
	FILE *out = open_text();

	CU_ASSERT_EQUAL(device_render(out, o, false), 0);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "name:     web0\ntype:     venet\nid:       1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "zcthresh: 256\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "managed:  yes\n\nname:     db0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "bridge:   -\n"));
	json_object_put(o);
}

static void test_bus_table_and_bad_reply(void)
{
	struct json_object *o = parse("{\"buses\": [{\"name\": \"web\", \"id\": 1, \"connector\": "
				      "\"ivshmem\", \"region_size\": 2097152, \"poll_us\": 50, \"domain\": \"web\", "
				      "\"uuid\": null, \"state\": \"ok\", \"devices\": [\"web0\", "
				      "\"web1\"], \"managed\": true}]}");
	struct json_object *bad = parse("{\"buses\": 3}");
	FILE *out = open_text();

	CU_ASSERT_EQUAL(bus_render(out, o, true), 0);
	CU_ASSERT_EQUAL(bus_render(out, bad, true), -EBADMSG);
	fclose(out);
	CU_ASSERT_STRING_EQUAL(text, "NAME  CONNECTOR  REGION  POLL_US  STATE  DOMAIN  DEVICES\n"
				     "web   ivshmem    2MiB    50       ok     web     web0,web1\n");
	json_object_put(o);
	json_object_put(bad);
}

static void test_status_summary(void)
{
	struct json_object *o = parse(
		"{\"version\": \"0.1.0\", \"kernel\": {\"module\": \"0.1.0\", \"genl_version\": 1},"
		" \"drift_policy\": \"report\", \"in_sync\": false, \"buses\": 2, \"devices\": 3,"
		" \"unmanaged\": {\"buses\": [], \"devices\": [\"old0\"]},"
		" \"drift\": [{\"object\": \"device\", \"name\": \"web0\", \"what\": \"zcthresh 256 -> 0\"}],"
		" \"problems\": [\"device web0: bridge br0 does not exist\", \"bus db: broken\"],"
		" \"last_apply\": {\"time\": \"2026-11-25T02:30:00Z\", \"source\": \"two-vms.json\","
		" \"result\": \"rolled back\", \"operations\": 7, \"error\": \"operation 3 of 7: failed\"},"
		" \"state_file\": \"/var/lib/vbus/state.json\", \"config_dir\": \"/etc/vbus/fabric.d\"}");
	FILE *out = open_text();

	status_render(out, o);
	fclose(out);
	CU_ASSERT_STRING_EQUAL(text,
		"vbusd:      0.1.0 (drift policy report)\n"
		"vbus.ko:    0.1.0 (generic netlink version 1)\n"
		"State:      NOT in sync, 2 problems (below)\n"
		"Objects:    2 buses, 3 devices\n"
		"Unmanaged:  buses -; devices old0\n"
		"Drift:      device web0: zcthresh 256 -> 0\n"
		"Problems:   device web0: bridge br0 does not exist\n"
		"            bus db: broken\n"
		"Last apply: 2026-11-25T02:30:00Z, two-vms.json: rolled back, 7 operations\n"
		"            operation 3 of 7: failed\n"
		"State file: /var/lib/vbus/state.json\n"
		"Config dir: /etc/vbus/fabric.d\n");
	json_object_put(o);
}

static void test_status_in_sync_without_module(void)
{
	struct json_object *o = parse("{\"version\": \"0.1.0\", \"kernel\": null, \"in_sync\": true,"
				      " \"drift_policy\": \"restore\", \"buses\": 0, \"devices\": 0,"
				      " \"unmanaged\": {\"buses\": [], \"devices\": []}, \"drift\": [],"
				      " \"problems\": [], \"last_apply\": null}");
	FILE *out = open_text();

	status_render(out, o);
	fclose(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "vbus.ko:    not loaded (hint: modprobe vbus)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "State:      in sync\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Unmanaged:  none\nDrift:      none\nProblems:   none\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Last apply: never\n"));
	json_object_put(o);
}

static void test_stats_table(void)
{
	struct json_object *o = parse("{\"devices\": [{\"name\": \"web0\", \"stats\": {\"tx_packets\": 10,"
				      " \"rx_packets\": 20}}, {\"name\": \"db0\", \"stats\": "
				      "{\"tx_packets\": 3, \"rx_packets\": 4}}]}");
	FILE *out = open_text();

	CU_ASSERT_EQUAL(stats_render(out, o, true), 0);
	fclose(out);
	/* sorted by name, as every table */
	CU_ASSERT_STRING_EQUAL(text, "DEVICE  TX_PACKETS  RX_PACKETS\n"
				     "db0     3           4\n"
				     "web0    10          20\n");
	json_object_put(o);
}

static void test_monitor_line(void)
{
	struct json_object *o = parse("{\"name\": \"web0\", \"mtu\": 9000, \"zcthresh\": 0, "
				      "\"bridge\": null, \"operations\": [1, 2], \"x\": {}}");
	FILE *out = open_text();

	monitor_render(out, "device-set", "device", "web0", o);
	monitor_render(out, "apply", "fabric", "", NULL);
	fclose(out);
	CU_ASSERT_STRING_EQUAL(text, "device-set device web0 mtu=9000 zcthresh=0 bridge=- "
				     "operations=2\napply fabric\n");
	json_object_put(o);
}

static void test_apply_result(void)
{
	struct json_object *none = parse("{\"dry_run\": true, \"changed\": false, "
					 "\"operations\": [], \"text\": \"\"}");
	struct json_object *some = parse("{\"dry_run\": false, \"changed\": true, \"operations\": "
					 "[{}], \"text\": \"~ device web0: zcthresh 256 -> 0\"}");
	FILE *out = open_text();

	CU_ASSERT_FALSE(apply_changed(none));
	CU_ASSERT_TRUE(apply_changed(some));
	apply_render(out, none);
	apply_render(out, some);
	fclose(out);
	CU_ASSERT_STRING_EQUAL(text, "no changes\n~ device web0: zcthresh 256 -> 0\n");
	json_object_put(none);
	json_object_put(some);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "values: null, booleans, arrays, sizes", test_values },
		{ "device table", test_device_table },
		{ "device key: value blocks", test_device_fields },
		{ "bus table, and a reply of the wrong shape", test_bus_table_and_bad_reply },
		{ "status summary", test_status_summary },
		{ "status in sync, module not loaded", test_status_in_sync_without_module },
		{ "stats table", test_stats_table },
		{ "monitor line", test_monitor_line },
		{ "apply result", test_apply_result },
	};
	int r = unit_run("cli rendering", UNIT_TESTS(tests));

	free(text);
	return r;
}

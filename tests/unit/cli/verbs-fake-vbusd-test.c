/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The real vbusctl binary against a fake vbusd (tests/unit/cli/fake-vbusd.c:
 * canned answers over a real sd-bus peer connection): what each verb sends,
 * what it prints, and its exit codes. The real daemon: tests/vm/cli/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <json-c/json.h>

#include "fake-vbusd.h"
#include "unit.h"
#include "macro.h"

static struct fake_vbusd fake;
static char out[8192], err[8192], calls[8192];

static void slurp(const char *path, char *text, size_t size)
{
	FILE *file = fopen(path, "re");
	size_t length = 0;

	if (file) {
		length = fread(text, 1, size - 1, file);
		fclose(file);
	}
	text[length] = '\0';
}

/* Runs "vbusctl ARGS" with VBUS_ADDRESS set to the fake; its exit code. */
static int run(const char *args)
{
	const char *builddir = getenv("VBUS_BUILDDIR");
	char command[2048], path[128];
	int status;

	snprintf(path, sizeof(path), "%s/calls", fake.directory);
	remove(path);
	snprintf(command, sizeof(command), "VBUS_ADDRESS='%s' %s/cli/vbusctl %s >%s/out 2>%s/err",
		 fake.address, builddir ? builddir : ".", args, fake.directory, fake.directory);
	status = system(command);
	snprintf(path, sizeof(path), "%s/out", fake.directory);
	slurp(path, out, sizeof(out));
	remove(path);
	snprintf(path, sizeof(path), "%s/err", fake.directory);
	slurp(path, err, sizeof(err));
	remove(path);
	snprintf(path, sizeof(path), "%s/calls", fake.directory);
	slurp(path, calls, sizeof(calls));
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_device_create_sends_a_sv(void)
{
	CU_ASSERT_EQUAL(run("device create web0 mtu=9000 wmem=2MiB mac=02:00:00:00:01:00 "
			    "bridge=br0 --may-exist"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "CreateDevice web0 venet mtu=u:9000 wmem=u:2097152 "
				      "mac=s:02:00:00:00:01:00 bridge=s:br0 flags=1\n");
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL(run("device create exists"), 1);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: device exists: cannot create: a device of that "
				    "name exists (hint: --may-exist accepts an existing object)\n");
	/* connect has no --may-exist: no hint about it */
	CU_ASSERT_EQUAL(run("connect exists vm1"), 1);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: device exists: cannot connect to bus vm1: interface lo "
				    "exists\n");
}

static void test_device_set(void)
{
	CU_ASSERT_EQUAL(run("device set web0 zcthresh=0"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "SetDevice web0 zcthresh=u:0\n");
	CU_ASSERT_EQUAL(run("device set nosuch mtu=1500"), 3);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: device nosuch: cannot change: no such device\n");
	CU_ASSERT_EQUAL(run("device set denied mtu=1500"), 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "(hint: changes need CAP_NET_ADMIN: run vbusctl as root)"));
}

static void test_bus_set(void)
{
	CU_ASSERT_EQUAL(run("bus set vm1 poll_us=20"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "SetBus vm1 poll_us=u:20\n");
	CU_ASSERT_EQUAL(run("bus set vm1 poll_us=0"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "SetBus vm1 poll_us=u:0\n");
	CU_ASSERT_EQUAL(run("bus set nosuch poll_us=20"), 3);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: bus nosuch: cannot change: no such bus\n");
	CU_ASSERT_EQUAL(run("bus set denied poll_us=20"), 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "(hint: changes need CAP_NET_ADMIN: run vbusctl as root)"));
	/* refused before sending: out of range, a device's key, no key at all */
	CU_ASSERT_EQUAL(run("bus set vm1 poll_us=10001"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "poll_us=10001: out of range (expected 0..10000)"));
	CU_ASSERT_EQUAL(run("bus set vm1 mtu=1500"), 2);
	CU_ASSERT_EQUAL(run("bus set vm1"), 2);
	CU_ASSERT_STRING_EQUAL(calls, "");
}

static void test_bad_values_send_nothing(void)
{
	CU_ASSERT_EQUAL(run("device create web0 mtu=70000"), 2);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: device web0: mtu=70000: out of range (expected "
				    "68..65535)\n");
	CU_ASSERT_STRING_EQUAL(calls, "");
	CU_ASSERT_EQUAL(run("device set Web0 mtu=1500"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vbusctl: device Web0: not a valid name"));
	CU_ASSERT_STRING_EQUAL(calls, "");
}

static void test_destroy_connect_disconnect(void)
{
	CU_ASSERT_EQUAL(run("device destroy web0 --if-exists"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "DestroyDevice web0 flags=1\n");
	CU_ASSERT_EQUAL(run("bus destroy busy"), 1);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: bus busy: cannot destroy: bus busy has 2 devices\n"
				    "vbusctl: bus busy: cannot destroy: the second line\n");
	CU_ASSERT_EQUAL(run("connect web0 web"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "Connect web0 web\n");
	CU_ASSERT_EQUAL(run("connect web0 web --move"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "Move web0 web\n");
	CU_ASSERT_EQUAL(run("device destroy web0 --force"), 0);
	/* --force asks first whether a fabric.d file defines it, to warn */
	CU_ASSERT_STRING_EQUAL(calls, "GetDevices (all)\nDestroyDevice web0 flags=2\n");
	CU_ASSERT_EQUAL(run("device destroy web0 --force --if-exists"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "GetDevices (all)\nDestroyDevice web0 flags=3\n");
	CU_ASSERT_EQUAL(run("bus destroy web --force"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "GetBuses (all)\nDestroyBus web flags=2\n");
	CU_ASSERT_EQUAL(run("device set web0 mtu=9000 --force"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "GetDevices (all)\nSetDevice web0 mtu=u:9000 force\n");
	CU_ASSERT_EQUAL(run("connect web0 web --force"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "GetDevices (all)\nConnect web0 web force\n");
	CU_ASSERT_EQUAL(run("disconnect web0 --force"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "GetDevices (all)\nDisconnect web0 flags=2\n");
	CU_ASSERT_EQUAL(run("disconnect nosuch"), 3);
	CU_ASSERT_STRING_EQUAL(calls, "Disconnect nosuch flags=0\n");
	CU_ASSERT_EQUAL(run("bus create vm1 connector=loop region_size=1M"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "CreateBus vm1 connector=s:loop region_size=u:1048576 flags=0\n");
}

static void test_show_text_and_json(void)
{
	struct json_object *o;

	CU_ASSERT_EQUAL(run("device show"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "GetDevices (all)\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "NAME  TYPE   BUS  MAC "));
	CU_ASSERT_EQUAL(run("device show web0 -j"), 0);
	CU_ASSERT_STRING_EQUAL(calls, "GetDevices web0\n");
	o = json_tokener_parse(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(o, "devices")), 2);
	json_object_put(o);
	CU_ASSERT_EQUAL(run("device -j show"), 0);
	CU_ASSERT_EQUAL(out[0], '{');
	CU_ASSERT_EQUAL(run("--pretty device show -j"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n  \"devices\": [\n"));
	CU_ASSERT_EQUAL(run("device show nosuch"), 3);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: device nosuch: cannot read: no such device\n");
	CU_ASSERT_EQUAL(run("bus show"), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "web   ivshmem    2MiB    50       ok     web     web0,web1\n"));
	CU_ASSERT_EQUAL(run("stats web0"), 0);
	CU_ASSERT_STRING_EQUAL(out, "DEVICE  TX_PACKETS  TX_BYTES  RX_PACKETS  RX_BYTES\n"
				    "web0    10          1000      20          2000\n");
	/* not in sync: 11, for scripts */
	CU_ASSERT_EQUAL(run("status"), 11);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "State:      NOT in sync, 1 problem (below)\n"));
	CU_ASSERT_EQUAL(run("export"), 0);
	CU_ASSERT_STRING_EQUAL(out, "{\n  \"version\": 1\n}\n");
}

static void write_file(const char *name, const char *text, char *path, size_t size)
{
	FILE *file;

	snprintf(path, size, "%s/%s", fake.directory, name);
	file = fopen(path, "we");
	CU_ASSERT_PTR_NOT_NULL_FATAL(file);
	fputs(text, file);
	fclose(file);
}

static void test_apply_and_diff(void)
{
	static const char good[] = "{\"version\": 1, \"buses\": [{\"name\": \"vm1\", "
				   "\"connector\": \"loop\"}]}";
	char path[128], args[256], expected[512];

	write_file("good.json", good, path, sizeof(path));
	snprintf(args, sizeof(args), "apply -f %s", path);
	CU_ASSERT_EQUAL(run(args), 0);
	CU_ASSERT_STRING_EQUAL(out, "+ bus vm1 (loop)\n");
	snprintf(expected, sizeof(expected), "Apply %s flags=0 length=%zu\n", path, strlen(good));
	CU_ASSERT_STRING_EQUAL(calls, expected);
	snprintf(args, sizeof(args), "apply --prune --dry-run -f - < %s", path);
	CU_ASSERT_EQUAL(run(args), 0);
	snprintf(expected, sizeof(expected), "Apply <stdin> flags=3 length=%zu\n", strlen(good));
	CU_ASSERT_STRING_EQUAL(calls, expected);
	snprintf(args, sizeof(args), "diff --exit-code -f %s", path);
	CU_ASSERT_EQUAL(run(args), 10);
	write_file("same.json", "{\"version\": 1, \"buses\": [{\"name\": \"same\"}]}", path,
		   sizeof(path));
	snprintf(args, sizeof(args), "diff --exit-code -f %s", path);
	CU_ASSERT_EQUAL(run(args), 0);
	CU_ASSERT_STRING_EQUAL(out, "no changes\n");
	snprintf(args, sizeof(args), "-j apply -n -f %s", path);
	CU_ASSERT_EQUAL(run(args), 0);
	CU_ASSERT_STRING_EQUAL(out, "{\"dry_run\":true,\"changed\":false,\"operations\":[],"
				    "\"text\":\"\"}\n");
}

static void test_apply_merges_several_files(void)
{
	char a[128], c[128], args[512], expected[512];

	write_file("a.json", "{\"version\": 1, \"buses\": [{\"name\": \"vm1\"}]}", a, sizeof(a));
	write_file("c.json", "{\"version\": 1, \"devices\": [{\"name\": \"db0\", \"type\": \"venet\","
			     " \"bus\": \"vm1\"}]}", c, sizeof(c));
	/* one Apply of the merged fabric, named by both files */
	snprintf(args, sizeof(args), "apply -f %s -f %s", a, c);
	CU_ASSERT_EQUAL(run(args), 0);
	snprintf(expected, sizeof(expected), "Apply %s,%s flags=0 length=", a, c);
	CU_ASSERT_EQUAL(strncmp(calls, expected, strlen(expected)), 0);
	/* the files as operands: the same call */
	snprintf(args, sizeof(args), "apply %s %s", a, c);
	CU_ASSERT_EQUAL(run(args), 0);
	CU_ASSERT_EQUAL(strncmp(calls, expected, strlen(expected)), 0);
	/* one file as an operand is sent as written */
	snprintf(args, sizeof(args), "diff %s", a);
	CU_ASSERT_EQUAL(run(args), 0);
	snprintf(expected, sizeof(expected), "Apply %s flags=1 length=%d\n", a, 42);
	CU_ASSERT_STRING_EQUAL(calls, expected);
	/* c.json alone names a bus it does not define: that bus may exist
	 * besides (vbusctl made it, or another file); with no vbus.ko to read
	 * here, vbusd is asked, which checks the merged state */
	snprintf(args, sizeof(args), "apply %s", c);
	CU_ASSERT_EQUAL(run(args), 0);
	snprintf(expected, sizeof(expected), "Apply %s flags=0 length=", c);
	CU_ASSERT_EQUAL(strncmp(calls, expected, strlen(expected)), 0);
}

static void test_apply_checks_first(void)
{
	char path[128], args[256];

	write_file("bad.json", "{\"version\": 1, \"buses\": [{\"name\": \"web\", \"region_size\": 1000}],"
			       " \"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"mtu\": 70000},"
			       " {\"name\": \"web1\", \"type\": \"venet\", \"zcthresh\": -1}]}",
		   path, sizeof(path));
	snprintf(args, sizeof(args), "apply -f bad.json");
	snprintf(args, sizeof(args), "apply -f %s", path);
	CU_ASSERT_EQUAL(run(args), 1);
	CU_ASSERT_STRING_EQUAL(calls, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.json: $.buses[0].region_size: 1000 is out of range "
					   "(expected a multiple of 4096 in 65536..1073741824)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.json: $.devices[0].mtu: 70000 is out of range "
					   "(expected 68..65535)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.json: $.devices[1].zcthresh: -1 is out of range "
					   "(expected 0..65536)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.json: 3 errors, nothing applied\n"));
	CU_ASSERT_EQUAL(run("apply -f /nonexistent.json"), 1);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: /nonexistent.json: cannot read: No such file or "
				    "directory\n");
	CU_ASSERT_EQUAL(run("apply"), 2);
}

static void test_monitor_prints_events(void)
{
	/* The fake sends one event once asked for its version, then hangs
	 * up: the monitor prints the line and ends with "unreachable". */
	CU_ASSERT_EQUAL(run("monitor"), 4);
	CU_ASSERT_STRING_EQUAL(out, "device-set device web0 mtu=9000 zcthresh=0 bridge=-\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Listening to the events of vbusd 0.1.0-fake"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vbusctl: vbusd: connection lost"));
	CU_ASSERT_EQUAL(run("monitor -j"), 4);
	CU_ASSERT_STRING_EQUAL(out, "{\"kind\":\"device-set\",\"object\":\"device\",\"name\":\"web0\","
				    "\"details\":{\"name\":\"web0\",\"mtu\":9000,\"zcthresh\":0,"
				    "\"bridge\":null}}\n");
}

static void test_usage_and_unreachable(void)
{
	const char *verbs[] = { "device create", "device destroy", "device set", "device show",
				"bus create", "bus destroy", "bus show", "connect", "disconnect",
				"apply", "diff", "export", "status", "stats", "monitor", "version",
				"device", "bus" };
	char args[64];
	size_t i;

	for (i = 0; i < ELEMENTSOF(verbs); i++) {
		snprintf(args, sizeof(args), "%s --help", verbs[i]);
		CU_ASSERT_EQUAL(run(args), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: vbusctl "));
	}
	CU_ASSERT_EQUAL(run("frobnicate"), 2);
	CU_ASSERT_EQUAL(run("device frobnicate"), 2);
	CU_ASSERT_EQUAL(run("connect web0"), 2);
	CU_ASSERT_EQUAL(run("status --bogus"), 2);
	CU_ASSERT_EQUAL(run("--timeout 0 status"), 2);
	CU_ASSERT_EQUAL(run("--address unix:path=/nonexistent/private status"), 4);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: vbusd: cannot connect to /nonexistent/private: No "
				    "such file or directory (hint: is vbusd listening there? Without "
				    "--address and $VBUS_ADDRESS, vbusctl finds it)\n");
	/* not an address at all: a usage error, not "start vbusd" */
	CU_ASSERT_EQUAL(run("--address bogus status"), 2);
	CU_ASSERT_STRING_EQUAL(err, "vbusctl: --address: bogus: not a D-Bus address (hint: expected "
				    "TRANSPORT:KEY=VALUE, e.g. unix:path=/run/vbus/private)\n");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "device create sends typed a{sv}", test_device_create_sends_a_sv },
		{ "device set; not found 3; denied 5", test_device_set },
		{ "bus set: SetBus; not found 3; denied 5; range 2", test_bus_set },
		{ "bad values are refused before sending", test_bad_values_send_nothing },
		{ "destroy, connect, disconnect, bus create", test_destroy_connect_disconnect },
		{ "show, stats, status, export: text and JSON", test_show_text_and_json },
		{ "apply and diff", test_apply_and_diff },
		{ "apply checks the file first", test_apply_checks_first },
		{ "apply merges several files into one Apply", test_apply_merges_several_files },
		{ "monitor prints events", test_monitor_prints_events },
		{ "usage errors, --help, unreachable", test_usage_and_unreachable },
	};
	int r;

	if (fake_vbusd_start(&fake) < 0) {
		fprintf(stderr, "cannot start the fake vbusd\n");
		return 1;
	}
	r = unit_run("vbusctl verbs against a fake vbusd", UNIT_TESTS(tests));
	fake_vbusd_stop(&fake);
	return r;
}

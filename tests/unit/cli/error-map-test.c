/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mapping of vbusd's D-Bus errors and transport errnos to exit codes
 * and hints, and the lines vbusctl prints (in memory). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "unit.h"

static void test_names_to_exit_codes(void)
{
	CU_ASSERT_EQUAL(error_exit_code("org.vbus.Error.NotFound", -ENOENT), EXIT_NOT_FOUND);
	CU_ASSERT_EQUAL(error_exit_code("org.freedesktop.DBus.Error.AccessDenied", -EACCES),
			EXIT_DENIED);
	CU_ASSERT_EQUAL(error_exit_code("org.freedesktop.DBus.Error.ServiceUnknown", -EHOSTUNREACH),
			EXIT_UNREACHABLE);
	CU_ASSERT_EQUAL(error_exit_code("org.vbus.Error.InvalidConfig", -EINVAL), EXIT_FAILED);
	CU_ASSERT_EQUAL(error_exit_code("org.vbus.Error.ApplyFailed", -EIO), EXIT_FAILED);
	CU_ASSERT_EQUAL(error_exit_code("org.vbus.Error.Exists", -EEXIST), EXIT_FAILED);
	/* A name this vbusctl does not know is a failure, whatever the errno. */
	CU_ASSERT_EQUAL(error_exit_code("org.vbus.Error.Newer", -ENOENT), EXIT_FAILED);
}

static void test_transport_errnos(void)
{
	CU_ASSERT_EQUAL(error_exit_code(NULL, -ENOENT), EXIT_UNREACHABLE);
	CU_ASSERT_EQUAL(error_exit_code(NULL, -ECONNREFUSED), EXIT_UNREACHABLE);
	CU_ASSERT_EQUAL(error_exit_code(NULL, -EACCES), EXIT_DENIED);
	CU_ASSERT_EQUAL(error_exit_code(NULL, -EPERM), EXIT_DENIED);
	CU_ASSERT_EQUAL(error_exit_code(NULL, -ENOMEM), EXIT_FAILED);
}

static void test_hints(void)
{
	CU_ASSERT_PTR_NOT_NULL(strstr(error_kind_find("org.vbus.Error.KernelUnavailable")->hint,
				      "modprobe vbus"));
	CU_ASSERT_PTR_NOT_NULL(strstr(error_kind_find(
		"org.freedesktop.DBus.Error.AccessDenied")->hint, "root"));
	CU_ASSERT_PTR_NULL(error_kind_find("org.vbus.Error.NotFound")->hint);
	CU_ASSERT_PTR_NULL(error_kind_find("org.example.Unknown"));
	CU_ASSERT_PTR_NULL(error_kind_find(NULL));
}

/* What error_report() writes to stderr. */
static char *captured(const char *object, const char *what, const char *name,
		      const char *message, int *code)
{
	static char text[1024];
	FILE *file = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t length;

	fflush(stderr);
	dup2(fileno(file), STDERR_FILENO);
	*code = error_report(object, what, name, message, -EIO);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(file);
	length = fread(text, 1, sizeof(text) - 1, file);
	text[length] = '\0';
	fclose(file);
	return text;
}

static void test_report_lines(void)
{
	int code;

	CU_ASSERT_STRING_EQUAL(captured("device web0", "cannot change",
					"org.vbus.Error.NotFound", "no such device", &code),
			       "vbusctl: device web0: cannot change: no such device\n");
	CU_ASSERT_EQUAL(code, EXIT_NOT_FOUND);
	/* vbusd's fabric errors stand alone, one line each. */
	CU_ASSERT_STRING_EQUAL(captured(NULL, NULL, "org.vbus.Error.InvalidConfig",
					"a.json: $.devices[0].mtu: 1 is out of range\n"
					"a.json: $.devices[1]: \"name\" is missing\n", &code),
			       "vbusctl: a.json: $.devices[0].mtu: 1 is out of range\n"
			       "vbusctl: a.json: $.devices[1]: \"name\" is missing\n");
	CU_ASSERT_EQUAL(code, EXIT_FAILED);
	CU_ASSERT_STRING_EQUAL(captured("device web0", "cannot change",
					"org.freedesktop.DBus.Error.AccessDenied", "denied", &code),
			       "vbusctl: device web0: cannot change: denied (hint: changes need "
			       "CAP_NET_ADMIN: run vbusctl as root)\n");
	CU_ASSERT_EQUAL(code, EXIT_DENIED);
	/* The object is named once, even when vbusd's message names it. */
	CU_ASSERT_STRING_EQUAL(captured("bus vm1", "cannot destroy", "org.vbus.Error.Busy",
					"bus vm1: 2 devices are connected to it", &code),
			       "vbusctl: bus vm1: cannot destroy: 2 devices are connected to it\n");
	/* No message: the errno says why. */
	CU_ASSERT_STRING_EQUAL(captured("status", "cannot read", NULL, NULL, &code),
			       "vbusctl: status: cannot read: Input/output error\n");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "D-Bus error names to exit codes", test_names_to_exit_codes },
		{ "transport errnos to exit codes", test_transport_errnos },
		{ "hints", test_hints },
		{ "report lines", test_report_lines },
	};

	return unit_run("cli error mapping", UNIT_TESTS(tests));
}

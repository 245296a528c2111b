/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mapping of vbusd's D-Bus error names to exit codes and hints, and the
 * one way vbusctl prints a failure. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "macro.h"

static const struct error_kind kinds[] = {
	{ "org.vbus.Error.NotFound", EXIT_NOT_FOUND, NULL },
	{ "org.vbus.Error.InvalidConfig", EXIT_FAILED, NULL },
	{ ERROR_EXISTS, EXIT_FAILED, NULL },	/* hint: context->exists_hint */
	{ "org.vbus.Error.Busy", EXIT_FAILED, NULL },
	{ "org.vbus.Error.ApplyFailed", EXIT_FAILED, NULL },
	{ "org.vbus.Error.KernelUnavailable", EXIT_FAILED, "modprobe vbus" },
	{ "org.freedesktop.DBus.Error.AccessDenied", EXIT_DENIED,
	  "changes need CAP_NET_ADMIN: run vbusctl as root" },
	{ "org.freedesktop.DBus.Error.ServiceUnknown", EXIT_UNREACHABLE, "systemctl start vbusd" },
	{ "org.freedesktop.DBus.Error.NameHasNoOwner", EXIT_UNREACHABLE, "systemctl start vbusd" },
	{ "org.freedesktop.DBus.Error.NoServer", EXIT_UNREACHABLE, "systemctl start vbusd" },
	{ "org.freedesktop.DBus.Error.Disconnected", EXIT_UNREACHABLE, "systemctl status vbusd" },
	{ "org.freedesktop.DBus.Error.NoReply", EXIT_FAILED,
	  "vbusd did not answer in time; --timeout SEC waits longer" },
	{ "org.freedesktop.DBus.Error.Timeout", EXIT_FAILED,
	  "vbusd did not answer in time; --timeout SEC waits longer" },
	{ "org.freedesktop.DBus.Error.UnknownMethod", EXIT_FAILED,
	  "vbusd is older than vbusctl; restart it after an upgrade" },
};

const struct error_kind *error_kind_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < ELEMENTSOF(kinds); i++)
		if (!strcmp(name, kinds[i].name))
			return &kinds[i];
	return NULL;
}

int error_exit_code(const char *name, int r)
{
	const struct error_kind *kind = error_kind_find(name);

	if (kind)
		return kind->exit_code;
	if (name)
		return EXIT_FAILED;
	switch (r) {
	case -ENOENT:
	case -ECONNREFUSED:
	case -ECONNRESET:
	case -ENOTCONN:
	case -EPIPE:
		return EXIT_UNREACHABLE;
	case -EACCES:
	case -EPERM:
		return EXIT_DENIED;
	default:
		return EXIT_FAILED;
	}
}

void error_print(const char *object, const char *message, const char *hint)
{
	fprintf(stderr, "vbusctl: %s%s%s", object ? object : "", object ? ": " : "", message);
	if (hint)
		fprintf(stderr, " (hint: %s)", hint);
	fputc('\n', stderr);
}

const char *error_hint(const char *name)
{
	const struct error_kind *kind = error_kind_find(name);

	return kind ? kind->hint : NULL;
}

int error_report(const char *object, const char *what, const char *name, const char *message,
		 int r)
{
	return error_report_hint(object, what, name, message, r, error_hint(name));
}

int error_report_hint(const char *object, const char *what, const char *name, const char *message,
		      int r, const char *hint)
{
	const char *line = message && *message ? message : strerror(r < 0 ? -r : EIO);
	size_t length = object ? strlen(object) : 0;
	const char *end;

	/* vbusd names the object too ("device web0: no such device"): once. */
	if (length && !strncmp(line, object, length) && !strncmp(line + length, ": ", 2))
		line += length + 2;

	for (;;) {
		end = strchr(line, '\n');
		fprintf(stderr, "vbusctl: ");
		if (object)
			fprintf(stderr, "%s: ", object);
		if (what)
			fprintf(stderr, "%s: ", what);
		fprintf(stderr, "%.*s", end ? (int)(end - line) : (int)strlen(line), line);
		if (!end || !end[1])
			break;
		fputc('\n', stderr);
		line = end + 1;
	}
	if (hint)
		fprintf(stderr, " (hint: %s)", hint);
	fputc('\n', stderr);
	return error_exit_code(name, r);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vbusctl: the command-line client of the vbus fabric. A table of verbs,
 * each with a one-line help; global options before (and output options
 * after) the verb. Every verb but version talks to vbusd over D-Bus; the
 * reads fall back to the kernel when vbusd is unreachable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "daemon.h"
#include "options.h"
#include "macro.h"

static const struct command commands[] = {
	{ "show", command_show, "the whole fabric as a tree: buses, devices, host interfaces" },
	{ "device", command_device, "create, destroy, change or show devices (device --help)" },
	{ "bus", command_bus, "create, destroy or show buses (bus --help)" },
	{ "connect", command_connect, "connect a device to a bus" },
	{ "disconnect", command_disconnect, "disconnect a device from its bus" },
	{ "apply", command_apply, "make the fabric what a fabric file describes" },
	{ "diff", command_diff, "show what apply would change" },
	{ "reload", command_reload, "have vbusd read fabric.d again, its errors reported here" },
	{ "commit", command_commit, "keep the change of apply --checkpoint" },
	{ "rollback", command_rollback, "undo the change of apply --checkpoint now" },
	{ "export", command_export, "print the fabric as a fabric file (JSON)" },
	{ "status", command_status, "summary: in sync, objects, drift, problems, last apply" },
	{ "stats", command_stats, "show device statistics" },
	{ "monitor", command_monitor, "print vbusd's events as they happen" },
	{ "domain", command_domain, "libvirt domains and their vbus (domain --help)" },
	{ "version", command_version, "show the versions of vbusctl and of the loaded vbus.ko" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: vbusctl [OPTIONS] COMMAND [ARGS...]\n"
		"       vbusctl --help | --version\n\n"
		"Commands:\n");
	for (i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(out,
		"\nOptions:\n"
		"  -j, --json       print JSON instead of text, on one line (before or after\n"
		"                   the command)\n"
		"      --pretty     print JSON, indented (implies -j)\n"
		"      --address A  reach vbusd at the D-Bus peer address A (default: $VBUS_ADDRESS,\n"
		"                   else unix:path=" DAEMON_PRIVATE_SOCKET " when usable, else\n"
		"                   " DAEMON_BUS_NAME " on the system bus)\n"
		"      --system     reach vbusd on the system bus\n"
		"      --timeout S  wait at most S seconds for each answer of vbusd (default 60)\n"
		"  -h, --help       print this help; COMMAND --help prints the command's\n"
		"  -V, --version    print the version of vbusctl\n\n"
		"Exit status: 0 success, 1 failure, 2 usage error, 3 object not found,\n"
		"4 vbusd unreachable, 5 permission denied (diff --exit-code: 10 changes;\n"
		"status: 11 not in sync or problems; domain attach: 12 restart the domain).\n"
		"See vbusctl(8).\n");
}

int main(int argc, char **argv)
{
	struct context context = { 0 };
	int verb, code;
	size_t i;

	code = options_parse_global(&context, usage, argc, argv, &verb);
	if (code >= 0)
		return code;
	code = -1;
	for (i = 0; i < ELEMENTSOF(commands); i++)
		if (!strcmp(argv[verb], commands[i].name))
			code = commands[i].run(&context, argc - verb, argv + verb);
	if (code < 0) {
		fprintf(stderr, "vbusctl: unknown command '%s' (see vbusctl --help)\n", argv[verb]);
		return EXIT_USAGE;
	}
	daemon_disconnect(&context);
	return code;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vbusctl: the command-line client of the vbus fabric. A table of
 * subcommands, each with a one-line help; global options before the verb.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command commands[] = {
	{ "version", command_version, "show the versions of vbusctl and of the loaded vbus.ko" },
};

void report_error(const char *object, const char *what, int error, const char *detail)
{
	fprintf(stderr, "vbusctl: %s: %s: %s%s%s\n", object, what, strerror(-error),
		detail && *detail ? ": " : "", detail ? detail : "");
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: vbusctl [-j|--json] COMMAND [ARGS...]\n"
		"       vbusctl --help | --version\n\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(out,
		"\nOptions:\n"
		"  -j, --json     print JSON instead of text\n"
		"  -h, --help     print this help\n"
		"  -V, --version  print the version of vbusctl\n\n"
		"Exit status: 0 success, 1 failure, 2 usage error, 3 object not found,\n"
		"4 vbusd unreachable. See vbusctl(8).\n");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct context context = { 0 };
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+jhV", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			context.json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("vbusctl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].run(&context, argc - optind, argv + optind);

	fprintf(stderr, "vbusctl: unknown command '%s' (see vbusctl --help)\n", argv[optind]);
	return EXIT_USAGE;
}

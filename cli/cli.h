/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the subcommands of vbusctl share: the context, exit codes, the table. */
#ifndef VBUSCTL_CLI_H
#define VBUSCTL_CLI_H

#include <stdbool.h>

/* Exit codes, documented in vbusctl(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_NOT_FOUND = 3,
	EXIT_UNREACHABLE = 4,
};

struct context {
	bool json;
};

struct command {
	const char *name;
	int (*run)(const struct context *context, int argc, char **argv);
	const char *help;
};

int command_version(const struct context *context, int argc, char **argv);

/* Reports "vbusctl: OBJECT: WHAT: WHY" (plus the kernel's message) once. */
void report_error(const char *object, const char *what, int error, const char *detail);

#endif

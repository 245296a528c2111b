/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line options: vbusctl's global ones, and each verb's own plus the
 * global output options it accepts after the verb too. */
#ifndef VBUSCTL_OPTIONS_H
#define VBUSCTL_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

#define OPTIONS_DEFAULT_TIMEOUT_USEC	(60ULL * 1000000ULL)

/* One option of a verb: --NAME (and -SHORT when not 0), setting *FLAG, or
 * *ARGUMENT when the option takes one (both FLAG and ARGUMENT: an optional
 * argument, --NAME[=VALUE], *ARGUMENT NULL without one); or, when LIST is set, an option that
 * may be given several times: each argument is appended to LIST (of
 * CAPACITY entries; more is a usage error), *COUNT counting them. */
struct verb_option {
	const char *name;
	int short_name;
	bool *flag;
	const char **argument;
	const char **list;
	size_t *count;
	size_t capacity;
};

/*
 * Parses the options before the verb into CONTEXT (with $VBUS_ADDRESS);
 * GLOBAL_USAGE prints vbusctl --help.
 * *VERB: the index of the verb in ARGV. -1 to go on, or the exit code to end
 * with (--help, --version, a usage error: reported).
 */
int options_parse_global(struct context *context, void (*global_usage)(FILE *out), int argc,
			 char **argv, int *verb);

/*
 * Parses a verb's ARGV (ARGV[0] the verb) with its OPTIONS (terminated by a
 * NULL name) and -j/--json, --pretty (which implies -j), -h/--help, leaving
 * the operands in
 * ARGV[*FIRST..argc-1]. USAGE is the verb's help text, printed for --help
 * (and on stderr for a usage error). -1 to go on, else the exit code.
 */
int options_parse_verb(struct context *context, const char *usage,
		       const struct verb_option *options, int argc, char **argv, int *first);

/* Checks that a verb got MIN..MAX operands (MAX < 0: any); prints the usage
 * error. -1 to go on, else EXIT_USAGE. */
int options_operands(const char *verb, const char *usage, int count, int min, int max);

#endif

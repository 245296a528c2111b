/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fabric-check: validates fabric files with libvbus as vbusctl and vbusd do,
 * for tests/schema/ (which compares it with the JSON Schema) and by hand. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric.h"

enum {
	EXIT_VALID = 0,
	EXIT_INVALID = 1,
	EXIT_USAGE = 2,
};

static int usage(FILE *out, int status)
{
	fprintf(out,
		"usage: fabric-check [--schema-only] [--export] FILE...\n"
		"Reads the FILEs as one fabric (merged, then checked as a whole) and prints\n"
		"every error. --schema-only: only what the JSON Schema checks, each file alone.\n"
		"--export: print the fabric as vbusctl export does. Exit 0 valid, 1 not.\n");
	return status;
}

/* Each file alone, through the parser only: what the schema decides. */
static int parse_each(char **paths, int count, struct fabric_errors *errors)
{
	int i, r, result = 0;

	for (i = 0; i < count; i++) {
		_cleanup_(fabric_freep) struct fabric *fabric = NULL;

		r = fabric_parse_file(paths[i], &fabric, errors);
		if (r < 0)
			result = r;
	}
	return result;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "schema-only", no_argument, NULL, 's' },
		{ "export", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_errors errors = { 0 };
	bool schema_only = false, export = false;
	_cleanup_free_ char *text = NULL;
	size_t i, reported;
	int option, r;

	while ((option = getopt_long(argc, argv, "seh", options, NULL)) != -1) {
		switch (option) {
		case 's':
			schema_only = true;
			break;
		case 'e':
			export = true;
			break;
		case 'h':
			return usage(stdout, EXIT_VALID);
		default:
			return usage(stderr, EXIT_USAGE);
		}
	}
	if (optind == argc || (schema_only && export))
		return usage(stderr, EXIT_USAGE);
	if (schema_only)
		r = parse_each(argv + optind, argc - optind, &errors);
	else
		r = fabric_load((const char *const *)argv + optind, argc - optind, NULL, &fabric,
				&errors);
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "%s\n", errors.lines[i]);
	reported = errors.count;
	fabric_errors_clear(&errors);
	if (r < 0) {
		if (reported == 0)
			fprintf(stderr, "fabric-check: %s\n", strerror(-r));
		return EXIT_INVALID;
	}
	if (export) {
		r = fabric_to_json(fabric, &text);
		if (r < 0) {
			fprintf(stderr, "fabric-check: export: %s\n", strerror(-r));
			return EXIT_INVALID;
		}
		fputs(text, stdout);
	}
	return EXIT_VALID;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the verb table needs beyond main(): verb groups ("device create"). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int command_dispatch(struct context *context, const char *group, const struct command *table,
		     size_t count, int argc, char **argv)
{
	FILE *out = stderr;
	size_t i;

	/* "vbusctl device -j show": output options between group and verb. */
	while (argc > 1 && (!strcmp(argv[1], "-j") || !strcmp(argv[1], "--json") ||
			    !strcmp(argv[1], "--pretty"))) {
		if (!strcmp(argv[1], "--pretty"))
			context->pretty = true;
		context->json = true;
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (argc > 1) {
		for (i = 0; i < count; i++)
			if (!strcmp(argv[1], table[i].name))
				return table[i].run(context, argc - 1, argv + 1);
		if (strcmp(argv[1], "-h") && strcmp(argv[1], "--help"))
			fprintf(stderr, "vbusctl: %s: unknown command '%s'\n", group, argv[1]);
		else
			out = stdout;
	} else {
		fprintf(stderr, "vbusctl: %s: missing command\n", group);
	}
	fprintf(out, "usage: vbusctl %s COMMAND [ARGS...]\n\nCommands:\n", group);
	for (i = 0; i < count; i++)
		fprintf(out, "  %-8s %s\n", table[i].name, table[i].help);
	fprintf(out, "\nvbusctl %s COMMAND --help prints the command's usage.\n", group);
	return out == stdout ? EXIT_OK : EXIT_USAGE;
}

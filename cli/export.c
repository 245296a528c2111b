/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl export: the kernel's fabric as a fabric file, from Export. */
#include <stdio.h>
#include <string.h>

#include "daemon.h"
#include "error.h"
#include "macro.h"
#include "options.h"
#include "output.h"

#define EXPORT_USAGE \
	"usage: vbusctl export\n\n" \
	"Prints the fabric the kernel has as a fabric file (vbus-fabric(5)), every\n" \
	"attribute present. Applying it on the same host changes nothing:\n" \
	"vbusctl export > saved.json; vbusctl apply saved.json\n" \
	"The file is indented JSON; -j prints it on one line, as every -j does.\n"

int command_export(struct context *context, int argc, char **argv)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *text;
	int first, code;

	code = options_parse_verb(context, EXPORT_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("export", EXPORT_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	code = daemon_get(context, "Export", NULL, "fabric", &reply, &text);
	if (code != EXIT_OK)
		return code;
	if (context->json) {
		_cleanup_(json_object_putp) struct json_object *fabric = output_parse(text, "fabric");

		if (!fabric)
			return EXIT_FAILED;
		output_json(context, stdout, fabric);
		return EXIT_OK;
	}
	fputs(text, stdout);
	if (!*text || text[strlen(text) - 1] != '\n')
		fputc('\n', stdout);
	return EXIT_OK;
}

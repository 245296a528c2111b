/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl version: the client's version and the loaded module's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "cli.h"
#include "error.h"
#include "libvbus.h"
#include "options.h"
#include "output.h"

#define VERSION_USAGE \
	"usage: vbusctl version\n\n" \
	"Prints the version of vbusctl and of the loaded vbus.ko with the\n" \
	"generic netlink ABI version it speaks (read from the kernel: vbusd\n" \
	"need not run). -j prints {\"vbusctl\", \"module\", \"genl_version\"}.\n"

/* vbus.ko's version over generic netlink; an exit code, failures reported. */
static int module_version(struct vbus_version *version)
{
	struct vbus_client *client;
	char message[512];
	int r;

	r = vbus_client_open(&client);
	if (r == -ENOENT) {
		fprintf(stderr, "vbusctl: kernel: vbus.ko is not loaded (no generic netlink family \"%s\")\n"
			"hint: modprobe vbus\n", VBUS_GENL_NAME);
		return EXIT_FAILED;
	}
	if (r < 0) {
		error_report("kernel", "cannot connect to generic netlink", NULL, NULL, r);
		return EXIT_FAILED;
	}
	r = vbus_get_version(client, version);
	if (r < 0) {
		snprintf(message, sizeof(message), "%s%s%s", strerror(-r),
			 *vbus_client_error(client) ? ": " : "", vbus_client_error(client));
		error_report("kernel", "version request failed", NULL, message, r);
	}
	vbus_client_close(client);
	return r < 0 ? EXIT_FAILED : EXIT_OK;
}

int command_version(struct context *context, int argc, char **argv)
{
	_cleanup_(json_object_putp) struct json_object *o = NULL;
	struct vbus_version version;
	int first, code;

	code = options_parse_verb(context, VERSION_USAGE, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("version", VERSION_USAGE, argc - first, 0, 0);
	if (code >= 0)
		return code;
	code = module_version(&version);
	if (code != EXIT_OK)
		return code;
	if (!context->json) {
		printf("vbusctl %s\nvbus.ko %s (generic netlink family %s, version %u)\n",
		       PACKAGE_VERSION, version.module_version, VBUS_GENL_NAME,
		       version.genl_version);
		return EXIT_OK;
	}
	o = json_object_new_object();
	if (!o)
		return error_report("version", "cannot print", NULL, NULL, -ENOMEM);
	json_object_object_add(o, "vbusctl", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "module", json_object_new_string(version.module_version));
	json_object_object_add(o, "genl_version", json_object_new_int64(version.genl_version));
	output_json(context, stdout, o);
	return EXIT_OK;
}

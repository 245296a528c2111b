/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl version: the client's version and the loaded module's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "cli.h"
#include "libvbus.h"

int command_version(struct context *context, int argc, char **argv)
{
	struct vbus_client *client;
	struct vbus_version version;
	int r;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: vbusctl version\n\n"
		       "Prints the version of vbusctl and of the loaded vbus.ko with the\n"
		       "generic netlink ABI version it speaks.\n");
		return EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "vbusctl: version: takes no arguments\n");
		return EXIT_USAGE;
	}

	r = vbus_client_open(&client);
	if (r == -ENOENT) {
		fprintf(stderr, "vbusctl: kernel: vbus.ko is not loaded (no generic netlink family \"%s\")\n"
			"hint: modprobe vbus\n", VBUS_GENL_NAME);
		return EXIT_FAILED;
	}
	if (r < 0) {
		report_error("kernel", "cannot connect to generic netlink", r, NULL);
		return EXIT_FAILED;
	}
	r = vbus_get_version(client, &version);
	if (r < 0) {
		report_error("kernel", "version request failed", r, vbus_client_error(client));
		vbus_client_close(client);
		return EXIT_FAILED;
	}
	vbus_client_close(client);

	if (context->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "vbusctl", json_object_new_string(PACKAGE_VERSION));
		json_object_object_add(o, "module", json_object_new_string(version.module_version));
		json_object_object_add(o, "genl_version", json_object_new_int64(version.genl_version));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else {
		printf("vbusctl %s\nvbus.ko %s (generic netlink family %s, version %u)\n",
		       PACKAGE_VERSION, version.module_version, VBUS_GENL_NAME,
		       version.genl_version);
	}
	return EXIT_OK;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl domain detach: a vbus device out of a libvirt domain's vbus
 * metadata, and with the bus's last device the bus's <shmem>; live, vbusd
 * then lets the device go as the hook's release does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "domain-edit.h"
#include "domain-request.h"
#include "domain-slot.h"
#include "error.h"
#include "macro.h"
#include "object.h"
#include "options.h"

#define DETACH_USAGE \
	"usage: vbusctl domain detach DOMAIN DEVICE [--live] [--config] [--if-exists]\n" \
	"                             [-c|--connect URI]\n\n" \
	"Removes the vbus device DEVICE from the libvirt domain DOMAIN's vbus metadata\n" \
	"and, with the bus's last device, the bus's <shmem>; live, vbusd then destroys\n" \
	"the device (disconnects it when persistent) and, with the last, the bus.\n" \
	"  --live         the running domain\n" \
	"  --config       the domain's definition (default as for attach)\n" \
	"  --if-exists    a device not there is not an error\n" \
	"  -c, --connect URI  libvirt's URI (default $LIBVIRT_DEFAULT_URI, else\n" \
	"                 qemu:///system)\n"

/* What one verb is asked: the domain, the targets, the device. */

struct detach {
	struct domain_request request;
	bool if_exists;
};

/* One target's metadata without the device into *OUT (*LAST: no device is
 * left); *PRESENT false when the device is not there.
 * The device's record and bus into VBUS and DEVICE. An exit code. */
static int detach_edit(struct detach *detach, bool live, char **out, bool *present, bool *last,
		       struct domain_vbus *vbus, struct domain_vbus_device *device)
{
	struct domain_request *request = &detach->request;
	_cleanup_free_ char *metadata = NULL;
	char error[512];
	size_t i;
	int code, r;

	*out = NULL;
	*present = false;
	code = domain_libvirt_metadata(&request->libvirt, live, &metadata);
	if (code != EXIT_OK)
		return code;
	r = domain_edit_detach(metadata, request->device, out, last, error, sizeof(error));
	if (r == -ENOENT)
		return EXIT_OK;
	if (r < 0) {
		domain_request_error(request, error, NULL);
		return EXIT_FAILED;
	}
	*present = true;
	if (domain_request_vbus(request, metadata, vbus) < 0)
		return EXIT_FAILED;
	for (i = 0; i < vbus->device_count; i++)
		if (!strcmp(vbus->devices[i].name, request->device))
			*device = vbus->devices[i];
	return EXIT_OK;
}

/* The bus's <shmem> out of the domain (LIVE or the definition), if there;
 * *GONE whether it is gone. Live, libvirt waits a few seconds for the guest
 * to release the device; a guest that does not keeps it (and QEMU keeps its
 * connection to the bus) until it does or the domain stops. */
static int detach_transport(struct domain_request *request, const char *bus, bool live, bool *gone)
{
	_cleanup_free_ char *xml = NULL, *shmem = NULL, *after = NULL, *still = NULL;
	int code;

	*gone = true;
	code = domain_libvirt_xml(&request->libvirt, live, &xml);
	if (code != EXIT_OK)
		return code;
	if (domain_slot_find_shmem(xml, bus, &shmem) < 0)
		return EXIT_FAILED;
	if (!shmem)
		return EXIT_OK;
	code = domain_libvirt_device(&request->libvirt, live, false, shmem, "the bus's <shmem>");
	if (code != EXIT_OK || !live)
		return code;
	code = domain_libvirt_xml(&request->libvirt, live, &after);
	if (code == EXIT_OK && domain_slot_find_shmem(after, bus, &still) < 0)
		code = EXIT_FAILED;
	*gone = !still;
	return code;
}

static int detach_one(struct context *context, struct detach *detach, bool live, bool *found)
{
	struct domain_request *request = &detach->request;
	_cleanup_free_ char *edited = NULL;
	struct domain_vbus_device device = { 0 };
	struct domain_vbus vbus = { 0 };
	bool present, last = false, gone = true;
	char message[512];
	int code;

	code = detach_edit(detach, live, &edited, &present, &last, &vbus, &device);
	*found = *found || present;
	if (code == EXIT_OK && present && last)
		code = detach_transport(request, vbus.bus, live, &gone);
	/* the metadata goes with the last device, but while QEMU keeps the
	 * transport the (empty) bus stays the domain's: released when it stops */
	if (code == EXIT_OK && present)
		code = domain_libvirt_set_metadata(&request->libvirt, live,
						   last && gone ? NULL : edited);
	/* live: vbusd lets the device go, persistent ones disconnected */
	if (code == EXIT_OK && present && live)
		code = domain_vbusd_release_device(context, &device);
	if (code == EXIT_OK && present && live && last) {
		if (gone) {
			code = domain_vbusd_wait_unplugged(context, vbus.bus);
			if (code == EXIT_OK)
				code = domain_vbusd_destroy_bus(context, vbus.bus);
		} else {
			snprintf(message, sizeof(message),
				 "bus %s stays until the guest releases its ivshmem-doorbell "
				 "device (unplug requested) or the domain stops", vbus.bus);
			domain_request_error(request, message, NULL);
		}
	}
	domain_vbus_clear(&vbus);
	return code;
}

int command_domain_detach(struct context *context, int argc, char **argv)
{
	struct detach detach = { 0 };
	const char *uri = NULL;
	const struct verb_option options[] = {
		{ .name = "live", .flag = &detach.request.live },
		{ .name = "config", .flag = &detach.request.config },
		{ .name = "if-exists", .flag = &detach.if_exists },
		{ .name = "connect", .short_name = 'c', .argument = &uri },
		{ NULL },
	};
	char object[128];
	bool found = false;
	int first, code;

	code = options_parse_verb(context, DETACH_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("domain detach", DETACH_USAGE, argc - first, 2, 2);
	if (code >= 0)
		return code;
	detach.request.device = argv[first + 1];
	code = object_name("device", detach.request.device, object, sizeof(object));
	if (code >= 0)
		return code;
	code = domain_libvirt_open(uri, argv[first], &detach.request.libvirt);
	if (code == EXIT_OK) {
		code = domain_request_targets(&detach.request);
		if (code < 0 && detach.request.live)
			code = detach_one(context, &detach, true, &found);
		if ((code < 0 || code == EXIT_OK) && detach.request.config)
			code = detach_one(context, &detach, false, &found);
		if (code < 0)
			code = EXIT_OK;
		if (code == EXIT_OK && !found && !detach.if_exists) {
			snprintf(object, sizeof(object), "device %s is not in the domain's vbus "
				 "metadata", detach.request.device);
			domain_request_error(&detach.request, object,
					     "--if-exists accepts a device not there");
			code = EXIT_NOT_FOUND;
		}
	}
	domain_libvirt_close(&detach.request.libvirt);
	return code;
}

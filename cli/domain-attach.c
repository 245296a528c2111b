/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl domain attach: a vbus device into a libvirt domain's vbus
 * metadata, and with the bus's first device its transport, the
 * ivshmem-doorbell <shmem>, live and/or in the definition. Live, the bus's
 * socket must exist before the <shmem> is hot-plugged (QEMU connects while it
 * realizes the device): vbusd makes the bus from the new metadata first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "attribute.h"
#include "domain.h"
#include "domain-edit.h"
#include "domain-request.h"
#include "domain-slot.h"
#include "error.h"
#include "ivshmem.h"
#include "macro.h"
#include "object.h"
#include "options.h"

#define ATTACH_USAGE \
	"usage: vbusctl domain attach DOMAIN DEVICE [KEY=VALUE...] [--live] [--config]\n" \
	"                             [--bus NAME] [--region-size SIZE] [--may-exist]\n" \
	"                             [-c|--connect URI]\n\n" \
	"Adds the vbus device DEVICE to the libvirt domain DOMAIN (name or UUID): to its\n" \
	"vbus metadata and, with the bus's first device, the bus's ivshmem-doorbell\n" \
	"<shmem>. KEY=VALUE: type mac mtu zcthresh wmem txqlen ifname bridge\n" \
	"persistent (yes: kept, disconnected, when the domain stops).\n" \
	"  --live         the running domain (vbusd makes the bus and device first)\n" \
	"  --config       the domain's definition (the default: --live when it runs,\n" \
	"                 --config when it is persistent, as virsh)\n" \
	"  --bus NAME     the domain's bus when it has none yet (default: its name)\n" \
	"  --region-size SIZE  the bus's shared region (bytes, a power of two, 64K to\n" \
	"                 1G; K, M, G; default 1M): set with its first device, or in the\n" \
	"                 definition (from the next start); a running bus keeps its own\n" \
	"  --may-exist    a device already there is not an error\n" \
	"  -c, --connect URI  libvirt's URI (default $LIBVIRT_DEFAULT_URI, else\n" \
	"                 qemu:///system)\n" \
	"A q35 domain without a free pcie-to-pci-bridge slot gets a pcie-to-pci-bridge\n" \
	"and the device in its definition, and exits with 12: restart it.\n"

/* The bus named in METADATA (as libvirt returns it), "" when none. */
static void bus_of(const char *metadata, char *bus, size_t size)
{
	struct domain_vbus vbus;
	char error[256];

	bus[0] = '\0';
	if (metadata && domain_request_parse(metadata, &vbus, error, sizeof(error)) == 0 &&
	    vbus.present)
		snprintf(bus, size, "%s", vbus.bus);
	if (metadata)
		domain_vbus_clear(&vbus);
}

struct attach {
	struct domain_request request;
	const char *bus_option;
	const char *region_size_option;
	uint32_t region_size;		/* bytes; 0: not given */
	bool may_exist;
	const char *keys[ATTRIBUTE_MAX + 2];
	const char *values[ATTRIBUTE_MAX + 2];
	char numbers[ATTRIBUTE_MAX][16];
	size_t count;
	struct attribute_list list;
	char bus[VBUS_NAME_MAX];
};

/* Whether the LENGTH characters of KEY are NAME. */
static bool key_is(const char *key, size_t length, const char *name)
{
	return length == strlen(name) && !strncmp(key, name, length);
}

/* Whether KEY (LENGTH characters) is an attribute of a vbus <device>. */
static bool domain_vbus_device_attribute_known(const char *key, size_t length)
{
	char name[32];

	if (length >= sizeof(name))
		return false;
	memcpy(name, key, length);
	name[length] = '\0';
	return domain_vbus_device_attribute(name) != NULL;
}

/* KEY=VALUE into the metadata's attributes, checked with libvbus's rules
 * (attribute.c) before anything else happens. */
static int attach_values(struct attach *attach, char **args, size_t count, const char *object)
{
	char *fabric_args[ATTRIBUTE_MAX + 1], error[512], known[160];
	const char *persistent = NULL;
	size_t i, fabric_count = 0;

	for (i = 0; i < count; i++) {
		const char *equals = strchr(args[i], '=');
		size_t length = equals ? (size_t)(equals - args[i]) : 0;

		if (equals && key_is(args[i], length, "persistent")) {
			if (persistent || (strcmp(equals + 1, "yes") && strcmp(equals + 1, "no"))) {
				snprintf(error, sizeof(error), "%s: %s", args[i], persistent ?
					 "given twice" : "expected yes or no");
				error_print(object, error, NULL);
				return EXIT_USAGE;
			}
			persistent = equals + 1;
		} else if (equals && key_is(args[i], length, "name")) {
			domain_edit_keys(known, sizeof(known));
			snprintf(error, sizeof(error), "%s: the device's name is DEVICE (keys: %s)",
				 args[i], known);
			error_print(object, error, NULL);
			return EXIT_USAGE;
		} else if (equals && !domain_vbus_device_attribute_known(args[i], length)) {
			domain_edit_keys(known, sizeof(known));
			snprintf(error, sizeof(error), "%s: unknown key (expected one of: %s)",
				 args[i], known);
			error_print(object, error, NULL);
			return EXIT_USAGE;
		} else if (fabric_count < ATTRIBUTE_MAX) {
			fabric_args[fabric_count++] = args[i];
		}
	}
	if (attribute_parse(ATTRIBUTE_DEVICE_CREATE, fabric_args, fabric_count, &attach->list,
			    error, sizeof(error)) < 0) {
		error_print(object, error, NULL);
		return EXIT_USAGE;
	}
	if (attach->list.type_given) {
		attach->keys[attach->count] = "type";
		attach->values[attach->count++] = attach->list.type;
	}
	for (i = 0; i < attach->list.count; i++) {
		const struct attribute_value *value = &attach->list.values[i];

		if (value->type == 'u') {
			snprintf(attach->numbers[i], sizeof(attach->numbers[i]), "%u",
				 value->number);
			attach->values[attach->count] = attach->numbers[i];
		} else if (value->text[0]) {
			attach->values[attach->count] = value->text;
		} else {
			continue;	/* bridge=: none, the default */
		}
		attach->keys[attach->count++] = value->key;
	}
	if (persistent) {
		attach->keys[attach->count] = "persistent";
		attach->values[attach->count++] = persistent;
	}
	return -1;
}

/* --region-size checked with the rules of a bus's region_size. */
static int attach_region_size(struct attach *attach, const char *object)
{
	char argument[64], *args[] = { argument }, error[256];
	struct attribute_list list;

	snprintf(argument, sizeof(argument), "region_size=%.40s", attach->region_size_option);
	if (attribute_parse(ATTRIBUTE_BUS, args, 1, &list, error, sizeof(error)) < 0) {
		static const char prefix[] = "region_size=";
		char message[320];

		/* "region_size=12: out of range ..." as the option was written */
		if (!strncmp(error, prefix, strlen(prefix))) {
			snprintf(message, sizeof(message), "--region-size %s",
				 error + strlen(prefix));
			error_print(object, message, NULL);
		} else {
			error_print(object, error, NULL);
		}
		return EXIT_USAGE;
	}
	attach->region_size = list.values[0].number;
	if (attach->region_size & (attach->region_size - 1)) {
		snprintf(error, sizeof(error), "--region-size %s: %u bytes is not a power of two "
			 "(QEMU maps the region as a PCI BAR; e.g. 1M, 2M, 4M)",
			 attach->region_size_option, attach->region_size);
		error_print(object, error, NULL);
		return EXIT_USAGE;
	}
	return -1;
}

/* The edited metadata of one target (live or the definition) into *OUT;
 * NULL when the device is there and --may-exist. An exit code. */
static int attach_edit(struct attach *attach, bool live, char **out, bool *first)
{
	struct domain_request *request = &attach->request;
	_cleanup_free_ char *metadata = NULL;
	char error[512], bus[VBUS_NAME_MAX];
	int code, r;

	*out = NULL;
	code = domain_libvirt_metadata(&request->libvirt, live, &metadata);
	if (code != EXIT_OK)
		return code;
	bus_of(metadata, bus, sizeof(bus));
	if (bus[0] && attach->bus_option && strcmp(bus, attach->bus_option)) {
		snprintf(error, sizeof(error), "its vbus is bus %s, not %s (--bus)", bus,
			 attach->bus_option);
		domain_request_error(request, error, NULL);
		return EXIT_FAILED;
	}
	if (bus[0])
		snprintf(attach->bus, sizeof(attach->bus), "%s", bus);
	r = domain_edit_attach(metadata, attach->bus, request->device, attach->keys,
			       attach->values, attach->count, out, first, error, sizeof(error));
	if (r == -EEXIST && attach->may_exist)
		return EXIT_OK;
	/* a running bus keeps its region: only a new one, or the definition */
	if (r == 0 && attach->region_size)
		r = domain_edit_region_size(out, attach->region_size, !live || !bus[0], error,
					    sizeof(error));
	if (r < 0) {
		snprintf(error + strlen(error), sizeof(error) - strlen(error), "%s",
			 live ? " (live)" : " (definition)");
		domain_request_error(request, error, r == -EEXIST ?
				     "--may-exist accepts a device already there" : NULL);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* The bus's <shmem> at SLOT (ROOT: where libvirt puts it). */
static int shmem_xml(const char *bus, const struct domain_slot *slot, char **out)
{
	bool address = slot->kind != DOMAIN_SLOT_ROOT;

	return domain_edit_shmem(bus, VBUS_IVSHMEM_VECTORS, address ? (int)slot->bus : -1,
				 address ? (int)slot->slot : -1, out);
}

/* Whether the domain's XML (LIVE or the definition) has the bus's <shmem>;
 * where a new one goes in *SLOT. An exit code. */
static int transport_of(struct domain_request *request, const char *bus, bool live, bool *present,
			struct domain_slot *slot)
{
	_cleanup_free_ char *xml = NULL, *shmem = NULL;
	char error[256];
	int code;

	code = domain_libvirt_xml(&request->libvirt, live, &xml);
	if (code != EXIT_OK)
		return code;
	if (domain_slot_find_shmem(xml, bus, &shmem) < 0 ||
	    domain_slot_choose(xml, slot, error, sizeof(error)) < 0) {
		domain_request_error(request, error, NULL);
		return EXIT_FAILED;
	}
	*present = shmem != NULL;
	return EXIT_OK;
}

/* Live: vbusd makes the bus and its devices from the new metadata (the
 * socket QEMU connects to), then the metadata, then the <shmem>. */
static int attach_live(struct context *context, struct attach *attach, const char *edited,
		       bool present, const struct domain_slot *slot)
{
	struct domain_request *request = &attach->request;
	_cleanup_free_ char *old = NULL, *shmem = NULL;
	struct domain_vbus vbus;
	int code;

	if (domain_request_vbus(request, edited, &vbus) < 0)
		return EXIT_FAILED;
	code = domain_vbusd_apply(context, request->libvirt.name, &vbus);
	domain_vbus_clear(&vbus);
	if (code != EXIT_OK)
		return code;
	code = domain_libvirt_metadata(&request->libvirt, true, &old);
	if (code == EXIT_OK)
		code = domain_libvirt_set_metadata(&request->libvirt, true, edited);
	if (code != EXIT_OK || present)
		return code;
	if (shmem_xml(attach->bus, slot, &shmem) < 0)
		return EXIT_FAILED;
	code = domain_libvirt_device(&request->libvirt, true, true, shmem, "the bus's <shmem>");
	if (code != EXIT_OK)	/* the metadata as it was: no device without transport */
		domain_libvirt_set_metadata(&request->libvirt, true, old);
	return code;
}

/* The definition: the transport (and a pcie-to-pci-bridge for it where
 * SLOT says so), then the metadata. */
static int attach_config(struct attach *attach, const char *edited, bool present,
			 const struct domain_slot *slot)
{
	struct domain_request *request = &attach->request;
	_cleanup_free_ char *shmem = NULL, *bridge = NULL;
	int code;

	if (!present) {
		if (slot->kind == DOMAIN_SLOT_NEW_BRIDGE) {
			if (domain_slot_bridge_xml(slot->bus, &bridge) < 0)
				return EXIT_FAILED;
			code = domain_libvirt_device(&request->libvirt, false, true, bridge,
						     "a pcie-to-pci-bridge controller");
			if (code != EXIT_OK)
				return code;
		}
		if (shmem_xml(attach->bus, slot, &shmem) < 0)
			return EXIT_FAILED;
		code = domain_libvirt_device(&request->libvirt, false, true, shmem,
					     "the bus's <shmem>");
		if (code != EXIT_OK)
			return code;
	}
	return domain_libvirt_set_metadata(&request->libvirt, false, edited);
}

static int attach_run(struct context *context, struct attach *attach)
{
	struct domain_request *request = &attach->request;
	const char *wanted = attach->bus_option ? attach->bus_option : request->libvirt.name;
	_cleanup_free_ char *live_edit = NULL, *config_edit = NULL;
	struct domain_slot live_slot, config_slot;
	bool first, live_present = true, config_present = true, restart = false;
	struct domain_vbus vbus;
	char message[512];
	int code;

	/* the default bus is the domain's name, when that is a bus name */
	if (strlen(wanted) < sizeof(attach->bus))
		memcpy(attach->bus, wanted, strlen(wanted) + 1);
	/* every check before any change */
	if (request->live) {
		code = attach_edit(attach, true, &live_edit, &first);
		if (code == EXIT_OK && live_edit)
			code = transport_of(request, attach->bus, true, &live_present, &live_slot);
		if (code != EXIT_OK)
			return code;
		/* q35 without a bridge slot: never libvirt's "Bus 'pcie.0' does not
		 * support hotplugging"; the definition gets a bridge instead */
		if (live_edit && !live_present && live_slot.kind == DOMAIN_SLOT_NEW_BRIDGE) {
			restart = true;
			request->config = true;
			free(live_edit);
			live_edit = NULL;
			if (!request->libvirt.persistent) {
				domain_request_error(request, "its PCIe root does not hot-plug "
						     "and it has no pcie-to-pci-bridge with a free "
						     "slot, nor a definition to add one to",
						     "define it with a pcie-to-pci-bridge");
				return EXIT_FAILED;
			}
		}
	}
	if (request->config) {
		code = attach_edit(attach, false, &config_edit, &first);
		if (code == EXIT_OK && config_edit)
			code = transport_of(request, attach->bus, false, &config_present,
					    &config_slot);
		if (code != EXIT_OK)
			return code;
	}
	if (!vbus_name_valid(attach->bus)) {
		snprintf(message, sizeof(message), "'%.200s' is not a valid bus name (expected "
			 "[a-z0-9][a-z0-9_.-]*, at most %d characters)",
			 attach->bus[0] ? attach->bus : wanted, VBUS_NAME_MAX - 1);
		domain_request_error(request, message, "--bus NAME");
		return EXIT_USAGE;
	}
	if (live_edit || config_edit) {
		const char *fabric;

		if (domain_request_vbus(request, live_edit ? live_edit : config_edit, &vbus) < 0)
			return EXIT_FAILED;
		fabric = json_object_to_json_string_ext(vbus.fabric, JSON_C_TO_STRING_PLAIN);
		code = apply_check(fabric, strlen(fabric), request->object) < 0 ? EXIT_FAILED :
										EXIT_OK;
		domain_vbus_clear(&vbus);
		if (code != EXIT_OK)
			return code;
	}

	if (live_edit) {
		code = attach_live(context, attach, live_edit, live_present, &live_slot);
		if (code != EXIT_OK)
			return code;
	}
	if (config_edit) {
		code = attach_config(attach, config_edit, config_present, &config_slot);
		if (code != EXIT_OK)
			return code;
	}
	if (restart) {
		snprintf(message, sizeof(message),
			 "device %s is in the domain's definition, with %s: the domain must be "
			 "restarted (shut down and started) for it to appear, because its PCIe "
			 "root does not hot-plug and it had no pcie-to-pci-bridge with a free slot",
			 request->device, config_edit && !config_present &&
			 config_slot.kind == DOMAIN_SLOT_NEW_BRIDGE ?
			 "a new pcie-to-pci-bridge for its bus's <shmem>" : "its bus's <shmem>");
		domain_request_error(request, message, NULL);
		return EXIT_RESTART_NEEDED;
	}
	return EXIT_OK;
}

int command_domain_attach(struct context *context, int argc, char **argv)
{
	struct attach attach = { 0 };
	const char *uri = NULL;
	const struct verb_option options[] = {
		{ .name = "live", .flag = &attach.request.live },
		{ .name = "config", .flag = &attach.request.config },
		{ .name = "bus", .argument = &attach.bus_option },
		{ .name = "region-size", .argument = &attach.region_size_option },
		{ .name = "may-exist", .flag = &attach.may_exist },
		{ .name = "connect", .short_name = 'c', .argument = &uri },
		{ NULL },
	};
	char object[64];
	int first, code;

	code = options_parse_verb(context, ATTACH_USAGE, options, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("domain attach", ATTACH_USAGE, argc - first, 2, -1);
	if (code >= 0)
		return code;
	attach.request.device = argv[first + 1];
	code = object_name("device", attach.request.device, object, sizeof(object));
	if (code >= 0)
		return code;
	if (attach.bus_option) {
		char bus_object[64];

		code = object_name("bus", attach.bus_option, bus_object, sizeof(bus_object));
		if (code >= 0)
			return code;
	}
	if (attach.region_size_option) {
		code = attach_region_size(&attach, object);
		if (code >= 0)
			return code;
	}
	code = attach_values(&attach, argv + first + 2, argc - first - 2, object);
	if (code >= 0)
		return code;
	code = domain_libvirt_open(uri, argv[first], &attach.request.libvirt);
	if (code == EXIT_OK) {
		code = domain_request_targets(&attach.request);
		if (code < 0)
			code = attach_run(context, &attach);
	}
	domain_libvirt_close(&attach.request.libvirt);
	return code;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl domain: libvirt domains and their vbus. "hook" is what libvirt's
 * qemu hook (/etc/libvirt/hooks/qemu.d/vbus) runs: it reads the domain's XML
 * on stdin, talks to vbusd only (a hook that calls libvirt deadlocks) and
 * prints nothing on stdout (libvirt takes a qemu.d hook's stdout as new
 * domain XML). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "apply.h"
#include "daemon.h"
#include "domain.h"
#include "domain-metadata.h"
#include "error.h"
#include "ivshmem.h"
#include "json-cleanup.h"
#include "macro.h"
#include "options.h"

#define DOMAIN_USAGE_HOOK \
	"usage: vbusctl domain hook prepare|release|migrate DOMAIN < DOMAIN-XML\n\n" \
	"What libvirt's qemu hook runs, with the domain's XML on standard input;\n" \
	"nothing for a domain without vbus metadata, never anything on stdout.\n" \
	"  prepare  make the domain's bus (connector ivshmem), its devices and its\n" \
	"           socket exist before QEMU starts\n" \
	"  release  disconnect the domain's devices, destroy those not marked\n" \
	"           persistent, and destroy its bus\n" \
	"  migrate  refuse: QEMU does not migrate ivshmem-doorbell devices\n"

static uint64_t now_usec(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000ULL + (uint64_t)now.tv_nsec / 1000ULL;
}

static void domain_error(const char *domain, const char *message)
{
	fprintf(stderr, "vbusctl: domain %s: %s\n", domain, message);
}

/* The domain's XML from stdin into VBUS; an exit code, errors reported. */
static int read_domain(const char *domain, struct domain_vbus *vbus)
{
	_cleanup_free_ char *xml = NULL;
	char error[256], message[320];
	size_t length;
	int r;

	r = apply_read("-", &xml, &length);
	if (r < 0) {
		snprintf(message, sizeof(message), "cannot read its XML on standard input: %s",
			 strerror(-r));
		domain_error(domain, message);
		return EXIT_FAILED;
	}
	r = domain_vbus_parse(xml, length, vbus, error, sizeof(error));
	if (r < 0) {
		snprintf(message, sizeof(message), "vbus metadata: %s", error);
		domain_error(domain, message);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

int domain_vbusd_apply(struct context *context, const char *domain, struct domain_vbus *vbus)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL, *reply = NULL;
	char source[VBUS_DOMAIN_MAX + 32], path[108], text[512];
	const char *fabric;
	int code, r;

	snprintf(source, sizeof(source), "domain %s", domain);
	fabric = json_object_to_json_string_ext(vbus->fabric, JSON_C_TO_STRING_PLAIN);
	if (apply_check(fabric, strlen(fabric), source) < 0)
		return EXIT_FAILED;
	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	r = daemon_method(context, "Apply", &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "sst", fabric, source, (uint64_t)0);
	if (r < 0)
		return error_report(source, "cannot make its vbus", NULL, NULL, r);
	code = daemon_call(context, message, source, "cannot make its vbus", &reply);
	if (code != EXIT_OK)
		return code;
	/* QEMU connects as soon as it starts: the socket must be there now */
	if (vbus_ivshmem_socket_path(vbus->bus, path, sizeof(path)) < 0 || access(path, F_OK) < 0) {
		snprintf(text, sizeof(text), "vbusd made bus %s but serves no socket at %s", vbus->bus,
			 path);
		domain_error(domain, text);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

/* METHOD(NAME, FLAGS 1 = if exists, and for DestroyDevice 2 = of a
 * connected device too: the domain is going); an exit code, failures
 * reported. */
static int call_if_exists(struct context *context, const char *method, const char *name,
			  const char *object, const char *what)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *message = NULL, *reply = NULL;
	uint64_t flags = strcmp(method, "DestroyDevice") ? 1 : 1 | 2;
	int r;

	r = daemon_method(context, method, &message);
	if (r >= 0)
		r = sd_bus_message_append(message, "st", name, flags);
	if (r < 0)
		return error_report(object, what, NULL, NULL, r);
	return daemon_call(context, message, object, what, &reply);
}

int domain_vbusd_release_device(struct context *context,
				const struct domain_vbus_device *device)
{
	char object[64];
	int code;

	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	snprintf(object, sizeof(object), "device %s", device->name);
	return device->persistent ?
		call_if_exists(context, "Disconnect", device->name, object, "cannot disconnect") :
		call_if_exists(context, "DestroyDevice", device->name, object, "cannot destroy");
}

/* Whether QEMU is connected to BUS's socket, as GetBuses says; false when
 * the bus is not there. An exit code. */
static int peer_connected(struct context *context, const char *bus, bool *connected)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_(json_object_putp) struct json_object *parsed = NULL;
	struct json_object *buses, *object, *ivshmem, *value;
	char *all[] = { NULL };
	const char *text;
	size_t i;
	int code;

	*connected = false;
	code = daemon_get(context, "GetBuses", all, "vbusd", &reply, &text);
	if (code != EXIT_OK)
		return code;
	parsed = json_tokener_parse(text);
	if (!parsed || !json_object_object_get_ex(parsed, "buses", &buses))
		return EXIT_FAILED;
	for (i = 0; i < json_object_array_length(buses); i++) {
		object = json_object_array_get_idx(buses, i);
		if (json_object_object_get_ex(object, "name", &value) &&
		    !strcmp(json_object_get_string(value), bus) &&
		    json_object_object_get_ex(object, "ivshmem", &ivshmem) &&
		    json_object_object_get_ex(ivshmem, "connected", &value))
			*connected = json_object_get_boolean(value);
	}
	return EXIT_OK;
}

#define UNPLUG_WAIT_USEC	(5ULL * 1000000ULL)

int domain_vbusd_wait_unplugged(struct context *context, const char *bus)
{
	uint64_t deadline = now_usec() + UNPLUG_WAIT_USEC;
	char text[256], object[64];
	bool connected;
	int code;

	for (;;) {
		code = peer_connected(context, bus, &connected);
		if (code != EXIT_OK || !connected)
			return code;
		if (now_usec() >= deadline)
			break;
		usleep(50000);	/* a poll of vbusd's state, bounded by the deadline */
	}
	snprintf(text, sizeof(text), "QEMU is still connected to the bus's socket %llu s after "
		 "its device was unplugged", UNPLUG_WAIT_USEC / 1000000ULL);
	snprintf(object, sizeof(object), "bus %s", bus);
	error_print(object, text, NULL);
	return EXIT_FAILED;
}

int domain_vbusd_destroy_bus(struct context *context, const char *bus)
{
	char object[64];
	int code;

	code = daemon_connect(context);
	if (code != EXIT_OK)
		return code;
	snprintf(object, sizeof(object), "bus %s", bus);
	return call_if_exists(context, "DestroyBus", bus, object, "cannot destroy");
}

static int hook_release(struct context *context, struct domain_vbus *vbus)
{
	int code, result = EXIT_OK;
	size_t i;

	for (i = 0; i < vbus->device_count; i++) {
		code = domain_vbusd_release_device(context, &vbus->devices[i]);
		if (code != EXIT_OK)
			result = code;
	}
	code = domain_vbusd_destroy_bus(context, vbus->bus);
	return code != EXIT_OK ? code : result;
}

static int command_domain_hook(struct context *context, int argc, char **argv)
{
	struct domain_vbus vbus;
	const char *operation, *domain;
	int first, code;

	code = options_parse_verb(context, DOMAIN_USAGE_HOOK, NULL, argc, argv, &first);
	if (code >= 0)
		return code;
	code = options_operands("domain hook", DOMAIN_USAGE_HOOK, argc - first, 2, 2);
	if (code >= 0)
		return code;
	operation = argv[first];
	domain = argv[first + 1];
	if (strcmp(operation, "prepare") && strcmp(operation, "release") &&
	    strcmp(operation, "migrate")) {
		fprintf(stderr, "vbusctl: domain hook: unknown operation '%s'\n%s", operation,
			DOMAIN_USAGE_HOOK);
		return EXIT_USAGE;
	}
	code = read_domain(domain, &vbus);
	if (code != EXIT_OK || !vbus.present)
		return code;
	if (!strcmp(operation, "prepare"))
		code = domain_vbusd_apply(context, domain, &vbus);
	else if (!strcmp(operation, "release"))
		code = hook_release(context, &vbus);
	else {
		domain_error(domain, "cannot migrate: its vbus devices are QEMU ivshmem-doorbell "
			     "devices, which QEMU does not migrate; detach them first "
			     "(vbusctl domain detach) or shut the domain down");
		code = EXIT_FAILED;
	}
	domain_vbus_clear(&vbus);
	return code;
}

int command_domain(struct context *context, int argc, char **argv)
{
	static const struct command verbs[] = {
		{ "attach", command_domain_attach,
		  "add a vbus device to a libvirt domain (metadata and <shmem>)" },
		{ "detach", command_domain_detach, "remove a vbus device from a libvirt domain" },
		{ "show", command_domain_show,
		  "a domain's vbus devices, bus, QEMU peer and link state" },
		{ "hook", command_domain_hook,
		  "what libvirt's qemu hook runs (prepare, release, migrate)" },
	};

	return command_dispatch(context, "domain", verbs, sizeof(verbs) / sizeof(verbs[0]), argc,
				argv);
}

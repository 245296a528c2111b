/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The domain a domain verb changes, its targets, its vbus metadata. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "domain-request.h"
#include "error.h"
#include "macro.h"

void domain_request_error(const struct domain_request *request, const char *message,
			  const char *hint)
{
	error_print(request->object, message, hint);
}

int domain_request_targets(struct domain_request *request)
{
	const struct domain_libvirt *libvirt = &request->libvirt;

	snprintf(request->object, sizeof(request->object), "domain %s", libvirt->name);
	if (!request->live && !request->config) {
		request->live = libvirt->active;
		request->config = libvirt->persistent;
	}
	if (request->live && !libvirt->active) {
		domain_request_error(request, "is not running: --live needs a running domain",
				     "--config edits its definition");
		return EXIT_FAILED;
	}
	if (request->config && !libvirt->persistent) {
		domain_request_error(request, "is transient: it has no definition for --config",
				     NULL);
		return EXIT_FAILED;
	}
	return -1;
}

int domain_request_parse(const char *element, struct domain_vbus *vbus, char *error,
			 size_t size)
{
	_cleanup_free_ char *xml = NULL;
	size_t length;

	if (strncmp(element, "<bus", 4) || strstr(element, DOMAIN_VBUS_NAMESPACE))
		return domain_vbus_parse(element, strlen(element), vbus, error, size);
	length = strlen(element) + sizeof(DOMAIN_VBUS_NAMESPACE) + 16;
	xml = malloc(length);
	if (!xml)
		return -ENOMEM;
	snprintf(xml, length, "<bus xmlns='%s'%s", DOMAIN_VBUS_NAMESPACE, element + 4);
	return domain_vbus_parse(xml, strlen(xml), vbus, error, size);
}

int domain_request_vbus(const struct domain_request *request, const char *element,
			struct domain_vbus *vbus)
{
	const struct domain_libvirt *libvirt = &request->libvirt;
	struct json_object *buses, *bus;
	char error[256], message[320];

	if (domain_request_parse(element, vbus, error, sizeof(error)) < 0) {
		snprintf(message, sizeof(message), "vbus metadata: %s", error);
		domain_request_error(request, message, NULL);
		return -EINVAL;
	}
	snprintf(vbus->domain, sizeof(vbus->domain), "%s", libvirt->name);
	snprintf(vbus->uuid, sizeof(vbus->uuid), "%s", libvirt->uuid);
	if (json_object_object_get_ex(vbus->fabric, "buses", &buses) &&
	    (bus = json_object_array_get_idx(buses, 0))) {
		json_object_object_add(bus, "domain", json_object_new_string(libvirt->name));
		json_object_object_add(bus, "uuid", json_object_new_string(libvirt->uuid));
	}
	return 0;
}

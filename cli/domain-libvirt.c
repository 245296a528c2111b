/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt C API calls of the domain verbs, their errors reported once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "cli.h"
#include "domain-libvirt.h"
#include "domain-metadata.h"
#include "error.h"

/* libvirt prints every error on stderr by default: vbusctl reports them. */
static void quiet(void *userdata, virErrorPtr error)
{
	(void)userdata;
	(void)error;
}

static const char *last_error(void)
{
	const char *message = virGetLastErrorMessage();

	return message ? message : "unknown libvirt error";
}

static int report(const struct domain_libvirt *libvirt, const char *what)
{
	char object[VBUS_DOMAIN_MAX + 16], message[1024];

	snprintf(object, sizeof(object), "domain %s", libvirt->name);
	snprintf(message, sizeof(message), "%s: %s", what, last_error());
	error_print(object, message, NULL);
	return EXIT_FAILED;
}

int domain_libvirt_open(const char *uri, const char *domain, struct domain_libvirt *libvirt)
{
	char object[VBUS_DOMAIN_MAX + 16], message[1024];
	const char *name;
	int state, reason;

	memset(libvirt, 0, sizeof(*libvirt));
	snprintf(libvirt->name, sizeof(libvirt->name), "%s", domain);
	virSetErrorFunc(NULL, quiet);
	if (!uri)
		uri = getenv("LIBVIRT_DEFAULT_URI");
	if (!uri || !*uri)
		uri = DOMAIN_LIBVIRT_DEFAULT_URI;
	libvirt->connection = virConnectOpen(uri);
	if (!libvirt->connection) {
		snprintf(object, sizeof(object), "libvirt %s", uri);
		snprintf(message, sizeof(message), "cannot connect: %s", last_error());
		error_print(object, message, "is libvirtd running? -c URI names another");
		return EXIT_UNREACHABLE;
	}
	libvirt->domain = virDomainLookupByName(libvirt->connection, domain);
	if (!libvirt->domain)
		libvirt->domain = virDomainLookupByUUIDString(libvirt->connection, domain);
	if (!libvirt->domain) {
		snprintf(object, sizeof(object), "domain %s", domain);
		snprintf(message, sizeof(message), "no such domain in %s", uri);
		error_print(object, message, "virsh list --all");
		return EXIT_NOT_FOUND;
	}
	name = virDomainGetName(libvirt->domain);
	if (name)
		snprintf(libvirt->name, sizeof(libvirt->name), "%s", name);
	if (virDomainGetUUIDString(libvirt->domain, libvirt->uuid) < 0 ||
	    virDomainGetState(libvirt->domain, &state, &reason, 0) < 0)
		return report(libvirt, "cannot read its state");
	libvirt->active = virDomainIsActive(libvirt->domain) == 1;
	libvirt->persistent = virDomainIsPersistent(libvirt->domain) == 1;
	return EXIT_OK;
}

void domain_libvirt_close(struct domain_libvirt *libvirt)
{
	if (libvirt->domain)
		virDomainFree(libvirt->domain);
	if (libvirt->connection)
		virConnectClose(libvirt->connection);
	libvirt->domain = NULL;
	libvirt->connection = NULL;
}

static unsigned int affect(bool live)
{
	return live ? VIR_DOMAIN_AFFECT_LIVE : VIR_DOMAIN_AFFECT_CONFIG;
}

int domain_libvirt_metadata(struct domain_libvirt *libvirt, bool live, char **xml)
{
	virErrorPtr error;

	*xml = virDomainGetMetadata(libvirt->domain, VIR_DOMAIN_METADATA_ELEMENT,
				    DOMAIN_VBUS_NAMESPACE, affect(live));
	if (*xml)
		return EXIT_OK;
	error = virGetLastError();
	if (error && error->code == VIR_ERR_NO_DOMAIN_METADATA)
		return EXIT_OK;
	return report(libvirt, "cannot read its vbus metadata");
}

int domain_libvirt_set_metadata(struct domain_libvirt *libvirt, bool live, const char *element)
{
	if (virDomainSetMetadata(libvirt->domain, VIR_DOMAIN_METADATA_ELEMENT, element,
				 element ? DOMAIN_VBUS_PREFIX : NULL,
				 DOMAIN_VBUS_NAMESPACE,
				 affect(live)) < 0)
		return report(libvirt, live ? "cannot set its live vbus metadata" :
				       "cannot set the vbus metadata of its definition");
	return EXIT_OK;
}

int domain_libvirt_xml(struct domain_libvirt *libvirt, bool live, char **xml)
{
	*xml = virDomainGetXMLDesc(libvirt->domain, live ? 0 : VIR_DOMAIN_XML_INACTIVE);
	return *xml ? EXIT_OK : report(libvirt, "cannot read its XML");
}

int domain_libvirt_device(struct domain_libvirt *libvirt, bool live, bool attach,
			  const char *device, const char *what)
{
	char text[256];
	int r;

	r = attach ? virDomainAttachDeviceFlags(libvirt->domain, device, affect(live)) :
		     virDomainDetachDeviceFlags(libvirt->domain, device, affect(live));
	if (r == 0)
		return EXIT_OK;
	snprintf(text, sizeof(text), "cannot %s %s %s", attach ? "add" : "remove", what,
		 live ? (attach ? "to the running domain" : "from the running domain") :
			(attach ? "to its definition" : "from its definition"));
	return report(libvirt, text);
}

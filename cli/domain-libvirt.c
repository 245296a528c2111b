/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt C API calls of the domain verbs, their errors reported once.
 *
 * libvirt is loaded here, by the first domain verb that needs it (dlopen),
 * not linked into vbusctl: vbusctl is on the path of every domain start
 * (libvirt's qemu hook runs "vbusctl domain hook", which talks to vbusd
 * only), and libvirt's library constructors (GnuTLS, GLib, p11-kit) cost
 * more at each start than the rest of vbusctl; a host without libvirt can
 * use every other verb. The API is libvirt's own, symbol for symbol, the
 * way systemd loads its optional libraries. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#include "cli.h"
#include "domain-libvirt.h"
#include "domain-metadata.h"
#include "error.h"

/* The soname Debian's libvirt0 ships. */
#define LIBVIRT_SONAME	"libvirt.so.0"

/* The functions used, without their "vir": api.ConnectOpen is virConnectOpen. */
#define LIBVIRT_SYMBOLS(X) \
	X(ConnectClose) X(ConnectOpen) X(DomainAttachDeviceFlags) X(DomainDetachDeviceFlags) \
	X(DomainFree) X(DomainGetMetadata) X(DomainGetName) X(DomainGetState) \
	X(DomainGetUUIDString) X(DomainGetXMLDesc) X(DomainIsActive) X(DomainIsPersistent) \
	X(DomainLookupByName) X(DomainLookupByUUIDString) X(DomainSetMetadata) \
	X(GetLastError) X(GetLastErrorMessage) X(SetErrorFunc)

static struct {
	void *handle;
#define LIBVIRT_POINTER(name) __typeof__(vir##name) *name;
	LIBVIRT_SYMBOLS(LIBVIRT_POINTER)
#undef LIBVIRT_POINTER
} api;

/* libvirt's symbols into the table, once: an exit code. */
static int libvirt_load(void)
{
	char message[512];
	void *handle;

	if (api.handle)
		return EXIT_OK;
	handle = dlopen(LIBVIRT_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(message, sizeof(message), "cannot load it: %s", dlerror());
		error_print("libvirt", message, "the domain verbs need libvirt's library: apt install libvirt0");
		return EXIT_UNREACHABLE;
	}
#define LIBVIRT_RESOLVE(name) \
	api.name = (__typeof__(api.name))dlsym(handle, "vir" #name); \
	if (!api.name) { \
		snprintf(message, sizeof(message), "%s has no vir%s: %s", LIBVIRT_SONAME, \
			 #name, dlerror()); \
		error_print("libvirt", message, "libvirt 9.0 or later is needed"); \
		dlclose(handle); \
		return EXIT_UNREACHABLE; \
	}
	LIBVIRT_SYMBOLS(LIBVIRT_RESOLVE)
#undef LIBVIRT_RESOLVE
	api.handle = handle;
	return EXIT_OK;
}

/* libvirt prints every error on stderr by default: vbusctl reports them. */
static void quiet(void *userdata, virErrorPtr error)
{
	(void)userdata;
	(void)error;
}

static const char *last_error(void)
{
	const char *message = api.GetLastErrorMessage();

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
	int state, reason, code;

	memset(libvirt, 0, sizeof(*libvirt));
	snprintf(libvirt->name, sizeof(libvirt->name), "%s", domain);
	code = libvirt_load();
	if (code != EXIT_OK)
		return code;
	api.SetErrorFunc(NULL, quiet);
	if (!uri)
		uri = getenv("LIBVIRT_DEFAULT_URI");
	if (!uri || !*uri)
		uri = DOMAIN_LIBVIRT_DEFAULT_URI;
	libvirt->connection = api.ConnectOpen(uri);
	if (!libvirt->connection) {
		snprintf(object, sizeof(object), "libvirt %s", uri);
		snprintf(message, sizeof(message), "cannot connect: %s", last_error());
		error_print(object, message, "is libvirtd running? -c URI names another");
		return EXIT_UNREACHABLE;
	}
	libvirt->domain = api.DomainLookupByName(libvirt->connection, domain);
	if (!libvirt->domain)
		libvirt->domain = api.DomainLookupByUUIDString(libvirt->connection, domain);
	if (!libvirt->domain) {
		snprintf(object, sizeof(object), "domain %s", domain);
		snprintf(message, sizeof(message), "no such domain in %s", uri);
		error_print(object, message, "virsh list --all");
		return EXIT_NOT_FOUND;
	}
	name = api.DomainGetName(libvirt->domain);
	if (name)
		snprintf(libvirt->name, sizeof(libvirt->name), "%s", name);
	if (api.DomainGetUUIDString(libvirt->domain, libvirt->uuid) < 0 ||
	    api.DomainGetState(libvirt->domain, &state, &reason, 0) < 0)
		return report(libvirt, "cannot read its state");
	libvirt->active = api.DomainIsActive(libvirt->domain) == 1;
	libvirt->persistent = api.DomainIsPersistent(libvirt->domain) == 1;
	return EXIT_OK;
}

void domain_libvirt_close(struct domain_libvirt *libvirt)
{
	if (libvirt->domain)
		api.DomainFree(libvirt->domain);
	if (libvirt->connection)
		api.ConnectClose(libvirt->connection);
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

	*xml = api.DomainGetMetadata(libvirt->domain, VIR_DOMAIN_METADATA_ELEMENT,
				     DOMAIN_VBUS_NAMESPACE, affect(live));
	if (*xml)
		return EXIT_OK;
	error = api.GetLastError();
	if (error && error->code == VIR_ERR_NO_DOMAIN_METADATA)
		return EXIT_OK;
	return report(libvirt, "cannot read its vbus metadata");
}

int domain_libvirt_set_metadata(struct domain_libvirt *libvirt, bool live, const char *element)
{
	if (api.DomainSetMetadata(libvirt->domain, VIR_DOMAIN_METADATA_ELEMENT, element,
				  element ? DOMAIN_VBUS_PREFIX : NULL, DOMAIN_VBUS_NAMESPACE,
				  affect(live)) < 0)
		return report(libvirt, live ? "cannot set its live vbus metadata" :
				       "cannot set the vbus metadata of its definition");
	return EXIT_OK;
}

int domain_libvirt_xml(struct domain_libvirt *libvirt, bool live, char **xml)
{
	*xml = api.DomainGetXMLDesc(libvirt->domain, live ? 0 : VIR_DOMAIN_XML_INACTIVE);
	return *xml ? EXIT_OK : report(libvirt, "cannot read its XML");
}

int domain_libvirt_device(struct domain_libvirt *libvirt, bool live, bool attach,
			  const char *device, const char *what)
{
	char text[256];
	int r;

	r = attach ? api.DomainAttachDeviceFlags(libvirt->domain, device, affect(live)) :
		     api.DomainDetachDeviceFlags(libvirt->domain, device, affect(live));
	if (r == 0)
		return EXIT_OK;
	snprintf(text, sizeof(text), "cannot %s %s %s", attach ? "add" : "remove", what,
		 live ? (attach ? "to the running domain" : "from the running domain") :
			(attach ? "to its definition" : "from its definition"));
	return report(libvirt, text);
}

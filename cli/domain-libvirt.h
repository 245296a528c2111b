/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl's side of libvirt (the C API): a connection, one domain, its vbus
 * metadata and its devices. Every failure is reported here, as
 * "vbusctl: domain NAME: what: libvirt's message". */
#ifndef VBUSCTL_DOMAIN_LIBVIRT_H
#define VBUSCTL_DOMAIN_LIBVIRT_H

#include <stdbool.h>

#include <libvirt/libvirt.h>

#include "libvbus.h"

/* Without -c: $LIBVIRT_DEFAULT_URI (as virsh), else this. */
#define DOMAIN_LIBVIRT_DEFAULT_URI	"qemu:///system"

struct domain_libvirt {
	virConnectPtr connection;
	virDomainPtr domain;
	char name[VBUS_DOMAIN_MAX];
	char uuid[VIR_UUID_STRING_BUFLEN];
	bool active;			/* running (or paused) */
	bool persistent;		/* has a persistent definition */
};

/* Connects to URI (NULL: the default above) and finds DOMAIN by name, else
 * by UUID. An exit code: EXIT_NOT_FOUND for no such domain, EXIT_UNREACHABLE
 * when libvirt cannot be reached. */
int domain_libvirt_open(const char *uri, const char *domain, struct domain_libvirt *libvirt);
void domain_libvirt_close(struct domain_libvirt *libvirt);

/* The vbus element of the live (LIVE) or persistent metadata into *XML
 * (free()), NULL when there is none. An exit code. */
int domain_libvirt_metadata(struct domain_libvirt *libvirt, bool live, char **xml);
/* Sets it to ELEMENT (the vbus <bus> without namespace), or removes it
 * (ELEMENT NULL). An exit code. */
int domain_libvirt_set_metadata(struct domain_libvirt *libvirt, bool live, const char *element);
/* The domain's XML, live or inactive (the persistent definition), into *XML
 * (free()). An exit code. */
int domain_libvirt_xml(struct domain_libvirt *libvirt, bool live, char **xml);
/* Attaches (ATTACH) or detaches DEVICE (its XML) live or in the definition.
 * An exit code; WHAT names the device in the message. */
int domain_libvirt_device(struct domain_libvirt *libvirt, bool live, bool attach,
			  const char *device, const char *what);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What domain attach and detach share: the domain asked for, which of its
 * running state and definition they change (--live, --config, as virsh),
 * and its vbus metadata read as the hook reads it. */
#ifndef VBUSCTL_DOMAIN_REQUEST_H
#define VBUSCTL_DOMAIN_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "domain-libvirt.h"
#include "domain-metadata.h"

struct domain_request {
	struct domain_libvirt libvirt;
	bool live, config;
	const char *device;
	char object[VBUS_DOMAIN_MAX + 16];	/* "domain NAME" */
};

/* "vbusctl: domain NAME: MESSAGE (hint: HINT)". */
void domain_request_error(const struct domain_request *request, const char *message,
			  const char *hint);
/* The default and checks of --live and --config, as virsh's: -1 to go on,
 * else an exit code (reported). */
int domain_request_targets(struct domain_request *request);
/* ELEMENT, the vbus <bus> as the edits make it and as virDomainGetMetadata
 * returns it (without its namespace), read as the hook reads a domain's. */
int domain_request_parse(const char *element, struct domain_vbus *vbus, char *error,
			 size_t size);
/* ELEMENT read with the domain's name and UUID on the bus; -EINVAL
 * (reported). */
int domain_request_vbus(const struct domain_request *request, const char *element,
			struct domain_vbus *vbus);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The vbus element of a libvirt domain's <metadata> (schemas/vbus-domain.rng,
 * namespace urn:vbus:domain:1): read from a domain's XML into the fabric
 * file of the domain's bus and devices, which libvbus checks and vbusd
 * applies. */
#ifndef VBUS_DOMAIN_METADATA_H
#define VBUS_DOMAIN_METADATA_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "libvbus.h"

#define DOMAIN_VBUS_NAMESPACE	"urn:vbus:domain:1"
#define DOMAIN_VBUS_PREFIX	"vbus"

/* The attributes of a vbus <device> (the schema's, in its order; "name"
 * first) and whether each is a number. */
struct domain_vbus_attribute {
	const char *name;
	bool number;
};
extern const struct domain_vbus_attribute domain_vbus_device_attributes[];
extern const size_t domain_vbus_device_attribute_count;
/* The attribute NAME, or NULL when a device has none of that name. */
const struct domain_vbus_attribute *domain_vbus_device_attribute(const char *name);

struct domain_vbus_device {
	char name[VBUS_NAME_MAX];
	bool persistent;		/* kept, disconnected, when the domain stops */
};

struct domain_vbus {
	char domain[VBUS_DOMAIN_MAX];	/* the domain's name and UUID ("" if none) */
	char uuid[VBUS_UUID_STRLEN];
	bool present;			/* the domain has vbus metadata */
	char bus[VBUS_NAME_MAX];
	size_t device_count;
	struct domain_vbus_device *devices;
	/* {"version": 1, "buses": [the bus, connector ivshmem, with the
	 * domain's name and UUID], "devices": [...]}: NULL when !present */
	struct json_object *fabric;
};

/*
 * Reads XML: a whole domain (<domain>) or the vbus element alone, in its
 * namespace or without one (virDomainGetMetadata and "virsh metadata DOMAIN
 * urn:vbus:domain:1" give it without: libvirt strips it). A domain without vbus
 * metadata is not an error (present is false). -EINVAL for XML that does
 * not parse or a vbus element that is not the schema's; ERROR (SIZE bytes)
 * then says what is wrong. Values are checked by libvbus's fabric checks on
 * the fabric, not here.
 */
int domain_vbus_parse(const char *xml, size_t length, struct domain_vbus *vbus, char *error,
		      size_t size);
void domain_vbus_clear(struct domain_vbus *vbus);
/* Names the domain of a VBUS read from the vbus element alone (its bus gets
 * NAME and UUID, as when read from the whole domain); -ENOMEM. */
int domain_vbus_set_domain(struct domain_vbus *vbus, const char *name, const char *uuid);

#endif

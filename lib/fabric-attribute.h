/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The attributes of devices (after name, type and bus) and of buses (after
 * name): tables the parser, the serialiser and the plan share. */
#ifndef VBUS_FABRIC_ATTRIBUTE_H
#define VBUS_FABRIC_ATTRIBUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric.h"

enum fabric_attribute_kind {
	FABRIC_ATTRIBUTE_U32,		/* a number in the uapi range of its flag */
	FABRIC_ATTRIBUTE_MAC,
	FABRIC_ATTRIBUTE_IFNAME,	/* a host network interface name */
};

struct fabric_attribute {
	const char *name;		/* as in files, the CLI and the uapi */
	uint32_t flag;			/* VBUS_VENET_F_*; 0: kept by vbusd, not the kernel */
	enum fabric_attribute_kind kind;
	size_t offset;			/* of the value in struct fabric_device */
};

/* In the order files and messages show them: mac, mtu, zcthresh, wmem,
 * txqlen, ifname, bridge. */
extern const struct fabric_attribute fabric_attributes[];
extern const size_t fabric_attribute_count;

const struct fabric_attribute *fabric_attribute_find(const char *name);
/* Whether DEVICE sets ATTRIBUTE (the bridge: whether it names one). */
bool fabric_attribute_is_set(const struct fabric_attribute *attribute,
			     const struct fabric_device *device);
bool fabric_attribute_equal(const struct fabric_attribute *attribute,
			    const struct fabric_device *a, const struct fabric_device *b);
/* Copies ATTRIBUTE's value (and its present bit) from FROM to TO. */
void fabric_attribute_copy(const struct fabric_attribute *attribute, struct fabric_device *to,
			   const struct fabric_device *from);
/* The value as text: "9000", "2MiB" (wmem, zcthresh: vbus_size_format()),
 * "02:00:00:00:00:01", "br0"; "(none)" for no bridge. */
void fabric_attribute_format(const struct fabric_attribute *attribute,
			     const struct fabric_device *device, char *text, size_t size);
/* The value as JSON; NULL (JSON null) for no bridge. */
struct json_object *fabric_attribute_to_json(const struct fabric_attribute *attribute,
					     const struct fabric_device *device);

/* The optional attributes of a bus, in the order files and messages show
 * them: connector, region_size, domain, uuid. */
struct fabric_bus_attribute {
	const char *name;
	uint32_t flag;			/* FABRIC_BUS_F_* */
};

extern const struct fabric_bus_attribute fabric_bus_attributes[];
extern const size_t fabric_bus_attribute_count;

bool fabric_bus_attribute_equal(uint32_t flag, const struct fabric_bus *a,
				const struct fabric_bus *b);
/* "ivshmem", "1MiB", "web", "6f1c...": the value of FLAG in BUS. */
void fabric_bus_attribute_format(uint32_t flag, const struct fabric_bus *bus, char *text,
				 size_t size);

/* Where DEVICE keeps ATTRIBUTE's value: a uint32_t, a uint8_t[VBUS_MAC_LEN]
 * or a char[VBUS_IFNAME_MAX], by its kind. */
static inline void *fabric_attribute_value(const struct fabric_attribute *attribute,
					   const struct fabric_device *device)
{
	return (char *)device + attribute->offset;
}

#endif

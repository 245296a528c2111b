/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tables of device attributes (venet's and the host bridge) and of bus
 * attributes, and what can be done with one: compare, copy, show. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "fabric-attribute.h"
#include "macro.h"

#define VENET(field) offsetof(struct fabric_device, info.venet.field)

const struct fabric_attribute fabric_attributes[] = {
	{ "mac", VBUS_VENET_F_MAC, FABRIC_ATTRIBUTE_MAC, VENET(mac) },
	{ "mtu", VBUS_VENET_F_MTU, FABRIC_ATTRIBUTE_U32, VENET(mtu) },
	{ "zcthresh", VBUS_VENET_F_ZCTHRESH, FABRIC_ATTRIBUTE_U32, VENET(zcthresh) },
	{ "wmem", VBUS_VENET_F_WMEM, FABRIC_ATTRIBUTE_U32, VENET(wmem) },
	{ "txqlen", VBUS_VENET_F_TXQLEN, FABRIC_ATTRIBUTE_U32, VENET(txqlen) },
	{ "ifname", VBUS_VENET_F_IFNAME, FABRIC_ATTRIBUTE_IFNAME, VENET(ifname) },
	{ "bridge", 0, FABRIC_ATTRIBUTE_IFNAME, offsetof(struct fabric_device, bridge) },
};

const size_t fabric_attribute_count = ELEMENTSOF(fabric_attributes);

const struct fabric_attribute *fabric_attribute_find(const char *name)
{
	size_t i;

	for (i = 0; i < fabric_attribute_count; i++)
		if (!strcmp(fabric_attributes[i].name, name))
			return &fabric_attributes[i];
	return NULL;
}

bool fabric_attribute_is_set(const struct fabric_attribute *attribute,
			     const struct fabric_device *device)
{
	if (attribute->flag)
		return device->info.venet.present & attribute->flag;
	return device->bridge[0] != '\0';
}

static size_t value_size(const struct fabric_attribute *attribute)
{
	switch (attribute->kind) {
	case FABRIC_ATTRIBUTE_U32:
		return sizeof(uint32_t);
	case FABRIC_ATTRIBUTE_MAC:
		return VBUS_MAC_LEN;
	case FABRIC_ATTRIBUTE_IFNAME:
		return VBUS_IFNAME_MAX;
	}
	return 0;
}

bool fabric_attribute_equal(const struct fabric_attribute *attribute,
			    const struct fabric_device *a, const struct fabric_device *b)
{
	const void *x = fabric_attribute_value(attribute, a), *y = fabric_attribute_value(attribute, b);

	if (attribute->kind == FABRIC_ATTRIBUTE_IFNAME)
		return !strncmp(x, y, VBUS_IFNAME_MAX);
	return !memcmp(x, y, value_size(attribute));
}

void fabric_attribute_copy(const struct fabric_attribute *attribute, struct fabric_device *to,
			   const struct fabric_device *from)
{
	memcpy(fabric_attribute_value(attribute, to), fabric_attribute_value(attribute, from),
	       value_size(attribute));
	to->info.venet.present &= ~attribute->flag;
	to->info.venet.present |= from->info.venet.present & attribute->flag;
}

void fabric_attribute_format(const struct fabric_attribute *attribute,
			     const struct fabric_device *device, char *text, size_t size)
{
	const void *value = fabric_attribute_value(attribute, device);
	char mac[VBUS_MAC_STRLEN];

	switch (attribute->kind) {
	case FABRIC_ATTRIBUTE_U32:
		/* sizes as vbusctl show prints them: "2MiB" */
		if (attribute->flag & (VBUS_VENET_F_WMEM | VBUS_VENET_F_ZCTHRESH))
			vbus_size_format(*(const uint32_t *)value, text, size);
		else
			snprintf(text, size, "%u", *(const uint32_t *)value);
		break;
	case FABRIC_ATTRIBUTE_MAC:
		vbus_mac_format(value, mac);
		snprintf(text, size, "%s", mac);
		break;
	case FABRIC_ATTRIBUTE_IFNAME:
		snprintf(text, size, "%.*s", VBUS_IFNAME_MAX - 1,
			 *(const char *)value ? (const char *)value : "(none)");
		break;
	}
}

struct json_object *fabric_attribute_to_json(const struct fabric_attribute *attribute,
					     const struct fabric_device *device)
{
	const void *value = fabric_attribute_value(attribute, device);
	char mac[VBUS_MAC_STRLEN];

	switch (attribute->kind) {
	case FABRIC_ATTRIBUTE_U32:
		return json_object_new_int64(*(const uint32_t *)value);
	case FABRIC_ATTRIBUTE_MAC:
		vbus_mac_format(value, mac);
		return json_object_new_string(mac);
	case FABRIC_ATTRIBUTE_IFNAME:
		if (!*(const char *)value)
			return NULL;
		return json_object_new_string_len(value, (int)strnlen(value, VBUS_IFNAME_MAX));
	}
	return NULL;
}

const struct fabric_bus_attribute fabric_bus_attributes[] = {
	{ "connector", FABRIC_BUS_F_CONNECTOR },
	{ "region_size", FABRIC_BUS_F_REGION_SIZE },
	{ "domain", FABRIC_BUS_F_DOMAIN },
	{ "uuid", FABRIC_BUS_F_UUID },
	{ "poll_us", FABRIC_BUS_F_POLL_US },
};

const size_t fabric_bus_attribute_count =
	ELEMENTSOF(fabric_bus_attributes);

bool fabric_bus_attribute_equal(uint32_t flag, const struct fabric_bus *a,
				const struct fabric_bus *b)
{
	switch (flag) {
	case FABRIC_BUS_F_CONNECTOR:
		return a->info.connector == b->info.connector;
	case FABRIC_BUS_F_REGION_SIZE:
		return a->info.region_size == b->info.region_size;
	case FABRIC_BUS_F_DOMAIN:
		return !strcmp(a->info.domain, b->info.domain);
	case FABRIC_BUS_F_UUID:
		return !memcmp(a->info.uuid, b->info.uuid, VBUS_UUID_LEN);
	case FABRIC_BUS_F_POLL_US:
		return a->info.poll_us == b->info.poll_us;
	}
	return true;
}

void fabric_bus_attribute_format(uint32_t flag, const struct fabric_bus *bus, char *text,
				 size_t size)
{
	const char *connector = vbus_connector_to_string(bus->info.connector);
	char uuid[VBUS_UUID_STRLEN];

	switch (flag) {
	case FABRIC_BUS_F_CONNECTOR:
		if (connector)
			snprintf(text, size, "%s", connector);
		else
			snprintf(text, size, "connector %u", bus->info.connector);
		break;
	case FABRIC_BUS_F_REGION_SIZE:
		vbus_size_format(bus->info.region_size, text, size);
		break;
	case FABRIC_BUS_F_DOMAIN:
		snprintf(text, size, "%s", bus->info.domain);
		break;
	case FABRIC_BUS_F_UUID:
		vbus_uuid_format(bus->info.uuid, uuid);
		snprintf(text, size, "%s", uuid);
		break;
	case FABRIC_BUS_F_POLL_US:
		snprintf(text, size, "%u", bus->info.poll_us);
		break;
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KEY=VALUE to typed values with libvbus's checks (the ranges, MAC, UUID
 * and name rules the fabric files follow), and to a{sv}. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attribute.h"
#include "fabric.h"
#include "macro.h"

enum kind {
	KIND_NUMBER,		/* a venet integer, range from vbus_venet_range() */
	KIND_SIZE,		/* the same, with K/M/G suffixes */
	KIND_MAC,
	KIND_IFNAME,
	KIND_BRIDGE,		/* an interface name, or "" for none */
	KIND_CONNECTOR,
	KIND_REGION_SIZE,
	KIND_POLL_US,
	KIND_DOMAIN,
	KIND_UUID,
	KIND_TYPE,
};

struct key {
	const char *name;
	enum kind kind;
	uint32_t flag;		/* VBUS_VENET_F_* of a number */
	unsigned int targets;	/* 1 << enum attribute_target */
};

#define CREATE	(1U << ATTRIBUTE_DEVICE_CREATE)
#define SET	(1U << ATTRIBUTE_DEVICE_SET)
#define BUS	(1U << ATTRIBUTE_BUS)
#define BUS_SET	(1U << ATTRIBUTE_BUS_SET)

/* In the fabric's order (lib/fabric-attribute.c); type only on create. */
static const struct key keys[] = {
	{ "type", KIND_TYPE, 0, CREATE },
	{ "mac", KIND_MAC, VBUS_VENET_F_MAC, CREATE },
	{ "mtu", KIND_NUMBER, VBUS_VENET_F_MTU, CREATE | SET },
	{ "zcthresh", KIND_SIZE, VBUS_VENET_F_ZCTHRESH, CREATE | SET },
	{ "wmem", KIND_SIZE, VBUS_VENET_F_WMEM, CREATE | SET },
	{ "txqlen", KIND_NUMBER, VBUS_VENET_F_TXQLEN, CREATE | SET },
	{ "ifname", KIND_IFNAME, VBUS_VENET_F_IFNAME, CREATE },
	{ "bridge", KIND_BRIDGE, 0, CREATE | SET },
	{ "connector", KIND_CONNECTOR, 0, BUS },
	{ "region_size", KIND_REGION_SIZE, 0, BUS },
	{ "domain", KIND_DOMAIN, 0, BUS },
	{ "uuid", KIND_UUID, 0, BUS },
	{ "poll_us", KIND_POLL_US, 0, BUS | BUS_SET },
};

const char *attribute_keys(enum attribute_target target)
{
	static char lists[4][128];
	char *list = lists[target];
	size_t i, length = 0;

	if (!list[0])
		for (i = 0; i < ELEMENTSOF(keys); i++)
			if (keys[i].targets & (1U << target))
				length += snprintf(list + length, sizeof(lists[0]) - length, "%s%s",
						   length ? ", " : "", keys[i].name);
	return list;
}

static const struct key *key_find(const char *name, size_t length)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(keys); i++)
		if (strlen(keys[i].name) == length && !strncmp(keys[i].name, name, length))
			return &keys[i];
	return NULL;
}

int attribute_parse_size(const char *text, uint64_t *bytes)
{
	static const struct {
		const char *suffix;
		unsigned int shift;
	} suffixes[] = {
		{ "", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 }, { "MiB", 20 },
		{ "G", 30 }, { "GiB", 30 },
	};
	unsigned long long value;
	char *end;
	size_t i;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno)
		return -ERANGE;
	for (i = 0; i < ELEMENTSOF(suffixes); i++)
		if (!strcmp(end, suffixes[i].suffix)) {
			if (value > (UINT64_MAX >> suffixes[i].shift))
				return -ERANGE;
			*bytes = (uint64_t)value << suffixes[i].shift;
			return 0;
		}
	return -EINVAL;
}

/* A number for KEY from TEXT in MIN..MAX (a multiple of ALIGN if not 0). */
static int number_of(const char *text, bool sizes, uint32_t min, uint32_t max, uint32_t align,
		     uint32_t *number, char *why, size_t size)
{
	uint64_t value;
	int r;

	r = attribute_parse_size(text, &value);
	if (r == -EINVAL || (!sizes && strspn(text, "0123456789") != strlen(text))) {
		snprintf(why, size, "not a number (expected %s%u..%u)",
			 sizes ? "bytes with an optional K, M or G suffix, " : "", min, max);
		return -EINVAL;
	}
	if (r < 0 || value < min || value > max) {
		snprintf(why, size, "out of range (expected %u..%u)", min, max);
		return -ERANGE;
	}
	if (align && value % align) {
		snprintf(why, size, "not a multiple of %u (expected %u..%u)", align, min, max);
		return -EINVAL;
	}
	*number = value;
	return 0;
}

static bool ifname_valid(const char *text)
{
	struct vbus_venet_config venet = { .present = VBUS_VENET_F_IFNAME };
	char ignored[128];

	if (strlen(text) >= VBUS_IFNAME_MAX)
		return false;
	snprintf(venet.ifname, sizeof(venet.ifname), "%s", text);
	return vbus_venet_check(&venet, ignored, sizeof(ignored)) == 0;
}

static bool domain_valid(const char *text)
{
	size_t i, length = strlen(text);

	for (i = 0; i < length; i++)
		if (text[i] < ' ' || text[i] > '~' || text[i] == '/')
			return false;
	return length > 0 && length < VBUS_DOMAIN_MAX;
}

static int text_of(const struct key *key, const char *text, struct attribute_value *value,
		   char *why, size_t size)
{
	uint8_t bytes[VBUS_UUID_LEN];
	uint32_t number;

	value->type = 's';
	switch (key->kind) {
	case KIND_MAC:
		if (vbus_mac_parse(text, bytes) < 0) {
			snprintf(why, size, "not a MAC address (expected six two-digit hex numbers separated by ':')");
			return -EINVAL;
		}
		if (!vbus_mac_valid(bytes)) {
			snprintf(why, size, "%s (expected a non-zero unicast address)",
				 bytes[0] & 1 ? "a multicast address" : "the zero address");
			return -EINVAL;
		}
		vbus_mac_format(bytes, value->text);
		return 0;
	case KIND_BRIDGE:
	case KIND_IFNAME:
		if ((key->kind == KIND_IFNAME || *text) && !ifname_valid(text)) {
			snprintf(why, size,
				 "not an interface name (expected 1..%d characters, no '/', ':' or whitespace%s)",
				 VBUS_IFNAME_MAX - 1, key->kind == KIND_BRIDGE ? "; empty for none" : "");
			return -EINVAL;
		}
		break;
	case KIND_CONNECTOR:
		if (vbus_connector_from_string(text, &number) < 0) {
			snprintf(why, size, "not a connector (expected one of: none, loop, ivshmem)");
			return -EINVAL;
		}
		break;
	case KIND_DOMAIN:
		if (!domain_valid(text)) {
			snprintf(why, size, "not a libvirt domain name (expected 1..%d printable characters, no '/')",
				 VBUS_DOMAIN_MAX - 1);
			return -EINVAL;
		}
		break;
	case KIND_UUID:
		if (vbus_uuid_parse(text, bytes) < 0) {
			snprintf(why, size, "not a UUID (expected 8-4-4-4-12 hex digits)");
			return -EINVAL;
		}
		vbus_uuid_format(bytes, value->text);
		return 0;
	case KIND_TYPE:
		if (vbus_device_type_from_string(text, &number) < 0) {
			snprintf(why, size, "not a device type (expected venet)");
			return -EINVAL;
		}
		break;
	default:
		return -EINVAL;
	}
	snprintf(value->text, sizeof(value->text), "%s", text);
	return 0;
}

static int value_of(const struct key *key, const char *text, struct attribute_value *value,
		    char *why, size_t size)
{
	uint32_t min = 0, max = 0;

	value->key = key->name;
	switch (key->kind) {
	case KIND_NUMBER:
	case KIND_SIZE:
		value->type = 'u';
		vbus_venet_range(key->flag, &min, &max);
		return number_of(text, key->kind == KIND_SIZE, min, max, 0, &value->number, why,
				 size);
	case KIND_REGION_SIZE:
		value->type = 'u';
		return number_of(text, true, VBUS_REGION_SIZE_MIN, VBUS_REGION_SIZE_MAX,
				 FABRIC_REGION_SIZE_ALIGN, &value->number, why, size);
	case KIND_POLL_US:
		value->type = 'u';
		return number_of(text, false, 0, VBUS_BUS_POLL_US_MAX, 0, &value->number, why,
				 size);
	default:
		return text_of(key, text, value, why, size);
	}
}

static int parse_one(enum attribute_target target, const char *arg, struct attribute_list *list,
		     char *error, size_t size)
{
	const char *equals = strchr(arg, '=');
	const struct key *key;
	char why[192];
	size_t i;
	int r;

	if (!equals || equals == arg) {
		snprintf(error, size, "%s: not KEY=VALUE (keys: %s)", arg, attribute_keys(target));
		return -EINVAL;
	}
	key = key_find(arg, equals - arg);
	if (!key) {
		snprintf(error, size, "%s: unknown key (expected one of: %s)", arg,
			 attribute_keys(target));
		return -EINVAL;
	}
	if (!(key->targets & (1U << target))) {
		snprintf(error, size, "%s: %s (expected one of: %s)", key->name,
			 target == ATTRIBUTE_DEVICE_SET ? "cannot be changed on an existing device" :
			 target == ATTRIBUTE_BUS_SET ? "cannot be changed on an existing bus" :
						       "not an attribute of this object",
			 attribute_keys(target));
		return -EINVAL;
	}
	for (i = 0; i < list->count && strcmp(list->values[i].key, key->name); i++)
		;
	if (i < list->count || (key->kind == KIND_TYPE && list->type_given)) {
		snprintf(error, size, "%s: given twice", key->name);
		return -EINVAL;
	}
	if (list->count == ATTRIBUTE_MAX) {
		snprintf(error, size, "%s: too many attributes", arg);
		return -E2BIG;
	}
	r = value_of(key, equals + 1, &list->values[list->count], why, sizeof(why));
	if (r < 0) {
		snprintf(error, size, "%s: %s", arg, why);
		return -EINVAL;
	}
	if (key->kind == KIND_TYPE) {
		snprintf(list->type, sizeof(list->type), "%s", equals + 1);
		list->type_given = true;
	} else {
		list->count++;
	}
	return 0;
}

int attribute_parse(enum attribute_target target, char *const *args, size_t count,
		    struct attribute_list *list, char *error, size_t size)
{
	size_t i;
	int r;

	memset(list, 0, sizeof(*list));
	snprintf(list->type, sizeof(list->type), "venet");
	for (i = 0; i < count; i++) {
		r = parse_one(target, args[i], list, error, size);
		if (r < 0)
			return r;
	}
	return 0;
}

int attribute_append(sd_bus_message *message, const struct attribute_list *list)
{
	const struct attribute_value *value;
	size_t i;
	int r;

	r = sd_bus_message_open_container(message, 'a', "{sv}");
	for (i = 0; r >= 0 && i < list->count; i++) {
		value = &list->values[i];
		if (value->type == 'u')
			r = sd_bus_message_append(message, "{sv}", value->key, "u", value->number);
		else
			r = sd_bus_message_append(message, "{sv}", value->key, "s", value->text);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(message);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Text forms shared by every tool: connectors, device types, bus states,
 * MAC addresses and UUIDs, to and from their strings. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "libvbus.h"

static const char *const connectors[] = {
	[VBUS_CONNECTOR_NONE] = "none",
	[VBUS_CONNECTOR_LOOP] = "loop",
	[VBUS_CONNECTOR_IVSHMEM] = "ivshmem",
};

static const char *const device_types[] = {
	[VBUS_DEVICE_TYPE_VENET] = "venet",
};

static const char *const bus_states[] = {
	[VBUS_BUS_STATE_OK] = "ok",
	[VBUS_BUS_STATE_BROKEN] = "broken",
};

#define ELEMENTS(array) (sizeof(array) / sizeof((array)[0]))

static const char *table_to_string(const char *const *table, size_t size, uint32_t value)
{
	return value < size ? table[value] : NULL;
}

static int table_from_string(const char *const *table, size_t size, const char *text,
			     uint32_t *value)
{
	uint32_t i;

	for (i = 0; i < size; i++)
		if (table[i] && !strcmp(table[i], text)) {
			*value = i;
			return 0;
		}
	return -EINVAL;
}

const char *vbus_connector_to_string(uint32_t connector)
{
	return table_to_string(connectors, ELEMENTS(connectors), connector);
}

int vbus_connector_from_string(const char *text, uint32_t *connector)
{
	return table_from_string(connectors, ELEMENTS(connectors), text, connector);
}

const char *vbus_device_type_to_string(uint32_t type)
{
	return table_to_string(device_types, ELEMENTS(device_types), type);
}

int vbus_device_type_from_string(const char *text, uint32_t *type)
{
	return table_from_string(device_types, ELEMENTS(device_types), text, type);
}

const char *vbus_bus_state_to_string(uint32_t state)
{
	return table_to_string(bus_states, ELEMENTS(bus_states), state);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads an octet from two hex digits at TEXT; -EINVAL unless both are. */
static int hex_octet(const char *text, uint8_t *octet)
{
	int high = hex_digit(text[0]), low;

	if (high < 0)
		return -EINVAL;
	low = hex_digit(text[1]);
	if (low < 0)
		return -EINVAL;
	*octet = (uint8_t)(high << 4 | low);
	return 0;
}

/*
 * Parses octets written as two hex digits each, with a '-' or ':' where
 * LAYOUT has one; LAYOUT's 'x' are the digits. TEXT must match it exactly.
 */
static int hex_parse(const char *text, const char *layout, uint8_t *octets)
{
	size_t i = 0, n = 0;

	if (!text || strlen(text) != strlen(layout))
		return -EINVAL;
	while (layout[i]) {
		if (layout[i] != 'x') {
			if (text[i] != layout[i])
				return -EINVAL;
			i++;
			continue;
		}
		if (hex_octet(text + i, &octets[n]) < 0)
			return -EINVAL;
		n++;
		i += 2;
	}
	return 0;
}

int vbus_mac_parse(const char *text, uint8_t mac[VBUS_MAC_LEN])
{
	uint8_t parsed[VBUS_MAC_LEN];
	int r;

	r = hex_parse(text, "xx:xx:xx:xx:xx:xx", parsed);
	if (r < 0)
		return r;
	memcpy(mac, parsed, sizeof(parsed));
	return 0;
}

void vbus_mac_format(const uint8_t mac[VBUS_MAC_LEN], char text[VBUS_MAC_STRLEN])
{
	snprintf(text, VBUS_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int vbus_uuid_parse(const char *text, uint8_t uuid[VBUS_UUID_LEN])
{
	uint8_t parsed[VBUS_UUID_LEN];
	int r;

	r = hex_parse(text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", parsed);
	if (r < 0)
		return r;
	memcpy(uuid, parsed, sizeof(parsed));
	return 0;
}

void vbus_uuid_format(const uint8_t uuid[VBUS_UUID_LEN], char text[VBUS_UUID_STRLEN])
{
	snprintf(text, VBUS_UUID_STRLEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7],
		 uuid[8], uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
}

/* Edit distance of A and the LENGTH bytes of B, a swap of two neighbours
 * counting one ("wmme" for "wmem"), or SIZE_MAX for words too long to be a
 * key. */
static size_t edit_distance(const char *a, const char *b, size_t length)
{
	size_t d[32][32], i, j, a_length = strlen(a), cost;

	if (a_length >= 32 || length >= 32)
		return SIZE_MAX;
	for (i = 0; i <= a_length; i++)
		d[i][0] = i;
	for (j = 0; j <= length; j++)
		d[0][j] = j;
	for (i = 1; i <= a_length; i++)
		for (j = 1; j <= length; j++) {
			cost = a[i - 1] != b[j - 1];
			d[i][j] = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < d[i][j])
				d[i][j] = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < d[i][j])
				d[i][j] = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[a_length][length];
}

bool vbus_closest_word(const char *word, const char *list, char *closest, size_t size)
{
	size_t best = SIZE_MAX, distance, length, limit = strlen(word) / 3;
	const char *end;

	if (limit < 1)
		limit = 1;
	for (; *list; list = *end ? end + 2 : end) {
		end = strstr(list, ", ");
		if (!end)
			end = list + strlen(list);
		length = end - list;
		distance = edit_distance(word, list, length);
		if (distance <= limit && distance < best && distance > 0) {
			best = distance;
			snprintf(closest, size, "%.*s", (int)length, list);
		}
	}
	return best != SIZE_MAX;
}

void vbus_size_format(uint64_t bytes, char *text, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	int unit = -1;

	while (bytes && bytes % 1024 == 0 && unit < 3) {
		bytes /= 1024;
		unit++;
	}
	if (unit < 0)
		snprintf(text, size, "%" PRIu64, bytes);
	else
		snprintf(text, size, "%" PRIu64 "%s", bytes, units[unit]);
}

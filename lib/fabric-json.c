/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writing a fabric as a fabric file (what vbusctl export prints): buses and
 * devices by name, attributes in a fixed order, re-readable by the parser. */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric-attribute.h"
#include "fabric.h"
#include "json-cleanup.h"


/* Adds KEY: VALUE to OBJECT; false when out of memory (VALUE is dropped). */
static bool add(struct json_object *object, const char *key, struct json_object *value)
{
	if (!value)
		return false;
	if (json_object_object_add(object, key, value) < 0) {
		json_object_put(value);
		return false;
	}
	return true;
}

struct json_object *fabric_bus_to_json(const struct fabric_bus *bus, bool with_name)
{
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	const struct vbus_bus_info *info = &bus->info;
	const char *connector = vbus_connector_to_string(info->connector);
	char uuid[VBUS_UUID_STRLEN];
	struct json_object *result;
	bool ok = object != NULL;

	if (ok && with_name)
		ok = add(object, "name", json_object_new_string(info->name));
	if (ok && bus->absent)
		ok = add(object, "state", json_object_new_string("absent"));
	if (ok && (bus->present & FABRIC_BUS_F_CONNECTOR))
		ok = add(object, "connector", connector ? json_object_new_string(connector) :
			 json_object_new_int64(info->connector));
	if (ok && (bus->present & FABRIC_BUS_F_REGION_SIZE))
		ok = add(object, "region_size", json_object_new_int64(info->region_size));
	if (ok && (bus->present & FABRIC_BUS_F_DOMAIN))
		ok = add(object, "domain", json_object_new_string(info->domain));
	if (ok && (bus->present & FABRIC_BUS_F_UUID)) {
		vbus_uuid_format(info->uuid, uuid);
		ok = add(object, "uuid", json_object_new_string(uuid));
	}
	if (ok && (bus->present & FABRIC_BUS_F_POLL_US))
		ok = add(object, "poll_us", json_object_new_int64(info->poll_us));
	if (!ok)
		return NULL;
	result = object;
	object = NULL;
	return result;
}

struct json_object *fabric_device_to_json(const struct fabric_device *device, bool with_name)
{
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	const char *type = vbus_device_type_to_string(device->info.type);
	const struct fabric_attribute *attribute;
	struct json_object *result;
	bool ok = object != NULL;
	size_t i;

	if (ok && with_name)
		ok = add(object, "name", json_object_new_string(device->info.name));
	if (ok && device->absent)
		ok = add(object, "state", json_object_new_string("absent"));
	if (ok && !device->absent)
		ok = add(object, "type", type ? json_object_new_string(type) :
			 json_object_new_int64(device->info.type));
	if (ok && device->info.bus[0])
		ok = add(object, "bus", json_object_new_string(device->info.bus));
	for (i = 0; ok && i < fabric_attribute_count; i++) {
		attribute = &fabric_attributes[i];
		if (fabric_attribute_is_set(attribute, device))
			ok = add(object, attribute->name, fabric_attribute_to_json(attribute, device));
	}
	if (!ok)
		return NULL;
	result = object;
	object = NULL;
	return result;
}

static struct json_object *buses_to_json(const struct fabric *fabric)
{
	_cleanup_(json_object_putp) struct json_object *array = json_object_new_array();
	_cleanup_free_ const struct fabric_bus **buses = NULL;
	struct json_object *result;
	size_t i;

	if (!array || fabric_sort_buses(fabric, &buses) < 0)
		return NULL;
	for (i = 0; i < fabric->bus_count; i++) {
		struct json_object *bus = fabric_bus_to_json(buses[i], true);

		if (!bus)
			return NULL;
		if (json_object_array_add(array, bus) < 0) {
			json_object_put(bus);
			return NULL;
		}
	}
	result = array;
	array = NULL;
	return result;
}

static struct json_object *devices_to_json(const struct fabric *fabric)
{
	_cleanup_(json_object_putp) struct json_object *array = json_object_new_array();
	_cleanup_free_ const struct fabric_device **devices = NULL;
	struct json_object *result;
	size_t i;

	if (!array || fabric_sort_devices(fabric, &devices) < 0)
		return NULL;
	for (i = 0; i < fabric->device_count; i++) {
		struct json_object *device = fabric_device_to_json(devices[i], true);

		if (!device)
			return NULL;
		if (json_object_array_add(array, device) < 0) {
			json_object_put(device);
			return NULL;
		}
	}
	result = array;
	array = NULL;
	return result;
}

int fabric_to_json(const struct fabric *fabric, char **text)
{
	_cleanup_(json_object_putp) struct json_object *root = json_object_new_object();
	const char *json;

	if (!root || !add(root, "version", json_object_new_int(FABRIC_VERSION)) ||
	    !add(root, "buses", buses_to_json(fabric)) ||
	    !add(root, "devices", devices_to_json(fabric)))
		return -ENOMEM;
	json = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!json || asprintf(text, "%s\n", json) < 0)
		return -ENOMEM;
	return 0;
}

struct json_object *fabric_stats_to_json(const struct vbus_stats *stats)
{
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	const struct {
		const char *name;
		uint64_t value;
	} counters[] = {
		{ "tx_packets", stats->tx_packets }, { "tx_bytes", stats->tx_bytes },
		{ "rx_packets", stats->rx_packets }, { "rx_bytes", stats->rx_bytes },
		{ "drops", stats->drops }, { "doorbells", stats->doorbells },
		{ "interrupts", stats->interrupts }, { "suppressed", stats->suppressed },
		{ "tx_zerocopy", stats->tx_zerocopy }, { "tx_copied", stats->tx_copied },
	};
	struct json_object *result;
	size_t i;

	for (i = 0; object && i < sizeof(counters) / sizeof(counters[0]); i++)
		if (!add(object, counters[i].name, json_object_new_int64((int64_t)counters[i].value)))
			return NULL;
	result = object;
	object = NULL;
	return result;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Showing a plan: one line per operation for people, JSON for programs, both
 * from the same attribute tables. */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric-attribute.h"
#include "plan.h"
#include "json-cleanup.h"

/* " (reason)" when there is one. */
static void print_reason(FILE *out, const struct plan_operation *operation)
{
	if (operation->reason[0])
		fprintf(out, " (%s)", operation->reason);
}

/* "(ivshmem, region_size 2097152, domain web)"; nothing for a bus with no
 * attributes set. */
static void print_bus_attributes(FILE *out, const struct fabric_bus *bus)
{
	const char *separator = " (";
	char value[64];
	uint32_t flag;
	size_t i;

	for (i = 0; i < fabric_bus_attribute_count; i++) {
		flag = fabric_bus_attributes[i].flag;
		if (!(bus->present & flag))
			continue;
		fabric_bus_attribute_format(flag, bus, value, sizeof(value));
		if (flag == FABRIC_BUS_F_CONNECTOR)
			fprintf(out, "%s%s", separator, value);
		else
			fprintf(out, "%s%s %s", separator, fabric_bus_attributes[i].name, value);
		separator = ", ";
	}
	if (strcmp(separator, " ("))
		fputc(')', out);
}

/* "(venet, mtu 9000, bridge br0)". */
static void print_device_attributes(FILE *out, const struct fabric_device *device)
{
	const struct fabric_attribute *attribute;
	const char *type = vbus_device_type_to_string(device->info.type);
	char value[64];
	size_t i;

	fprintf(out, " (%s", type ?: "unknown type");
	for (i = 0; i < fabric_attribute_count; i++) {
		attribute = &fabric_attributes[i];
		if (!fabric_attribute_is_set(attribute, device))
			continue;
		fabric_attribute_format(attribute, device, value, sizeof(value));
		fprintf(out, ", %s %s", attribute->name, value);
	}
	fputc(')', out);
}

/* Whether a DEVICE_SET changes ATTRIBUTE. */
static bool changes(const struct plan_operation *operation,
		    const struct fabric_attribute *attribute)
{
	return attribute->flag ? operation->changed & attribute->flag : operation->bridge_changed;
}

/* "zcthresh 256 -> 0, bridge (none) -> br0". */
static void print_changes(FILE *out, const struct plan_operation *operation)
{
	const struct fabric_attribute *attribute;
	const char *separator = ": ";
	char from[64], to[64];
	size_t i;

	for (i = 0; i < fabric_attribute_count; i++) {
		attribute = &fabric_attributes[i];
		if (!changes(operation, attribute))
			continue;
		if (!attribute->flag || fabric_attribute_is_set(attribute, &operation->previous))
			fabric_attribute_format(attribute, &operation->previous, from, sizeof(from));
		else
			snprintf(from, sizeof(from), "(unset)");
		fabric_attribute_format(attribute, &operation->device, to, sizeof(to));
		fprintf(out, "%s%s %s -> %s", separator, attribute->name, from, to);
		separator = ", ";
	}
}

static void print_operation(FILE *out, const struct plan_operation *operation)
{
	const char *device = operation->device.info.name;

	switch (operation->action) {
	case PLAN_BUS_CREATE:
		fprintf(out, "+ bus %s", operation->bus.info.name);
		print_bus_attributes(out, &operation->bus);
		break;
	case PLAN_BUS_DESTROY:
		fprintf(out, "- bus %s", operation->bus.info.name);
		break;
	case PLAN_DEVICE_CREATE:
		fprintf(out, "+ device %s", device);
		print_device_attributes(out, &operation->device);
		break;
	case PLAN_DEVICE_DESTROY:
		fprintf(out, "- device %s", device);
		break;
	case PLAN_DEVICE_SET:
		fprintf(out, "~ device %s", device);
		print_changes(out, operation);
		break;
	case PLAN_CONNECT:
		fprintf(out, "+ connection %s -> %s", device, operation->device.info.bus);
		break;
	case PLAN_DISCONNECT:
		fprintf(out, "- connection %s -> %s", device, operation->device.info.bus);
		break;
	}
	print_reason(out, operation);
	fputc('\n', out);
}

/* Runs PRINT over OPERATIONS into a new string. */
static int render(const struct plan_operation *operations, size_t count, char **text)
{
	_cleanup_free_ char *buffer = NULL;
	size_t size = 0, i;
	FILE *out;

	out = open_memstream(&buffer, &size);
	if (!out)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		print_operation(out, &operations[i]);
	if (fclose(out) != 0 || !buffer)
		return -ENOMEM;
	*text = buffer;
	buffer = NULL;
	return 0;
}

int plan_to_text(const struct plan *plan, char **text)
{
	return render(plan->operations, plan->count, text);
}

int plan_operation_to_text(const struct plan_operation *operation, char **text)
{
	return render(operation, 1, text);
}

/* --- JSON ------------------------------------------------------------------ */

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

/* Like add(), for values that may be JSON null (a NULL pointer to json-c). */
static bool add_nullable(struct json_object *object, const char *key, struct json_object *value)
{
	if (json_object_object_add(object, key, value) < 0) {
		json_object_put(value);
		return false;
	}
	return true;
}

static const char *action_name(enum plan_action action)
{
	switch (action) {
	case PLAN_BUS_CREATE:
	case PLAN_DEVICE_CREATE:
		return "create";
	case PLAN_BUS_DESTROY:
	case PLAN_DEVICE_DESTROY:
		return "destroy";
	case PLAN_DEVICE_SET:
		return "set";
	case PLAN_CONNECT:
		return "connect";
	case PLAN_DISCONNECT:
		return "disconnect";
	}
	return NULL;
}

static const char *object_name(enum plan_action action)
{
	switch (action) {
	case PLAN_BUS_CREATE:
	case PLAN_BUS_DESTROY:
		return "bus";
	case PLAN_DEVICE_CREATE:
	case PLAN_DEVICE_DESTROY:
	case PLAN_DEVICE_SET:
		return "device";
	case PLAN_CONNECT:
	case PLAN_DISCONNECT:
		break;
	}
	return "connection";
}

/* {"zcthresh": {"from": 256, "to": 0}, ...}; "from" is null when unset. */
static struct json_object *changes_to_json(const struct plan_operation *operation)
{
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	const struct fabric_attribute *attribute;
	struct json_object *change, *from, *result;
	size_t i;

	if (!object)
		return NULL;
	for (i = 0; i < fabric_attribute_count; i++) {
		attribute = &fabric_attributes[i];
		if (!changes(operation, attribute))
			continue;
		change = json_object_new_object();
		if (!add(object, attribute->name, change))
			return NULL;
		from = NULL;
		if (!attribute->flag || fabric_attribute_is_set(attribute, &operation->previous))
			from = fabric_attribute_to_json(attribute, &operation->previous);
		if (!add_nullable(change, "from", from) ||
		    !add_nullable(change, "to", fabric_attribute_to_json(attribute, &operation->device)))
			return NULL;
	}
	result = object;
	object = NULL;
	return result;
}

static struct json_object *operation_to_json(const struct plan_operation *operation)
{
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	const struct fabric_device *device = &operation->device;
	enum plan_action action = operation->action;
	struct json_object *result;
	bool ok;

	ok = object && add(object, "action", json_object_new_string(action_name(action))) &&
	     add(object, "object", json_object_new_string(object_name(action)));
	if (ok && (action == PLAN_CONNECT || action == PLAN_DISCONNECT))
		ok = add(object, "device", json_object_new_string(device->info.name)) &&
		     add(object, "bus", json_object_new_string(device->info.bus));
	else if (ok && (action == PLAN_BUS_CREATE || action == PLAN_BUS_DESTROY))
		ok = add(object, "name", json_object_new_string(operation->bus.info.name));
	else if (ok)
		ok = add(object, "name", json_object_new_string(device->info.name));
	if (ok && action == PLAN_BUS_CREATE)
		ok = add(object, "attributes", fabric_bus_to_json(&operation->bus, false));
	if (ok && action == PLAN_DEVICE_CREATE)
		ok = add(object, "attributes", fabric_device_to_json(device, false));
	if (ok && action == PLAN_DEVICE_SET)
		ok = add(object, "changes", changes_to_json(operation));
	if (ok && operation->reason[0])
		ok = add(object, "reason", json_object_new_string(operation->reason));
	if (!ok)
		return NULL;
	result = object;
	object = NULL;
	return result;
}

struct json_object *plan_to_json(const struct plan *plan)
{
	_cleanup_(json_object_putp) struct json_object *root = json_object_new_object();
	struct json_object *operations = json_object_new_array(), *result;
	size_t i;

	if (!root || !add(root, "operations", operations))
		return NULL;
	for (i = 0; i < plan->count; i++) {
		struct json_object *operation = operation_to_json(&plan->operations[i]);

		if (!operation)
			return NULL;
		if (json_object_array_add(operations, operation) < 0) {
			json_object_put(operation);
			return NULL;
		}
	}
	result = root;
	root = NULL;
	return result;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The mutating methods of org.vbus.Manager1: each builds a new desired
 * fabric (validated by libvbus's parser and checker, as a file would be) and
 * runs it as one transactional apply. */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "error.h"
#include "kernel.h"
#include "reconcile.h"
#include "state.h"

#define FLAG_DRY_RUN	1
#define FLAG_PRUNE	2
#define FLAG_MAY_EXIST	1
#define FLAG_IF_EXISTS	1

DEFINE_CLEANUP_FUNC(struct json_object, json_object_put)

static int invalid(sd_bus_error *error, struct fabric_errors *errors)
{
	char text[8192];

	error_join(errors, text, sizeof(text));
	fabric_errors_clear(errors);
	return sd_bus_error_set(error, ERROR_INVALID_CONFIG, text);
}

/* Runs REQUEST; replies with its result when WITH_RESULT, else with nothing. */
static int apply(struct manager *manager, sd_bus_message *message,
		 const struct apply_request *request, bool with_result, sd_bus_error *error)
{
	_cleanup_free_ char *result = NULL;
	char text[2048];
	int r;

	r = reconcile_apply(manager, request, &result, text, sizeof(text));
	if (r < 0)
		return sd_bus_error_set(error, error_from_errno(r), text);
	if (with_result)
		return sd_bus_reply_method_return(message, "s", result ?: "{}");
	return sd_bus_reply_method_return(message, "");
}

/* The desired state with FABRIC's objects put in (or exactly FABRIC, with
 * prune), checked as a whole. */
static int merge_desired(struct manager *manager, const struct fabric *fabric, bool prune,
			 struct fabric **desired, sd_bus_error *error)
{
	struct fabric_errors errors = { 0 };
	_cleanup_(fabric_freep) struct fabric *merged = state_copy(prune ? fabric :
								     manager->desired);

	if (!merged || (!prune && state_overlay(merged, fabric) < 0))
		return -ENOMEM;
	if (fabric_check(merged, &errors) < 0)
		return invalid(error, &errors);
	*desired = merged;
	merged = NULL;
	return 0;
}

int api_apply(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *fabric = NULL, *desired = NULL;
	struct fabric_errors errors = { 0 };
	const char *text, *source;
	uint64_t flags;
	int r;

	r = sd_bus_message_read(message, "sst", &text, &source, &flags);
	if (r < 0)
		return r;
	if (!(flags & FLAG_DRY_RUN)) {
		r = dbus_check_privilege(manager, message, "Apply", error);
		if (r <= 0)
			return r;
	}
	if (!source[0])
		source = "-";
	if (fabric_parse(text, strlen(text), source, &fabric, &errors) < 0 ||
	    fabric_check(fabric, &errors) < 0)
		return invalid(error, &errors);
	r = merge_desired(manager, fabric, flags & FLAG_PRUNE, &desired, error);
	if (r < 0 || !desired)
		return r;
	return apply(manager, message,
		     &(struct apply_request){ .desired = desired,
					      .prune = flags & FLAG_PRUNE,
					      .dry_run = flags & FLAG_DRY_RUN,
					      .source = source },
		     true, error);
}

int api_reload_config(struct manager *manager, char **result, char *text, size_t size)
{
	_cleanup_(fabric_freep) struct fabric *config = NULL, *desired = NULL;
	struct fabric_errors errors = { 0 };
	int r;

	r = state_load_config(manager->options.config_dir, &config, &errors);
	if (r < 0) {
		error_join(&errors, text, size);
		fabric_errors_clear(&errors);
		return r;
	}
	desired = state_copy(manager->desired);
	if (!desired || state_overlay(desired, config) < 0)
		return -ENOMEM;
	if (fabric_check(desired, &errors) < 0) {
		error_join(&errors, text, size);
		fabric_errors_clear(&errors);
		return -EINVAL;
	}
	return reconcile_apply(manager,
			       &(struct apply_request){ .desired = desired,
							.source = manager->options.config_dir },
			       result, text, size);
}

int api_reload(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_free_ char *result = NULL;
	char text[8192];
	int r;

	r = dbus_check_privilege(manager, message, "Reload", error);
	if (r <= 0)
		return r;
	r = api_reload_config(manager, &result, text, sizeof(text));
	if (r == -EINVAL && !result)
		return sd_bus_error_set(error, ERROR_INVALID_CONFIG, text);
	if (r < 0)
		return sd_bus_error_set(error, error_from_errno(r), text);
	return sd_bus_reply_method_return(message, "s", result ?: "{}");
}

/* --- one object --------------------------------------------------------------- */

/* Reads the a{sv} of MESSAGE into OBJECT, as fabric JSON attributes. */
static int read_attributes(sd_bus_message *message, struct json_object *object,
			   sd_bus_error *error)
{
	const char *key, *contents, *string;
	uint32_t number;
	char type;
	int r;

	r = sd_bus_message_enter_container(message, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
		r = sd_bus_message_read(message, "s", &key);
		if (r < 0)
			return r;
		r = sd_bus_message_peek_type(message, &type, &contents);
		if (r < 0)
			return r;
		r = sd_bus_message_enter_container(message, 'v', contents);
		if (r < 0)
			return r;
		if (!strcmp(key, "name") || !strcmp(key, "type") || !strcmp(key, "bus"))
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "attribute %s: not an attribute (an argument of its own)", key);
		if (!strcmp(contents, "s")) {
			r = sd_bus_message_read(message, "s", &string);
			if (r < 0)
				return r;
			if (!strcmp(key, "bridge") && !string[0])
				json_object_object_del(object, key);
			else
				json_object_object_add(object, key, json_object_new_string(string));
		} else if (!strcmp(contents, "u")) {
			r = sd_bus_message_read(message, "u", &number);
			if (r < 0)
				return r;
			json_object_object_add(object, key, json_object_new_int64(number));
		} else {
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "attribute %s: type %s (expected s or u)", key,
						 contents);
		}
		r = sd_bus_message_exit_container(message);
		if (r >= 0)
			r = sd_bus_message_exit_container(message);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(message);
}

/* A fabric of one bus or device (OBJECT, in ARRAY "buses" or "devices"),
 * parsed as a file named SOURCE would be. */
static int parse_object(const char *array, struct json_object *object, const char *source,
			struct fabric **fabric, sd_bus_error *error)
{
	_cleanup_(json_object_putp) struct json_object *file = json_object_new_object();
	struct json_object *list = json_object_new_array();
	struct fabric_errors errors = { 0 };
	const char *text;

	if (!file || !list)
		return -ENOMEM;
	json_object_object_add(file, "version", json_object_new_int(FABRIC_VERSION));
	json_object_object_add(file, array, list);
	json_object_array_add(list, json_object_get(object));
	text = json_object_to_json_string_ext(file, JSON_C_TO_STRING_PLAIN);
	if (fabric_parse(text, strlen(text), source, fabric, &errors) < 0)
		return invalid(error, &errors);
	return 0;
}

/* Merges the one-object FABRIC into the desired state and applies that. */
static int apply_object(struct manager *manager, sd_bus_message *message,
			const struct fabric *fabric, const char *source, sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *desired = NULL;
	int r;

	r = merge_desired(manager, fabric, false, &desired, error);
	if (r < 0 || !desired)
		return r;
	return apply(manager, message, &(struct apply_request){ .desired = desired, .source = source },
		     false, error);
}

int api_create_bus(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct vbus_bus_info info;
	const char *name;
	uint64_t flags;
	int r;

	if (!object)
		return -ENOMEM;
	r = sd_bus_message_read(message, "s", &name);
	if (r < 0)
		return r;
	json_object_object_add(object, "name", json_object_new_string(name));
	r = read_attributes(message, object, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(message, "t", &flags);
	if (r < 0)
		return r;
	r = dbus_check_privilege(manager, message, "CreateBus", error);
	if (r <= 0)
		return r;
	r = parse_object("buses", object, "CreateBus", &fabric, error);
	if (r < 0 || !fabric)
		return r;
	if (!(flags & FLAG_MAY_EXIST) && vbus_bus_get(manager->client, name, &info) == 0)
		return sd_bus_error_setf(error, ERROR_EXISTS, "bus %s: exists", name);
	return apply_object(manager, message, fabric, "CreateBus", error);
}

int api_create_device(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct vbus_device_info info;
	const char *name, *type;
	uint64_t flags;
	int r;

	if (!object)
		return -ENOMEM;
	r = sd_bus_message_read(message, "ss", &name, &type);
	if (r < 0)
		return r;
	json_object_object_add(object, "name", json_object_new_string(name));
	json_object_object_add(object, "type", json_object_new_string(type));
	r = read_attributes(message, object, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(message, "t", &flags);
	if (r < 0)
		return r;
	r = dbus_check_privilege(manager, message, "CreateDevice", error);
	if (r <= 0)
		return r;
	r = parse_object("devices", object, "CreateDevice", &fabric, error);
	if (r < 0 || !fabric)
		return r;
	if (!(flags & FLAG_MAY_EXIST) && vbus_device_get(manager->client, name, &info) == 0)
		return sd_bus_error_setf(error, ERROR_EXISTS, "device %s: exists", name);
	return apply_object(manager, message, fabric, "CreateDevice", error);
}

/* The bus as the desired state has it, else as the kernel has it (it
 * becomes managed); -ENOENT when the kernel has no such bus. */
static int base_bus(struct manager *manager, const char *name, struct fabric_bus *bus)
{
	const struct fabric_bus *wanted = fabric_find_bus(manager->desired, name);
	struct vbus_bus_info info;
	int r;

	r = vbus_bus_get(manager->client, name, &info);
	if (r < 0)
		return r;
	if (wanted) {
		*bus = *wanted;
		bus->origin = (struct fabric_origin){ 0 };
		return 0;
	}
	fabric_bus_from_info(bus, &info);
	return 0;
}

/* SetBus: a bus's poll_us (the one attribute a bus changes in place). */
int api_set_bus(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(json_object_putp) struct json_object *object = NULL;
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_bus bus;
	const char *name;
	int r;

	r = sd_bus_message_read(message, "s", &name);
	if (r < 0)
		return r;
	r = dbus_check_privilege(manager, message, "SetBus", error);
	if (r <= 0)
		return r;
	if (base_bus(manager, name, &bus) < 0)
		return sd_bus_error_setf(error, ERROR_NOT_FOUND, "bus %s: no such bus", name);
	object = fabric_bus_to_json(&bus, true);
	if (!object)
		return -ENOMEM;
	r = read_attributes(message, object, error);
	if (r < 0)
		return r;
	r = parse_object("buses", object, "SetBus", &fabric, error);
	if (r < 0 || !fabric)
		return r;
	return apply_object(manager, message, fabric, "SetBus", error);
}

/* The device as the desired state has it, else as the kernel has it (it
 * becomes managed); -ENOENT when the kernel has no such device. */
static int base_device(struct manager *manager, const char *name, struct fabric_device *device)
{
	const struct fabric_device *wanted = fabric_find_device(manager->desired, name);
	struct vbus_device_info info;
	int r;

	r = vbus_device_get(manager->client, name, &info);
	if (r < 0)
		return r;
	if (wanted) {
		*device = *wanted;
		device->origin = (struct fabric_origin){ 0 };
		return 0;
	}
	fabric_device_from_info(device, &info, NULL);
	device->info.bus[0] = '\0';
	return 0;
}

int api_set_device(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(json_object_putp) struct json_object *object = NULL;
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	struct fabric_device device;
	const char *name;
	int r;

	r = sd_bus_message_read(message, "s", &name);
	if (r < 0)
		return r;
	r = dbus_check_privilege(manager, message, "SetDevice", error);
	if (r <= 0)
		return r;
	if (base_device(manager, name, &device) < 0)
		return sd_bus_error_setf(error, ERROR_NOT_FOUND, "device %s: no such device", name);
	object = fabric_device_to_json(&device, true);
	if (!object)
		return -ENOMEM;
	r = read_attributes(message, object, error);
	if (r < 0)
		return r;
	r = parse_object("devices", object, "SetDevice", &fabric, error);
	if (r < 0 || !fabric)
		return r;
	return apply_object(manager, message, fabric, "SetDevice", error);
}

int api_connect(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *fabric = fabric_new();
	struct fabric_device device;
	struct vbus_bus_info info;
	struct fabric_bus bus;
	const char *name, *bus_name;
	int r;

	if (!fabric)
		return -ENOMEM;
	r = sd_bus_message_read(message, "ss", &name, &bus_name);
	if (r < 0)
		return r;
	r = dbus_check_privilege(manager, message, "Connect", error);
	if (r <= 0)
		return r;
	if (base_device(manager, name, &device) < 0)
		return sd_bus_error_setf(error, ERROR_NOT_FOUND, "device %s: no such device", name);
	if (vbus_bus_get(manager->client, bus_name, &info) < 0)
		return sd_bus_error_setf(error, ERROR_NOT_FOUND, "bus %s: no such bus", bus_name);
	/* an unmanaged bus becomes managed: a managed device names it */
	if (!fabric_find_bus(manager->desired, bus_name)) {
		fabric_bus_from_info(&bus, &info);
		if (fabric_add_bus(fabric, &bus) < 0)
			return -ENOMEM;
	}
	snprintf(device.info.bus, VBUS_NAME_MAX, "%s", bus_name);
	if (fabric_add_device(fabric, &device) < 0)
		return -ENOMEM;
	return apply_object(manager, message, fabric, "Connect", error);
}

/* --- removal: a plan with prune against the whole kernel, less the object --- */

/* What a removal takes away: a device, a bus, or a device's connection. */
enum removal {
	REMOVE_DEVICE,
	REMOVE_BUS,
	REMOVE_CONNECTION,
};

/*
 * Applies DESIRED (the desired state less what goes) with prune, planned
 * against everything the kernel has, as it has it, overlaid by DESIRED and
 * less the one object NAME: so that prune removes only that object.
 */
static int apply_removal(struct manager *manager, sd_bus_message *message,
			 const struct fabric *desired, enum removal removal, const char *name,
			 const char *source, sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *actual = NULL, *target = NULL;
	const struct fabric_device *now;
	struct fabric_device *device;
	struct fabric_bus *bus;
	size_t i;
	int r;

	r = kernel_dump(manager, &actual);
	if (r < 0)
		return sd_bus_error_setf(error, ERROR_APPLY_FAILED, "cannot read the kernel: %s",
					 strerror(-r));
	target = state_copy(actual);
	if (!target || state_overlay(target, desired) < 0)
		return -ENOMEM;
	/* what DESIRED leaves on no bus stays where it is: only prune's object goes */
	for (i = 0; i < target->device_count; i++) {
		device = &target->devices[i];
		now = fabric_find_device(actual, device->info.name);
		if (!device->info.bus[0] && now)
			snprintf(device->info.bus, VBUS_NAME_MAX, "%s", now->info.bus);
	}
	device = fabric_find_device(target, name);
	bus = fabric_find_bus(target, name);
	if (removal == REMOVE_DEVICE && device)
		fabric_remove_device(target, device);
	else if (removal == REMOVE_CONNECTION && device)
		device->info.bus[0] = '\0';
	else if (removal == REMOVE_BUS && bus)
		fabric_remove_bus(target, bus);
	return apply(manager, message,
		     &(struct apply_request){ .desired = desired, .target = target, .prune = true,
					      .source = source },
		     false, error);
}

/* The arguments (NAME, FLAGS) of DestroyDevice, DestroyBus and Disconnect,
 * and whether the caller may change things: > 0 to go on, 0 when ERROR
 * holds the refusal. */
static int read_removal(struct manager *manager, sd_bus_message *message, const char *method,
			const char **name, uint64_t *flags, sd_bus_error *error)
{
	int r = sd_bus_message_read(message, "st", name, flags);

	if (r < 0)
		return r;
	return dbus_check_privilege(manager, message, method, error);
}

/* What a removal names is not there: done with "if exists", else NotFound. */
static int reply_absent(sd_bus_message *message, uint64_t flags, const char *object,
			const char *name, const char *why, sd_bus_error *error)
{
	if (flags & FLAG_IF_EXISTS)
		return sd_bus_reply_method_return(message, "");
	return sd_bus_error_setf(error, ERROR_NOT_FOUND, "%s %s: %s", object, name, why);
}

int api_destroy_device(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *desired = state_copy(manager->desired);
	struct vbus_device_info info;
	struct fabric_device *device;
	const char *name;
	uint64_t flags;
	int r;

	if (!desired)
		return -ENOMEM;
	r = read_removal(manager, message, "DestroyDevice", &name, &flags, error);
	if (r <= 0)
		return r;
	if (vbus_device_get(manager->client, name, &info) < 0)
		return reply_absent(message, flags, "device", name, "no such device", error);
	device = fabric_find_device(desired, name);
	if (device)
		fabric_remove_device(desired, device);
	return apply_removal(manager, message, desired, REMOVE_DEVICE, name, "DestroyDevice",
			     error);
}

int api_destroy_bus(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *desired = state_copy(manager->desired);
	struct vbus_bus_info info;
	struct fabric_bus *bus;
	const char *name;
	uint64_t flags;
	size_t i;
	int r;

	if (!desired)
		return -ENOMEM;
	r = read_removal(manager, message, "DestroyBus", &name, &flags, error);
	if (r <= 0)
		return r;
	if (vbus_bus_get(manager->client, name, &info) < 0)
		return reply_absent(message, flags, "bus", name, "no such bus", error);
	if (info.device_count)
		return sd_bus_error_setf(error, ERROR_BUSY,
					 "bus %s: %u devices are connected to it (disconnect them first)",
					 name, info.device_count);
	bus = fabric_find_bus(desired, name);
	if (bus)
		fabric_remove_bus(desired, bus);
	/* managed devices that were to go on it now go on none */
	for (i = 0; i < desired->device_count; i++)
		if (!strcmp(desired->devices[i].info.bus, name))
			desired->devices[i].info.bus[0] = '\0';
	return apply_removal(manager, message, desired, REMOVE_BUS, name, "DestroyBus", error);
}

int api_disconnect(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *desired = state_copy(manager->desired);
	struct vbus_device_info info;
	struct fabric_device *device;
	const char *name;
	uint64_t flags;
	int r;

	if (!desired)
		return -ENOMEM;
	r = read_removal(manager, message, "Disconnect", &name, &flags, error);
	if (r <= 0)
		return r;
	r = vbus_device_get(manager->client, name, &info);
	if (r < 0 || !info.bus[0])
		return reply_absent(message, flags, "device", name,
				    r < 0 ? "no such device" : "on no bus", error);
	device = fabric_find_device(desired, name);
	if (device)
		device->info.bus[0] = '\0';
	return apply_removal(manager, message, desired, REMOVE_CONNECTION, name, "Disconnect",
			     error);
}

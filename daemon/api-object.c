/* SPDX-License-Identifier: GPL-2.0-or-later */
/* org.vbus.Manager1's one-object methods (CreateBus, CreateDevice, SetBus,
 * SetDevice, Connect, Move; DestroyBus, DestroyDevice, Disconnect): each
 * turns its arguments into a fabric of that one object, merged into the
 * desired state and run as one transactional apply, as Apply would; an
 * object a fabric.d file defines is that file's unless forced. */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "api-methods.h"
#include "error.h"
#include "manager.h"
#include "query.h"
#include "state.h"
#include "json-cleanup.h"
#include "log.h"

#define FLAG_MAY_EXIST	1
#define FLAG_IF_EXISTS	1
/* DestroyDevice: of a connected device too; and for every one-object
 * method: of an object a fabric.d file defines */
#define FLAG_FORCE	2

/* --- objects a fabric.d file defines ------------------------------------------ */

/*
 * Whether KIND NAME (of the desired state, with ORIGIN) may be changed by
 * METHOD: > 0 yes; < 0 refused with ERROR set. An object a fabric.d file defines is that
 * file's: a change of it through one-object methods would be undone by the
 * next reload, so it is refused unless FLAGS force it; a forced one is
 * logged as a warning.
 */
static int owner_allows(struct manager *manager, const char *method, const char *kind,
			const char *name, const struct fabric_origin *origin, uint64_t flags,
			sd_bus_error *error)
{
	const char *file = manager_owner(manager, origin);
	char fields[256];

	if (!file)
		return 1;
	if (!(flags & FLAG_FORCE))
		return sd_bus_error_setf(error, ERROR_BUSY,
					 "%s %s is defined in %s: edit that file and run vbusctl reload, or use --force (the next reload will put the file's value back)",
					 kind, name, file);
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=%s\nVBUS_NAME=%s\nVBUS_FORCED=%s", kind, name,
		 method);
	log_fields(LOG_WARNING, 0, fields,
		   "%s %s: changed by %s with force, though %s defines it: the next reload puts the file's value back",
		   kind, name, method, file);
	return 1;
}

static int device_owner_allows(struct manager *manager, const char *method, const char *name,
			       uint64_t flags, sd_bus_error *error)
{
	const struct fabric_device *device = fabric_find_device(manager_desired(manager), name);

	return owner_allows(manager, method, "device", name, device ? &device->origin : NULL,
			    flags, error);
}

/* A bus, and the devices its removal takes off it. */
static int bus_owner_allows(struct manager *manager, const char *method, const char *name,
			    bool with_devices, uint64_t flags, sd_bus_error *error)
{
	const struct fabric *desired = manager_desired(manager);
	const struct fabric_bus *bus = fabric_find_bus(desired, name);
	size_t i;
	int r;

	r = owner_allows(manager, method, "bus", name, bus ? &bus->origin : NULL, flags, error);
	for (i = 0; r > 0 && with_devices && i < desired->device_count; i++)
		if (!strcmp(desired->devices[i].info.bus, name))
			r = owner_allows(manager, method, "device", desired->devices[i].info.name,
					 &desired->devices[i].origin, flags, error);
	return r;
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
		return api_invalid(error, &errors);
	return 0;
}

/*
 * What a one-object change aims at: the kernel as it is, with FABRIC's
 * objects as DESIRED has them (and a bus one of them needs that the kernel
 * lacks). Its plan changes only those: a repair of another object the
 * desired state still waits for (a device whose host interface name was
 * refused, say) is not retried by it, so that its failure is never
 * reported as this command's ("operation 3 of 3" where 1-2 were other
 * devices); reload, a drift check or a restart retries those.
 */
static int one_object_target(struct manager *manager, const struct fabric *fabric,
			     const struct fabric *desired, struct fabric **target,
			     sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *actual = NULL, *aimed = NULL;
	const struct fabric_device *device;
	const struct fabric_bus *bus;
	size_t i;
	int r;

	/* without vbus.ko: the desired state alone, applied when it is back */
	if (!kernel_present(manager_kernel(manager))) {
		*target = NULL;
		return 0;
	}
	r = manager_read_kernel(manager, &actual);
	if (r < 0)
		return sd_bus_error_setf(error, ERROR_APPLY_FAILED, "cannot read the kernel: %s",
					 strerror(-r));
	aimed = fabric_new();
	if (!aimed)
		return -ENOMEM;
	for (i = 0; i < fabric->bus_count; i++)
		if ((bus = fabric_find_bus(desired, fabric->buses[i].info.name)) &&
		    fabric_add_bus(aimed, bus) < 0)
			return -ENOMEM;
	for (i = 0; i < fabric->device_count; i++) {
		device = fabric_find_device(desired, fabric->devices[i].info.name);
		if (!device)
			continue;
		if (fabric_add_device(aimed, device) < 0)
			return -ENOMEM;
		if (device->info.bus[0] && !fabric_find_bus(actual, device->info.bus) &&
		    !fabric_find_bus(aimed, device->info.bus) &&
		    (bus = fabric_find_bus(desired, device->info.bus)) &&
		    fabric_add_bus(aimed, bus) < 0)
			return -ENOMEM;
	}
	*target = state_copy(actual);
	if (!*target || state_overlay(*target, aimed) < 0)
		return -ENOMEM;
	return 0;
}

/* FABRIC's objects that a fabric.d file defines stay that file's (show
 * says so, and the next reload puts the file's values back). */
static void keep_owners(struct manager *manager, struct fabric *fabric)
{
	const struct fabric *desired = manager_desired(manager);
	const struct fabric_device *device;
	const struct fabric_bus *bus;
	size_t i;

	for (i = 0; i < fabric->bus_count; i++)
		if ((bus = fabric_find_bus(desired, fabric->buses[i].info.name)) &&
		    manager_owner(manager, &bus->origin))
			fabric->buses[i].origin = bus->origin;
	for (i = 0; i < fabric->device_count; i++)
		if ((device = fabric_find_device(desired, fabric->devices[i].info.name)) &&
		    manager_owner(manager, &device->origin))
			fabric->devices[i].origin = device->origin;
}

/* Merges the one-object FABRIC into the desired state and applies that,
 * planned for that object alone. */
static int apply_object(struct manager *manager, sd_bus_message *message,
			struct fabric *fabric, const char *source, sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *desired = NULL, *target = NULL;
	struct fabric_errors errors = { 0 };
	int r;

	/* "device p2: ...", not a "$.devices[0]" the caller never wrote */
	state_forget_origins(fabric);
	keep_owners(manager, fabric);
	r = api_merge_desired(manager, fabric, false, &errors, &desired, error);
	if (r < 0 || !desired)
		return r;
	r = one_object_target(manager, fabric, desired, &target, error);
	if (r < 0)
		return r;
	return api_run_apply(manager, message,
		     &(struct apply_request){ .desired = desired, .target = target,
					      .source = source },
		     false, error);
}

/* Whether the kernel has bus or device NAME. */
static bool kernel_has(struct manager *manager, const char *name, bool is_bus)
{
	struct vbus_device_info device;
	struct vbus_bus_info bus;
	struct vbus_client *client = kernel_client(manager_kernel(manager));

	return is_bus ? vbus_bus_get(client, name, &bus) == 0 :
			vbus_device_get(client, name, &device) == 0;
}

/* CreateBus (name) and CreateDevice (name, type), with their attributes
 * and flags: one object, refused when it exists unless FLAG_MAY_EXIST. */
static int create_object(sd_bus_message *message, struct manager *manager, bool is_bus,
			 sd_bus_error *error)
{
	_cleanup_(json_object_putp) struct json_object *object = json_object_new_object();
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	const char *method = is_bus ? "CreateBus" : "CreateDevice";
	const char *name, *type = NULL;
	uint64_t flags;
	int r;

	if (!object)
		return -ENOMEM;
	r = is_bus ? sd_bus_message_read(message, "s", &name) :
		     sd_bus_message_read(message, "ss", &name, &type);
	if (r < 0)
		return r;
	json_object_object_add(object, "name", json_object_new_string(name));
	if (type)
		json_object_object_add(object, "type", json_object_new_string(type));
	r = read_attributes(message, object, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(message, "t", &flags);
	if (r < 0)
		return r;
	r = manager_check_privilege(manager, message, method, error);
	if (r <= 0)
		return r;
	r = parse_object(is_bus ? "buses" : "devices", object, method, &fabric, error);
	if (r < 0 || !fabric)
		return r;
	if (!(flags & FLAG_MAY_EXIST) && kernel_has(manager, name, is_bus))
		return sd_bus_error_setf(error, ERROR_EXISTS, "%s %s: exists",
					 is_bus ? "bus" : "device", name);
	return apply_object(manager, message, fabric, method, error);
}

int api_create_bus(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return create_object(message, userdata, true, error);
}

int api_create_device(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return create_object(message, userdata, false, error);
}

/* The bus as the desired state has it, else as the kernel has it (it
 * becomes managed); -ENOENT when the kernel has no such bus. */
static int base_bus(struct manager *manager, const char *name, struct fabric_bus *bus)
{
	const struct fabric_bus *wanted = fabric_find_bus(manager_desired(manager), name);
	struct vbus_bus_info info;
	int r;

	r = vbus_bus_get(kernel_client(manager_kernel(manager)), name, &info);
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

/* The device as the desired state has it, else as the kernel has it (it
 * becomes managed); -ENOENT when the kernel has no such device. */
static int base_device(struct manager *manager, const char *name, struct fabric_device *device)
{
	const struct fabric_device *wanted = fabric_find_device(manager_desired(manager), name);
	struct vbus_device_info info;
	int r;

	r = vbus_device_get(kernel_client(manager_kernel(manager)), name, &info);
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

/* The present form of bus or device NAME (see base_bus/base_device) as
 * JSON into *OBJECT; -ENOENT when the kernel has no such object. */
static int present_object(struct manager *manager, const char *name, bool is_bus,
			  struct json_object **object)
{
	struct fabric_device device;
	struct fabric_bus bus;
	int r;

	if (is_bus) {
		r = base_bus(manager, name, &bus);
		*object = r < 0 ? NULL : fabric_bus_to_json(&bus, true);
	} else {
		r = base_device(manager, name, &device);
		*object = r < 0 ? NULL : fabric_device_to_json(&device, true);
	}
	if (r < 0)
		return -ENOENT;
	return *object ? 0 : -ENOMEM;
}

/*
 * SetBus (a bus's poll_us: the one attribute a bus changes in place) and
 * SetDevice: the message's attributes over the object's present form, then
 * its flags; applied as one object.
 */
static int set_object(sd_bus_message *message, struct manager *manager, bool is_bus,
		      sd_bus_error *error)
{
	_cleanup_(json_object_putp) struct json_object *object = NULL;
	_cleanup_(fabric_freep) struct fabric *fabric = NULL;
	const char *method = is_bus ? "SetBus" : "SetDevice";
	const char *kind = is_bus ? "bus" : "device";
	const char *name;
	uint64_t flags;
	int r;

	r = sd_bus_message_read(message, "s", &name);
	if (r < 0)
		return r;
	r = manager_check_privilege(manager, message, method, error);
	if (r <= 0)
		return r;
	r = present_object(manager, name, is_bus, &object);
	if (r == -ENOENT)
		return sd_bus_error_setf(error, ERROR_NOT_FOUND, "%s %s: no such %s", kind, name,
					 kind);
	if (r < 0)
		return r;
	r = read_attributes(message, object, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(message, "t", &flags);
	if (r < 0)
		return r;
	r = is_bus ? bus_owner_allows(manager, method, name, false, flags, error) :
		     device_owner_allows(manager, method, name, flags, error);
	if (r <= 0)
		return r;
	r = parse_object(is_bus ? "buses" : "devices", object, method, &fabric, error);
	if (r < 0 || !fabric)
		return r;
	return apply_object(manager, message, fabric, method, error);
}

int api_set_bus(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return set_object(message, userdata, true, error);
}

int api_set_device(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return set_object(message, userdata, false, error);
}

/* Connect (refuses to take a device off another bus, as ovs-vsctl add-port
 * refuses a port of another bridge) and Move (does that on purpose). */
static int connect_device(sd_bus_message *message, struct manager *manager, bool move,
			  sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *fabric = fabric_new();
	const struct fabric_device *wanted;
	struct fabric_device device;
	struct vbus_device_info now;
	struct vbus_bus_info info;
	struct fabric_bus bus;
	const char *name, *bus_name;
	uint64_t flags;
	int r;

	if (!fabric)
		return -ENOMEM;
	r = sd_bus_message_read(message, "sst", &name, &bus_name, &flags);
	if (r < 0)
		return r;
	r = manager_check_privilege(manager, message, move ? "Move" : "Connect", error);
	if (r <= 0)
		return r;
	wanted = fabric_find_device(manager_desired(manager), name);
	if (!(wanted && !strcmp(wanted->info.bus, bus_name))) {
		r = device_owner_allows(manager, move ? "Move" : "Connect", name, flags, error);
		if (r <= 0)
			return r;
	}
	if (base_device(manager, name, &device) < 0)
		return sd_bus_error_setf(error, ERROR_NOT_FOUND, "device %s: no such device", name);
	if (vbus_bus_get(kernel_client(manager_kernel(manager)), bus_name, &info) < 0)
		return sd_bus_error_setf(error, ERROR_NOT_FOUND, "bus %s: no such bus", bus_name);
	if (!move && vbus_device_get(kernel_client(manager_kernel(manager)), name, &now) >= 0 &&
	    now.bus[0] && strcmp(now.bus, bus_name))
		return sd_bus_error_setf(error, ERROR_BUSY,
					 "device %s: connected to bus %s (disconnect it first, or move it: its guest loses the device)",
					 name, now.bus);
	/* an unmanaged bus becomes managed: a managed device names it */
	if (!fabric_find_bus(manager_desired(manager), bus_name)) {
		fabric_bus_from_info(&bus, &info);
		if (fabric_add_bus(fabric, &bus) < 0)
			return -ENOMEM;
	}
	snprintf(device.info.bus, VBUS_NAME_MAX, "%s", bus_name);
	if (fabric_add_device(fabric, &device) < 0)
		return -ENOMEM;
	return apply_object(manager, message, fabric, move ? "Move" : "Connect", error);
}

int api_connect(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return connect_device(message, userdata, false, error);
}

int api_move(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return connect_device(message, userdata, true, error);
}

/* --- removal: a plan with prune against the whole kernel, less the object --- */

#define REMOVE_DEVICE		STATE_REMOVE_DEVICE
#define REMOVE_BUS		STATE_REMOVE_BUS
#define REMOVE_CONNECTION	STATE_REMOVE_CONNECTION

static const char *const removal_methods[] = {
	[REMOVE_DEVICE] = "DestroyDevice",
	[REMOVE_BUS] = "DestroyBus",
	[REMOVE_CONNECTION] = "Disconnect",
};

/*
 * Applies DESIRED (the desired state less what goes) with prune, planned
 * against everything the kernel has, as it has it, overlaid by DESIRED and
 * less the one object NAME: so that prune removes only that object.
 */
static int apply_removal(struct manager *manager, sd_bus_message *message,
			 const struct fabric *desired, enum state_removal removal, const char *name,
			 sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *actual = NULL, *target = NULL;
	int r;

	r = manager_read_kernel(manager, &actual);
	if (r < 0)
		return sd_bus_error_setf(error, ERROR_APPLY_FAILED, "cannot read the kernel: %s",
					 strerror(-r));
	target = state_removal_target(actual, desired);
	if (!target)
		return -ENOMEM;
	state_take_out(target, removal, name);
	return api_run_apply(manager, message,
		     &(struct apply_request){ .desired = desired, .target = target, .prune = true,
					      .source = removal_methods[removal] },
		     false, error);
}

/* Busy: bus NAME has COUNT devices, named ("device web0 is connected to it",
 * "devices web0, web1 are ..."). */
static int busy_bus(struct manager *manager, const char *name, unsigned int count,
		    sd_bus_error *error)
{
	const struct fabric *actual = kernel_fabric(manager_kernel(manager));
	char names[512] = "";
	size_t i, length, listed = 0;

	for (i = 0; actual && i < actual->device_count; i++) {
		if (strcmp(actual->devices[i].info.bus, name))
			continue;
		length = strlen(names);
		snprintf(names + length, sizeof(names) - length, "%s%s", listed ? ", " : "",
			 actual->devices[i].info.name);
		listed++;
	}
	if (!listed)
		return sd_bus_error_setf(error, ERROR_BUSY,
					 "bus %s: %u device%s connected to it (disconnect %s first)",
					 name, count, count == 1 ? " is" : "s are",
					 count == 1 ? "it" : "them");
	return sd_bus_error_setf(error, ERROR_BUSY, "bus %s: device%s %s %s connected to it (disconnect %s first)",
				 name, listed == 1 ? "" : "s", names, listed == 1 ? "is" : "are",
				 listed == 1 ? "it" : "them");
}

/* Whether the kernel has what NAME's removal takes away: > 0 to go on; 0
 * when done (nothing there, "if exists") or refused, the reply or ERROR set. */
static int removable(struct manager *manager, sd_bus_message *message,
		     enum state_removal removal,
		     const char *name, uint64_t flags, sd_bus_error *error)
{
	struct vbus_client *client = kernel_client(manager_kernel(manager));
	const char *object = removal == REMOVE_BUS ? "bus" : "device", *why = NULL;
	struct vbus_device_info device;
	struct vbus_bus_info bus;

	if (removal == REMOVE_BUS) {
		if (vbus_bus_get(client, name, &bus) < 0)
			why = "no such bus";
		else if (bus.device_count)
			return busy_bus(manager, name, bus.device_count, error);
	} else if (vbus_device_get(client, name, &device) < 0) {
		why = "no such device";
	} else if (removal == REMOVE_CONNECTION && !device.bus[0]) {
		why = "on no bus";
	} else if (removal == REMOVE_DEVICE && device.bus[0] && !(flags & FLAG_FORCE)) {
		return sd_bus_error_setf(error, ERROR_BUSY,
					 "device %s: connected to bus %s (disconnect it first, or force: its guest loses the device)",
					 name, device.bus);
	}
	if (!why)
		return 1;
	if (flags & FLAG_IF_EXISTS)
		return sd_bus_reply_method_return(message, "") < 0 ? -EIO : 0;
	return sd_bus_error_setf(error, ERROR_NOT_FOUND, "%s %s: %s", object, name, why);
}

/* DestroyDevice, DestroyBus and Disconnect: (NAME, FLAGS). */
static int remove_object(sd_bus_message *message, struct manager *manager,
			 enum state_removal removal,
			 sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *desired = state_copy(manager_desired(manager));
	const char *name;
	uint64_t flags;
	int r;

	if (!desired)
		return -ENOMEM;
	r = sd_bus_message_read(message, "st", &name, &flags);
	if (r < 0)
		return r;
	r = manager_check_privilege(manager, message, removal_methods[removal], error);
	if (r <= 0)
		return r;
	r = removable(manager, message, removal, name, flags, error);
	if (r <= 0)
		return r;
	if (removal == REMOVE_BUS)
		r = bus_owner_allows(manager, removal_methods[removal], name, true, flags, error);
	else
		r = device_owner_allows(manager, removal_methods[removal], name, flags, error);
	if (r <= 0)
		return r;
	state_take_out(desired, removal, name);
	return apply_removal(manager, message, desired, removal, name, error);
}

int api_destroy_device(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return remove_object(message, userdata, REMOVE_DEVICE, error);
}

int api_destroy_bus(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return remove_object(message, userdata, REMOVE_BUS, error);
}

int api_disconnect(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	return remove_object(message, userdata, REMOVE_CONNECTION, error);
}


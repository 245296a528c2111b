/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reading methods of org.vbus.Manager1: GetBuses, GetDevices, GetStats,
 * GetStatus, Export, each from the kernel read afresh over netlink. */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "error.h"
#include "kernel.h"
#include "reconcile.h"

DEFINE_CLEANUP_FUNC(struct json_object, json_object_put)

static void strv_free(char **strv)
{
	for (char **s = strv; *s; s++)
		free(*s);
	free(strv);
}

DEFINE_CLEANUP_FUNC(char *, strv_free)

/* The "as" argument NAMES; an empty list for none (sd-bus gives NULL). */
static int read_names(sd_bus_message *message, char ***names)
{
	int r = sd_bus_message_read_strv(message, names);

	if (r >= 0 && !*names) {
		*names = calloc(1, sizeof(char *));
		if (!*names)
			return -ENOMEM;
	}
	return r;
}

static int reply_json(sd_bus_message *message, struct json_object *object)
{
	if (!object)
		return -ENOMEM;
	return sd_bus_reply_method_return(message, "s",
					  json_object_to_json_string_ext(object,
									 JSON_C_TO_STRING_PLAIN));
}

static int read_kernel(struct manager *manager, struct fabric **actual, sd_bus_error *error)
{
	int r = kernel_dump(manager, actual);

	if (r < 0)
		return sd_bus_error_setf(error, ERROR_KERNEL_UNAVAILABLE,
					 "cannot read the kernel's fabric: %s", strerror(-r));
	return 0;
}

/* Whether NAMES is empty (all) or holds NAME. */
static bool wanted(char **names, const char *name)
{
	if (!names[0])
		return true;
	for (; *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

static int check_names(char **names, bool (*exists)(const struct fabric *, const char *),
		       const struct fabric *actual, const char *kind, sd_bus_error *error)
{
	for (; *names; names++)
		if (!exists(actual, *names))
			return sd_bus_error_setf(error, ERROR_NOT_FOUND, "%s %s: no such %s", kind,
						 *names, kind);
	return 0;
}

static bool bus_exists(const struct fabric *fabric, const char *name)
{
	return fabric_find_bus(fabric, name);
}

static bool device_exists(const struct fabric *fabric, const char *name)
{
	return fabric_find_device(fabric, name);
}

static struct json_object *bus_json(struct manager *manager, const struct fabric *actual,
				    const struct fabric_bus *bus)
{
	struct json_object *object = fabric_bus_to_json(bus, true);
	struct json_object *devices = json_object_new_array();
	const char *state = vbus_bus_state_to_string(bus->info.state);
	size_t i;

	if (!object || !devices)
		return NULL;
	/* GetBuses always has every field */
	if (!json_object_object_get_ex(object, "domain", NULL))
		json_object_object_add(object, "domain", NULL);
	if (!json_object_object_get_ex(object, "uuid", NULL))
		json_object_object_add(object, "uuid", NULL);
	json_object_object_add(object, "state", json_object_new_string(state ?: "unknown"));
	for (i = 0; i < actual->device_count; i++)
		if (!strcmp(actual->devices[i].info.bus, bus->info.name))
			json_object_array_add(devices,
					      json_object_new_string(actual->devices[i].info.name));
	json_object_object_add(object, "devices", devices);
	json_object_object_add(object, "managed",
			       json_object_new_boolean(!!fabric_find_bus(manager->desired,
								       bus->info.name)));
	return object;
}

int query_buses(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_(json_object_putp) struct json_object *reply = json_object_new_object();
	_cleanup_(strv_freep) char **names = NULL;
	struct json_object *buses;
	size_t i;
	int r;

	r = read_names(message, &names);
	if (r < 0)
		return r;
	r = read_kernel(manager, &actual, error);
	if (r < 0)
		return r;
	r = check_names(names, bus_exists, actual, "bus", error);
	if (r < 0)
		return r;
	buses = json_object_new_array();
	json_object_object_add(reply, "buses", buses);
	for (i = 0; i < actual->bus_count; i++)
		if (wanted(names, actual->buses[i].info.name))
			json_object_array_add(buses, bus_json(manager, actual, &actual->buses[i]));
	return reply_json(message, reply);
}

static struct json_object *device_json(struct manager *manager, const struct fabric_device *device)
{
	struct json_object *object = fabric_device_to_json(device, true);
	struct link_state state;
	const char *link = "absent";

	if (!object)
		return NULL;
	json_object_object_add(object, "id", json_object_new_int64(device->info.id));
	if (!device->info.bus[0])
		json_object_object_add(object, "bus", NULL);
	/* the real master when the interface is there, else the desired one
	 * (kernel_dump's choice) */
	json_object_object_add(object, "bridge", device->bridge[0] ?
			       json_object_new_string(device->bridge) : NULL);
	if (link_get(manager->link, device->info.venet.ifname, &state) == 0)
		link = state.up ? "up" : "down";
	json_object_object_add(object, "link", json_object_new_string(link));
	json_object_object_add(object, "managed",
			       json_object_new_boolean(!!fabric_find_device(manager->desired,
									  device->info.name)));
	return object;
}

int query_devices(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_(json_object_putp) struct json_object *reply = json_object_new_object();
	_cleanup_(strv_freep) char **names = NULL;
	struct json_object *devices;
	size_t i;
	int r;

	r = read_names(message, &names);
	if (r < 0)
		return r;
	r = read_kernel(manager, &actual, error);
	if (r < 0)
		return r;
	r = check_names(names, device_exists, actual, "device", error);
	if (r < 0)
		return r;
	devices = json_object_new_array();
	json_object_object_add(reply, "devices", devices);
	for (i = 0; i < actual->device_count; i++)
		if (wanted(names, actual->devices[i].info.name))
			json_object_array_add(devices, device_json(manager, &actual->devices[i]));
	return reply_json(message, reply);
}

struct stats_query {
	char **names;
	struct json_object *devices;
};

static int add_stats(const char *device, const struct vbus_stats *stats, void *arg)
{
	struct stats_query *query = arg;
	struct json_object *entry, *values;

	if (!wanted(query->names, device))
		return 0;
	entry = json_object_new_object();
	values = json_object_new_object();
	if (!entry || !values)
		return -ENOMEM;
	json_object_object_add(entry, "name", json_object_new_string(device));
#define STAT(field) json_object_object_add(values, #field, json_object_new_int64(stats->field))
	STAT(tx_packets);
	STAT(tx_bytes);
	STAT(rx_packets);
	STAT(rx_bytes);
	STAT(drops);
	STAT(doorbells);
	STAT(interrupts);
	STAT(suppressed);
	STAT(tx_zerocopy);
	STAT(tx_copied);
#undef STAT
	json_object_object_add(entry, "stats", values);
	json_object_array_add(query->devices, entry);
	return 0;
}

/* Whether NAMES is empty (all) or has a device on BUS. */
static bool bus_wanted(char **names, const struct fabric *actual, const char *bus)
{
	size_t i;

	if (!names[0])
		return true;
	for (i = 0; i < actual->device_count; i++)
		if (!strcmp(actual->devices[i].info.bus, bus) &&
		    wanted(names, actual->devices[i].info.name))
			return true;
	return false;
}

/* Each bus's poll window and what polling cost it (the kernel's counters). */
static struct json_object *bus_poll_stats(char **names, const struct fabric *actual)
{
	struct json_object *buses = json_object_new_array(), *entry;
	size_t i;

	for (i = 0; buses && i < actual->bus_count; i++) {
		const struct vbus_bus_info *info = &actual->buses[i].info;

		if (!bus_wanted(names, actual, info->name))
			continue;
		entry = json_object_new_object();
		json_object_object_add(entry, "name", json_object_new_string(info->name));
		json_object_object_add(entry, "poll_us", json_object_new_int64(info->poll_us));
		json_object_object_add(entry, "poll_windows",
				       json_object_new_int64((int64_t)info->poll_windows));
		json_object_object_add(entry, "poll_hits",
				       json_object_new_int64((int64_t)info->poll_hits));
		json_object_object_add(entry, "poll_time_ns",
				       json_object_new_int64((int64_t)info->poll_time_ns));
		json_object_array_add(buses, entry);
	}
	return buses;
}

int query_stats(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_(json_object_putp) struct json_object *reply = json_object_new_object();
	_cleanup_(strv_freep) char **names = NULL;
	struct stats_query query = { 0 };
	int r;

	r = read_names(message, &names);
	if (r < 0)
		return r;
	r = read_kernel(manager, &actual, error);
	if (r < 0)
		return r;
	r = check_names(names, device_exists, actual, "device", error);
	if (r < 0)
		return r;
	query.names = names;
	query.devices = json_object_new_array();
	json_object_object_add(reply, "devices", query.devices);
	json_object_object_add(reply, "buses", bus_poll_stats(names, actual));
	r = vbus_stats_dump(manager->client, add_stats, &query);
	if (r < 0)
		return sd_bus_error_setf(error, ERROR_KERNEL_UNAVAILABLE, "cannot read statistics: %s",
					 strerror(-r));
	return reply_json(message, reply);
}

static struct json_object *unmanaged(struct manager *manager, const struct fabric *actual)
{
	struct json_object *object = json_object_new_object();
	struct json_object *buses = json_object_new_array(), *devices = json_object_new_array();
	size_t i;

	for (i = 0; i < actual->bus_count; i++)
		if (!fabric_find_bus(manager->desired, actual->buses[i].info.name))
			json_object_array_add(buses,
					      json_object_new_string(actual->buses[i].info.name));
	for (i = 0; i < actual->device_count; i++)
		if (!fabric_find_device(manager->desired, actual->devices[i].info.name))
			json_object_array_add(devices,
					      json_object_new_string(actual->devices[i].info.name));
	json_object_object_add(object, "buses", buses);
	json_object_object_add(object, "devices", devices);
	return object;
}

static struct json_object *status_lists(struct manager *manager, struct json_object *status)
{
	struct json_object *drift = json_object_new_array(), *problems = json_object_new_array();
	struct json_object *entry, *last = NULL;
	const struct last_apply *apply = &manager->last_apply;
	struct fabric_errors live = { 0 };
	size_t i;

	for (i = 0; i < manager->drift_count; i++) {
		entry = json_object_new_object();
		json_object_object_add(entry, "object",
				       json_object_new_string(manager->drifts[i].object));
		json_object_object_add(entry, "name", json_object_new_string(manager->drifts[i].name));
		json_object_object_add(entry, "what", json_object_new_string(manager->drifts[i].what));
		json_object_array_add(drift, entry);
	}
	for (i = 0; i < manager->problem_count; i++)
		json_object_array_add(problems, json_object_new_string(manager->problems[i]));
	manager_live_problems(manager, &live);
	for (i = 0; i < live.count; i++)
		json_object_array_add(problems, json_object_new_string(live.lines[i]));
	fabric_errors_clear(&live);
	json_object_object_add(status, "drift", drift);
	json_object_object_add(status, "problems", problems);
	if (apply->valid) {
		last = json_object_new_object();
		json_object_object_add(last, "time", json_object_new_string(apply->time));
		json_object_object_add(last, "source", json_object_new_string(apply->source));
		json_object_object_add(last, "result", json_object_new_string(apply->result));
		json_object_object_add(last, "operations", json_object_new_int64(apply->operations));
		json_object_object_add(last, "error", apply->error[0] ?
				       json_object_new_string(apply->error) : NULL);
	}
	json_object_object_add(status, "last_apply", last);
	return status;
}

int query_status(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_(json_object_putp) struct json_object *status = json_object_new_object();
	struct json_object *kernel = NULL;
	struct vbus_version version;
	int r;

	r = read_kernel(manager, &actual, error);
	if (r < 0)
		return r;
	if (vbus_get_version(manager->client, &version) == 0) {
		kernel = json_object_new_object();
		json_object_object_add(kernel, "module",
				       json_object_new_string(version.module_version));
		json_object_object_add(kernel, "genl_version",
				       json_object_new_int64(version.genl_version));
	}
	fabric_free(manager->actual);
	manager->actual = actual;
	actual = NULL;
	json_object_object_add(status, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(status, "kernel", kernel);
	json_object_object_add(status, "drift_policy",
			       json_object_new_string(drift_policy_to_string(manager->options.drift)));
	json_object_object_add(status, "in_sync",
			       json_object_new_boolean(reconcile_in_sync(manager)));
	json_object_object_add(status, "buses", json_object_new_int64(manager->actual->bus_count));
	json_object_object_add(status, "devices",
			       json_object_new_int64(manager->actual->device_count));
	json_object_object_add(status, "unmanaged", unmanaged(manager, manager->actual));
	status_lists(manager, status);
	json_object_object_add(status, "state_file", json_object_new_string(manager->state_file));
	json_object_object_add(status, "config_dir",
			       json_object_new_string(manager->options.config_dir));
	return reply_json(message, status);
}

int query_export(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_free_ char *text = NULL;
	int r;

	r = read_kernel(manager, &actual, error);
	if (r < 0)
		return r;
	r = fabric_to_json(actual, &text);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(message, "s", text);
}

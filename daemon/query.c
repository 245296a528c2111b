/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reading methods of org.vbus.Manager1: GetBuses, GetDevices, GetStats,
 * GetStatus, Export, each from the kernel read afresh over netlink. */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-servers.h"
#include "error.h"
#include "ivshmem.h"
#include "json-cleanup.h"
#include "manager.h"
#include "query.h"

static void strv_free(char **strv)
{
	for (char **s = strv; *s; s++)
		free(*s);
	free(strv);
}

DEFINE_CLEANUP_FUNC(char *, strv_free)

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
	int r = manager_read_kernel(manager, actual);

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

/*
 * The beginning of GetBuses, GetDevices and GetStats: the "as" argument
 * (*NAMES, empty for all), the kernel read now (*ACTUAL), and NotFound for a
 * name that is not a bus (BUSES) or a device of it.
 */
static int read_query(sd_bus_message *message, struct manager *manager, bool buses,
		      char ***names, struct fabric **actual, sd_bus_error *error)
{
	const char *kind = buses ? "bus" : "device";
	char **name;
	int r;

	r = sd_bus_message_read_strv(message, names);
	if (r < 0)
		return r;
	if (!*names) {
		*names = calloc(1, sizeof(char *));
		if (!*names)
			return -ENOMEM;
	}
	r = read_kernel(manager, actual, error);
	if (r < 0)
		return r;
	for (name = *names; *name; name++)
		if (buses ? !fabric_find_bus(*actual, *name) : !fabric_find_device(*actual, *name))
			return sd_bus_error_setf(error, ERROR_NOT_FOUND, "%s %s: no such %s", kind,
						 *name, kind);
	return 0;
}

/* "source": the fabric.d file that defines the object, "vbusctl", or null
 * for an object vbusd does not manage (ORIGIN NULL). */
static void add_source(struct manager *manager, struct json_object *object,
		       const struct fabric_origin *origin)
{
	const char *source = manager_source(manager, origin);

	json_object_object_add(object, "source", source ? json_object_new_string(source) : NULL);
}

/* "ivshmem": the bus's server and its client, QEMU (null for a bus of
 * another connector). */
static struct json_object *ivshmem_json(struct manager *manager, const struct fabric_bus *bus)
{
	struct ivshmem_server_status status;
	struct json_object *object;
	char path[108];

	if (bus->info.connector != VBUS_CONNECTOR_IVSHMEM)
		return NULL;
	object = json_object_new_object();
	if (!object)
		return NULL;
	if (vbus_ivshmem_socket_path(bus->info.name, path, sizeof(path)) == 0)
		json_object_object_add(object, "socket", json_object_new_string(path));
	if (!bus_servers_status(manager_bus_servers(manager), bus->info.name, &status)) {
		json_object_object_add(object, "serving", json_object_new_boolean(false));
		json_object_object_add(object, "connected", json_object_new_boolean(false));
		json_object_object_add(object, "peer_id", NULL);
		json_object_object_add(object, "peer_pid", NULL);
		return object;
	}
	json_object_object_add(object, "serving", json_object_new_boolean(true));
	json_object_object_add(object, "connected", json_object_new_boolean(status.connected));
	json_object_object_add(object, "peer_id", status.connected ?
				json_object_new_int64(status.peer_id) : NULL);
	json_object_object_add(object, "peer_pid", status.connected && status.peer_pid ?
				json_object_new_int64(status.peer_pid) : NULL);
	json_object_object_add(object, "attached", json_object_new_boolean(status.attached));
	json_object_object_add(object, "connections", json_object_new_int64(status.connections));
	json_object_object_add(object, "refused", json_object_new_int64(status.refused));
	return object;
}

static struct json_object *bus_json(struct manager *manager, const struct fabric *actual,
				    const struct fabric_bus *bus)
{
	struct json_object *object = fabric_bus_to_json(bus, true);
	struct json_object *devices = json_object_new_array();
	const char *state = vbus_bus_state_to_string(bus->info.state);
	const struct fabric_bus *wanted_bus;
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
	json_object_object_add(object, "ivshmem", ivshmem_json(manager, bus));
	wanted_bus = fabric_find_bus(manager_desired(manager), bus->info.name);
	json_object_object_add(object, "managed", json_object_new_boolean(!!wanted_bus));
	add_source(manager, object, wanted_bus ? &wanted_bus->origin : NULL);
	return object;
}

int query_buses(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_(json_object_putp) struct json_object *reply = json_object_new_object();
	_cleanup_(strv_freep) char **names = NULL;
	struct json_object *buses = json_object_new_array();
	size_t i;
	int r;

	if (!reply || !buses)
		return -ENOMEM;
	json_object_object_add(reply, "buses", buses);
	r = read_query(message, manager, true, &names, &actual, error);
	if (r < 0)
		return r;
	for (i = 0; i < actual->bus_count; i++)
		if (wanted(names, actual->buses[i].info.name))
			json_object_array_add(buses, bus_json(manager, actual, &actual->buses[i]));
	return reply_json(message, reply);
}

static struct json_object *device_json(struct manager *manager, const struct fabric_device *device)
{
	struct json_object *object = fabric_device_to_json(device, true);
	const struct fabric_device *wanted_device;
	struct link_state state;
	const char *link = "absent";

	if (!object)
		return NULL;
	json_object_object_add(object, "id", json_object_new_int64(device->info.id));
	if (!device->info.bus[0])
		json_object_object_add(object, "bus", NULL);
	/* the real master when the interface is there, else the desired one
	 * (manager_read_kernel's choice) */
	json_object_object_add(object, "bridge", device->bridge[0] ?
			       json_object_new_string(device->bridge) : NULL);
	if (link_get(manager_link(manager), device->info.venet.ifname, &state) == 0)
		link = state.up ? "up" : "down";
	json_object_object_add(object, "link", json_object_new_string(link));
	wanted_device = fabric_find_device(manager_desired(manager), device->info.name);
	json_object_object_add(object, "managed", json_object_new_boolean(!!wanted_device));
	add_source(manager, object, wanted_device ? &wanted_device->origin : NULL);
	return object;
}

int query_devices(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_(json_object_putp) struct json_object *reply = json_object_new_object();
	_cleanup_(strv_freep) char **names = NULL;
	struct json_object *devices = json_object_new_array();
	size_t i;
	int r;

	if (!reply || !devices)
		return -ENOMEM;
	json_object_object_add(reply, "devices", devices);
	r = read_query(message, manager, false, &names, &actual, error);
	if (r < 0)
		return r;
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
	struct stats_query query = { .devices = json_object_new_array() };
	int r;

	if (!reply || !query.devices)
		return -ENOMEM;
	json_object_object_add(reply, "devices", query.devices);
	r = read_query(message, manager, false, &names, &actual, error);
	if (r < 0)
		return r;
	query.names = names;
	json_object_object_add(reply, "buses", bus_poll_stats(names, actual));
	r = vbus_stats_dump(kernel_client(manager_kernel(manager)), add_stats, &query);
	if (r < 0)
		return sd_bus_error_setf(error, ERROR_KERNEL_UNAVAILABLE, "cannot read statistics: %s",
					 strerror(-r));
	return reply_json(message, reply);
}

static struct json_object *unmanaged(const struct fabric *desired, const struct fabric *actual)
{
	struct json_object *object = json_object_new_object();
	struct json_object *buses = json_object_new_array(), *devices = json_object_new_array();
	size_t i;

	for (i = 0; i < actual->bus_count; i++)
		if (!fabric_find_bus(desired, actual->buses[i].info.name))
			json_object_array_add(buses,
					      json_object_new_string(actual->buses[i].info.name));
	for (i = 0; i < actual->device_count; i++)
		if (!fabric_find_device(desired, actual->devices[i].info.name))
			json_object_array_add(devices,
					      json_object_new_string(actual->devices[i].info.name));
	json_object_object_add(object, "buses", buses);
	json_object_object_add(object, "devices", devices);
	return object;
}

/* Objects made by vbusctl come after every file's. */
static int compare_sources(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	bool x_made = !strcmp(x, "vbusctl"), y_made = !strcmp(y, "vbusctl");

	if (x_made != y_made)
		return x_made - y_made;
	return strcmp(x, y);
}

/* SOURCE added to SOURCES (*COUNT of them) unless there already. */
static void add_distinct(const char **sources, size_t *count, const char *source)
{
	size_t i;

	for (i = 0; i < *count; i++)
		if (!strcmp(sources[i], source))
			return;
	sources[(*count)++] = source;
}

/* {"source": SOURCE, "buses": [...], "devices": [...]}: what SOURCE defines,
 * by name. */
static struct json_object *source_json(struct manager *manager, const char *source,
				       const struct fabric_bus **buses, size_t bus_count,
				       const struct fabric_device **devices, size_t device_count)
{
	struct json_object *object = json_object_new_object();
	struct json_object *bus_names = json_object_new_array();
	struct json_object *device_names = json_object_new_array();
	size_t i;

	if (!object || !bus_names || !device_names) {
		json_object_put(object);
		json_object_put(bus_names);
		json_object_put(device_names);
		return NULL;
	}
	for (i = 0; i < bus_count; i++)
		if (!strcmp(manager_source(manager, &buses[i]->origin), source))
			json_object_array_add(bus_names, json_object_new_string(buses[i]->info.name));
	for (i = 0; i < device_count; i++)
		if (!strcmp(manager_source(manager, &devices[i]->origin), source))
			json_object_array_add(device_names,
					      json_object_new_string(devices[i]->info.name));
	json_object_object_add(object, "source", json_object_new_string(source));
	json_object_object_add(object, "buses", bus_names);
	json_object_object_add(object, "devices", device_names);
	return object;
}

/* "sources": which objects of the desired state each fabric.d file defines
 * (files in name order), then those vbusctl made ("vbusctl"). */
static struct json_object *sources_json(struct manager *manager, const struct fabric *desired)
{
	_cleanup_free_ const struct fabric_device **devices = NULL;
	_cleanup_free_ const struct fabric_bus **buses = NULL;
	_cleanup_free_ const char **sources = NULL;
	struct json_object *array = json_object_new_array();
	size_t count = 0, i;

	sources = calloc(desired->bus_count + desired->device_count + 1, sizeof(*sources));
	if (!array || !sources || fabric_sort_buses(desired, &buses) < 0 ||
	    fabric_sort_devices(desired, &devices) < 0) {
		json_object_put(array);
		return NULL;
	}
	for (i = 0; i < desired->bus_count; i++)
		add_distinct(sources, &count, manager_source(manager, &buses[i]->origin));
	for (i = 0; i < desired->device_count; i++)
		add_distinct(sources, &count, manager_source(manager, &devices[i]->origin));
	qsort(sources, count, sizeof(*sources), compare_sources);
	for (i = 0; i < count; i++)
		json_object_array_add(array, source_json(manager, sources[i], buses,
							 desired->bus_count, devices,
							 desired->device_count));
	return array;
}

/* {"deadline": "2026-12-05T02:10:00Z"} of a pending checkpoint, or null. */
static struct json_object *checkpoint_json(const struct manager *manager)
{
	struct json_object *checkpoint;
	uint64_t deadline;
	char text[32];
	time_t seconds;
	struct tm tm;

	if (!manager_checkpoint_deadline(manager, &deadline))
		return NULL;
	seconds = (time_t)(deadline / 1000000);
	gmtime_r(&seconds, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	checkpoint = json_object_new_object();
	if (checkpoint)
		json_object_object_add(checkpoint, "deadline", json_object_new_string(text));
	return checkpoint;
}

/* {"uri", "connected", "domains" (with vbus metadata), "running"; when not
 * connected "reason" and "retry_in" (seconds)}; null with --no-libvirt. */
static struct json_object *libvirt_json(struct manager *manager)
{
	struct libvirt_connection *connection = manager_libvirt(manager);
	struct libvirt_connection_status status;
	struct json_object *libvirt;

	if (!connection)
		return NULL;
	libvirt_connection_status(connection, &status);
	libvirt = json_object_new_object();
	if (!libvirt)
		return NULL;
	json_object_object_add(libvirt, "uri", json_object_new_string(status.uri));
	json_object_object_add(libvirt, "connected", json_object_new_boolean(status.connected));
	json_object_object_add(libvirt, "domains", json_object_new_int64(status.domains));
	json_object_object_add(libvirt, "running", json_object_new_int64(status.running));
	if (!status.connected) {
		json_object_object_add(libvirt, "reason", json_object_new_string(status.reason));
		json_object_object_add(libvirt, "retry_in", json_object_new_int64(status.retry_in));
	}
	return libvirt;
}

int query_status(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	const struct options *options = manager_options(manager);
	_cleanup_(json_object_putp) struct json_object *status = json_object_new_object();
	struct json_object *kernel = NULL;
	const struct last_apply *last;
	struct vbus_version version;
	struct status state;
	int r;

	if (!status)
		return -ENOMEM;
	r = manager_status(manager, &state, &last);
	if (r < 0)
		return sd_bus_error_setf(error, ERROR_KERNEL_UNAVAILABLE,
					 "cannot read the kernel's fabric: %s", strerror(-r));
	if (vbus_get_version(kernel_client(manager_kernel(manager)), &version) == 0) {
		kernel = json_object_new_object();
		json_object_object_add(kernel, "module",
				       json_object_new_string(version.module_version));
		json_object_object_add(kernel, "genl_version",
				       json_object_new_int64(version.genl_version));
	}
	json_object_object_add(status, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(status, "kernel", kernel);
	json_object_object_add(status, "drift_policy",
			       json_object_new_string(drift_policy_to_string(options->drift)));
	json_object_object_add(status, "in_sync", json_object_new_boolean(status_in_sync(&state)));
	json_object_object_add(status, "buses", json_object_new_int64(state.actual->bus_count));
	json_object_object_add(status, "devices",
			       json_object_new_int64(state.actual->device_count));
	json_object_object_add(status, "unmanaged", unmanaged(state.desired, state.actual));
	json_object_object_add(status, "sources", sources_json(manager, state.desired));
	status_lists_to_json(&state, last, status);
	json_object_object_add(status, "checkpoint", checkpoint_json(manager));
	json_object_object_add(status, "state_file",
			       json_object_new_string(manager_state_file(manager)));
	json_object_object_add(status, "config_dir", json_object_new_string(options->config_dir));
	json_object_object_add(status, "libvirt", libvirt_json(manager));
	return reply_json(message, status);
}

int query_export(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_free_ char *text = NULL;
	int r;

	r = read_kernel(userdata, &actual, error);
	if (r < 0)
		return r;
	r = fabric_to_json(actual, &text);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(message, "s", text);
}

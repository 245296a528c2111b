/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl's reads when vbusd is unreachable, as wg show reads the kernel:
 * one dump of buses and devices (and counters) turned into vbusd's JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "fabric.h"
#include "kernel.h"
#include "output.h"

struct kernel_read {
	struct fabric *fabric;
	char **names;
	struct json_object *stats;	/* GetStats' array, or NULL */
};

static void kernel_read_clear(struct kernel_read *read)
{
	read->fabric = fabric_free_null(read->fabric);
}

static bool wanted(char **names, const char *name)
{
	if (!names[0])
		return true;
	for (; *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

static int add_stats(const char *device, const struct vbus_stats *stats, void *arg)
{
	struct kernel_read *read = arg;
	struct json_object *entry;

	if (!wanted(read->names, device))
		return 0;
	entry = json_object_new_object();
	if (!entry)
		return -ENOMEM;
	json_object_object_add(entry, "name", json_object_new_string(device));
	json_object_object_add(entry, "stats", fabric_stats_to_json(stats));
	return json_object_array_add(read->stats, entry) < 0 ? -ENOMEM : 0;
}

static struct json_object *bus_json(const struct fabric *fabric, const struct fabric_bus *bus)
{
	struct json_object *object = fabric_bus_to_json(bus, true);
	struct json_object *devices = json_object_new_array();
	const char *state = vbus_bus_state_to_string(bus->info.state);
	size_t i;

	if (!object || !devices) {
		json_object_put(object);
		json_object_put(devices);
		return NULL;
	}
	if (!json_object_object_get_ex(object, "domain", NULL))
		json_object_object_add(object, "domain", NULL);
	if (!json_object_object_get_ex(object, "uuid", NULL))
		json_object_object_add(object, "uuid", NULL);
	json_object_object_add(object, "state", json_object_new_string(state ? state : "unknown"));
	for (i = 0; i < fabric->device_count; i++)
		if (!strcmp(fabric->devices[i].info.bus, bus->info.name))
			json_object_array_add(devices,
					      json_object_new_string(fabric->devices[i].info.name));
	json_object_object_add(object, "devices", devices);
	json_object_object_add(object, "managed", NULL);
	json_object_object_add(object, "source", NULL);
	return object;
}

static struct json_object *device_json(const struct fabric_device *device)
{
	struct json_object *object = fabric_device_to_json(device, true);

	if (!object)
		return NULL;
	json_object_object_add(object, "id", json_object_new_int64(device->info.id));
	if (!device->info.bus[0])
		json_object_object_add(object, "bus", NULL);
	json_object_object_add(object, "bridge", NULL);
	json_object_object_add(object, "link", NULL);
	json_object_object_add(object, "managed", NULL);
	json_object_object_add(object, "source", NULL);
	return object;
}

/* The first of NAMES that is not a bus (BUSES) or device of FABRIC. */
static const char *missing(const struct fabric *fabric, char **names, bool buses)
{
	for (; *names; names++)
		if (buses ? !fabric_find_bus(fabric, *names) : !fabric_find_device(fabric, *names))
			return *names;
	return NULL;
}

static int build(struct kernel_read *read, struct vbus_client *client, const char *method,
		 struct json_object *reply)
{
	bool buses = !strcmp(method, "GetBuses");
	struct json_object *array = json_object_new_array();
	size_t i;

	if (!array)
		return -ENOMEM;
	json_object_object_add(reply, buses ? "buses" : "devices", array);
	if (!strcmp(method, "GetStats")) {
		read->stats = array;
		return vbus_stats_dump(client, add_stats, read);
	}
	for (i = 0; buses && i < read->fabric->bus_count; i++)
		if (wanted(read->names, read->fabric->buses[i].info.name))
			json_object_array_add(array, bus_json(read->fabric, &read->fabric->buses[i]));
	for (i = 0; !buses && i < read->fabric->device_count; i++)
		if (wanted(read->names, read->fabric->devices[i].info.name))
			json_object_array_add(array, device_json(&read->fabric->devices[i]));
	return 0;
}

int kernel_read(const struct context *context, const char *method, char **names,
		const char *object, struct json_object **reply)
{
	_cleanup_(json_object_putp) struct json_object *result = json_object_new_object();
	_cleanup_(kernel_read_clear) struct kernel_read read = { .names = names };
	struct vbus_client *client = NULL;
	bool buses = !strcmp(method, "GetBuses");
	const char *name;
	char message[128];
	int r;

	if (!result)
		return error_report(object, "cannot read the kernel", NULL, NULL, -ENOMEM);
	r = vbus_client_open(&client);
	if (r == -ENOENT) {
		fputs(context->unreachable_text, stderr);
		error_print("kernel", "vbus.ko is not loaded either", "modprobe vbus");
		return EXIT_UNREACHABLE;
	}
	if (r >= 0)
		r = fabric_dump(client, NULL, NULL, &read.fabric);
	name = r >= 0 ? missing(read.fabric, names, buses) : NULL;
	if (name) {
		vbus_client_close(client);
		snprintf(message, sizeof(message), "%s %s", buses ? "bus" : "device", name);
		error_print(message, buses ? "no such bus" : "no such device", NULL);
		return EXIT_NOT_FOUND;
	}
	if (r >= 0)
		r = build(&read, client, method, result);
	if (client)
		vbus_client_close(client);
	if (r < 0)
		return error_report(object, "cannot read the kernel", NULL, NULL, r);
	json_object_object_add(result, "source", json_object_new_string("kernel"));
	*reply = result;
	result = NULL;
	return EXIT_OK;
}

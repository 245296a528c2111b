/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl bus create|destroy|set|show: CreateBus, DestroyBus, SetBus,
 * GetBuses. */
#include <stdio.h>

#include "object.h"
#include "output.h"
#include "macro.h"

#define CREATE_USAGE \
	"usage: vbusctl bus create NAME [KEY=VALUE...] [--may-exist]\n\n" \
	"Creates bus NAME. KEY is one of connector (none, loop, ivshmem),\n" \
	"region_size (bytes, a multiple of 4096; K, M, G), domain, uuid,\n" \
	"poll_us (microseconds the host polls before it sleeps, 0..10000).\n" \
	"--may-exist: an existing bus is given these attributes instead.\n"
#define DESTROY_USAGE \
	"usage: vbusctl bus destroy NAME [--if-exists] [--force]\n\n" \
	"Destroys bus NAME (disconnect its devices first). --if-exists: no error\n" \
	"when there is no such bus. --force: of a bus a fabric.d file defines too\n" \
	"(the next reload makes it again).\n"
#define SET_USAGE \
	"usage: vbusctl bus set NAME poll_us=N [--force]\n\n" \
	"Changes bus NAME's poll_us: how many microseconds its host worker\n" \
	"busy-polls the rings for more work before it asks the guest for a\n" \
	"doorbell and sleeps (0: never; 0..10000). The other bus attributes are\n" \
	"fixed when the bus is created. vbusctl stats shows what polling costs.\n" \
	"A bus a fabric.d file defines needs --force (until the next reload).\n"
#define SHOW_USAGE \
	"usage: vbusctl bus show [NAME...]\n\n" \
	"Shows every bus as a table, or the buses NAME as key: value lines.\n" \
	"-j prints vbusd's JSON: {\"buses\": [...]}.\n"

static const char *const table_keys[] = {
	"name", "connector", "region_size", "poll_us", "state", "domain", "devices",
};
static const char *const table_headers[] = {
	"NAME", "CONNECTOR", "REGION", "POLL_US", "STATE", "DOMAIN", "DEVICES",
};
static const char *const field_keys[] = {
	"name", "connector", "region_size", "poll_us", "state", "domain", "uuid", "devices",
	"managed", "source",
};

int bus_render(FILE *out, struct json_object *reply, bool listing)
{
	return object_render(out, reply, "buses", listing, table_headers, table_keys,
			     ELEMENTSOF(table_keys), field_keys,
			     ELEMENTSOF(field_keys));
}

static int bus_create(struct context *context, int argc, char **argv)
{
	return object_change(context, "bus", "CreateBus", ATTRIBUTE_BUS, CREATE_USAGE, argc, argv);
}

static int bus_destroy(struct context *context, int argc, char **argv)
{
	return object_destroy(context, "bus", "DestroyBus", DESTROY_USAGE, argc, argv);
}

static int bus_set(struct context *context, int argc, char **argv)
{
	return object_change(context, "bus", "SetBus", ATTRIBUTE_BUS_SET, SET_USAGE, argc, argv);
}

static int bus_show(struct context *context, int argc, char **argv)
{
	return object_show(context, "bus", "GetBuses", SHOW_USAGE, bus_render, argc, argv);
}

int command_bus(struct context *context, int argc, char **argv)
{
	static const struct command verbs[] = {
		{ "create", bus_create, "create a bus" },
		{ "destroy", bus_destroy, "destroy a bus" },
		{ "set", bus_set, "change a bus's poll_us" },
		{ "show", bus_show, "show buses" },
	};

	return command_dispatch(context, "bus", verbs, ELEMENTSOF(verbs), argc,
				argv);
}

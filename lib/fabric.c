/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fabric model: its buses and devices, where each was written, merging
 * several files, the model of what the kernel reports, and error lists. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric.h"

static int errors_addv(struct fabric_errors *errors, const char *format, va_list args)
{
	char **lines;
	char *line;

	if (vasprintf(&line, format, args) < 0)
		return -ENOMEM;
	lines = realloc(errors->lines, (errors->count + 1) * sizeof(*lines));
	if (!lines) {
		free(line);
		return -ENOMEM;
	}
	lines[errors->count++] = line;
	errors->lines = lines;
	return 0;
}

int fabric_errors_add(struct fabric_errors *errors, const char *format, ...)
{
	va_list args;
	int r;

	va_start(args, format);
	r = errors_addv(errors, format, args);
	va_end(args);
	return r;
}

void fabric_errors_clear(struct fabric_errors *errors)
{
	size_t i;

	for (i = 0; i < errors->count; i++)
		free(errors->lines[i]);
	free(errors->lines);
	errors->lines = NULL;
	errors->count = 0;
}

struct fabric *fabric_new(void)
{
	return calloc(1, sizeof(struct fabric));
}

void fabric_free(struct fabric *fabric)
{
	size_t i;

	if (!fabric)
		return;
	for (i = 0; i < fabric->file_count; i++)
		free(fabric->files[i]);
	free(fabric->files);
	free(fabric->buses);
	free(fabric->devices);
	free(fabric);
}

const char *fabric_intern_file(struct fabric *fabric, const char *file)
{
	char **files;
	size_t i;

	for (i = 0; i < fabric->file_count; i++)
		if (!strcmp(fabric->files[i], file))
			return fabric->files[i];
	files = realloc(fabric->files, (fabric->file_count + 1) * sizeof(*files));
	if (!files)
		return NULL;
	fabric->files = files;
	files[fabric->file_count] = strdup(file);
	if (!files[fabric->file_count])
		return NULL;
	return files[fabric->file_count++];
}

/* Room for one more element in *ARRAY of *CAPACITY elements of SIZE bytes. */
static int grow(void **array, size_t count, size_t *capacity, size_t size)
{
	size_t wanted = *capacity ? *capacity * 2 : 8;
	void *bigger;

	if (count < *capacity)
		return 0;
	bigger = reallocarray(*array, wanted, size);
	if (!bigger)
		return -ENOMEM;
	*array = bigger;
	*capacity = wanted;
	return 0;
}

/* ORIGIN with its file name made FABRIC's own. */
static int adopt_origin(struct fabric *fabric, struct fabric_origin *origin)
{
	if (!origin->file)
		return 0;
	origin->file = fabric_intern_file(fabric, origin->file);
	return origin->file ? 0 : -ENOMEM;
}

int fabric_add_bus(struct fabric *fabric, const struct fabric_bus *bus)
{
	struct fabric_bus copy = *bus;
	int r;

	r = adopt_origin(fabric, &copy.origin);
	if (r < 0)
		return r;
	r = grow((void **)&fabric->buses, fabric->bus_count, &fabric->bus_capacity,
		 sizeof(*fabric->buses));
	if (r < 0)
		return r;
	fabric->buses[fabric->bus_count++] = copy;
	return 0;
}

int fabric_add_device(struct fabric *fabric, const struct fabric_device *device)
{
	struct fabric_device copy = *device;
	int r;

	r = adopt_origin(fabric, &copy.origin);
	if (r < 0)
		return r;
	r = grow((void **)&fabric->devices, fabric->device_count, &fabric->device_capacity,
		 sizeof(*fabric->devices));
	if (r < 0)
		return r;
	fabric->devices[fabric->device_count++] = copy;
	return 0;
}

struct fabric_bus *fabric_find_bus(const struct fabric *fabric, const char *name)
{
	size_t i;

	for (i = 0; i < fabric->bus_count; i++)
		if (!strcmp(fabric->buses[i].info.name, name))
			return &fabric->buses[i];
	return NULL;
}

struct fabric_device *fabric_find_device(const struct fabric *fabric, const char *name)
{
	size_t i;

	for (i = 0; i < fabric->device_count; i++)
		if (!strcmp(fabric->devices[i].info.name, name))
			return &fabric->devices[i];
	return NULL;
}

/* By name, then by place in the array: the pointers point into one array. */
static int compare_names(const char *a, const char *b, const void *x, const void *y)
{
	int r = strcmp(a, b);

	if (r)
		return r;
	return x < y ? -1 : x > y;
}

static int compare_buses(const void *a, const void *b)
{
	const struct fabric_bus *x = *(const struct fabric_bus *const *)a;
	const struct fabric_bus *y = *(const struct fabric_bus *const *)b;

	return compare_names(x->info.name, y->info.name, x, y);
}

static int compare_devices(const void *a, const void *b)
{
	const struct fabric_device *x = *(const struct fabric_device *const *)a;
	const struct fabric_device *y = *(const struct fabric_device *const *)b;

	return compare_names(x->info.name, y->info.name, x, y);
}

int fabric_sort_buses(const struct fabric *fabric, const struct fabric_bus ***sorted)
{
	const struct fabric_bus **array;
	size_t i;

	array = calloc(fabric->bus_count + 1, sizeof(*array));
	if (!array)
		return -ENOMEM;
	for (i = 0; i < fabric->bus_count; i++)
		array[i] = &fabric->buses[i];
	qsort(array, fabric->bus_count, sizeof(*array), compare_buses);
	*sorted = array;
	return 0;
}

int fabric_sort_devices(const struct fabric *fabric, const struct fabric_device ***sorted)
{
	const struct fabric_device **array;
	size_t i;

	array = calloc(fabric->device_count + 1, sizeof(*array));
	if (!array)
		return -ENOMEM;
	for (i = 0; i < fabric->device_count; i++)
		array[i] = &fabric->devices[i];
	qsort(array, fabric->device_count, sizeof(*array), compare_devices);
	*sorted = array;
	return 0;
}

void fabric_remove_bus(struct fabric *fabric, struct fabric_bus *bus)
{
	size_t index = bus - fabric->buses;

	memmove(bus, bus + 1, (fabric->bus_count - index - 1) * sizeof(*bus));
	fabric->bus_count--;
}

void fabric_remove_device(struct fabric *fabric, struct fabric_device *device)
{
	size_t index = device - fabric->devices;

	memmove(device, device + 1, (fabric->device_count - index - 1) * sizeof(*device));
	fabric->device_count--;
}

int fabric_merge(struct fabric *into, const struct fabric *from)
{
	size_t i;
	int r;

	for (i = 0; i < from->bus_count; i++) {
		r = fabric_add_bus(into, &from->buses[i]);
		if (r < 0)
			return r;
	}
	for (i = 0; i < from->device_count; i++) {
		r = fabric_add_device(into, &from->devices[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

void fabric_bus_from_info(struct fabric_bus *bus, const struct vbus_bus_info *info)
{
	*bus = (struct fabric_bus){
		.info = *info,
		.present = FABRIC_BUS_F_CONNECTOR | FABRIC_BUS_F_REGION_SIZE,
	};
	if (info->domain[0])
		bus->present |= FABRIC_BUS_F_DOMAIN;
	if (info->has_uuid)
		bus->present |= FABRIC_BUS_F_UUID;
	if (info->has_poll_us)
		bus->present |= FABRIC_BUS_F_POLL_US;
}

void fabric_device_from_info(struct fabric_device *device, const struct vbus_device_info *info,
			     const char *bridge)
{
	*device = (struct fabric_device){ .info = *info };
	if (bridge)
		snprintf(device->bridge, sizeof(device->bridge), "%s", bridge);
}

static void object_path(const struct fabric_origin *origin, const char *array, const char *kind,
			const char *name, char *path, size_t size)
{
	if (origin->file)
		snprintf(path, size, "%s: $.%s[%zu]", origin->file, array, origin->index);
	else
		snprintf(path, size, "%s %s", kind, name);
}

void fabric_bus_path(const struct fabric_bus *bus, char *path, size_t size)
{
	object_path(&bus->origin, "buses", "bus", bus->info.name, path, size);
}

void fabric_device_path(const struct fabric_device *device, char *path, size_t size)
{
	object_path(&device->origin, "devices", "device", device->info.name, path, size);
}

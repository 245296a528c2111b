/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd's desired state on disk (fabric.d, fabric.json, pending.json) and
 * the overlay of one state on another. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"

int state_load_config(const char *dir, const struct fabric *existing, struct fabric **fabric,
		      struct fabric_errors *errors)
{
	_cleanup_free_ char *pattern = NULL;
	glob_t found = { 0 };
	int r;

	if (asprintf(&pattern, "%s/*.json", dir) < 0)
		return -ENOMEM;
	/* glob() sorts, so files apply in name order as fabric.d promises */
	r = glob(pattern, 0, NULL, &found);
	if (r == GLOB_NOMATCH || r == GLOB_ABORTED) {
		globfree(&found);
		*fabric = fabric_new();
		return *fabric ? 0 : -ENOMEM;
	}
	if (r != 0) {
		globfree(&found);
		return -ENOMEM;
	}
	r = fabric_load((const char *const *)found.gl_pathv, found.gl_pathc, existing, fabric,
			errors);
	globfree(&found);
	return r;
}

/* Objects of FABRIC named in messages by kind and name ("device web0"),
 * not by a place in a file the user did not write. */
void state_forget_origins(struct fabric *fabric)
{
	size_t i;

	for (i = 0; i < fabric->bus_count; i++)
		fabric->buses[i].origin = (struct fabric_origin){ 0 };
	for (i = 0; i < fabric->device_count; i++)
		fabric->devices[i].origin = (struct fabric_origin){ 0 };
}

int state_read(const char *path, struct fabric **fabric, struct fabric_errors *errors)
{
	int r;

	if (access(path, F_OK) < 0)
		return -errno;
	r = fabric_parse_file(path, fabric, errors);
	/* vbusd's own file: its objects are named, not placed, in messages */
	if (r >= 0 && *fabric)
		state_forget_origins(*fabric);
	return r;
}

static int sync_directory_of(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	int fd, r = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int write_all(int fd, const char *text, size_t length)
{
	while (length) {
		ssize_t n = write(fd, text, length);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		text += n;
		length -= n;
	}
	return 0;
}

int state_write(const char *path, const struct fabric *fabric)
{
	_cleanup_free_ char *text = NULL, *temporary = NULL;
	int fd, r;

	r = fabric_to_json(fabric, &text);
	if (r < 0)
		return r;
	if (asprintf(&temporary, "%s.tmp", path) < 0)
		return -ENOMEM;
	fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, strlen(text));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(temporary, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(temporary);
		return r;
	}
	return sync_directory_of(path);
}

int state_remove(const char *path)
{
	if (unlink(path) < 0)
		return errno == ENOENT ? 0 : -errno;
	return sync_directory_of(path);
}

struct fabric *state_union(const struct fabric *first, const struct fabric *second)
{
	struct fabric *both = state_copy(first);
	size_t i;

	for (i = 0; both && second && i < second->bus_count; i++)
		if (!fabric_find_bus(both, second->buses[i].info.name) &&
		    fabric_add_bus(both, &second->buses[i]) < 0)
			both = fabric_free_null(both);
	for (i = 0; both && second && i < second->device_count; i++)
		if (!fabric_find_device(both, second->devices[i].info.name) &&
		    fabric_add_device(both, &second->devices[i]) < 0)
			both = fabric_free_null(both);
	return both;
}

struct fabric *state_copy(const struct fabric *fabric)
{
	struct fabric *copy = fabric_new();

	if (copy && fabric_merge(copy, fabric) < 0) {
		fabric_free(copy);
		return NULL;
	}
	return copy;
}

int state_overlay(struct fabric *into, const struct fabric *from)
{
	struct fabric_device *device;
	struct fabric_bus *bus;
	size_t i;
	int r;

	for (i = 0; i < from->bus_count; i++) {
		bus = fabric_find_bus(into, from->buses[i].info.name);
		if (bus)
			fabric_remove_bus(into, bus);
		r = fabric_add_bus(into, &from->buses[i]);
		if (r < 0)
			return r;
	}
	for (i = 0; i < from->device_count; i++) {
		device = fabric_find_device(into, from->devices[i].info.name);
		if (device)
			fabric_remove_device(into, device);
		r = fabric_add_device(into, &from->devices[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

void state_drop_absent(struct fabric *fabric)
{
	size_t i;

	for (i = fabric->bus_count; i-- > 0;)
		if (fabric->buses[i].absent)
			fabric_remove_bus(fabric, &fabric->buses[i]);
	for (i = fabric->device_count; i-- > 0;)
		if (fabric->devices[i].absent)
			fabric_remove_device(fabric, &fabric->devices[i]);
}

void state_keep_bridges(struct fabric *into, const struct fabric *previous,
			const struct fabric *from)
{
	const struct fabric_device *before;
	struct fabric_device *device;
	size_t i;

	for (i = 0; i < from->device_count; i++) {
		if (from->devices[i].bridge[0] || from->devices[i].absent)
			continue;
		before = fabric_find_device(previous, from->devices[i].info.name);
		device = fabric_find_device(into, from->devices[i].info.name);
		if (before && device && before->bridge[0])
			snprintf(device->bridge, sizeof(device->bridge), "%s", before->bridge);
	}
}

void state_take_out(struct fabric *fabric, enum state_removal removal, const char *name)
{
	struct fabric_device *device = fabric_find_device(fabric, name);
	struct fabric_bus *bus = fabric_find_bus(fabric, name);
	size_t i;

	switch (removal) {
	case STATE_REMOVE_DEVICE:
		if (device)
			fabric_remove_device(fabric, device);
		break;
	case STATE_REMOVE_CONNECTION:
		if (device)
			device->info.bus[0] = '\0';
		break;
	case STATE_REMOVE_BUS:
		if (bus)
			fabric_remove_bus(fabric, bus);
		for (i = 0; i < fabric->device_count; i++)
			if (!strcmp(fabric->devices[i].info.bus, name))
				fabric->devices[i].info.bus[0] = '\0';
		break;
	}
}

struct fabric *state_removal_target(const struct fabric *actual, const struct fabric *desired)
{
	struct fabric *target = state_copy(actual);
	const struct fabric_device *now;
	struct fabric_device *device;
	size_t i;

	if (!target || state_overlay(target, desired) < 0) {
		fabric_free(target);
		return NULL;
	}
	for (i = 0; i < target->device_count; i++) {
		device = &target->devices[i];
		now = fabric_find_device(actual, device->info.name);
		if (!device->info.bus[0] && now)
			snprintf(device->info.bus, VBUS_NAME_MAX, "%s", now->info.bus);
	}
	return target;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The checks a schema cannot make, over the whole (merged) fabric: names used
 * twice, buses that do not exist or go, limits, shared interfaces and
 * addresses. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric.h"

/* At most this many bus names are listed in "(expected one of ...)". */
#define LISTED_BUSES	8

struct checker {
	const struct fabric *fabric;
	struct fabric_errors *errors;
	int result;
};

/* An error about MEMBER (e.g. ".name", "" for the object) of the object at
 * PATH. */
static void report(struct checker *checker, const char *path, const char *member,
		   const char *format, ...) __attribute__((format(printf, 4, 5)));

static void report(struct checker *checker, const char *path, const char *member,
		   const char *format, ...)
{
	char message[512];
	va_list args;

	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	if (fabric_errors_add(checker->errors, "%s%s: %s", path, member, message) < 0)
		checker->result = -ENOMEM;
	else if (checker->result == 0)
		checker->result = -EINVAL;
}

/* FIRST (a path of fabric_*_path()) as a message about an object of FILE
 * shows it: without the file name when it is FILE's. */
static const char *relative(const char *first, const char *file)
{
	size_t length = file ? strlen(file) : 0;

	if (file && !strncmp(first, file, length) && !strncmp(first + length, ": ", 2))
		return first + length + 2;
	return first;
}

/* A KIND ("bus") NAME at PATH (ABSENT or not) that FIRST (FIRST_ABSENT or
 * not) has too: declared absent in one place and defined in the other is a
 * contradiction, and said so. */
static void report_twice(struct checker *checker, const char *kind, const char *name,
			 const char *path, bool absent, const char *first, bool first_absent)
{
	if (absent && !first_absent)
		report(checker, path, ".state",
		       "%s \"%s\" is declared absent, but %s defines it (expected one or the other)",
		       kind, name, first);
	else if (!absent && first_absent)
		report(checker, path, ".name",
		       "%s \"%s\" is defined, but %s declares it absent (expected one or the other)",
		       kind, name, first);
	else
		report(checker, path, ".name",
		       "\"%s\" is also the name of %s (expected each %s name once)", name, first,
		       kind);
}

static void check_bus_names(struct checker *checker, const struct fabric_bus **buses)
{
	char path[128], first[128];
	size_t i;

	for (i = 1; i < checker->fabric->bus_count; i++) {
		if (strcmp(buses[i]->info.name, buses[i - 1]->info.name))
			continue;
		fabric_bus_path(buses[i], path, sizeof(path));
		fabric_bus_path(buses[i - 1], first, sizeof(first));
		report_twice(checker, "bus", buses[i]->info.name, path, buses[i]->absent,
			     relative(first, buses[i]->origin.file), buses[i - 1]->absent);
	}
}

static void check_device_names(struct checker *checker, const struct fabric_device **devices)
{
	char path[128], first[128];
	size_t i;

	for (i = 1; i < checker->fabric->device_count; i++) {
		if (strcmp(devices[i]->info.name, devices[i - 1]->info.name))
			continue;
		fabric_device_path(devices[i], path, sizeof(path));
		fabric_device_path(devices[i - 1], first, sizeof(first));
		report_twice(checker, "device", devices[i]->info.name, path, devices[i]->absent,
			     relative(first, devices[i]->origin.file), devices[i - 1]->absent);
	}
}

static int compare_bus_name(const void *key, const void *element)
{
	return strcmp(key, (*(const struct fabric_bus *const *)element)->info.name);
}

static const struct fabric_bus *find_bus(const struct fabric_bus **buses, size_t count,
					 const char *name)
{
	const struct fabric_bus **found;

	found = bsearch(name, buses, count, sizeof(*buses), compare_bus_name);
	return found ? *found : NULL;
}

/* Each device's bus that the fabric has stays, and has room for its
 * devices; the others are for check_references(). */
static void check_connections(struct checker *checker, const struct fabric_bus **buses,
			      const struct fabric_device **devices)
{
	const struct fabric *fabric = checker->fabric;
	_cleanup_free_ size_t *counts = calloc(fabric->bus_count + 1, sizeof(size_t));
	const struct fabric_bus *bus;
	char path[128], first[128];
	size_t i;

	if (!counts) {
		checker->result = -ENOMEM;
		return;
	}
	for (i = 0; i < fabric->device_count; i++) {
		if (!devices[i]->info.bus[0] || devices[i]->absent)
			continue;
		bus = find_bus(buses, fabric->bus_count, devices[i]->info.bus);
		if (bus && !bus->absent) {
			counts[bus - fabric->buses]++;
			continue;
		}
		if (!bus)
			continue;
		fabric_device_path(devices[i], path, sizeof(path));
		fabric_bus_path(bus, first, sizeof(first));
		report(checker, path, ".bus",
		       "\"%s\" is declared absent in %s (expected a bus that stays, or this device absent too)",
		       devices[i]->info.bus, relative(first, devices[i]->origin.file));
	}
	for (i = 0; i < fabric->bus_count; i++) {
		if (counts[i] <= VBUS_BUS_MAX_DEVICES)
			continue;
		fabric_bus_path(&fabric->buses[i], path, sizeof(path));
		report(checker, path, "", "%zu devices are on bus \"%s\" (expected at most %d)",
		       counts[i], fabric->buses[i].info.name, VBUS_BUS_MAX_DEVICES);
	}
}

static void check_counts(struct checker *checker)
{
	const struct fabric *fabric = checker->fabric;
	char path[128];

	if (fabric->bus_count > VBUS_MAX_BUSES) {
		fabric_bus_path(&fabric->buses[VBUS_MAX_BUSES], path, sizeof(path));
		report(checker, path, "", "the fabric has %zu buses (expected at most %d)",
		       fabric->bus_count, VBUS_MAX_BUSES);
	}
	if (fabric->device_count > VBUS_MAX_DEVICES) {
		fabric_device_path(&fabric->devices[VBUS_MAX_DEVICES], path, sizeof(path));
		report(checker, path, "", "the fabric has %zu devices (expected at most %d)",
		       fabric->device_count, VBUS_MAX_DEVICES);
	}
}

/* A device with the host interface it will have, for the sort below. */
struct interface {
	char ifname[VBUS_IFNAME_MAX];
	const struct fabric_device *device;
};

static int compare_interfaces(const void *a, const void *b)
{
	const struct interface *x = a, *y = b;
	int r = strcmp(x->ifname, y->ifname);

	if (r)
		return r;
	return x->device < y->device ? -1 : x->device > y->device;
}

/* Two devices may not have the same host interface, named or by default. */
static void check_interfaces(struct checker *checker)
{
	const struct fabric *fabric = checker->fabric;
	_cleanup_free_ struct interface *interfaces = NULL;
	const struct fabric_device *device;
	char path[128], first[128];
	size_t i, count = 0;

	interfaces = calloc(fabric->device_count + 1, sizeof(*interfaces));
	if (!interfaces) {
		checker->result = -ENOMEM;
		return;
	}
	for (i = 0; i < fabric->device_count; i++) {
		device = &fabric->devices[i];
		if (device->absent)
			continue;
		interfaces[count].device = device;
		if (device->info.venet.present & VBUS_VENET_F_IFNAME)
			memcpy(interfaces[count].ifname, device->info.venet.ifname, VBUS_IFNAME_MAX);
		else
			vbus_venet_default_ifname(device->info.name, interfaces[count].ifname);
		count++;
	}
	qsort(interfaces, count, sizeof(*interfaces), compare_interfaces);
	for (i = 1; i < count; i++) {
		device = interfaces[i].device;
		/* the same name is reported as such */
		if (strcmp(interfaces[i].ifname, interfaces[i - 1].ifname) ||
		    !strcmp(device->info.name, interfaces[i - 1].device->info.name))
			continue;
		fabric_device_path(device, path, sizeof(path));
		fabric_device_path(interfaces[i - 1].device, first, sizeof(first));
		if (device->info.venet.present & VBUS_VENET_F_IFNAME)
			report(checker, path, ".ifname",
			       "\"%s\" is also the host interface of %s (expected each interface name once)",
			       interfaces[i].ifname, relative(first, device->origin.file));
		else
			report(checker, path, ".name",
			       "its default host interface \"%s\" is also that of %s (expected each interface name once: set \"ifname\")",
			       interfaces[i].ifname, relative(first, device->origin.file));
	}
}

static int compare_macs(const void *a, const void *b)
{
	const struct fabric_device *x = *(const struct fabric_device *const *)a;
	const struct fabric_device *y = *(const struct fabric_device *const *)b;
	int r = memcmp(x->info.venet.mac, y->info.venet.mac, VBUS_MAC_LEN);

	if (r)
		return r;
	return x < y ? -1 : x > y;
}

/* Two devices given the same MAC address would collide on any bridge. */
static void check_macs(struct checker *checker)
{
	const struct fabric *fabric = checker->fabric;
	_cleanup_free_ const struct fabric_device **devices = NULL;
	char path[128], first[128], mac[VBUS_MAC_STRLEN];
	size_t i, count = 0;

	devices = calloc(fabric->device_count + 1, sizeof(*devices));
	if (!devices) {
		checker->result = -ENOMEM;
		return;
	}
	for (i = 0; i < fabric->device_count; i++)
		if (fabric->devices[i].info.venet.present & VBUS_VENET_F_MAC)
			devices[count++] = &fabric->devices[i];
	qsort(devices, count, sizeof(*devices), compare_macs);
	for (i = 1; i < count; i++) {
		if (memcmp(devices[i]->info.venet.mac, devices[i - 1]->info.venet.mac, VBUS_MAC_LEN))
			continue;
		fabric_device_path(devices[i], path, sizeof(path));
		fabric_device_path(devices[i - 1], first, sizeof(first));
		vbus_mac_format(devices[i]->info.venet.mac, mac);
		report(checker, path, ".mac",
		       "\"%s\" is also the MAC address of %s (expected each MAC address once)", mac,
		       relative(first, devices[i]->origin.file));
	}
}

int fabric_check(const struct fabric *fabric, struct fabric_errors *errors)
{
	_cleanup_free_ const struct fabric_device **devices = NULL;
	_cleanup_free_ const struct fabric_bus **buses = NULL;
	struct checker checker = { .fabric = fabric, .errors = errors };
	int r;

	r = fabric_sort_buses(fabric, &buses);
	if (r < 0)
		return r;
	r = fabric_sort_devices(fabric, &devices);
	if (r < 0)
		return r;
	check_bus_names(&checker, buses);
	check_device_names(&checker, devices);
	check_connections(&checker, buses, devices);
	check_counts(&checker);
	check_interfaces(&checker);
	check_macs(&checker);
	return checker.result;
}

/* --- references: the fabric with what exists besides it ----------------------- */

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "(expected one of its buses: vm1, vm2)", or fewer words with many: NAMES
 * (sorted, COUNT) are the buses there are; OR_KERNEL: the kernel's too. */
static void expected_buses(const char **names, size_t count, bool or_kernel, char *text,
			   size_t size)
{
	size_t length, distinct = 0, i;

	for (i = 0; i < count; i++)
		distinct += !i || strcmp(names[i], names[i - 1]);
	if (distinct == 0) {
		snprintf(text, size, "a bus under \"buses\"; the fabric has none%s",
			 or_kernel ? ", nor the kernel" : "");
		return;
	}
	if (distinct > LISTED_BUSES) {
		snprintf(text, size, "the name of one of its %zu buses", distinct);
		return;
	}
	length = snprintf(text, size, "one of its buses:");
	for (i = 0; i < count && length < size; i++)
		if (!i || strcmp(names[i], names[i - 1]))
			length += snprintf(text + length, size - length, "%s %s", i ? "," : "",
					   names[i]);
}

/* A device's bus that is neither FABRIC's nor EXISTING's. */
static void check_buses_exist(struct checker *checker, const struct fabric *existing)
{
	const struct fabric *fabric = checker->fabric;
	size_t count = 0, i, known = fabric->bus_count + (existing ? existing->bus_count : 0);
	_cleanup_free_ const char **names = calloc(known + 1, sizeof(char *));
	const struct fabric_device *device;
	char path[128], expected[512];

	if (!names) {
		checker->result = -ENOMEM;
		return;
	}
	for (i = 0; i < fabric->bus_count; i++)
		if (!fabric->buses[i].absent)
			names[count++] = fabric->buses[i].info.name;
	for (i = 0; existing && i < existing->bus_count; i++)
		if (!fabric_find_bus(fabric, existing->buses[i].info.name))
			names[count++] = existing->buses[i].info.name;
	qsort(names, count, sizeof(*names), compare_names);
	for (i = 0; i < fabric->device_count; i++) {
		device = &fabric->devices[i];
		if (device->absent || !device->info.bus[0] ||
		    fabric_find_bus(fabric, device->info.bus) ||
		    (existing && fabric_find_bus(existing, device->info.bus)))
			continue;
		fabric_device_path(device, path, sizeof(path));
		expected_buses(names, count, existing != NULL, expected, sizeof(expected));
		report(checker, path, ".bus", "\"%s\" is not a bus of the fabric%s (expected %s)",
		       device->info.bus, existing ? " or of the kernel" : "", expected);
	}
}

/* Whether EXISTING's DEVICE stays on the bus it is on: FABRIC does not
 * declare it absent, nor put it on another bus (nor on this one: that is
 * check_connections()'s). */
static bool stays(const struct fabric *fabric, const struct fabric_device *device)
{
	const struct fabric_device *wanted = fabric_find_device(fabric, device->info.name);

	return !wanted || (!wanted->absent && !wanted->info.bus[0]);
}

/* A bus declared absent that EXISTING's devices would stay on. */
static void check_absent_buses(struct checker *checker, const struct fabric *existing)
{
	const struct fabric *fabric = checker->fabric;
	const struct fabric_bus *bus;
	char path[128], names[256];
	size_t i, j, length, count;

	for (i = 0; existing && i < fabric->bus_count; i++) {
		bus = &fabric->buses[i];
		if (!bus->absent)
			continue;
		names[0] = '\0';
		length = count = 0;
		for (j = 0; j < existing->device_count; j++) {
			if (strcmp(existing->devices[j].info.bus, bus->info.name) ||
			    !stays(fabric, &existing->devices[j]))
				continue;
			if (length < sizeof(names))
				length += snprintf(names + length, sizeof(names) - length, "%s%s",
						   count ? ", " : "", existing->devices[j].info.name);
			count++;
		}
		if (!count)
			continue;
		fabric_bus_path(bus, path, sizeof(path));
		report(checker, path, ".state",
		       "bus \"%s\" is declared absent, but device%s %s would stay on it (expected %s declared absent too, or on another bus)",
		       bus->info.name, count == 1 ? "" : "s", names, count == 1 ? "it" : "them");
	}
}

int fabric_check_references(const struct fabric *fabric, const struct fabric *existing,
			    struct fabric_errors *errors)
{
	struct checker checker = { .fabric = fabric, .errors = errors };

	check_buses_exist(&checker, existing);
	check_absent_buses(&checker, existing);
	return checker.result;
}

const struct fabric fabric_references_later;

/* Parses SOURCES into one fabric and checks it (its references against
 * EXISTING), unless INCOMPLETE (a file could not be read) or a file is not
 * JSON: its objects would seem missing. */
static int load(const struct fabric_source *sources, size_t count, bool incomplete,
		const struct fabric *existing, struct fabric **result,
		struct fabric_errors *errors)
{
	_cleanup_(fabric_freep) struct fabric *fabric = fabric_new();
	int r, failed = incomplete ? -EINVAL : 0;
	size_t i;

	*result = NULL;
	if (!fabric)
		return -ENOMEM;
	/* every file is parsed, so that all their errors are reported at once */
	for (i = 0; i < count; i++) {
		_cleanup_(fabric_freep) struct fabric *file = NULL;

		r = fabric_parse_partial(sources[i].text, sources[i].length, sources[i].name, &file,
					 errors);
		if (r == -ENOMEM)
			return r;
		failed = failed ?: r;
		if (!file)
			incomplete = true;
		else if ((r = fabric_merge(fabric, file)) < 0)
			return r;
	}
	r = incomplete ? 0 : fabric_check(fabric, errors);
	if (!incomplete && r != -ENOMEM && existing != FABRIC_REFERENCES_LATER)
		r = fabric_check_references(fabric, existing, errors) ?: r;
	if (r == -ENOMEM || failed || r < 0)
		return r == -ENOMEM ? r : failed ?: r;
	*result = fabric;
	fabric = NULL;
	return 0;
}

int fabric_load_sources(const struct fabric_source *sources, size_t count,
			const struct fabric *existing, struct fabric **result,
			struct fabric_errors *errors)
{
	return load(sources, count, false, existing, result, errors);
}

int fabric_load(const char *const *paths, size_t count, const struct fabric *existing,
		struct fabric **result, struct fabric_errors *errors)
{
	_cleanup_free_ struct fabric_source *sources = calloc(count + 1, sizeof(*sources));
	bool incomplete = false;
	size_t i, read = 0;
	int r = 0;

	*result = NULL;
	if (!sources)
		return -ENOMEM;
	for (i = 0; i < count && r != -ENOMEM; i++) {
		char *text;

		r = fabric_read_file(paths[i], &text, &sources[read].length, errors);
		if (r < 0) {
			incomplete = true;
			continue;
		}
		sources[read].name = paths[i];
		sources[read++].text = text;
	}
	if (r != -ENOMEM)
		r = load(sources, read, incomplete, existing, result, errors);
	for (i = 0; i < read; i++)
		free((char *)sources[i].text);
	return r;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libvirt domains' vbus, kept by vbusd (domains.h says what and why). Runs
 * on the loop only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain-metadata.h"
#include "domains.h"
#include "error.h"
#include "kernel.h"
#include "log.h"
#include "manager.h"
#include "plan.h"
#include "state.h"

/* What vbusd last knew of a domain with vbus metadata. */
struct record {
	char uuid[37];
	char name[256];
	bool running;
	char bus[VBUS_NAME_MAX];		/* "": the metadata never read */
	struct domain_vbus_device *devices;
	size_t device_count;
	char error[256];			/* the metadata's, logged once */
};

struct domains {
	struct manager *manager;
	struct record *records;
	size_t record_count;
	uint64_t resync;			/* the libvirt resync last seen */
};

static void record_clear(struct record *record)
{
	free(record->devices);
	record->devices = NULL;
	record->device_count = 0;
}

static void records_free(struct record *records, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		record_clear(&records[i]);
	free(records);
}

int domains_new(struct manager *manager, struct domains **result)
{
	struct domains *domains = calloc(1, sizeof(*domains));

	if (!domains)
		return -ENOMEM;
	domains->manager = manager;
	*result = domains;
	return 0;
}

void domains_free(struct domains *domains)
{
	if (!domains)
		return;
	records_free(domains->records, domains->record_count);
	free(domains);
}

static struct record *record_find(struct record *records, size_t count, const char *uuid)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (!strcasecmp(records[i].uuid, uuid))
			return &records[i];
	return NULL;
}

static void domain_log(int priority, const struct record *record, const char *format,
		       const char *what)
{
	log_domain(priority, record->name, record->uuid, format, what);
}

static const struct domain_vbus_device *device_find(const struct domain_vbus_device *devices,
						    size_t count, const char *name)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (!strcmp(devices[i].name, name))
			return &devices[i];
	return NULL;
}

/* Applies REQUEST (its source names the domain); a failure is logged by
 * the manager with that source, and here with the domain's fields. */
static void run(struct domains *domains, const struct record *record,
		const struct apply_request *request)
{
	_cleanup_free_ char *result = NULL;
	char error[2048];

	if (manager_apply(domains->manager, request, &result, error, sizeof(error)) < 0)
		domain_log(LOG_ERR, record, "domain %s (%s): %s", error);
}

/* --- a running domain: its bus and devices there ------------------------------ */

/* The domain's objects as MERGED has them, over the kernel as it is: what
 * a change of them alone aims at (the plan touches nothing else). */
static struct fabric *ensure_target(const struct fabric *actual, const struct fabric *merged,
				    const struct fabric *fabric)
{
	_cleanup_(fabric_freep) struct fabric *aimed = fabric_new(), *target = state_copy(actual);
	const struct fabric_device *device;
	const struct fabric_bus *bus;
	struct fabric *result;
	size_t i;

	if (!aimed || !target)
		return NULL;
	for (i = 0; i < fabric->bus_count; i++)
		if ((bus = fabric_find_bus(merged, fabric->buses[i].info.name)) &&
		    fabric_add_bus(aimed, bus) < 0)
			return NULL;
	for (i = 0; i < fabric->device_count; i++)
		if ((device = fabric_find_device(merged, fabric->devices[i].info.name)) &&
		    fabric_add_device(aimed, device) < 0)
			return NULL;
	if (state_overlay(target, aimed) < 0)
		return NULL;
	result = target;
	target = NULL;
	return result;
}

/* Whether applying MERGED aimed at TARGET would change anything: in the
 * kernel, or in the desired state. */
static int changes(const struct fabric *target, const struct fabric *actual,
		   const struct fabric *merged, const struct fabric *desired)
{
	_cleanup_(plan_freep) struct plan *kernel = NULL, *wanted = NULL;
	int r;

	r = plan_compute(target, actual, false, &kernel);
	if (r < 0)
		return r;
	if (kernel->count)
		return 1;
	r = plan_compute(merged, desired, false, &wanted);
	if (r < 0)
		return r;
	return wanted->count > 0;
}

static void ensure(struct domains *domains, const struct record *record,
		   const struct domain_vbus *vbus)
{
	_cleanup_(fabric_freep) struct fabric *fabric = NULL, *merged = NULL, *actual = NULL,
		*target = NULL;
	const struct fabric *desired = manager_desired(domains->manager);
	struct fabric_errors errors = { 0 };
	const char *text;
	char source[VBUS_DOMAIN_MAX + 16], message[2048];
	int r;

	snprintf(source, sizeof(source), "domain %s", record->name);
	text = json_object_to_json_string_ext(vbus->fabric, JSON_C_TO_STRING_PLAIN);
	if (fabric_parse(text, strlen(text), source, &fabric, &errors) < 0 ||
	    fabric_check(fabric, &errors) < 0)
		goto invalid;
	merged = state_copy(desired);
	if (!merged || state_overlay(merged, fabric) < 0)
		goto memory;
	if (fabric_check(merged, &errors) < 0)
		goto invalid;
	state_keep_bridges(merged, desired, fabric);
	r = manager_read_kernel(domains->manager, &actual);
	if (r < 0) {
		domain_log(LOG_ERR, record, "domain %s (%s): cannot read the kernel: %s",
			   strerror(-r));
		return;
	}
	target = ensure_target(actual, merged, fabric);
	if (!target)
		goto memory;
	r = changes(target, actual, merged, desired);
	if (r < 0)
		goto memory;
	if (!r)
		return;
	domain_log(LOG_INFO, record, "domain %s (%s): %s", "running: its vbus made as its metadata says");
	run(domains, record, &(struct apply_request){ .desired = merged, .target = target,
						      .source = source });
	return;
invalid:
	error_join(&errors, message, sizeof(message));
	fabric_errors_clear(&errors);
	domain_log(LOG_ERR, record, "domain %s (%s): its vbus metadata: %s", message);
	return;
memory:
	domain_log(LOG_ERR, record, "domain %s (%s): %s", "out of memory");
}

/* --- what a domain no longer runs with: taken down ------------------------------ */

/*
 * Takes down DEVICES of RECORD (each: persistent = disconnected, else
 * destroyed) and, with BUS_TOO, its bus when the bus carries the domain's
 * UUID. Only what the desired state has there and no fabric.d file
 * defines; WHY names the cause in the log and the apply's source.
 */
static void take_down(struct domains *domains, const struct record *record,
		      const struct domain_vbus_device *devices, size_t count, bool bus_too,
		      const char *why)
{
	_cleanup_(fabric_freep) struct fabric *desired = NULL, *actual = NULL, *target = NULL;
	struct manager *manager = domains->manager;
	const struct fabric *now = manager_desired(manager);
	const struct fabric_device *device;
	const struct fabric_bus *bus;
	enum state_removal *kinds = NULL;
	const char **names = NULL;
	char source[VBUS_DOMAIN_MAX + 64], uuid[VBUS_UUID_STRLEN];
	size_t i, taken = 0;
	int r;

	if (!record->bus[0])
		return;
	desired = state_copy(now);
	kinds = calloc(count + 1, sizeof(*kinds));
	names = calloc(count + 1, sizeof(*names));
	if (!desired || !kinds || !names)
		goto out;
	for (i = 0; i < count; i++) {
		device = fabric_find_device(now, devices[i].name);
		if (!device || manager_owner(manager, &device->origin) ||
		    (device->info.bus[0] && strcmp(device->info.bus, record->bus)))
			continue;
		if (devices[i].persistent && !device->info.bus[0])
			continue;
		kinds[taken] = devices[i].persistent ? STATE_REMOVE_CONNECTION :
						       STATE_REMOVE_DEVICE;
		names[taken++] = devices[i].name;
	}
	bus = fabric_find_bus(now, record->bus);
	if (bus_too && bus && !manager_owner(manager, &bus->origin) && bus->info.has_uuid) {
		vbus_uuid_format(bus->info.uuid, uuid);
		if (!strcasecmp(uuid, record->uuid)) {
			kinds[taken] = STATE_REMOVE_BUS;
			names[taken++] = record->bus;
		}
	}
	if (!taken)
		goto out;
	for (i = 0; i < taken; i++)
		state_take_out(desired, kinds[i], names[i]);
	r = manager_read_kernel(manager, &actual);
	if (r < 0) {
		domain_log(LOG_ERR, record, "domain %s (%s): cannot read the kernel: %s",
			   strerror(-r));
		goto out;
	}
	target = state_removal_target(actual, desired);
	if (!target)
		goto out;
	for (i = 0; i < taken; i++)
		state_take_out(target, kinds[i], names[i]);
	snprintf(source, sizeof(source), "domain %s %s", record->name, why);
	domain_log(LOG_INFO, record, "domain %s (%s): %s: its vbus taken down", why);
	run(domains, record, &(struct apply_request){ .desired = desired, .target = target,
						      .prune = true, .source = source });
out:
	free(kinds);
	free(names);
}

/* The devices of BEFORE that NOW lacks: hot-unplugged from the running domain. */
static void unplug_removed(struct domains *domains, const struct record *before,
			   const struct record *now)
{
	struct domain_vbus_device *gone;
	size_t i, count = 0;

	gone = calloc(before->device_count + 1, sizeof(*gone));
	if (!gone)
		return;
	for (i = 0; i < before->device_count; i++)
		if (!device_find(now->devices, now->device_count, before->devices[i].name))
			gone[count++] = before->devices[i];
	if (count)
		take_down(domains, before, gone, count, false, "metadata edited");
	free(gone);
}

/* --- one sync ------------------------------------------------------------------ */

/* RECORD from DOMAIN; its metadata read into VBUS (false: unreadable, and
 * logged once per distinct error; RECORD then keeps what PREVIOUS knew). */
static bool record_fill(struct record *record, const struct libvirt_domain *domain,
			const struct record *previous, struct domain_vbus *vbus)
{
	char error[256];

	snprintf(record->uuid, sizeof(record->uuid), "%s", domain->uuid);
	snprintf(record->name, sizeof(record->name), "%s", domain->name);
	record->running = domain->running;
	if (domain_vbus_parse(domain->metadata, strlen(domain->metadata), vbus, error,
			      sizeof(error)) < 0 || !vbus->present ||
	    domain_vbus_set_domain(vbus, domain->name, domain->uuid) < 0) {
		if (!vbus->present && !error[0])
			snprintf(error, sizeof(error), "no vbus element");
		if (!previous || strcmp(previous->error, error))
			domain_log(LOG_ERR, record, "domain %s (%s): its vbus metadata: %s",
				   error);
		snprintf(record->error, sizeof(record->error), "%s", error);
		domain_vbus_clear(vbus);
		if (previous && previous->device_count) {
			snprintf(record->bus, sizeof(record->bus), "%s", previous->bus);
			record->devices = calloc(previous->device_count, sizeof(*record->devices));
			if (record->devices) {
				memcpy(record->devices, previous->devices,
				       previous->device_count * sizeof(*record->devices));
				record->device_count = previous->device_count;
			}
		}
		return false;
	}
	snprintf(record->bus, sizeof(record->bus), "%s", vbus->bus);
	record->devices = calloc(vbus->device_count + 1, sizeof(*record->devices));
	if (record->devices) {
		memcpy(record->devices, vbus->devices, vbus->device_count * sizeof(*record->devices));
		record->device_count = vbus->device_count;
	}
	return true;
}

static void sync_domain(struct domains *domains, const struct record *previous,
			const struct record *record, const struct domain_vbus *vbus, bool resync)
{
	if (record->running) {
		if (previous && previous->running && strcmp(previous->bus, record->bus))
			take_down(domains, previous, previous->devices, previous->device_count, true,
				  "moved to another bus");
		else if (previous && previous->running)
			unplug_removed(domains, previous, record);
		if (vbus)
			ensure(domains, record, vbus);
	} else if (previous && previous->running) {
		/* what it ran with: its live metadata may have had more */
		take_down(domains, previous, previous->devices, previous->device_count, true,
			  "not running");
		if (strcmp(previous->bus, record->bus))
			take_down(domains, record, record->devices, record->device_count, true,
				  "not running");
	} else if (!previous && resync) {
		take_down(domains, record, record->devices, record->device_count, true,
			  "not running");
	}
}

void domains_sync(struct domains *domains, struct libvirt_connection *connection)
{
	struct libvirt_domain *list = NULL;
	struct record *records = NULL, *previous;
	struct domain_vbus vbus;
	size_t count = 0, i;
	uint64_t resync;
	bool connected, first, readable;

	if (libvirt_connection_domains(connection, &list, &count, &resync, &connected) < 0) {
		log_error("libvirt: out of memory: the domains are not followed");
		return;
	}
	if (!connected || !resync)
		goto out;
	first = domains->resync == 0;
	domains->resync = resync;
	records = calloc(count + 1, sizeof(*records));
	if (!records)
		goto out;
	for (i = 0; i < count; i++) {
		previous = record_find(domains->records, domains->record_count, list[i].uuid);
		readable = record_fill(&records[i], &list[i], previous, &vbus);
		sync_domain(domains, previous, &records[i], readable ? &vbus : NULL, first);
		if (readable)
			domain_vbus_clear(&vbus);
	}
	/* gone from the list: undefined, or its vbus metadata removed */
	for (i = 0; i < domains->record_count; i++) {
		previous = &domains->records[i];
		if (previous->running && !record_find(records, count, previous->uuid))
			take_down(domains, previous, previous->devices, previous->device_count,
				  true, "without vbus metadata now");
	}
	records_free(domains->records, domains->record_count);
	domains->records = records;
	domains->record_count = count;
out:
	libvirt_domains_free(list, count);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Drift: what others change in the kernel. Attribute changes are adopted;
 * managed buses, devices and connections that disappear are restored (the
 * manager runs the apply) or reported, as --drift says. vbusd's own changes
 * never count: the check compares the kernel with the desired state after
 * the fact, and adoption compares an event with the view vbusd last read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "fabric-attribute.h"
#include "log.h"

struct drift {
	sd_event *event;
	enum drift_policy policy;
	sd_event_source *check_source;	/* deferred, while a check is due */
	void (*check)(void *userdata);
	void *userdata;
	struct drift_entry *entries;	/* reported */
	size_t count;
};

const char *drift_policy_to_string(enum drift_policy policy)
{
	return policy == DRIFT_REPORT ? "report" : "restore";
}

int drift_new(sd_event *event, enum drift_policy policy, void (*check)(void *userdata),
	      void *userdata, struct drift **result)
{
	struct drift *drift = calloc(1, sizeof(*drift));

	if (!drift)
		return -ENOMEM;
	drift->event = event ? sd_event_ref(event) : NULL;
	drift->policy = policy;
	drift->check = check;
	drift->userdata = userdata;
	*result = drift;
	return 0;
}

void drift_free(struct drift *drift)
{
	if (!drift)
		return;
	sd_event_source_disable_unref(drift->check_source);
	sd_event_unref(drift->event);
	free(drift->entries);
	free(drift);
}

enum drift_policy drift_policy(const struct drift *drift)
{
	return drift->policy;
}

bool drift_event_matters(const struct fabric *desired, const struct vbus_event *event)
{
	switch (event->cmd) {
	case VBUS_CMD_BUS_DEL:
		return fabric_find_bus(desired, event->bus.name);
	case VBUS_CMD_DEVICE_DEL:
	case VBUS_CMD_DISCONNECT:
		return fabric_find_device(desired, event->device.name);
	}
	return false;
}

static int on_check(sd_event_source *source, void *userdata)
{
	struct drift *drift = userdata;

	drift->check_source = sd_event_source_disable_unref(source);
	drift->check(drift->userdata);
	return 0;
}

void drift_check_later(struct drift *drift)
{
	int r;

	if (drift->check_source || !drift->event)
		return;
	r = sd_event_add_defer(drift->event, &drift->check_source, on_check, drift);
	if (r < 0) {
		log_error_errno(r, "cannot schedule a drift check: %m");
		drift->check_source = NULL;
	}
}

/* The attributes the kernel keeps that others can change: its numbers. */
static bool adoptable(const struct fabric_attribute *attribute)
{
	return attribute->flag && attribute->kind == FABRIC_ATTRIBUTE_U32;
}

bool drift_adopt(struct fabric_device *wanted, const struct fabric_device *now,
		 const struct fabric_device *before, char *changes, size_t size)
{
	const struct fabric_attribute *attribute;
	char value[32];
	size_t i, length;

	changes[0] = '\0';
	for (i = 0; i < fabric_attribute_count; i++) {
		attribute = &fabric_attributes[i];
		if (!adoptable(attribute) || !fabric_attribute_is_set(attribute, now))
			continue;
		if (before && fabric_attribute_equal(attribute, before, now))
			continue;
		if (!before && !fabric_attribute_is_set(attribute, wanted))
			continue;
		if (fabric_attribute_is_set(attribute, wanted) &&
		    fabric_attribute_equal(attribute, wanted, now))
			continue;
		fabric_attribute_copy(attribute, wanted, now);
		fabric_attribute_format(attribute, now, value, sizeof(value));
		length = strlen(changes);
		snprintf(changes + length, size - length, "%s%s %s", length ? ", " : "",
			 attribute->name, value);
	}
	return changes[0];
}

static void add_entry(struct drift_entry **entries, size_t *count, const char *object,
		      const char *name, const char *what)
{
	struct drift_entry *bigger;
	size_t i;

	for (i = 0; i < *count; i++)
		if (!strcmp((*entries)[i].object, object) && !strcmp((*entries)[i].name, name))
			return;
	bigger = reallocarray(*entries, *count + 1, sizeof(*bigger));
	if (!bigger)
		return;
	*entries = bigger;
	bigger = &bigger[(*count)++];
	snprintf(bigger->object, sizeof(bigger->object), "%s", object);
	snprintf(bigger->name, sizeof(bigger->name), "%s", name);
	snprintf(bigger->what, sizeof(bigger->what), "%s", what);
}

static void log_entry(const struct drift_entry *entry, bool restore)
{
	char fields[160];

	snprintf(fields, sizeof(fields), "VBUS_OBJECT=%s\nVBUS_NAME=%s\nVBUS_DRIFT=%s",
		 entry->object, entry->name, restore ? "restored" : "reported");
	log_fields(LOG_WARNING, 0, fields, "%s %s: %s outside vbusd: %s", entry->object,
		   entry->name, entry->what, restore ? "restoring it" : "reported (drift policy report)");
}

enum drift_action drift_check(struct drift *drift, const struct fabric *desired,
			      const struct fabric *actual, struct drift_entry **found,
			      size_t *count)
{
	const struct fabric_device *wanted, *now;
	bool restore = drift->policy == DRIFT_RESTORE;
	char what[96];
	size_t i;

	*found = NULL;
	*count = 0;
	for (i = 0; i < desired->bus_count; i++)
		if (!fabric_find_bus(actual, desired->buses[i].info.name))
			add_entry(found, count, "bus", desired->buses[i].info.name, "deleted");
	for (i = 0; i < desired->device_count; i++) {
		wanted = &desired->devices[i];
		now = fabric_find_device(actual, wanted->info.name);
		if (!now) {
			add_entry(found, count, "device", wanted->info.name, "deleted");
		} else if (wanted->info.bus[0] && strcmp(now->info.bus, wanted->info.bus)) {
			snprintf(what, sizeof(what), "disconnected from %s", wanted->info.bus);
			add_entry(found, count, "connection", now->info.name, what);
		}
	}
	for (i = 0; i < *count; i++) {
		log_entry(&(*found)[i], restore);
		if (!restore)
			add_entry(&drift->entries, &drift->count, (*found)[i].object,
				  (*found)[i].name, (*found)[i].what);
	}
	if (!*count)
		return DRIFT_NONE;
	return restore ? DRIFT_RESTORE_NOW : DRIFT_REPORTED;
}

const struct drift_entry *drift_entries(const struct drift *drift, size_t *count)
{
	*count = drift->count;
	return drift->entries;
}

void drift_clear(struct drift *drift)
{
	free(drift->entries);
	drift->entries = NULL;
	drift->count = 0;
}

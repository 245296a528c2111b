/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Computing a plan: desired and actual fabrics, walked side by side by name,
 * to the ordered operations that turn one into the other. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric-attribute.h"
#include "plan.h"

/* What becomes of an object of the actual fabric. */
enum fate {
	FATE_NONE,			/* only desired has it: created */
	FATE_KEEP,
	FATE_REPLACE,			/* destroyed and created again */
	FATE_DESTROY,			/* pruned, or declared absent */
	FATE_GONE,			/* declared absent, and there is none: nothing */
};

/* A name in either fabric, with its object in each (NULL where absent). */
struct bus_pair {
	const struct fabric_bus *desired, *actual;
	enum fate fate;
	char reason[112];
};

struct device_pair {
	const struct fabric_device *desired, *actual;
	enum fate fate;
	char reason[112];
	const char *target;		/* the bus it ends on; "" for none */
};

struct planner {
	bool prune;
	struct bus_pair *buses;
	size_t bus_count;
	struct device_pair *devices;
	size_t device_count;
	struct plan *plan;
};

void plan_free(struct plan *plan)
{
	if (!plan)
		return;
	free(plan->operations);
	free(plan);
}

static struct plan_operation *add_operation(struct plan *plan, enum plan_action action)
{
	struct plan_operation *operation;

	if (plan->count == plan->capacity) {
		size_t capacity = plan->capacity ? plan->capacity * 2 : 16;
		struct plan_operation *bigger;

		bigger = reallocarray(plan->operations, capacity, sizeof(*bigger));
		if (!bigger)
			return NULL;
		plan->operations = bigger;
		plan->capacity = capacity;
	}
	operation = &plan->operations[plan->count++];
	*operation = (struct plan_operation){ .action = action };
	return operation;
}

/* "name x -> y" appended to TEXT, after ", " when TEXT is not empty: one
 * difference of a replaced object. Only the name when there is no room for
 * the values (a long domain). */
static void append_change(char *text, size_t size, const char *name, const char *from,
			  const char *to)
{
	size_t length = strlen(text);
	char change[160];

	snprintf(change, sizeof(change), "%s %s -> %s", name, from, to);
	if (length + 2 + strlen(change) >= size)
		snprintf(change, sizeof(change), "%s", name);
	if (length + 2 + strlen(change) >= size)
		return;
	if (length)
		strcat(text, ", ");
	strcat(text, change);
}

/* Whether a bus both fabrics have must be created again: an attribute
 * desired sets differs that the kernel has no way to change (all but
 * poll_us, which a BUS_SET changes: plan_bus_settings()). */
static bool bus_differs(struct bus_pair *pair)
{
	const struct fabric_bus *desired = pair->desired, *actual = pair->actual;
	bool differs = false;
	char from[64], to[64];
	uint32_t flag;
	size_t i;

	for (i = 0; i < fabric_bus_attribute_count; i++) {
		flag = fabric_bus_attributes[i].flag;
		if (!(desired->present & flag) || flag == FABRIC_BUS_F_POLL_US)
			continue;
		if ((actual->present & flag) && fabric_bus_attribute_equal(flag, desired, actual))
			continue;
		if (actual->present & flag)
			fabric_bus_attribute_format(flag, actual, from, sizeof(from));
		else
			snprintf(from, sizeof(from), "(unset)");
		fabric_bus_attribute_format(flag, desired, to, sizeof(to));
		append_change(pair->reason, sizeof(pair->reason), fabric_bus_attributes[i].name,
			      from, to);
		differs = true;
	}
	return differs;
}

/* "state absent in FILE" (or "state absent"): why an object goes. */
static void absent_reason(char *reason, size_t size, const struct fabric_origin *origin)
{
	if (origin->file)
		snprintf(reason, size, "state absent in %s", origin->file);
	else
		snprintf(reason, size, "state absent");
}

static enum fate bus_fate(struct bus_pair *pair, bool prune)
{
	if (pair->desired && pair->desired->absent) {
		absent_reason(pair->reason, sizeof(pair->reason), &pair->desired->origin);
		return pair->actual ? FATE_DESTROY : FATE_GONE;
	}
	if (!pair->actual)
		return FATE_NONE;
	if (!pair->desired)
		return prune ? FATE_DESTROY : FATE_KEEP;
	return bus_differs(pair) ? FATE_REPLACE : FATE_KEEP;
}

static const char *type_name(uint32_t type)
{
	return vbus_device_type_to_string(type) ?: "unknown";
}

static enum fate device_fate(struct device_pair *pair, bool prune)
{
	if (pair->desired && pair->desired->absent) {
		absent_reason(pair->reason, sizeof(pair->reason), &pair->desired->origin);
		return pair->actual ? FATE_DESTROY : FATE_GONE;
	}
	if (!pair->actual)
		return FATE_NONE;
	if (!pair->desired)
		return prune ? FATE_DESTROY : FATE_KEEP;
	if (pair->desired->info.type == pair->actual->info.type)
		return FATE_KEEP;
	append_change(pair->reason, sizeof(pair->reason), "type", type_name(pair->actual->info.type),
		      type_name(pair->desired->info.type));
	return FATE_REPLACE;
}

/* Where a name is in each of two sorted lists; NONE where it is not. */
#define NONE	((size_t)-1)

struct name_pair {
	size_t desired, actual;
};

/*
 * Walks two name-sorted lists side by side: PAIRS (room for both counts)
 * gets one entry per name, in order, and *COUNT their number. -EINVAL for a
 * name twice in one list.
 */
static int pair_names(const char *const *desired, size_t desired_count,
		      const char *const *actual, size_t actual_count, struct name_pair *pairs,
		      size_t *count)
{
	size_t i = 0, j = 0;
	int order;

	*count = 0;
	while (i < desired_count || j < actual_count) {
		if ((i && i < desired_count && !strcmp(desired[i], desired[i - 1])) ||
		    (j && j < actual_count && !strcmp(actual[j], actual[j - 1])))
			return -EINVAL;
		if (i == desired_count)
			order = 1;
		else if (j == actual_count)
			order = -1;
		else
			order = strcmp(desired[i], actual[j]);
		pairs[*count].desired = order <= 0 ? i++ : NONE;
		pairs[*count].actual = order >= 0 ? j++ : NONE;
		(*count)++;
	}
	return 0;
}

static struct bus_pair *find_bus(const struct planner *planner, const char *name)
{
	size_t low = 0, high = planner->bus_count;

	while (low < high) {
		size_t middle = (low + high) / 2;
		const struct bus_pair *pair = &planner->buses[middle];
		int r = strcmp(name, (pair->desired ?: pair->actual)->info.name);

		if (r == 0)
			return &planner->buses[middle];
		if (r < 0)
			high = middle;
		else
			low = middle + 1;
	}
	return NULL;
}

/* Whether bus NAME exists once the plan has run. */
static bool bus_survives(const struct planner *planner, const char *name)
{
	const struct bus_pair *pair = find_bus(planner, name);

	return pair && pair->fate != FATE_DESTROY && pair->fate != FATE_GONE;
}

/* The bus a device ends on: desired's; else, without prune, the one it is
 * on, if that bus stays. */
static const char *device_target(const struct planner *planner, const struct device_pair *pair)
{
	if (pair->fate == FATE_DESTROY || pair->fate == FATE_GONE)
		return "";
	if (pair->desired && pair->desired->info.bus[0])
		return pair->desired->info.bus;
	if (planner->prune || !pair->actual || !bus_survives(planner, pair->actual->info.bus))
		return "";
	return pair->actual->info.bus;
}

static int pair_buses(struct planner *planner, const struct fabric *desired,
		      const struct fabric *actual)
{
	_cleanup_free_ const struct fabric_bus **wanted = NULL, **present = NULL;
	_cleanup_free_ const char **wanted_names = NULL, **present_names = NULL;
	_cleanup_free_ struct name_pair *pairs = NULL;
	size_t total = desired->bus_count + actual->bus_count, i;
	struct bus_pair *pair;
	int r;

	planner->buses = calloc(total + 1, sizeof(*planner->buses));
	pairs = calloc(total + 1, sizeof(*pairs));
	wanted_names = calloc(desired->bus_count + 1, sizeof(char *));
	present_names = calloc(actual->bus_count + 1, sizeof(char *));
	if (!planner->buses || !pairs || !wanted_names || !present_names ||
	    fabric_sort_buses(desired, &wanted) < 0 || fabric_sort_buses(actual, &present) < 0)
		return -ENOMEM;
	for (i = 0; i < desired->bus_count; i++)
		wanted_names[i] = wanted[i]->info.name;
	for (i = 0; i < actual->bus_count; i++)
		present_names[i] = present[i]->info.name;
	r = pair_names(wanted_names, desired->bus_count, present_names, actual->bus_count, pairs,
		       &planner->bus_count);
	if (r < 0)
		return r;
	for (i = 0; i < planner->bus_count; i++) {
		pair = &planner->buses[i];
		pair->desired = pairs[i].desired == NONE ? NULL : wanted[pairs[i].desired];
		pair->actual = pairs[i].actual == NONE ? NULL : present[pairs[i].actual];
		pair->fate = bus_fate(pair, planner->prune);
	}
	return 0;
}

static int pair_devices(struct planner *planner, const struct fabric *desired,
			const struct fabric *actual)
{
	_cleanup_free_ const struct fabric_device **wanted = NULL, **present = NULL;
	_cleanup_free_ const char **wanted_names = NULL, **present_names = NULL;
	_cleanup_free_ struct name_pair *pairs = NULL;
	size_t total = desired->device_count + actual->device_count, i;
	struct device_pair *pair;
	int r;

	planner->devices = calloc(total + 1, sizeof(*planner->devices));
	pairs = calloc(total + 1, sizeof(*pairs));
	wanted_names = calloc(desired->device_count + 1, sizeof(char *));
	present_names = calloc(actual->device_count + 1, sizeof(char *));
	if (!planner->devices || !pairs || !wanted_names || !present_names ||
	    fabric_sort_devices(desired, &wanted) < 0 || fabric_sort_devices(actual, &present) < 0)
		return -ENOMEM;
	for (i = 0; i < desired->device_count; i++)
		wanted_names[i] = wanted[i]->info.name;
	for (i = 0; i < actual->device_count; i++)
		present_names[i] = present[i]->info.name;
	r = pair_names(wanted_names, desired->device_count, present_names, actual->device_count,
		       pairs, &planner->device_count);
	if (r < 0)
		return r;
	for (i = 0; i < planner->device_count; i++) {
		pair = &planner->devices[i];
		pair->desired = pairs[i].desired == NONE ? NULL : wanted[pairs[i].desired];
		pair->actual = pairs[i].actual == NONE ? NULL : present[pairs[i].actual];
		pair->fate = device_fate(pair, planner->prune);
		pair->target = device_target(planner, pair);
		if (pair->target[0] && !bus_survives(planner, pair->target))
			return -ENOENT;
	}
	return 0;
}

/* Whether a device stays on the bus it is on, untouched. */
static bool stays_connected(const struct planner *planner, const struct device_pair *pair)
{
	const struct bus_pair *bus;

	if (!pair->actual || !pair->actual->info.bus[0] || pair->fate != FATE_KEEP)
		return false;
	bus = find_bus(planner, pair->actual->info.bus);
	return bus && bus->fate == FATE_KEEP && !strcmp(pair->target, pair->actual->info.bus);
}

static int connection_operation(struct plan *plan, enum plan_action action, const char *device,
				const char *bus, const char *reason)
{
	struct plan_operation *operation = add_operation(plan, action);

	if (!operation)
		return -ENOMEM;
	snprintf(operation->device.info.name, VBUS_NAME_MAX, "%s", device);
	snprintf(operation->device.info.bus, VBUS_NAME_MAX, "%s", bus);
	snprintf(operation->reason, sizeof(operation->reason), "%s", reason);
	return 0;
}

static int plan_disconnects(struct planner *planner)
{
	const struct device_pair *pair;
	const struct bus_pair *bus;
	char reason[128];
	size_t i;
	int r;

	for (i = 0; i < planner->device_count; i++) {
		pair = &planner->devices[i];
		if (!pair->actual || !pair->actual->info.bus[0] || stays_connected(planner, pair))
			continue;
		bus = find_bus(planner, pair->actual->info.bus);
		reason[0] = '\0';
		if (pair->fate == FATE_REPLACE)
			snprintf(reason, sizeof(reason), "device %s is recreated",
				 pair->actual->info.name);
		else if (pair->fate == FATE_DESTROY)
			snprintf(reason, sizeof(reason), "%s", pair->reason);
		else if (bus && bus->fate == FATE_REPLACE &&
			 !strcmp(pair->target, pair->actual->info.bus))
			snprintf(reason, sizeof(reason), "bus %s is recreated", bus->actual->info.name);
		r = connection_operation(planner->plan, PLAN_DISCONNECT, pair->actual->info.name,
					 pair->actual->info.bus, reason);
		if (r < 0)
			return r;
	}
	return 0;
}

static int plan_destructions(struct planner *planner)
{
	struct plan_operation *operation;
	size_t i;

	for (i = 0; i < planner->device_count; i++) {
		const struct device_pair *pair = &planner->devices[i];

		if (pair->fate != FATE_REPLACE && pair->fate != FATE_DESTROY)
			continue;
		operation = add_operation(planner->plan, PLAN_DEVICE_DESTROY);
		if (!operation)
			return -ENOMEM;
		operation->device = *pair->actual;
		if (pair->fate == FATE_REPLACE)
			snprintf(operation->reason, sizeof(operation->reason), "recreated: %s",
				 pair->reason);
		else
			snprintf(operation->reason, sizeof(operation->reason), "%s", pair->reason);
	}
	for (i = 0; i < planner->bus_count; i++) {
		const struct bus_pair *pair = &planner->buses[i];

		if (pair->fate != FATE_REPLACE && pair->fate != FATE_DESTROY)
			continue;
		operation = add_operation(planner->plan, PLAN_BUS_DESTROY);
		if (!operation)
			return -ENOMEM;
		operation->bus = *pair->actual;
		if (pair->fate == FATE_REPLACE)
			snprintf(operation->reason, sizeof(operation->reason), "recreated: %s",
				 pair->reason);
		else
			snprintf(operation->reason, sizeof(operation->reason), "%s", pair->reason);
	}
	return 0;
}

static int plan_creations(struct planner *planner)
{
	struct plan_operation *operation;
	size_t i;

	for (i = 0; i < planner->bus_count; i++) {
		const struct bus_pair *pair = &planner->buses[i];

		if (pair->fate != FATE_NONE && pair->fate != FATE_REPLACE)
			continue;
		operation = add_operation(planner->plan, PLAN_BUS_CREATE);
		if (!operation)
			return -ENOMEM;
		operation->bus = *pair->desired;
	}
	for (i = 0; i < planner->device_count; i++) {
		const struct device_pair *pair = &planner->devices[i];

		if (pair->fate != FATE_NONE && pair->fate != FATE_REPLACE)
			continue;
		operation = add_operation(planner->plan, PLAN_DEVICE_CREATE);
		if (!operation)
			return -ENOMEM;
		operation->device = *pair->desired;
		operation->device.info.bus[0] = '\0';
	}
	return 0;
}

/* A kept bus whose poll_us desired sets otherwise: a BUS_SET. */
static int plan_bus_settings(struct planner *planner)
{
	struct plan_operation *operation;
	size_t i;

	for (i = 0; i < planner->bus_count; i++) {
		const struct bus_pair *pair = &planner->buses[i];

		if (pair->fate != FATE_KEEP || !pair->desired ||
		    !(pair->desired->present & FABRIC_BUS_F_POLL_US))
			continue;
		if ((pair->actual->present & FABRIC_BUS_F_POLL_US) &&
		    pair->actual->info.poll_us == pair->desired->info.poll_us)
			continue;
		operation = add_operation(planner->plan, PLAN_BUS_SET);
		if (!operation)
			return -ENOMEM;
		operation->bus = *pair->actual;
		operation->bus.info.poll_us = pair->desired->info.poll_us;
		operation->bus.info.has_poll_us = true;
		operation->bus.present |= FABRIC_BUS_F_POLL_US;
		operation->previous_bus = *pair->actual;
	}
	return 0;
}

/* The attributes desired sets that actual has otherwise; the bridge when
 * desired names another or, with prune, none. */
static int plan_settings(struct planner *planner)
{
	const struct fabric_attribute *attribute;
	struct plan_operation *operation;
	uint32_t changed;
	bool bridge;
	size_t i, j;

	for (i = 0; i < planner->device_count; i++) {
		const struct device_pair *pair = &planner->devices[i];

		if (pair->fate != FATE_KEEP || !pair->desired)
			continue;
		changed = 0;
		for (j = 0; j < fabric_attribute_count; j++) {
			attribute = &fabric_attributes[j];
			if (attribute->flag && fabric_attribute_is_set(attribute, pair->desired) &&
			    (!fabric_attribute_is_set(attribute, pair->actual) ||
			     !fabric_attribute_equal(attribute, pair->desired, pair->actual)))
				changed |= attribute->flag;
		}
		bridge = strcmp(pair->desired->bridge, pair->actual->bridge) &&
			 (pair->desired->bridge[0] || planner->prune);
		if (!changed && !bridge)
			continue;
		operation = add_operation(planner->plan, PLAN_DEVICE_SET);
		if (!operation)
			return -ENOMEM;
		operation->device = *pair->desired;
		operation->previous = *pair->actual;
		operation->changed = changed;
		operation->bridge_changed = bridge;
	}
	return 0;
}

static int plan_connects(struct planner *planner)
{
	const struct device_pair *pair;
	size_t i;
	int r;

	for (i = 0; i < planner->device_count; i++) {
		pair = &planner->devices[i];
		if (!pair->target[0] || stays_connected(planner, pair))
			continue;
		r = connection_operation(planner->plan, PLAN_CONNECT,
					 (pair->desired ?: pair->actual)->info.name, pair->target, "");
		if (r < 0)
			return r;
	}
	return 0;
}

int plan_compute(const struct fabric *desired, const struct fabric *actual, bool prune,
		 struct plan **result)
{
	_cleanup_(plan_freep) struct plan *plan = calloc(1, sizeof(struct plan));
	struct planner planner = { .prune = prune, .plan = plan };
	int r;

	*result = NULL;
	if (!plan)
		return -ENOMEM;
	r = pair_buses(&planner, desired, actual);
	if (r == 0)
		r = pair_devices(&planner, desired, actual);
	if (r == 0)
		r = plan_disconnects(&planner);
	if (r == 0)
		r = plan_destructions(&planner);
	if (r == 0)
		r = plan_creations(&planner);
	if (r == 0)
		r = plan_bus_settings(&planner);
	if (r == 0)
		r = plan_settings(&planner);
	if (r == 0)
		r = plan_connects(&planner);
	free(planner.buses);
	free(planner.devices);
	if (r < 0)
		return r;
	*result = plan;
	plan = NULL;
	return 0;
}

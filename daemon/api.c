/* SPDX-License-Identifier: GPL-2.0-or-later */
/* org.vbus.Manager1's vtable, its properties and the methods that change
 * the fabric as a whole (Apply, Reload, the checkpoints): each builds a new
 * desired fabric (validated by libvbus's parser and checker, as a file
 * would be) and runs it as one transactional apply. The one-object methods
 * are in api-object.c, the reading ones in query.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api-methods.h"
#include "error.h"
#include "manager.h"
#include "query.h"
#include "state.h"
#include "log.h"

#define FLAG_DRY_RUN	1
#define FLAG_PRUNE	2

int api_invalid(sd_bus_error *error, struct fabric_errors *errors)
{
	char text[8192];

	error_join(errors, text, sizeof(text));
	fabric_errors_clear(errors);
	return sd_bus_error_set(error, ERROR_INVALID_CONFIG, text);
}

int api_run_apply(struct manager *manager, sd_bus_message *message,
		  const struct apply_request *request, bool with_result, sd_bus_error *error)
{
	_cleanup_free_ char *result = NULL;
	char text[2048];
	int r;

	r = manager_apply(manager, request, &result, text, sizeof(text));
	if (r < 0)
		return sd_bus_error_set(error, error_from_errno(r), text);
	if (with_result)
		return sd_bus_reply_method_return(message, "s", result ?: "{}");
	return sd_bus_reply_method_return(message, "");
}

int api_merge_desired(struct manager *manager, const struct fabric *fabric, bool prune,
		      struct fabric_errors *errors, struct fabric **desired, sd_bus_error *error)
{
	_cleanup_(fabric_freep) struct fabric *merged = state_copy(prune ? fabric :
								     manager_desired(manager));
	bool whole = errors->count == 0;

	if (!merged || (!prune && state_overlay(merged, fabric) < 0))
		return -ENOMEM;
	if (manager_check_merged(manager, merged, prune, whole, errors) < 0 || errors->count)
		return api_invalid(error, errors);
	*desired = merged;
	merged = NULL;
	return 0;
}

#define OWNED_ABSENT \
	"%s.state: %s \"%s\" is declared absent, but %s defines it (expected one or the other: edit that file and run vbusctl reload)"

/* The buses and devices FABRIC declares absent that a fabric.d file defines:
 * an error naming both (the next reload would make them again). */
static int check_absent_owned(struct manager *manager, const struct fabric *fabric,
			      struct fabric_errors *errors)
{
	const struct fabric *desired = manager_desired(manager);
	const struct fabric_device *device;
	const struct fabric_bus *bus;
	char path[256], owner[256];
	size_t i;
	int r = 0;

	for (i = 0; r >= 0 && i < fabric->bus_count; i++) {
		bus = fabric_find_bus(desired, fabric->buses[i].info.name);
		if (!fabric->buses[i].absent || !bus || !manager_owner(manager, &bus->origin))
			continue;
		fabric_bus_path(&fabric->buses[i], path, sizeof(path));
		fabric_bus_path(bus, owner, sizeof(owner));
		r = fabric_errors_add(errors, OWNED_ABSENT, path, "bus", bus->info.name, owner);
	}
	for (i = 0; r >= 0 && i < fabric->device_count; i++) {
		device = fabric_find_device(desired, fabric->devices[i].info.name);
		if (!fabric->devices[i].absent || !device || !manager_owner(manager, &device->origin))
			continue;
		fabric_device_path(&fabric->devices[i], path, sizeof(path));
		fabric_device_path(device, owner, sizeof(owner));
		r = fabric_errors_add(errors, OWNED_ABSENT, path, "device", device->info.name,
				      owner);
	}
	return r;
}

static int api_apply(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *fabric = NULL, *desired = NULL;
	struct fabric_errors errors = { 0 };
	const char *text, *source;
	uint64_t flags;
	int r;

	r = sd_bus_message_read(message, "sst", &text, &source, &flags);
	if (r < 0)
		return r;
	if (!(flags & FLAG_DRY_RUN)) {
		r = manager_check_privilege(manager, message, "Apply", error);
		if (r <= 0)
			return r;
	}
	if (!source[0])
		source = "-";
	if (fabric_parse(text, strlen(text), source, &fabric, &errors) < 0)
		return api_invalid(error, &errors);
	if (fabric_check(fabric, &errors) == -ENOMEM ||
	    check_absent_owned(manager, fabric, &errors) < 0)
		return -ENOMEM;
	r = api_merge_desired(manager, fabric, flags & FLAG_PRUNE, &errors, &desired, error);
	if (r < 0 || !desired)
		return r;
	if (!(flags & FLAG_PRUNE))
		state_keep_bridges(desired, manager_desired(manager), fabric);
	return api_run_apply(manager, message,
		     &(struct apply_request){ .desired = desired,
					      .prune = flags & FLAG_PRUNE,
					      .dry_run = flags & FLAG_DRY_RUN,
					      .source = source },
		     true, error);
}

static int api_reload(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_free_ char *result = NULL;
	char text[8192];
	int r;

	r = manager_check_privilege(manager, message, "Reload", error);
	if (r <= 0)
		return r;
	r = manager_reload(manager, &result, text, sizeof(text));
	if (r == -EINVAL && !result)
		return sd_bus_error_set(error, ERROR_INVALID_CONFIG, text);
	if (r < 0)
		return sd_bus_error_set(error, error_from_errno(r), text);
	return sd_bus_reply_method_return(message, "s", result ?: "{}");
}


/* --- checkpoints --------------------------------------------------------------- */

static int api_checkpoint(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	char text[256];
	uint32_t seconds;
	int r;

	r = sd_bus_message_read(message, "u", &seconds);
	if (r < 0)
		return r;
	r = manager_check_privilege(manager, message, "Checkpoint", error);
	if (r <= 0)
		return r;
	r = manager_checkpoint(manager, seconds, text, sizeof(text));
	if (r == -ERANGE)
		return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, text);
	if (r < 0)
		return sd_bus_error_set(error, error_from_errno(r), text);
	return sd_bus_reply_method_return(message, "");
}

static int api_commit(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	char text[256];
	int r;

	r = manager_check_privilege(manager, message, "Commit", error);
	if (r <= 0)
		return r;
	r = manager_commit(manager, text, sizeof(text));
	if (r < 0)
		return sd_bus_error_set(error, error_from_errno(r), text);
	return sd_bus_reply_method_return(message, "");
}

static int api_rollback(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	_cleanup_free_ char *result = NULL;
	char text[2048];
	int r;

	r = manager_check_privilege(manager, message, "Rollback", error);
	if (r <= 0)
		return r;
	r = manager_rollback(manager, "asked for", &result, text, sizeof(text));
	if (r < 0)
		return sd_bus_error_set(error, error_from_errno(r), text);
	return sd_bus_reply_method_return(message, "s", result ?: "{}");
}

/* --- the vtable ----------------------------------------------------------------- */

static int property_version(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply, void *userdata,
			    sd_bus_error *error)
{
	(void)bus, (void)path, (void)interface, (void)property, (void)userdata, (void)error;
	return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

static int property_status(sd_bus *bus, const char *path, const char *interface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	(void)bus, (void)path, (void)interface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s", manager_status_text(userdata));
}

static int property_drift(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	(void)bus, (void)path, (void)interface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s",
				     drift_policy_to_string(manager_options(userdata)->drift));
}

const sd_bus_vtable api_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS("Apply",
				SD_BUS_ARGS("s", fabric, "s", source, "t", flags),
				SD_BUS_RESULT("s", result), api_apply, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Export", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", fabric),
				query_export, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", result),
				api_reload, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CreateBus",
				SD_BUS_ARGS("s", name, "a{sv}", attributes, "t", flags),
				SD_BUS_NO_RESULT, api_create_bus, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("DestroyBus", SD_BUS_ARGS("s", name, "t", flags),
				SD_BUS_NO_RESULT, api_destroy_bus, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CreateDevice",
				SD_BUS_ARGS("s", name, "s", type, "a{sv}", attributes, "t", flags),
				SD_BUS_NO_RESULT, api_create_device, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("DestroyDevice", SD_BUS_ARGS("s", name, "t", flags),
				SD_BUS_NO_RESULT, api_destroy_device, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SetDevice",
				SD_BUS_ARGS("s", name, "a{sv}", attributes, "t", flags),
				SD_BUS_NO_RESULT, api_set_device, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SetBus",
				SD_BUS_ARGS("s", name, "a{sv}", attributes, "t", flags),
				SD_BUS_NO_RESULT, api_set_bus, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Connect", SD_BUS_ARGS("s", device, "s", bus, "t", flags),
				SD_BUS_NO_RESULT, api_connect, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Move", SD_BUS_ARGS("s", device, "s", bus, "t", flags),
				SD_BUS_NO_RESULT, api_move, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Disconnect", SD_BUS_ARGS("s", device, "t", flags),
				SD_BUS_NO_RESULT, api_disconnect, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Checkpoint", SD_BUS_ARGS("u", seconds), SD_BUS_NO_RESULT,
				api_checkpoint, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Commit", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, api_commit,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Rollback", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", result),
				api_rollback, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetBuses", SD_BUS_ARGS("as", names),
				SD_BUS_RESULT("s", buses), query_buses, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetDevices", SD_BUS_ARGS("as", names),
				SD_BUS_RESULT("s", devices), query_devices,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetStats", SD_BUS_ARGS("as", names),
				SD_BUS_RESULT("s", stats), query_stats, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetStatus", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", status),
				query_status, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("Event",
				SD_BUS_ARGS("s", kind, "s", object, "s", name, "s", details), 0),
	SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("StatusText", "s", property_status, 0, 0),
	SD_BUS_PROPERTY("DriftPolicy", "s", property_drift, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_VTABLE_END
};

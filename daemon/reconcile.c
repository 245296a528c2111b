/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Apply, nmstate style: plan desired against the kernel, record the pending
 * state, execute, and on the first refusal run the inverse of what was done;
 * persist only what the kernel took. */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drift.h"
#include "kernel.h"
#include "log.h"
#include "plan.h"
#include "reconcile.h"
#include "state.h"

static char *result_json(const struct plan *plan, bool dry_run)
{
	struct json_object *result = json_object_new_object();
	struct json_object *rendered = plan_to_json(plan), *operations = NULL;
	_cleanup_free_ char *text = NULL;
	char *string = NULL;

	if (!result || !rendered || plan_to_text(plan, &text) < 0)
		goto out;
	json_object_object_get_ex(rendered, "operations", &operations);
	json_object_object_add(result, "dry_run", json_object_new_boolean(dry_run));
	json_object_object_add(result, "changed", json_object_new_boolean(plan->count > 0));
	json_object_object_add(result, "operations",
			       json_object_get(operations) ?: json_object_new_array());
	json_object_object_add(result, "text", json_object_new_string(text));
	string = strdup(json_object_to_json_string_ext(result, JSON_C_TO_STRING_PLAIN));
out:
	json_object_put(rendered);
	json_object_put(result);
	return string;
}

/* "+ device web0 (venet, mtu 9000)": the operation's line, no newline. */
static void operation_text(const struct plan_operation *operation, char *text, size_t size)
{
	_cleanup_free_ char *line = NULL;

	if (plan_operation_to_text(operation, &line) < 0) {
		snprintf(text, size, "(operation)");
		return;
	}
	line[strcspn(line, "\n")] = '\0';
	snprintf(text, size, "%s", line);
}

static void record(struct manager *manager, const struct apply_request *request,
		   const char *result, size_t operations, const char *error)
{
	struct last_apply *last = &manager->last_apply;
	time_t now = time(NULL);
	struct tm tm;

	last->valid = true;
	gmtime_r(&now, &tm);
	strftime(last->time, sizeof(last->time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(last->source, sizeof(last->source), "%s", request->source ?: "");
	snprintf(last->result, sizeof(last->result), "%s", result);
	last->operations = operations;
	snprintf(last->error, sizeof(last->error), "%s", error ?: "");
}

/* Runs the inverse of PLAN's first EXECUTED operations; "" in WHY when it
 * all went back. */
static void roll_back(struct manager *manager, const struct plan *plan, size_t executed,
		      char *why, size_t size)
{
	_cleanup_(plan_freep) struct plan *inverse = NULL;
	char text[256];
	size_t done;
	int r;

	why[0] = '\0';
	r = plan_inverse(plan, executed, &inverse);
	if (r < 0) {
		snprintf(why, size, "cannot compute the rollback: %s", strerror(-r));
		return;
	}
	r = kernel_execute(manager, inverse, &done);
	if (r < 0) {
		operation_text(&inverse->operations[done], text, sizeof(text));
		snprintf(why, size, "rollback failed at %s: %s", text,
			 vbus_client_error(manager->client)[0] ? vbus_client_error(manager->client)
							       : strerror(-r));
	}
}

static int fail_apply(struct manager *manager, const struct apply_request *request,
		      const struct plan *plan, size_t executed, int error_code, char *error,
		      size_t size)
{
	char text[256], why[512], rollback[512], fields[448];
	const char *kernel = vbus_client_error(manager->client);

	snprintf(why, sizeof(why), "%s", kernel[0] ? kernel : strerror(-error_code));
	operation_text(&plan->operations[executed], text, sizeof(text));
	roll_back(manager, plan, executed, rollback, sizeof(rollback));
	state_remove(manager->pending_file);
	snprintf(error, size, "operation %zu of %zu: %s: %s; %s", executed + 1, plan->count, text,
		 why, rollback[0] ? rollback : "rolled back");
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=fabric\nVBUS_OPERATION=%s\nVBUS_SOURCE=%s",
		 text, request->source ?: "");
	log_fields(LOG_ERR, error_code, fields, "apply %s: %s", request->source ?: "", error);
	record(manager, request, rollback[0] ? "failed" : "rolled back", plan->count, error);
	drift_refresh(manager);
	return error_code;
}

static int commit(struct manager *manager, const struct apply_request *request)
{
	struct fabric *desired = state_copy(request->desired);
	int r;

	if (!desired)
		return -ENOMEM;
	fabric_free(manager->desired);
	manager->desired = desired;
	r = state_write(manager->state_file, desired);
	if (r < 0)
		return log_error(r, "%s: cannot persist the desired state: %s",
				 manager->state_file, strerror(-r));
	return state_remove(manager->pending_file);
}

int reconcile_apply(struct manager *manager, const struct apply_request *request, char **result,
		    char *error, size_t size)
{
	const struct fabric *target = request->target ?: request->desired;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;
	size_t executed = 0;
	char fields[160];
	int r;

	*result = NULL;
	error[0] = '\0';
	r = kernel_dump(manager, &actual);
	if (r < 0) {
		snprintf(error, size, "cannot read the kernel's fabric: %s",
			 vbus_client_error(manager->client)[0] ? vbus_client_error(manager->client)
							       : strerror(-r));
		return r;
	}
	r = plan_compute(target, actual, request->prune, &plan);
	if (r < 0) {
		snprintf(error, size, "cannot plan: %s",
			 r == -ENOENT ? "a device's bus would not exist (a bus with devices the fabric keeps connected would be removed)"
				      : strerror(-r));
		return r == -ENOENT ? -EBUSY : r;
	}
	*result = result_json(plan, request->dry_run);
	if (request->dry_run)
		return 0;
	if (plan->count) {
		r = state_write(manager->pending_file, request->desired);
		if (r < 0) {
			snprintf(error, size, "%s: cannot write: %s", manager->pending_file,
				 strerror(-r));
			return r;
		}
		r = kernel_execute(manager, plan, &executed);
		if (r < 0) {
			r = fail_apply(manager, request, plan, executed, r, error, size);
			manager_emit_event(manager, "rollback", "fabric", "", *result);
			return r;
		}
	}
	r = commit(manager, request);
	if (r < 0) {
		snprintf(error, size, "the kernel took the change, but it could not be persisted: %s",
			 strerror(-r));
		return r;
	}
	manager->drift_count = 0;
	record(manager, request, "ok", plan->count, NULL);
	drift_refresh(manager);
	if (plan->count) {
		snprintf(fields, sizeof(fields), "VBUS_OBJECT=fabric\nVBUS_SOURCE=%s",
			 request->source ?: "");
		log_fields(LOG_INFO, 0, fields, "apply %s: %zu operations", request->source ?: "",
			   plan->count);
		manager_emit_event(manager, "apply", "fabric", "", *result);
	}
	manager_update_status(manager);
	return 0;
}

bool reconcile_in_sync(struct manager *manager)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;

	if (!manager->actual || plan_compute(manager->desired, manager->actual, false, &plan) < 0)
		return false;
	return plan->count == 0 && manager->drift_count == 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Apply, nmstate style: plan desired against the kernel, record the pending
 * state, execute, and on the first refusal run the inverse of what was done.
 * What the kernel took is the caller's to persist. */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "json-cleanup.h"
#include "reconcile.h"
#include "state.h"

void apply_outcome_clear(struct apply_outcome *outcome)
{
	free(outcome->json);
	*outcome = (struct apply_outcome){ 0 };
}

const char *apply_result_to_string(enum apply_result result)
{
	switch (result) {
	case APPLY_OK:
		return "ok";
	case APPLY_ROLLED_BACK:
		return "rolled back";
	case APPLY_FAILED:
		return "failed";
	case APPLY_NOT_RUN:
		break;
	}
	return NULL;
}

static char *result_json(const struct plan *plan, bool dry_run)
{
	_cleanup_(json_object_putp) struct json_object *result = json_object_new_object();
	_cleanup_(json_object_putp) struct json_object *rendered = plan_to_json(plan);
	struct json_object *operations = NULL;
	_cleanup_free_ char *text = NULL;

	if (!result || !rendered || plan_to_text(plan, &text) < 0)
		return NULL;
	json_object_object_get_ex(rendered, "operations", &operations);
	json_object_object_add(result, "dry_run", json_object_new_boolean(dry_run));
	json_object_object_add(result, "changed", json_object_new_boolean(plan->count > 0));
	json_object_object_add(result, "operations",
			       json_object_get(operations) ?: json_object_new_array());
	json_object_object_add(result, "text", json_object_new_string(text));
	return strdup(json_object_to_json_string_ext(result, JSON_C_TO_STRING_PLAIN));
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

/* Why the kernel refused: its words, else the errno's. */
static void refusal(const struct executor *executor, int error, char *why, size_t size)
{
	const char *words = executor->error ? executor->error(executor->userdata) : "";

	snprintf(why, size, "%s", words && words[0] ? words : strerror(-error));
}

/* Runs PLAN's operations in order, stopping at the first refused: *EXECUTED
 * is how many succeeded. */
static int execute(const struct executor *executor, const struct plan *plan, size_t *executed)
{
	int r;

	for (*executed = 0; *executed < plan->count; (*executed)++) {
		r = executor->execute(executor->userdata, &plan->operations[*executed]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Runs the inverse of PLAN's first EXECUTED operations; "" in WHY when it
 * all went back. */
static void roll_back(const struct executor *executor, const struct plan *plan, size_t executed,
		      char *why, size_t size)
{
	_cleanup_(plan_freep) struct plan *inverse = NULL;
	char text[256], words[512];
	size_t done;
	int r;

	why[0] = '\0';
	r = plan_inverse(plan, executed, &inverse);
	if (r < 0) {
		snprintf(why, size, "cannot compute the rollback: %s", strerror(-r));
		return;
	}
	r = execute(executor, inverse, &done);
	if (r < 0) {
		operation_text(&inverse->operations[done], text, sizeof(text));
		refusal(executor, r, words, sizeof(words));
		snprintf(why, size, "rollback failed at %s: %s", text, words);
	}
}

static int fail(const struct executor *executor, const struct apply_request *request,
		const struct plan *plan, size_t executed, int error, struct apply_outcome *outcome)
{
	char text[256], why[512], rollback[1024];

	refusal(executor, error, why, sizeof(why));
	operation_text(&plan->operations[executed], text, sizeof(text));
	roll_back(executor, plan, executed, rollback, sizeof(rollback));
	if (request->pending_file)
		state_remove(request->pending_file);
	snprintf(outcome->error, sizeof(outcome->error), "operation %zu of %zu: %s: %s; %s",
		 executed + 1, plan->count, text, why, rollback[0] ? rollback : "rolled back");
	outcome->result = rollback[0] ? APPLY_FAILED : APPLY_ROLLED_BACK;
	return error;
}

int reconcile_apply(const struct executor *executor, const struct apply_request *request,
		    struct apply_outcome *outcome)
{
	const struct fabric *target = request->target ?: request->desired;
	_cleanup_(fabric_freep) struct fabric *actual = NULL;
	_cleanup_(plan_freep) struct plan *plan = NULL;
	char why[512];
	size_t executed = 0;
	int r;

	*outcome = (struct apply_outcome){ 0 };
	r = executor->read(executor->userdata, &actual);
	if (r < 0) {
		refusal(executor, r, why, sizeof(why));
		snprintf(outcome->error, sizeof(outcome->error),
			 "cannot read the kernel's fabric: %s", why);
		return r;
	}
	r = plan_compute(target, actual, request->prune, &plan);
	if (r < 0) {
		snprintf(outcome->error, sizeof(outcome->error), "cannot plan: %s",
			 r == -ENOENT ? "a device's bus would not exist (a bus with devices the fabric keeps connected would be removed)"
				      : strerror(-r));
		return r == -ENOENT ? -EBUSY : r;
	}
	outcome->json = result_json(plan, request->dry_run);
	outcome->operations = plan->count;
	if (request->dry_run)
		return 0;
	if (plan->count && request->pending_file) {
		r = state_write(request->pending_file, request->desired);
		if (r < 0) {
			snprintf(outcome->error, sizeof(outcome->error), "%s: cannot write: %s",
				 request->pending_file, strerror(-r));
			return r;
		}
	}
	r = execute(executor, plan, &executed);
	if (r < 0)
		return fail(executor, request, plan, executed, r, outcome);
	outcome->result = APPLY_OK;
	return 0;
}

bool reconcile_in_sync(const struct fabric *desired, const struct fabric *actual)
{
	_cleanup_(plan_freep) struct plan *plan = NULL;

	if (!actual || plan_compute(desired, actual, false, &plan) < 0)
		return false;
	return plan->count == 0;
}

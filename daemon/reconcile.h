/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Apply: one transaction that takes the kernel to a new desired state, or
 * leaves it as it was. The reconciler plans and runs; an executor reads and
 * changes the kernel (vbus.ko, or lib's in-memory kernel in the tests); the
 * caller persists what it returns. */
#ifndef VBUSD_RECONCILE_H
#define VBUSD_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>

#include "fabric.h"
#include "plan.h"

struct executor {
	/* The kernel's fabric now, the caller's to free. */
	int (*read)(void *userdata, struct fabric **actual);
	/* Runs one operation: 0, or the kernel's negative errno. */
	int (*execute)(void *userdata, const struct plan_operation *operation);
	/* The kernel's words for the last refusal, "" when none; may be NULL. */
	const char *(*error)(void *userdata);
	void *userdata;
};

struct apply_request {
	const struct fabric *desired;	/* the desired state once applied */
	const struct fabric *target;	/* what the plan aims at; NULL: desired */
	bool prune;
	bool dry_run;
	const char *source;		/* for messages and GetStatus */
	const char *pending_file;	/* DESIRED is written there while it runs; NULL: not */
};

enum apply_result {
	APPLY_NOT_RUN,			/* refused before it ran, or a dry run */
	APPLY_OK,
	APPLY_ROLLED_BACK,		/* refused, and all undone */
	APPLY_FAILED,			/* refused, and the rollback failed too */
};

struct apply_outcome {
	enum apply_result result;
	char *json;			/* Apply's JSON result, when planned */
	size_t operations;		/* how many the plan had */
	char error[2048];		/* "" for none */
};

void apply_outcome_clear(struct apply_outcome *outcome);
/* "ok", "rolled back", "failed"; NULL for APPLY_NOT_RUN. */
const char *apply_result_to_string(enum apply_result result);

/*
 * Plans the target against the kernel as EXECUTOR reads it and, unless a dry
 * run, writes the pending state and runs the plan. On a refusal the
 * operations made are undone and the kernel's errno is returned, with
 * OUTCOME's error saying "operation K of N: OP: WHY; rolled back". It
 * persists nothing else and logs nothing: the caller does, from OUTCOME.
 */
int reconcile_apply(const struct executor *executor, const struct apply_request *request,
		    struct apply_outcome *outcome);

/* Whether ACTUAL has everything DESIRED asks for. */
bool reconcile_in_sync(const struct fabric *desired, const struct fabric *actual);

#endif

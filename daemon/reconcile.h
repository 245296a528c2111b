/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Apply: one transaction that takes the kernel to a new desired state, or
 * leaves kernel and desired state as they were. */
#ifndef VBUSD_RECONCILE_H
#define VBUSD_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>

#include "manager.h"

struct apply_request {
	const struct fabric *desired;	/* the desired state once applied */
	const struct fabric *target;	/* what the plan aims at; NULL: desired */
	bool prune;
	bool dry_run;
	const char *source;		/* for messages and GetStatus */
};

/*
 * Plans TARGET against the kernel as it is now and, unless a dry run, writes
 * the pending state, runs the plan and persists DESIRED. On a kernel refusal
 * the operations made are undone, nothing is persisted, and the kernel's
 * errno is returned with ERROR saying "operation K of N: OP: WHY; rolled
 * back". *RESULT: Apply's JSON result (also on failure, when planned).
 */
int reconcile_apply(struct manager *manager, const struct apply_request *request, char **result,
		    char *error, size_t size);

/* Whether the kernel, as vbusd last saw it, has everything the desired
 * state asks for. */
bool reconcile_in_sync(struct manager *manager);

#endif

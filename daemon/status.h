/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What vbusd says about itself (the status line, GetStatus, the problems),
 * computed from a given state: no loop, no kernel, no bus. */
#ifndef VBUSD_STATUS_H
#define VBUSD_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "drift.h"
#include "fabric.h"

struct json_object;

struct last_apply {
	bool valid;
	char time[32];			/* ISO 8601, UTC */
	char source[128];
	char result[16];		/* "ok", "failed", "rolled back" */
	size_t operations;
	char error[2048];		/* "" for none */
};

struct status {
	const struct fabric *desired;
	const struct fabric *actual;		/* the kernel's; NULL: not read */
	const struct drift_entry *drift;	/* reported drift */
	size_t drift_count;
	const struct fabric_errors *problems;	/* kept: invalid fabric.d, a failed apply */
	const struct fabric_errors *host;	/* the host's now: missing bridges */
};

/* Every problem: the kept ones, broken buses, the host's. */
void status_problems(const struct status *status, struct fabric_errors *problems);
/* Whether the kernel has all the desired state asks for and nothing drifted. */
bool status_in_sync(const struct status *status);
/* "2 buses, 3 devices, in sync" (or "out of sync", or "1 problem"). */
void status_text(const struct status *status, char *text, size_t size);

/* GetStatus's lists: "drift", "problems" and "last_apply" added to OBJECT. */
void status_lists_to_json(const struct status *status, const struct last_apply *last,
			  struct json_object *object);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checkpoints (nmstatectl's --no-commit/commit/rollback): the desired state
 * saved before a change, on disk, with a deadline; unless committed by then
 * the manager rolls the fabric back to it. A checkpoint vbusd finds at start
 * was never committed: it is rolled back at once. */
#ifndef VBUSD_CHECKPOINT_H
#define VBUSD_CHECKPOINT_H

#include <stdint.h>
#include <systemd/sd-event.h>

#include "fabric.h"
#include "macro.h"

#define CHECKPOINT_SECONDS_DEFAULT	60
#define CHECKPOINT_SECONDS_MAX		86400

struct checkpoint;

/* PATH holds a pending checkpoint's state; EXPIRED runs in the loop when
 * the deadline passes. */
int checkpoint_new(sd_event *event, const char *path, void (*expired)(void *userdata),
		   void *userdata, struct checkpoint **result);
void checkpoint_free(struct checkpoint *checkpoint);
DEFINE_CLEANUP_FUNC(struct checkpoint, checkpoint_free)

/* Saves STATE (what to roll back to) until SECONDS from now: 0, -EBUSY when
 * one is pending, -ERANGE for SECONDS out of 1..CHECKPOINT_SECONDS_MAX, or
 * the error of writing it. */
int checkpoint_create(struct checkpoint *checkpoint, const struct fabric *state, uint32_t seconds);
/* The pending checkpoint's state, NULL when none; *DEADLINE (CLOCK_REALTIME,
 * microseconds) when not NULL. */
const struct fabric *checkpoint_pending(const struct checkpoint *checkpoint, uint64_t *deadline);
/* Forgets the pending one (committed, or rolled back), on disk too. */
void checkpoint_clear(struct checkpoint *checkpoint);
/* At start: a checkpoint left on disk (its state in *STATE, the caller's):
 * 1; none: 0; unreadable: a negative errno (logged, removed). */
int checkpoint_load_left(struct checkpoint *checkpoint, struct fabric **state);

#endif

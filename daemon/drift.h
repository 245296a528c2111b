/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Changes made to the kernel by others: attribute changes of managed devices
 * are adopted into the desired state; managed objects that disappear are
 * restored or reported, by the drift policy. Drift owns its list of reported
 * drift and the deferred check; it decides, the manager acts. */
#ifndef VBUSD_DRIFT_H
#define VBUSD_DRIFT_H

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "fabric.h"
#include "libvbus.h"

enum drift_policy {
	DRIFT_RESTORE,
	DRIFT_REPORT,
};

const char *drift_policy_to_string(enum drift_policy policy);

/* A managed object someone else removed or disconnected. */
struct drift_entry {
	char object[16];		/* "bus", "device", "connection" */
	char name[VBUS_NAME_MAX];
	char what[96];			/* "deleted", "disconnected from vm1" */
};

/* What a check decided. */
enum drift_action {
	DRIFT_NONE,			/* every managed object is there */
	DRIFT_RESTORE_NOW,		/* the caller applies the desired state */
	DRIFT_REPORTED,			/* recorded in the list */
};

struct drift;

/* CHECK is called from EVENT's loop, once for any number of
 * drift_check_later() calls in one loop iteration. */
int drift_new(sd_event *event, enum drift_policy policy, void (*check)(void *userdata),
	      void *userdata, struct drift **drift);
void drift_free(struct drift *drift);
DEFINE_CLEANUP_FUNC(struct drift, drift_free)

enum drift_policy drift_policy(const struct drift *drift);

/* Whether EVENT removed or disconnected an object DESIRED manages: a check
 * is due. */
bool drift_event_matters(const struct fabric *desired, const struct vbus_event *event);
void drift_check_later(struct drift *drift);

/*
 * Copies into WANTED the attributes of NOW that someone else set: those that
 * differ from BEFORE (what vbusd last saw; NULL: adopt only what WANTED
 * sets) and from WANTED. CHANGES: "mtu 1400, wmem 4096"; "" when none.
 * Returns whether anything was adopted.
 */
bool drift_adopt(struct fabric_device *wanted, const struct fabric_device *now,
		 const struct fabric_device *before, char *changes, size_t size);

/*
 * The managed objects of DESIRED that ACTUAL lacks, in *FOUND (the caller
 * frees it) and *COUNT, each logged once. With policy report they join the
 * list (each object once).
 */
enum drift_action drift_check(struct drift *drift, const struct fabric *desired,
			      const struct fabric *actual, struct drift_entry **found,
			      size_t *count);

/* The reported drift, until an apply clears it. */
const struct drift_entry *drift_entries(const struct drift *drift, size_t *count);
void drift_clear(struct drift *drift);

#endif

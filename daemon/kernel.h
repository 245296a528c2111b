/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's side: its fabric read fresh over netlink, plan operations run
 * through libvbus, and its events read from an sd-event io source. */
#ifndef VBUSD_KERNEL_H
#define VBUSD_KERNEL_H

#include "manager.h"
#include "plan.h"

/* The kernel's buses and devices now, with their bridges (the desired ones
 * while host networking is not observable). */
int kernel_dump(struct manager *manager, struct fabric **actual);

/*
 * Runs PLAN's operations in order, stopping at the first the kernel refuses:
 * *EXECUTED is how many succeeded. Bridge ports are set after the kernel's
 * part; their failures are problems, not refusals.
 */
int kernel_execute(struct manager *manager, const struct plan *plan, size_t *executed);

/* Watches the event socket from the manager's loop. */
int kernel_watch_events(struct manager *manager);

/* The Event signal kind of a kernel command ("device-new", ...), and the
 * object it is about ("bus", "device", "connection"); NULL if none. */
const char *kernel_event_kind(unsigned int cmd);
const char *kernel_event_object(unsigned int cmd);

#endif

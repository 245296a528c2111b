/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's side of vbusd: the netlink client, the event socket in the
 * loop, and the kernel's fabric as its events say. It knows nothing of the
 * desired state: it reports each change through one callback. */
#ifndef VBUSD_KERNEL_H
#define VBUSD_KERNEL_H

#include <systemd/sd-event.h>

#include "fabric.h"
#include "libvbus.h"
#include "plan.h"

struct kernel;

/*
 * Called from the loop once per kernel event, after the kernel's fabric took
 * it, with the device EVENT names as it was before (NULL when there was
 * none). EVENT is NULL when events were lost and the fabric was read again.
 */
typedef void (*kernel_changed_t)(const struct vbus_event *event,
				 const struct fabric_device *before, void *userdata);

/*
 * Called from the loop when vbus.ko goes (PRESENT false: "rmmod vbus"; the
 * kernel's fabric is empty, reads fail with -ENOENT) and when it comes back
 * (the family registered again: the sockets are open anew, the fabric read).
 */
typedef void (*kernel_presence_t)(bool present, void *userdata);

int kernel_new(sd_event *event, kernel_changed_t changed, kernel_presence_t presence,
	       void *userdata, struct kernel **kernel);
void kernel_free(struct kernel *kernel);
DEFINE_CLEANUP_FUNC(struct kernel, kernel_free)

/* Subscribes to the events (first: nothing that changes during the dump goes
 * unseen), opens the client and reads the fabric. -ENOENT: vbus.ko is not
 * loaded. */
int kernel_open(struct kernel *kernel);

/* Handles the kernel events waiting on the socket now (the loop does so
 * when they arrive): so that what an apply caused is told before the apply. */
void kernel_process_events(struct kernel *kernel);

/* Whether vbus.ko is loaded, as far as vbusd knows. */
bool kernel_present(const struct kernel *kernel);

/* The kernel's buses and devices as vbusd last saw them (no bridges: those
 * are the host's); NULL before kernel_open(). */
const struct fabric *kernel_fabric(const struct kernel *kernel);
/* Reads the kernel's fabric afresh into kernel_fabric(). */
int kernel_refresh(struct kernel *kernel);
/* The kernel's fabric read now, the caller's. */
int kernel_dump(struct kernel *kernel, struct fabric **actual);

/* Runs one plan operation's kernel part (no bridge: that is the host's). */
int kernel_execute(struct kernel *kernel, const struct plan_operation *operation);
/* The kernel's words for the last refusal (its extack), "" when none. */
const char *kernel_error(const struct kernel *kernel);
/* The netlink client, for one-object reads (vbus_device_get, stats). */
struct vbus_client *kernel_client(struct kernel *kernel);

/* The Event signal's kind ("device-new", ...) and object ("bus", "device",
 * "connection") of a kernel command; NULL for none. */
const char *kernel_event_kind(unsigned int cmd);
const char *kernel_event_object(unsigned int cmd);
/* The name of the object EVENT is about. */
const char *kernel_event_name(const struct vbus_event *event);
/* The Event signal's details: the object's attributes after the change, as
 * JSON text (the caller's); NULL when out of memory. */
char *kernel_event_details(const struct vbus_event *event);

#endif

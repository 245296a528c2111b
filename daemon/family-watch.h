/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Watches the generic netlink controller for one family going and coming
 * (CTRL_CMD_DELFAMILY/NEWFAMILY on nlctrl's "notify" group): how vbusd
 * learns of "rmmod vbus" and "modprobe vbus". */
#ifndef VBUSD_FAMILY_WATCH_H
#define VBUSD_FAMILY_WATCH_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "macro.h"

struct family_watch;

/* Called from the loop when the family is registered (PRESENT) or gone. */
typedef void (*family_changed_t)(bool present, void *userdata);

int family_watch_new(sd_event *event, const char *family, family_changed_t changed,
		     void *userdata, struct family_watch **result);
void family_watch_free(struct family_watch *watch);
DEFINE_CLEANUP_FUNC(struct family_watch, family_watch_free)

#endif

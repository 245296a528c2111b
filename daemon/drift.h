/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Changes made to the kernel by others: attribute changes of managed devices
 * are adopted into the desired state; removed or disconnected managed
 * objects are restored or reported, by the drift policy. */
#ifndef VBUSD_DRIFT_H
#define VBUSD_DRIFT_H

#include "manager.h"

/* One kernel event: updates the actual view, adopts, schedules a check. */
void drift_on_event(struct manager *manager, const struct vbus_event *event);
/* Events were lost: read the kernel again, adopt, check. */
void drift_resync(struct manager *manager);
/* Takes the kernel's view afresh (after vbusd changed it). */
int drift_refresh(struct manager *manager);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test guest's counters, as text or JSON (one printing layer). */
#ifndef VBUS_TESTGUEST_REPORT_H
#define VBUS_TESTGUEST_REPORT_H

#include <stdbool.h>

#include "guest.h"

/* Notifications (doorbells written + interrupts taken) per frame moved. */
double report_notifications_per_frame(const struct guest_counters *c);

/* Adds the counters of c (one attachment) to total. */
void report_add(struct guest_counters *total, const struct guest_counters *c);

void report_print(const char *mode, const struct guest *g, bool json);

#endif

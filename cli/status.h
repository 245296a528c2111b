/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The text forms of GetStatus, GetStats and the Event signal. */
#ifndef VBUSCTL_STATUS_H
#define VBUSCTL_STATUS_H

#include <stdio.h>

struct json_object;

#include <stdbool.h>

/* Whether a GetStatus document says in sync and lists no problem. */
bool status_healthy(struct json_object *status);
/* The short summary of a GetStatus document. */
void status_render(FILE *out, struct json_object *status);
/* One line: "KIND OBJECT NAME key=value ..." of an Event's arguments. */
void monitor_render(FILE *out, const char *kind, const char *object, const char *name,
		    struct json_object *details);

#endif

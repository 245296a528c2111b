/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the device and bus verbs share: names, destroy, show. */
#ifndef VBUSCTL_OBJECT_H
#define VBUSCTL_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "attribute.h"
#include "cli.h"

struct json_object;

/* "device web0" in OBJECT when NAME is a valid name; else reported, and
 * EXIT_USAGE. -1 to go on. */
int object_name(const char *kind, const char *name, char *object, size_t size);

/* The verbs "KIND create NAME [KEY=VALUE...] [--may-exist]" and "device set
 * NAME KEY=VALUE..." with METHOD; TARGET says which. */
/* The flag of every one-object method (and DestroyDevice's of a connected
 * device) that changes an object a fabric.d file defines. */
#define OBJECT_FORCE	2

/* The fabric.d file that defines KIND NAME, as vbusd says, in FILE; "" when
 * none does or vbusd cannot tell. */
void object_owner(struct context *context, const char *kind, const char *name, char *file,
		  size_t size);
/* CODE; when it is EXIT_OK and FILE is not "": a warning on stderr that a
 * change forced on an object FILE defines lasts until the next reload. */
int object_forced(int code, const char *kind, const char *name, const char *file);

int object_change(struct context *context, const char *kind, const char *method,
		  enum attribute_target target, const char *usage, int argc, char **argv);

/* The verbs "KIND destroy NAME [--if-exists]" with METHOD. */
int object_destroy(struct context *context, const char *kind, const char *method,
		   const char *usage, int argc, char **argv);

/* METHOD's JSON for NAMES (NULL-terminated) from vbusd, or, when vbusd is
 * unreachable, from the kernel (kernel_read()). An exit code; a failure is
 * reported. */
int object_read(struct context *context, const char *method, char **names, const char *object,
		struct json_object **reply);
/* For a REPLY read from the kernel, says so in text output. */
void object_note(const struct context *context, FILE *out, struct json_object *reply);
/* Sorts the objects of ARRAY by their "name". */
void object_sort(struct json_object *array);

typedef int (*object_renderer)(FILE *out, struct json_object *reply, bool listing);

/* The verbs "KIND show [NAME...]": METHOD's JSON with -j, else RENDER;
 * from the kernel when vbusd is unreachable. */
int object_show(struct context *context, const char *kind, const char *method, const char *usage,
		object_renderer render, int argc, char **argv);

/* The array MEMBER of REPLY as a table (LISTING) or as blocks of key: value
 * lines, one per object, separated by empty lines. -errno. */
int object_render(FILE *out, struct json_object *reply, const char *member, bool listing,
		  const char *const *headers, const char *const *keys, size_t columns,
		  const char *const *fields, size_t field_count);

/* The text renderings of GetDevices, GetBuses and GetStats. */
int device_render(FILE *out, struct json_object *reply, bool listing);
int bus_render(FILE *out, struct json_object *reply, bool listing);
int stats_render(FILE *out, struct json_object *reply, bool listing);

#endif

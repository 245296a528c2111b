/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From D-Bus errors and connection failures to messages and exit codes:
 * the one place that knows what each vbusd error name means. */
#ifndef VBUSCTL_ERROR_H
#define VBUSCTL_ERROR_H

#include <stddef.h>

#define ERROR_EXISTS	"org.vbus.Error.Exists"

struct error_kind {
	const char *name;	/* D-Bus error name */
	int exit_code;
	const char *hint;	/* NULL: none */
};

/* What the error NAME means; an unknown name is a plain failure. */
const struct error_kind *error_kind_find(const char *name);
/* The exit code for a failed call: by NAME when the daemon replied with an
 * error, else by the errno R of the transport (-ECONNREFUSED: vbusd gone). */
int error_exit_code(const char *name, int r);
/*
 * Prints "vbusctl: OBJECT: WHAT: LINE" for each line of MESSAGE (OBJECT and
 * WHAT may be NULL: vbusd's lines then stand alone, as the fabric errors
 * "FILE: $.PATH: ..." do), the hint of NAME on the last line, and returns
 * the exit code.
 */
int error_report(const char *object, const char *what, const char *name, const char *message,
		 int r);
/* error_report() with HINT (NULL: none) instead of NAME's. */
int error_report_hint(const char *object, const char *what, const char *name, const char *message,
		      int r, const char *hint);
/* The hint for the error NAME, or NULL. */
const char *error_hint(const char *name);
/* "vbusctl: OBJECT: MESSAGE (hint: HINT)", for errors found here. */
void error_print(const char *object, const char *message, const char *hint);

#endif

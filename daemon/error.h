/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The D-Bus errors of org.vbus.Manager1 and the errnos they stand for. */
#ifndef VBUSD_ERROR_H
#define VBUSD_ERROR_H

#include <stddef.h>

#include "fabric.h"

#define ERROR_INVALID_CONFIG		"org.vbus.Error.InvalidConfig"
#define ERROR_NOT_FOUND			"org.vbus.Error.NotFound"
#define ERROR_EXISTS			"org.vbus.Error.Exists"
#define ERROR_BUSY			"org.vbus.Error.Busy"
#define ERROR_APPLY_FAILED		"org.vbus.Error.ApplyFailed"
#define ERROR_KERNEL_UNAVAILABLE	"org.vbus.Error.KernelUnavailable"

/* The error of a failed apply: -ENOENT NotFound, -EEXIST Exists, -EBUSY
 * Busy, anything else (a kernel refusal) ApplyFailed. */
const char *error_from_errno(int error);

/* ERRORS' lines joined by newlines, in TEXT (cut to SIZE). */
void error_join(const struct fabric_errors *errors, char *text, size_t size);

#endif

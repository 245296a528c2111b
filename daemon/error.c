/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Mapping errnos to org.vbus.Error.* names, and error lines to messages. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

const char *error_from_errno(int error)
{
	switch (error) {
	case -ENOENT:
		return ERROR_NOT_FOUND;
	case -EEXIST:
		return ERROR_EXISTS;
	case -EBUSY:
		return ERROR_BUSY;
	default:
		return ERROR_APPLY_FAILED;
	}
}

void error_join(const struct fabric_errors *errors, char *text, size_t size)
{
	size_t i, length = 0;

	if (size)
		text[0] = '\0';
	for (i = 0; i < errors->count && length + 1 < size; i++) {
		snprintf(text + length, size - length, "%s%s", i ? "\n" : "", errors->lines[i]);
		length = strlen(text);
	}
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Validation of device and bus names, as vbus.ko enforces them. */
#include <string.h>

#include "libvbus.h"

static bool name_first_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool name_char(char c)
{
	return name_first_char(c) || c == '_' || c == '.' || c == '-';
}

bool vbus_name_valid(const char *name)
{
	size_t i;

	if (!name || !name_first_char(name[0]))
		return false;
	for (i = 1; name[i]; i++)
		if (i >= VBUS_NAME_MAX - 1 || !name_char(name[i]))
			return false;
	return true;
}

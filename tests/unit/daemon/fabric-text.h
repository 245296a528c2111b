/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What vbusd's unit tests share: a fabric from JSON text, parsed as a file
 * named "test" would be (the test stops when it is not valid). */
#ifndef VBUSD_TEST_FABRIC_TEXT_H
#define VBUSD_TEST_FABRIC_TEXT_H

#include <string.h>

#include "fabric.h"
#include "unit.h"

static inline struct fabric *parse(const char *text)
{
	struct fabric_errors errors = { 0 };
	struct fabric *fabric = NULL;

	CU_ASSERT_EQUAL_FATAL(fabric_parse(text, strlen(text), "test", &fabric, &errors), 0);
	return fabric;
}

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the CUnit programs share: one suite from a table of tests, run
 * verbosely; the exit status is 1 when anything failed. */
#ifndef VBUS_UNIT_H
#define VBUS_UNIT_H

#include <CUnit/Basic.h>

#include "macro.h"

struct unit_test {
	const char *name;
	CU_TestFunc run;
};

static inline int unit_run(const char *suite_name, const struct unit_test *tests, size_t count)
{
	unsigned int failures;
	CU_pSuite suite;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	suite = CU_add_suite(suite_name, NULL, NULL);
	for (i = 0; suite && i < count; i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].run))
			suite = NULL;
	if (!suite) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}

#define UNIT_TESTS(array) (array), ELEMENTSOF(array)

#endif

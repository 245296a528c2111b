/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of vbus_name_valid(): the names vbus.ko accepts for devices and buses. */
#include <string.h>
#include <CUnit/Basic.h>

#include "libvbus.h"

static void test_accepts_valid_names(void)
{
	CU_ASSERT_TRUE(vbus_name_valid("web0"));
	CU_ASSERT_TRUE(vbus_name_valid("0"));
	CU_ASSERT_TRUE(vbus_name_valid("a.b_c-d"));
	CU_ASSERT_TRUE(vbus_name_valid("vm1.net-0_a"));
}

static void test_rejects_bad_first_character(void)
{
	CU_ASSERT_FALSE(vbus_name_valid("-web"));
	CU_ASSERT_FALSE(vbus_name_valid(".web"));
	CU_ASSERT_FALSE(vbus_name_valid("_web"));
	CU_ASSERT_FALSE(vbus_name_valid("Web"));
}

static void test_rejects_bad_characters(void)
{
	CU_ASSERT_FALSE(vbus_name_valid("web 0"));
	CU_ASSERT_FALSE(vbus_name_valid("web/0"));
	CU_ASSERT_FALSE(vbus_name_valid("wEb"));
	CU_ASSERT_FALSE(vbus_name_valid("web\n"));
	CU_ASSERT_FALSE(vbus_name_valid("w\xc3\xa9"));
}

static void test_rejects_empty_and_null(void)
{
	CU_ASSERT_FALSE(vbus_name_valid(""));
	CU_ASSERT_FALSE(vbus_name_valid(NULL));
}

static void test_length_limit_is_31(void)
{
	char name[VBUS_NAME_MAX + 1];

	memset(name, 'a', sizeof(name));
	name[VBUS_NAME_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(strlen(name), 31);
	CU_ASSERT_TRUE(vbus_name_valid(name));
	name[VBUS_NAME_MAX - 1] = 'a';
	name[VBUS_NAME_MAX] = '\0';
	CU_ASSERT_FALSE(vbus_name_valid(name));
}

int main(void)
{
	CU_pSuite suite;
	unsigned int failures;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	suite = CU_add_suite("lib/name", NULL, NULL);
	if (!suite ||
	    !CU_add_test(suite, "accepts valid names", test_accepts_valid_names) ||
	    !CU_add_test(suite, "rejects a bad first character", test_rejects_bad_first_character) ||
	    !CU_add_test(suite, "rejects bad characters", test_rejects_bad_characters) ||
	    !CU_add_test(suite, "rejects empty and NULL", test_rejects_empty_and_null) ||
	    !CU_add_test(suite, "length limit is 31", test_length_limit_is_31)) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures ? 1 : 0;
}

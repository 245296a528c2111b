/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of vbus_name_valid(): the names vbus.ko accepts for devices and buses. */
#include <string.h>

#include "libvbus.h"
#include "unit.h"

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
	static const struct unit_test tests[] = {
		{ "accepts valid names", test_accepts_valid_names },
		{ "rejects a bad first character", test_rejects_bad_first_character },
		{ "rejects bad characters", test_rejects_bad_characters },
		{ "rejects empty and NULL", test_rejects_empty_and_null },
		{ "length limit is 31", test_length_limit_is_31 },
	};

	return unit_run("lib/name", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of vbusd's error mapping: kernel errnos to org.vbus.Error.*
 * names, and checker errors to one message line each. */
#include <errno.h>
#include <string.h>

#include "error.h"
#include "unit.h"

static void test_errnos_map_to_contract_names(void)
{
	CU_ASSERT_STRING_EQUAL(error_from_errno(-ENOENT), "org.vbus.Error.NotFound");
	CU_ASSERT_STRING_EQUAL(error_from_errno(-EEXIST), "org.vbus.Error.Exists");
	CU_ASSERT_STRING_EQUAL(error_from_errno(-EBUSY), "org.vbus.Error.Busy");
}

static void test_other_refusals_are_apply_failures(void)
{
	CU_ASSERT_STRING_EQUAL(error_from_errno(-ENOSPC), "org.vbus.Error.ApplyFailed");
	CU_ASSERT_STRING_EQUAL(error_from_errno(-EINVAL), "org.vbus.Error.ApplyFailed");
	CU_ASSERT_STRING_EQUAL(error_from_errno(-ERANGE), "org.vbus.Error.ApplyFailed");
}

static void test_errors_join_one_line_each(void)
{
	struct fabric_errors errors = { 0 };
	char text[256];

	fabric_errors_add(&errors, "a.json: $.devices[0].mtu: 9 (expected 68..65535)");
	fabric_errors_add(&errors, "a.json: $.buses[1]: no name");
	fabric_errors_add(&errors, "a.json: $.version: 2 (expected 1)");
	error_join(&errors, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "a.json: $.devices[0].mtu: 9 (expected 68..65535)\n"
				     "a.json: $.buses[1]: no name\n"
				     "a.json: $.version: 2 (expected 1)");
	fabric_errors_clear(&errors);
}

static void test_join_is_cut_to_size(void)
{
	struct fabric_errors errors = { 0 };
	char text[8];

	fabric_errors_add(&errors, "0123456789");
	error_join(&errors, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "0123456");
	fabric_errors_clear(&errors);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "errnos map to the contract's names", test_errnos_map_to_contract_names },
		{ "other refusals are apply failures", test_other_refusals_are_apply_failures },
		{ "errors join one line each", test_errors_join_one_line_each },
		{ "join is cut to size", test_join_is_cut_to_size },
	};

	return unit_run("vbusd errors", UNIT_TESTS(tests));
}

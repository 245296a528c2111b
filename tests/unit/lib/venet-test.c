/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of vbus_venet_check(): every uapi range at its boundaries, the
 * interface name rules, and a message that names the field. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libvbus.h"
#include "unit.h"
#include "macro.h"

/* Checks a config with one field set; returns the result, ERROR the text. */
static int check_one(uint32_t flag, uint32_t value, char *error, size_t size)
{
	struct vbus_venet_config venet = { .present = flag };

	switch (flag) {
	case VBUS_VENET_F_MTU:
		venet.mtu = value;
		break;
	case VBUS_VENET_F_ZCTHRESH:
		venet.zcthresh = value;
		break;
	case VBUS_VENET_F_WMEM:
		venet.wmem = value;
		break;
	case VBUS_VENET_F_TXQLEN:
		venet.txqlen = value;
		break;
	}
	return vbus_venet_check(&venet, error, size);
}

/* MIN and MAX pass, MIN - 1 (unless MIN is 0) and MAX + 1 fail with -ERANGE
 * and the message "FIELD: VALUE is out of range MIN..MAX". */
static void check_boundaries(uint32_t flag, const char *field, uint32_t min, uint32_t max)
{
	char error[128], expected[128];

	CU_ASSERT_EQUAL(check_one(flag, min, error, sizeof(error)), 0);
	CU_ASSERT_STRING_EQUAL(error, "");
	CU_ASSERT_EQUAL(check_one(flag, max, error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(check_one(flag, min + (max - min) / 2, error, sizeof(error)), 0);
	if (min > 0) {
		CU_ASSERT_EQUAL(check_one(flag, min - 1, error, sizeof(error)), -ERANGE);
		snprintf(expected, sizeof(expected), "%s: %u is out of range %u..%u", field,
			 min - 1, min, max);
		CU_ASSERT_STRING_EQUAL(error, expected);
	}
	CU_ASSERT_EQUAL(check_one(flag, max + 1, error, sizeof(error)), -ERANGE);
	snprintf(expected, sizeof(expected), "%s: %u is out of range %u..%u", field,
		 max + 1, min, max);
	CU_ASSERT_STRING_EQUAL(error, expected);
	CU_ASSERT_EQUAL(check_one(flag, UINT32_MAX, error, sizeof(error)), -ERANGE);
}

static void test_mtu_range(void)
{
	char error[128];

	check_boundaries(VBUS_VENET_F_MTU, "mtu", 68, 65535);
	CU_ASSERT_EQUAL(check_one(VBUS_VENET_F_MTU, 70000, error, sizeof(error)), -ERANGE);
	CU_ASSERT_STRING_EQUAL(error, "mtu: 70000 is out of range 68..65535");
}

static void test_zcthresh_range(void)
{
	check_boundaries(VBUS_VENET_F_ZCTHRESH, "zcthresh", 0, 65536);
}

static void test_wmem_range(void)
{
	check_boundaries(VBUS_VENET_F_WMEM, "wmem", 4096, 64U << 20);
}

static void test_txqlen_range(void)
{
	check_boundaries(VBUS_VENET_F_TXQLEN, "txqlen", 1, 65536);
}

static void test_absent_fields_are_not_checked(void)
{
	struct vbus_venet_config venet = { .present = 0 };
	char error[64] = "stale";

	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), 0);
	CU_ASSERT_STRING_EQUAL(error, "");
	venet.present = VBUS_VENET_F_MAC;
	venet.mac[0] = 0x02;
	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), 0);
}

static void test_mac_is_non_zero_unicast(void)
{
	struct vbus_venet_config venet = { .present = VBUS_VENET_F_MAC };
	char error[64];

	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "mac: 00:00:00:00:00:00 is not a non-zero unicast address");
	vbus_mac_parse("01:00:5e:00:00:01", venet.mac);
	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "mac: 01:00:5e:00:00:01 is not a non-zero unicast address");
	vbus_mac_parse("fe:ff:ff:ff:ff:ff", venet.mac);
	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), 0);
}

static void test_ranges_are_the_uapi_ones(void)
{
	uint32_t min, max;

	CU_ASSERT_EQUAL(vbus_venet_range(VBUS_VENET_F_MTU, &min, &max), 0);
	CU_ASSERT(min == VBUS_VENET_MTU_MIN && max == VBUS_VENET_MTU_MAX);
	CU_ASSERT_EQUAL(vbus_venet_range(VBUS_VENET_F_ZCTHRESH, &min, &max), 0);
	CU_ASSERT(min == 0 && max == VBUS_VENET_ZCTHRESH_MAX);
	CU_ASSERT_EQUAL(vbus_venet_range(VBUS_VENET_F_WMEM, &min, &max), 0);
	CU_ASSERT(min == VBUS_VENET_WMEM_MIN && max == VBUS_VENET_WMEM_MAX);
	CU_ASSERT_EQUAL(vbus_venet_range(VBUS_VENET_F_TXQLEN, &min, &max), 0);
	CU_ASSERT(min == VBUS_VENET_TXQLEN_MIN && max == VBUS_VENET_TXQLEN_MAX);
	CU_ASSERT_EQUAL(vbus_venet_range(VBUS_VENET_F_MAC, &min, &max), -EINVAL);
	CU_ASSERT_EQUAL(vbus_venet_range(VBUS_VENET_F_IFNAME, &min, &max), -EINVAL);
}

static void test_default_ifname_is_cut_to_15(void)
{
	char ifname[VBUS_IFNAME_MAX];

	vbus_venet_default_ifname("web0", ifname);
	CU_ASSERT_STRING_EQUAL(ifname, "vbt-web0");
	vbus_venet_default_ifname("webserver-frontend1", ifname);
	CU_ASSERT_STRING_EQUAL(ifname, "vbt-webserver-f");
}

static void test_defaults_pass(void)
{
	struct vbus_venet_config venet = {
		.present = VBUS_VENET_F_ALL,
		.mac = { 0x02, 0, 0, 0, 0, 1 },
		.mtu = VBUS_VENET_MTU_DEFAULT,
		.zcthresh = VBUS_VENET_ZCTHRESH_DEFAULT,
		.wmem = VBUS_VENET_WMEM_DEFAULT,
		.txqlen = VBUS_VENET_TXQLEN_DEFAULT,
		.ifname = "vbt-web0",
	};
	char error[64];

	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), 0);
}

static int check_ifname(const char *ifname, char *error, size_t size)
{
	struct vbus_venet_config venet = { .present = VBUS_VENET_F_IFNAME };

	memcpy(venet.ifname, ifname, strnlen(ifname, sizeof(venet.ifname)));
	return vbus_venet_check(&venet, error, size);
}

static void test_ifname_rules(void)
{
	static const char *const bad[] = { "", ".", "..", "a/b", "a:b", "a b", "a\tb", "a\n" };
	char error[128];
	size_t i;

	CU_ASSERT_EQUAL(check_ifname("vbt-web0", error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(check_ifname("123456789012345", error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(check_ifname("a.b", error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(check_ifname("1234567890123456", error, sizeof(error)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "ifname: longer than 15 characters");
	for (i = 0; i < ELEMENTSOF(bad); i++) {
		CU_ASSERT_EQUAL(check_ifname(bad[i], error, sizeof(error)), -EINVAL);
		CU_ASSERT_EQUAL(strncmp(error, "ifname: ", 8), 0);
	}
}

static void test_unknown_present_bits(void)
{
	struct vbus_venet_config venet = { .present = 1U << 20 };
	char error[64];

	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), -EINVAL);
	venet.present = 1U << VBUS_VENET_A_UNSPEC;
	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), -EINVAL);
}

static void test_first_bad_field_is_reported(void)
{
	struct vbus_venet_config venet = {
		.present = VBUS_VENET_F_MTU | VBUS_VENET_F_WMEM | VBUS_VENET_F_TXQLEN,
		.mtu = 1500, .wmem = 1, .txqlen = 0,
	};
	char error[64];

	CU_ASSERT_EQUAL(vbus_venet_check(&venet, error, sizeof(error)), -ERANGE);
	CU_ASSERT_STRING_EQUAL(error, "wmem: 1 is out of range 4096..67108864");
}

static void test_small_error_buffer(void)
{
	char error[8];

	CU_ASSERT_EQUAL(check_one(VBUS_VENET_F_MTU, 1, error, sizeof(error)), -ERANGE);
	CU_ASSERT_STRING_EQUAL(error, "mtu: 1 ");
	CU_ASSERT_EQUAL(check_one(VBUS_VENET_F_MTU, 1, NULL, 0), -ERANGE);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "mtu 68..65535 at its boundaries", test_mtu_range },
		{ "zcthresh 0..65536 at its boundaries", test_zcthresh_range },
		{ "wmem 4096..64 MiB at its boundaries", test_wmem_range },
		{ "txqlen 1..65536 at its boundaries", test_txqlen_range },
		{ "absent fields are not checked", test_absent_fields_are_not_checked },
		{ "mac must be a non-zero unicast address", test_mac_is_non_zero_unicast },
		{ "vbus_venet_range gives the uapi ranges", test_ranges_are_the_uapi_ones },
		{ "the default ifname is vbt-<name> cut to 15", test_default_ifname_is_cut_to_15 },
		{ "the uapi defaults pass", test_defaults_pass },
		{ "ifname follows the kernel's interface name rules", test_ifname_rules },
		{ "unknown present bits are refused", test_unknown_present_bits },
		{ "the first bad field is the one reported", test_first_bad_field_is_reported },
		{ "a small error buffer is truncated, a missing one ignored", test_small_error_buffer },
	};

	return unit_run("lib/venet", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KEY=VALUE arguments to typed values: libvbus's ranges and forms, sizes
 * with suffixes, and one precise message per mistake (in memory). */
#include <string.h>

#include "attribute.h"
#include "unit.h"

static int parse(enum attribute_target target, const char *a, const char *b,
		 struct attribute_list *list, char *error)
{
	char *args[] = { (char *)a, (char *)b };

	return attribute_parse(target, args, b ? 2 : 1, list, error, 256);
}

static void test_device_create_values_are_typed(void)
{
	char *args[] = { "mac=02:AB:00:00:01:00", "mtu=9000", "wmem=2MiB", "zcthresh=1K",
			 "bridge=br0", "type=venet", "ifname=vbt-x" };
	struct attribute_list list;
	char error[256];

	CU_ASSERT_EQUAL(attribute_parse(ATTRIBUTE_DEVICE_CREATE, args, 7, &list, error,
					sizeof(error)), 0);
	CU_ASSERT_EQUAL(list.count, 6);
	CU_ASSERT_STRING_EQUAL(list.type, "venet");
	CU_ASSERT_STRING_EQUAL(list.values[0].key, "mac");
	CU_ASSERT_EQUAL(list.values[0].type, 's');
	CU_ASSERT_STRING_EQUAL(list.values[0].text, "02:ab:00:00:01:00");
	CU_ASSERT_STRING_EQUAL(list.values[1].key, "mtu");
	CU_ASSERT_EQUAL(list.values[1].type, 'u');
	CU_ASSERT_EQUAL(list.values[1].number, 9000);
	CU_ASSERT_EQUAL(list.values[2].number, 2097152);
	CU_ASSERT_EQUAL(list.values[3].number, 1024);
	CU_ASSERT_STRING_EQUAL(list.values[4].text, "br0");
	CU_ASSERT_STRING_EQUAL(list.values[5].text, "vbt-x");
}

static void test_out_of_range_names_the_range(void)
{
	struct attribute_list list;
	char error[256];

	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_CREATE, "mtu=70000", NULL, &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "mtu=70000: out of range (expected 68..65535)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "zcthresh=1G", NULL, &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "zcthresh=1G: out of range (expected 0..65536)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "wmem=99999999999999999999", NULL, &list,
			      error), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "out of range"));
}

static void test_not_a_number(void)
{
	struct attribute_list list;
	char error[256];

	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "mtu=9k", NULL, &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "mtu=9k: not a number (expected 68..65535)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "txqlen=-1", NULL, &list, error), -EINVAL);
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "wmem=", NULL, &list, error), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "not a number"));
}

static void test_unknown_key_lists_the_keys(void)
{
	struct attribute_list list;
	char error[256];

	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_CREATE, "speed=10", NULL, &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "speed=10: unknown key (expected one of: type, mac, mtu, "
				      "zcthresh, wmem, txqlen, ifname, bridge)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_BUS, "mtu=1500", NULL, &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "mtu: not an attribute of this object (expected one of: "
				      "connector, region_size, domain, uuid, poll_us)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "mac=02:00:00:00:00:01", NULL, &list, error),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "mac: cannot be changed on an existing device (expected "
				      "one of: mtu, zcthresh, wmem, txqlen, bridge)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "mtu", NULL, &list, error), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "mtu: not KEY=VALUE"));
}

static void test_twice_is_an_error(void)
{
	struct attribute_list list;
	char error[256];

	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "mtu=1500", "mtu=9000", &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "mtu: given twice");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_CREATE, "type=venet", "type=venet", &list, error),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "type: given twice");
}

static void test_forms(void)
{
	struct attribute_list list;
	char error[256];

	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_CREATE, "mac=01:00:00:00:00:01", NULL, &list, error),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "mac=01:00:00:00:00:01: a multicast address (expected a "
				      "non-zero unicast address)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_CREATE, "ifname=a/b", NULL, &list, error), -EINVAL);
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_CREATE, "ifname=0123456789abcdef", NULL, &list,
			      error), -EINVAL);
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_CREATE, "type=block", NULL, &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "type=block: not a device type (expected venet)");
	/* An empty bridge takes the device off its bridge. */
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_DEVICE_SET, "bridge=", NULL, &list, error), 0);
	CU_ASSERT_STRING_EQUAL(list.values[0].text, "");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_BUS, "connector=pci", NULL, &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "connector=pci: not a connector (expected one of: none, "
				      "loop, ivshmem)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_BUS, "region_size=65537", NULL, &list, error), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "region_size=65537: not a multiple of 4096 (expected "
				      "65536..1073741824)");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_BUS, "region_size=2M", "uuid=6F1C0000-0000-0000-0000-00000000000A",
			      &list, error), 0);
	CU_ASSERT_EQUAL(list.values[0].number, 2097152);
	CU_ASSERT_STRING_EQUAL(list.values[1].text, "6f1c0000-0000-0000-0000-00000000000a");
	CU_ASSERT_EQUAL(parse(ATTRIBUTE_BUS, "domain=a/b", NULL, &list, error), -EINVAL);
}

static void test_sizes(void)
{
	uint64_t bytes;

	CU_ASSERT_EQUAL(attribute_parse_size("0", &bytes), 0);
	CU_ASSERT_EQUAL(bytes, 0);
	CU_ASSERT_EQUAL(attribute_parse_size("2MiB", &bytes), 0);
	CU_ASSERT_EQUAL(bytes, 2097152);
	CU_ASSERT_EQUAL(attribute_parse_size("1G", &bytes), 0);
	CU_ASSERT_EQUAL(bytes, 1073741824);
	CU_ASSERT_EQUAL(attribute_parse_size("1.5M", &bytes), -EINVAL);
	CU_ASSERT_EQUAL(attribute_parse_size("M", &bytes), -EINVAL);
	CU_ASSERT_EQUAL(attribute_parse_size("1MB", &bytes), -EINVAL);
	CU_ASSERT_EQUAL(attribute_parse_size("99999999999999999999", &bytes), -ERANGE);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "device create values are typed", test_device_create_values_are_typed },
		{ "out of range names the range", test_out_of_range_names_the_range },
		{ "not a number", test_not_a_number },
		{ "unknown key lists the keys", test_unknown_key_lists_the_keys },
		{ "a key given twice is an error", test_twice_is_an_error },
		{ "MAC, ifname, type, bridge, connector, region, UUID forms", test_forms },
		{ "sizes with suffixes", test_sizes },
	};

	return unit_run("cli KEY=VALUE attributes", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of libvbus's text forms: connectors, device types, bus states,
 * MAC addresses and UUIDs, good and bad input. */
#include <errno.h>
#include <string.h>

#include "libvbus.h"
#include "unit.h"
#include "macro.h"

static void test_connectors_both_ways(void)
{
	static const char *const names[] = { "none", "loop", "ivshmem" };
	uint32_t value, i;

	for (i = 0; i < 3; i++) {
		CU_ASSERT_STRING_EQUAL(vbus_connector_to_string(i), names[i]);
		value = 99;
		CU_ASSERT_EQUAL(vbus_connector_from_string(names[i], &value), 0);
		CU_ASSERT_EQUAL(value, i);
	}
	CU_ASSERT_EQUAL(VBUS_CONNECTOR_MAX, 2);
}

static void test_connector_rejects_unknown(void)
{
	uint32_t value = 7;

	CU_ASSERT_PTR_NULL(vbus_connector_to_string(VBUS_CONNECTOR_MAX + 1));
	CU_ASSERT_PTR_NULL(vbus_connector_to_string(UINT32_MAX));
	CU_ASSERT_EQUAL(vbus_connector_from_string("Loop", &value), -EINVAL);
	CU_ASSERT_EQUAL(vbus_connector_from_string("", &value), -EINVAL);
	CU_ASSERT_EQUAL(vbus_connector_from_string("loop ", &value), -EINVAL);
	CU_ASSERT_EQUAL(vbus_connector_from_string("1", &value), -EINVAL);
	CU_ASSERT_EQUAL(value, 7);
}

static void test_device_types(void)
{
	uint32_t value = 0;

	CU_ASSERT_STRING_EQUAL(vbus_device_type_to_string(VBUS_DEVICE_TYPE_VENET), "venet");
	CU_ASSERT_EQUAL(vbus_device_type_from_string("venet", &value), 0);
	CU_ASSERT_EQUAL(value, VBUS_DEVICE_TYPE_VENET);
	CU_ASSERT_PTR_NULL(vbus_device_type_to_string(VBUS_DEVICE_TYPE_UNSPEC));
	CU_ASSERT_PTR_NULL(vbus_device_type_to_string(VBUS_DEVICE_TYPE_MAX + 1));
	CU_ASSERT_EQUAL(vbus_device_type_from_string("block", &value), -EINVAL);
	CU_ASSERT_EQUAL(vbus_device_type_from_string("", &value), -EINVAL);
	CU_ASSERT_EQUAL(vbus_device_type_from_string("VENET", &value), -EINVAL);
}

static void test_bus_states(void)
{
	CU_ASSERT_STRING_EQUAL(vbus_bus_state_to_string(VBUS_BUS_STATE_OK), "ok");
	CU_ASSERT_STRING_EQUAL(vbus_bus_state_to_string(VBUS_BUS_STATE_BROKEN), "broken");
	CU_ASSERT_PTR_NULL(vbus_bus_state_to_string(2));
}

static void test_mac_parses_and_formats(void)
{
	static const uint8_t expected[VBUS_MAC_LEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t mixed[VBUS_MAC_LEN] = { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x5a };
	uint8_t mac[VBUS_MAC_LEN];
	char text[VBUS_MAC_STRLEN];

	CU_ASSERT_EQUAL(vbus_mac_parse("02:00:00:00:00:01", mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, expected, sizeof(mac)), 0);
	vbus_mac_format(mac, text);
	CU_ASSERT_STRING_EQUAL(text, "02:00:00:00:00:01");

	CU_ASSERT_EQUAL(vbus_mac_parse("FE:dc:BA:98:76:5A", mac), 0);
	CU_ASSERT_EQUAL(memcmp(mac, mixed, sizeof(mac)), 0);
	vbus_mac_format(mac, text);
	CU_ASSERT_STRING_EQUAL(text, "fe:dc:ba:98:76:5a");
}

static void test_mac_rejects_bad_input(void)
{
	static const char *const bad[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02:00:00:00:00:1",
		"2:0:0:0:0:1", "02-00-00-00-00-01", "0200.0000.0001", "020000000001",
		"0g:00:00:00:00:01", "02:00:00:00:00:0x", " 02:00:00:00:00:01",
		"02:00:00:00:00:01 ", "02:00:00:00:00:01\n", "02:00:00:00:00::1",
		"+2:00:00:00:00:01",
	};
	uint8_t mac[VBUS_MAC_LEN] = { 1, 2, 3, 4, 5, 6 };
	static const uint8_t untouched[VBUS_MAC_LEN] = { 1, 2, 3, 4, 5, 6 };
	size_t i;

	for (i = 0; i < ELEMENTSOF(bad); i++)
		CU_ASSERT_EQUAL(vbus_mac_parse(bad[i], mac), -EINVAL);
	CU_ASSERT_EQUAL(vbus_mac_parse(NULL, mac), -EINVAL);
	CU_ASSERT_EQUAL(memcmp(mac, untouched, sizeof(mac)), 0);
}

static void test_uuid_parses_and_formats(void)
{
	static const uint8_t expected[VBUS_UUID_LEN] = {
		0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
		0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21,
	};
	uint8_t uuid[VBUS_UUID_LEN];
	char text[VBUS_UUID_STRLEN];

	CU_ASSERT_EQUAL(vbus_uuid_parse("12345678-9abc-def0-0fed-cba987654321", uuid), 0);
	CU_ASSERT_EQUAL(memcmp(uuid, expected, sizeof(uuid)), 0);
	vbus_uuid_format(uuid, text);
	CU_ASSERT_STRING_EQUAL(text, "12345678-9abc-def0-0fed-cba987654321");
	CU_ASSERT_EQUAL(strlen(text), 36);

	CU_ASSERT_EQUAL(vbus_uuid_parse("12345678-9ABC-DEF0-0FED-CBA987654321", uuid), 0);
	CU_ASSERT_EQUAL(memcmp(uuid, expected, sizeof(uuid)), 0);
}

static void test_uuid_rejects_bad_input(void)
{
	static const char *const bad[] = {
		"",
		"12345678-9abc-def0-0fed-cba98765432",
		"12345678-9abc-def0-0fed-cba9876543210",
		"123456789abcdef00fedcba987654321",
		"12345678_9abc_def0_0fed_cba987654321",
		"12345678-9abc-def0-0fedcba9-87654321",
		"{12345678-9abc-def0-0fed-cba98765432}",
		"1234567g-9abc-def0-0fed-cba987654321",
		"12345678-9abc-def0-0fed-cba98765432 ",
		" 2345678-9abc-def0-0fed-cba987654321",
	};
	uint8_t uuid[VBUS_UUID_LEN] = { 0 };
	static const uint8_t untouched[VBUS_UUID_LEN] = { 0 };
	size_t i;

	for (i = 0; i < ELEMENTSOF(bad); i++)
		CU_ASSERT_EQUAL(vbus_uuid_parse(bad[i], uuid), -EINVAL);
	CU_ASSERT_EQUAL(vbus_uuid_parse(NULL, uuid), -EINVAL);
	CU_ASSERT_EQUAL(memcmp(uuid, untouched, sizeof(uuid)), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "connectors to and from strings", test_connectors_both_ways },
		{ "connector rejects unknown names and values", test_connector_rejects_unknown },
		{ "device types to and from strings", test_device_types },
		{ "bus states to strings", test_bus_states },
		{ "MAC parses either case and formats lowercase", test_mac_parses_and_formats },
		{ "MAC rejects bad input and leaves the output alone", test_mac_rejects_bad_input },
		{ "UUID parses either case and formats the 36-character form",
		  test_uuid_parses_and_formats },
		{ "UUID rejects bad input and leaves the output alone", test_uuid_rejects_bad_input },
	};

	return unit_run("lib/strings", UNIT_TESTS(tests));
}

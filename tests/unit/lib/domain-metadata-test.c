/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the vbus domain metadata reader (lib/domain-metadata.c): a
 * domain's vbus element into the fabric of its bus and devices. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "domain-metadata.h"
#include "fabric.h"
#include "unit.h"

#define NS "xmlns:vbus='urn:vbus:domain:1'"

static int parse(const char *xml, struct domain_vbus *vbus, char *error, size_t size)
{
	return domain_vbus_parse(xml, strlen(xml), vbus, error, size);
}

static const char *field(struct json_object *object, const char *key)
{
	struct json_object *value;

	return json_object_object_get_ex(object, key, &value) ? json_object_get_string(value) : NULL;
}

static void test_domain_metadata_becomes_a_fabric(void)
{
	const char *xml =
		"<domain type='qemu'><name>web</name>"
		"<uuid>c7a5fdbd-cdaf-9455-926a-d65c16db1809</uuid><metadata>"
		"<other xmlns='urn:other'/>"
		"<vbus:bus " NS " name='webbus' region_size='2097152'>"
		"<vbus:device name='web0' mtu='9000' bridge='br0'/>"
		"<vbus:device name='web1' type='venet' persistent='yes'/>"
		"</vbus:bus></metadata></domain>";
	struct json_object *bus, *device;
	struct domain_vbus vbus;
	char error[256];

	CU_ASSERT_FATAL(parse(xml, &vbus, error, sizeof(error)) == 0);
	CU_ASSERT(vbus.present);
	CU_ASSERT_STRING_EQUAL(vbus.domain, "web");
	CU_ASSERT_STRING_EQUAL(vbus.bus, "webbus");
	CU_ASSERT_EQUAL(vbus.device_count, 2);
	CU_ASSERT_STRING_EQUAL(vbus.devices[0].name, "web0");
	CU_ASSERT_FALSE(vbus.devices[0].persistent);
	CU_ASSERT(vbus.devices[1].persistent);
	bus = json_object_array_get_idx(json_object_object_get(vbus.fabric, "buses"), 0);
	CU_ASSERT_STRING_EQUAL(field(bus, "connector"), "ivshmem");
	CU_ASSERT_STRING_EQUAL(field(bus, "domain"), "web");
	CU_ASSERT_STRING_EQUAL(field(bus, "uuid"), "c7a5fdbd-cdaf-9455-926a-d65c16db1809");
	CU_ASSERT(json_object_is_type(json_object_object_get(bus, "region_size"), json_type_int));
	device = json_object_array_get_idx(json_object_object_get(vbus.fabric, "devices"), 0);
	CU_ASSERT_STRING_EQUAL(field(device, "bus"), "webbus");
	CU_ASSERT_STRING_EQUAL(field(device, "type"), "venet");
	CU_ASSERT_EQUAL(json_object_get_int(json_object_object_get(device, "mtu")), 9000);
	device = json_object_array_get_idx(json_object_object_get(vbus.fabric, "devices"), 1);
	CU_ASSERT_PTR_NULL(json_object_object_get(device, "persistent"));
	domain_vbus_clear(&vbus);
}

/* What libvbus's fabric checks make of it: the one validation. */
static void test_fabric_passes_libvbus_checks(void)
{
	const char *xml = "<domain><name>db</name><metadata><vbus:bus " NS " name='db'>"
			  "<vbus:device name='db0' zcthresh='0' wmem='2097152'/>"
			  "</vbus:bus></metadata></domain>";
	struct fabric_errors errors = { 0 };
	struct fabric *fabric = NULL;
	struct domain_vbus vbus;
	const char *text;
	char error[256];

	CU_ASSERT_FATAL(parse(xml, &vbus, error, sizeof(error)) == 0);
	text = json_object_to_json_string(vbus.fabric);
	CU_ASSERT_EQUAL(fabric_parse(text, strlen(text), "db", &fabric, &errors), 0);
	CU_ASSERT_EQUAL(fabric_check(fabric, &errors), 0);
	CU_ASSERT_EQUAL(errors.count, 0);
	fabric_free(fabric);
	fabric_errors_clear(&errors);
	domain_vbus_clear(&vbus);
}

static void test_domain_without_vbus_is_not_an_error(void)
{
	struct domain_vbus vbus;
	char error[256];

	CU_ASSERT_EQUAL(parse("<domain><name>plain</name><metadata><x xmlns='urn:x'/>"
			      "</metadata></domain>", &vbus, error, sizeof(error)), 0);
	CU_ASSERT_FALSE(vbus.present);
	CU_ASSERT_STRING_EQUAL(vbus.domain, "plain");
	CU_ASSERT_PTR_NULL(vbus.fabric);
	domain_vbus_clear(&vbus);
}

static void test_bare_element_as_virsh_metadata_prints_it(void)
{
	struct domain_vbus vbus;
	char error[256];

	CU_ASSERT_EQUAL(parse("<bus xmlns='urn:vbus:domain:1' name='vm1'><device name='d0'/></bus>",
			      &vbus, error, sizeof(error)), 0);
	CU_ASSERT(vbus.present);
	CU_ASSERT_STRING_EQUAL(vbus.bus, "vm1");
	CU_ASSERT_EQUAL(vbus.device_count, 1);
	domain_vbus_clear(&vbus);
}

static void test_wrong_metadata_says_what_is_wrong(void)
{
	struct domain_vbus vbus;
	char error[256];

	CU_ASSERT_EQUAL(parse("<domain><metadata><vbus:bus " NS " name='a'><vbus:device name='d' "
			      "speed='1'/></vbus:bus></metadata></domain>", &vbus, error,
			      sizeof(error)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "device 1: unknown attribute 'speed'");
	CU_ASSERT_EQUAL(parse("<domain><metadata><vbus:bus " NS "><vbus:device name='d'/>"
			      "</vbus:bus></metadata></domain>", &vbus, error, sizeof(error)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "bus: no name");
	CU_ASSERT_EQUAL(parse("<domain><metadata><vbus:bus " NS " name='a'/><vbus:bus " NS
			      " name='b'/></metadata></domain>", &vbus, error, sizeof(error)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "one <bus> element"));
	CU_ASSERT_EQUAL(parse("<domain><metadata><vbus:bus " NS " name='a'><x/></vbus:bus>"
			      "</metadata></domain>", &vbus, error, sizeof(error)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "bus a: unexpected element <x>");
	CU_ASSERT_EQUAL(parse("<domain", &vbus, error, sizeof(error)), -EINVAL);
	CU_ASSERT_EQUAL(strncmp(error, "not XML", 7), 0);
	CU_ASSERT_PTR_NULL(strchr(error, '\n'));
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "domain metadata becomes a fabric", test_domain_metadata_becomes_a_fabric },
		{ "the fabric passes libvbus's checks", test_fabric_passes_libvbus_checks },
		{ "a domain without vbus is not an error", test_domain_without_vbus_is_not_an_error },
		{ "the bare element (virsh metadata) is read",
		  test_bare_element_as_virsh_metadata_prints_it },
		{ "wrong metadata says what is wrong", test_wrong_metadata_says_what_is_wrong },
	};

	return unit_run("domain metadata", UNIT_TESTS(tests));
}

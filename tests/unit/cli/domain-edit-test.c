/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the domain metadata edits (cli/domain-edit.c): attach and
 * detach on the vbus element, the bus's <shmem>; what attach writes is
 * read back by the metadata reader and checked against the RelaxNG schema. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/relaxng.h>

#include "domain-edit.h"
#include "domain-metadata.h"
#include "unit.h"

#ifndef SCHEMA_DIR
#define SCHEMA_DIR "schemas"
#endif

/* The element with the namespace libvirt adds to what virDomainSetMetadata got */
static void with_namespace(const char *element, char *xml, size_t size)
{
	CU_ASSERT_FATAL(!strncmp(element, "<bus", 4));
	snprintf(xml, size, "<bus xmlns='%s'%s", DOMAIN_VBUS_NAMESPACE, element + 4);
}

static bool valid(const char *element)
{
	char xml[4096];
	xmlRelaxNGParserCtxt *parser;
	xmlRelaxNGValidCtxt *validator;
	xmlRelaxNG *schema;
	xmlDoc *document;
	int r;

	with_namespace(element, xml, sizeof(xml));
	parser = xmlRelaxNGNewParserCtxt(SCHEMA_DIR "/vbus-domain.rng");
	schema = xmlRelaxNGParse(parser);
	CU_ASSERT_PTR_NOT_NULL_FATAL(schema);
	validator = xmlRelaxNGNewValidCtxt(schema);
	document = xmlReadMemory(xml, (int)strlen(xml), "m.xml", NULL, 0);
	r = document ? xmlRelaxNGValidateDoc(validator, document) : -1;
	xmlFreeDoc(document);
	xmlRelaxNGFreeValidCtxt(validator);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(parser);
	return r == 0;
}

static void test_first_attach_makes_the_bus(void)
{
	const char *keys[] = { "mtu", "persistent" }, *values[] = { "9000", "yes" };
	struct domain_vbus vbus;
	char error[256], xml[4096], *out;
	bool first = false;

	CU_ASSERT_EQUAL_FATAL(domain_edit_attach(NULL, "web", "web0", keys, values, 2, &out,
						 &first, error, sizeof(error)), 0);
	CU_ASSERT(first);
	CU_ASSERT_STRING_EQUAL(out, "<bus name=\"web\"><device name=\"web0\" mtu=\"9000\" "
				    "persistent=\"yes\"/></bus>");
	CU_ASSERT(valid(out));
	with_namespace(out, xml, sizeof(xml));
	CU_ASSERT_EQUAL_FATAL(domain_vbus_parse(xml, strlen(xml), &vbus, error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(vbus.device_count, 1);
	CU_ASSERT(vbus.devices[0].persistent);
	domain_vbus_clear(&vbus);
	free(out);
}

static void test_second_attach_keeps_the_first(void)
{
	const char *metadata = "<vbus:bus xmlns:vbus='urn:vbus:domain:1' name='web'>\n"
			       "  <vbus:device name='web0'/>\n</vbus:bus>\n";
	char error[256], *out;
	bool first = true;

	CU_ASSERT_EQUAL_FATAL(domain_edit_attach(metadata, "ignored", "web1", NULL, NULL, 0, &out,
						 &first, error, sizeof(error)), 0);
	CU_ASSERT_FALSE(first);
	CU_ASSERT_STRING_EQUAL(out, "<bus name=\"web\"><device name=\"web0\"/>"
				    "<device name=\"web1\"/></bus>");
	CU_ASSERT(valid(out));
	free(out);
}

static void test_attach_refuses_twice_and_unknown_keys(void)
{
	const char *metadata = "<bus xmlns='urn:vbus:domain:1' name='web'><device name='web0'/></bus>";
	const char *keys[] = { "speed" }, *values[] = { "10" };
	char error[256], *out;
	bool first;

	CU_ASSERT_EQUAL(domain_edit_attach(metadata, "web", "web0", NULL, NULL, 0, &out, &first,
					   error, sizeof(error)), -EEXIST);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_STRING_EQUAL(error, "device web0 is already in the domain's vbus metadata");
	CU_ASSERT_EQUAL(domain_edit_attach(metadata, "web", "web1", keys, values, 1, &out, &first,
					   error, sizeof(error)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "unknown device attribute 'speed'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "(expected one of type, mac, mtu, zcthresh, wmem, "
					     "txqlen, ifname, bridge, persistent)"));
	CU_ASSERT_EQUAL(domain_edit_attach("<other/>", "web", "web1", NULL, NULL, 0, &out, &first,
					   error, sizeof(error)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "not a <bus> element"));
}

static void test_region_size_new_bus_or_definition_only(void)
{
	char error[256], *out;
	bool first;

	/* a new bus gets it (the caller says a new bus may change) */
	CU_ASSERT_EQUAL_FATAL(domain_edit_attach(NULL, "web", "web0", NULL, NULL, 0, &out, &first,
						 error, sizeof(error)), 0);
	CU_ASSERT_EQUAL_FATAL(domain_edit_region_size(&out, 4 << 20, true, error,
						      sizeof(error)), 0);
	CU_ASSERT_STRING_EQUAL(out, "<bus name=\"web\" region_size=\"4194304\">"
				    "<device name=\"web0\"/></bus>");
	CU_ASSERT(valid(out));
	/* the same size again is no change, even live */
	CU_ASSERT_EQUAL(domain_edit_region_size(&out, 4 << 20, false, error, sizeof(error)), 0);
	/* a running bus keeps its size; the definition changes */
	CU_ASSERT_EQUAL(domain_edit_region_size(&out, 2 << 20, false, error, sizeof(error)),
			-EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "bus web's region is 4194304 bytes and cannot "
					     "change size while the domain runs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "region_size=\"4194304\""));
	CU_ASSERT_EQUAL(domain_edit_region_size(&out, 2 << 20, true, error, sizeof(error)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "region_size=\"2097152\""));
	free(out);
	/* without the attribute a bus has the default size */
	out = strdup("<bus name=\"web\"><device name=\"web0\"/></bus>");
	CU_ASSERT_EQUAL(domain_edit_region_size(&out, VBUS_REGION_SIZE_DEFAULT, false, error,
						sizeof(error)), 0);
	CU_ASSERT_EQUAL(domain_edit_region_size(&out, 8 << 20, false, error, sizeof(error)),
			-EBUSY);
	free(out);
}

static void test_detach_says_when_the_last_goes(void)
{
	const char *metadata = "<vbus:bus xmlns:vbus='urn:vbus:domain:1' name='web'>"
			       "<vbus:device name='web0'/><vbus:device name='web1'/></vbus:bus>";
	char error[256], *out, *again;
	bool last = true;

	CU_ASSERT_EQUAL_FATAL(domain_edit_detach(metadata, "web0", &out, &last, error,
						 sizeof(error)), 0);
	CU_ASSERT_FALSE(last);
	CU_ASSERT_STRING_EQUAL(out, "<bus name=\"web\"><device name=\"web1\"/></bus>");
	CU_ASSERT_EQUAL(domain_edit_detach(out, "web0", &again, &last, error, sizeof(error)),
			-ENOENT);
	CU_ASSERT_STRING_EQUAL(error, "device web0 is not in the domain's vbus metadata");
	CU_ASSERT_EQUAL_FATAL(domain_edit_detach(out, "web1", &again, &last, error,
						 sizeof(error)), 0);
	CU_ASSERT(last);
	CU_ASSERT_STRING_EQUAL(again, "<bus name=\"web\"/>");
	CU_ASSERT(valid(again));
	free(again);
	free(out);
	CU_ASSERT_EQUAL(domain_edit_detach(NULL, "web0", &out, &last, error, sizeof(error)),
			-ENOENT);
}

static void test_shmem_is_the_transport(void)
{
	char *out;

	CU_ASSERT_EQUAL_FATAL(domain_edit_shmem("web", 2, -1, -1, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "<shmem name=\"web\"><model type=\"ivshmem-doorbell\"/>"
				    "<server path=\"/run/vbus/bus/web.sock\"/>"
				    "<msi vectors=\"2\" ioeventfd=\"on\"/></shmem>");
	free(out);
	/* on a q35 domain's pcie-to-pci-bridge */
	CU_ASSERT_EQUAL_FATAL(domain_edit_shmem("web", 2, 2, 1, &out), 0);
	CU_ASSERT_STRING_EQUAL(out, "<shmem name=\"web\"><model type=\"ivshmem-doorbell\"/>"
				    "<server path=\"/run/vbus/bus/web.sock\"/>"
				    "<msi vectors=\"2\" ioeventfd=\"on\"/>"
				    "<address type=\"pci\" domain=\"0x0000\" bus=\"0x02\" "
				    "slot=\"0x01\" function=\"0x0\"/></shmem>");
	free(out);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the first attach makes the bus", test_first_attach_makes_the_bus },
		{ "a second attach keeps the first", test_second_attach_keeps_the_first },
		{ "attach refuses twice and unknown keys",
		  test_attach_refuses_twice_and_unknown_keys },
		{ "region size: a new bus or the definition only",
		  test_region_size_new_bus_or_definition_only },
		{ "detach says when the last goes", test_detach_says_when_the_last_goes },
		{ "the shmem is the transport", test_shmem_is_the_transport },
	};

	return unit_run("domain edit", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of where a bus's <shmem> goes (cli/domain-slot.c), on fake
 * domain XML written here as libvirt's would be (no libvirt): i440fx's
 * pci-root, q35 with a free pcie-to-pci-bridge slot, with a full one, with
 * none; and finding a bus's <shmem>. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain-slot.h"
#include "unit.h"

#define ADDRESS(bus, slot) \
	"<address type='pci' domain='0x0000' bus='" bus "' slot='" slot "' function='0x0'/>"

static const char i440fx[] =
	"<domain type='qemu'><name>a</name><devices>"
	"<controller type='pci' index='0' model='pci-root'/>"
	"<shmem name='other'><model type='ivshmem-doorbell'/>" ADDRESS("0x00", "0x03")
	"</shmem></devices></domain>";

static const char q35_bridge[] =
	"<domain type='qemu'><name>b</name><devices>"
	"<controller type='pci' index='0' model='pcie-root'/>"
	"<controller type='pci' index='1' model='pcie-root-port'>" ADDRESS("0x00", "0x02")
	"</controller>"
	"<controller type='pci' index='2' model='pcie-to-pci-bridge'>" ADDRESS("0x01", "0x00")
	"</controller>"
	"<shmem name='b'><model type='ivshmem-doorbell'/>" ADDRESS("0x02", "0x01") "</shmem>"
	"<memballoon model='virtio'>" ADDRESS("0x02", "0x02") "</memballoon>"
	"</devices></domain>";

static const char q35_none[] =
	"<domain type='qemu'><name>c</name><devices>"
	"<controller type='pci' index='0' model='pcie-root'/>"
	"<controller type='pci' index='1' model='pcie-root-port'>" ADDRESS("0x00", "0x02")
	"</controller>"
	"<controller type='pci' index='2' model='pcie-root-port'>" ADDRESS("0x00", "0x03")
	"</controller>"
	"<controller type='usb' index='0' model='qemu-xhci'>" ADDRESS("0x02", "0x00")
	"</controller></devices></domain>";

static void test_i440fx_takes_it_on_its_root(void)
{
	struct domain_slot slot;
	char error[256];

	CU_ASSERT_EQUAL_FATAL(domain_slot_choose(i440fx, &slot, error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(slot.kind, DOMAIN_SLOT_ROOT);
}

static void test_q35_uses_a_free_bridge_slot(void)
{
	struct domain_slot slot;
	char error[256];

	CU_ASSERT_EQUAL_FATAL(domain_slot_choose(q35_bridge, &slot, error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(slot.kind, DOMAIN_SLOT_BRIDGE);
	CU_ASSERT_EQUAL(slot.bus, 2);
	CU_ASSERT_EQUAL(slot.slot, 3);	/* 1 and 2 are taken */
}

static void test_q35_with_a_full_bridge_needs_a_new_one(void)
{
	char xml[16384], *end;
	struct domain_slot slot;
	char error[256];
	int i;

	end = xml + sprintf(xml, "<domain><devices>"
			    "<controller type='pci' index='0' model='pcie-root'/>"
			    "<controller type='pci' index='4' model='pcie-to-pci-bridge'/>");
	for (i = 1; i <= 31; i++)
		end += sprintf(end, "<shmem name='s%d'><address type='pci' bus='4' slot='%d'/>"
			       "</shmem>", i, i);
	strcpy(end, "</devices></domain>");
	CU_ASSERT_EQUAL_FATAL(domain_slot_choose(xml, &slot, error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(slot.kind, DOMAIN_SLOT_NEW_BRIDGE);
	CU_ASSERT_EQUAL(slot.bus, 5);
	CU_ASSERT_EQUAL(slot.slot, 1);
}

static void test_q35_without_bridge_needs_one(void)
{
	struct domain_slot slot;
	char error[256], *bridge;

	CU_ASSERT_EQUAL_FATAL(domain_slot_choose(q35_none, &slot, error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(slot.kind, DOMAIN_SLOT_NEW_BRIDGE);
	CU_ASSERT_EQUAL(slot.bus, 3);
	CU_ASSERT_EQUAL(slot.slot, 1);
	CU_ASSERT_EQUAL_FATAL(domain_slot_bridge_xml(slot.bus, &bridge), 0);
	CU_ASSERT_STRING_EQUAL(bridge, "<controller type='pci' index='3' "
				       "model='pcie-to-pci-bridge'><model name='pcie-pci-bridge'/>"
				       "</controller>");
	free(bridge);
}

static void test_a_pci_bridge_serves_when_there_is_no_pcie_to_pci_bridge(void)
{
	static const char xml[] = "<domain><devices>"
				  "<controller type='pci' index='0' model='pcie-root'/>"
				  "<controller type='pci' index='1' model='pci-bridge'/>"
				  "</devices></domain>";
	struct domain_slot slot;
	char error[256];

	CU_ASSERT_EQUAL_FATAL(domain_slot_choose(xml, &slot, error, sizeof(error)), 0);
	CU_ASSERT_EQUAL(slot.kind, DOMAIN_SLOT_BRIDGE);
	CU_ASSERT_EQUAL(slot.bus, 1);
	CU_ASSERT_EQUAL(slot.slot, 1);
}

static void test_bad_xml_and_no_pci_root_are_refused(void)
{
	struct domain_slot slot;
	char error[256];

	CU_ASSERT_EQUAL(domain_slot_choose("<domain", &slot, error, sizeof(error)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(error, "the domain's XML is not a libvirt <domain>");
	CU_ASSERT_EQUAL(domain_slot_choose("<domain><devices/></domain>", &slot, error,
					   sizeof(error)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "no PCI root"));
}

static void test_the_bus_shmem_is_found_by_name(void)
{
	char *shmem;

	CU_ASSERT_EQUAL_FATAL(domain_slot_find_shmem(q35_bridge, "b", &shmem), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(shmem);
	CU_ASSERT_PTR_NOT_NULL(strstr(shmem, "<shmem name=\"b\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(shmem, "slot=\"0x01\""));
	free(shmem);
	CU_ASSERT_EQUAL(domain_slot_find_shmem(i440fx, "b", &shmem), 0);
	CU_ASSERT_PTR_NULL(shmem);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "i440fx takes it on its root", test_i440fx_takes_it_on_its_root },
		{ "q35 uses a free bridge slot", test_q35_uses_a_free_bridge_slot },
		{ "q35 with a full bridge needs a new one",
		  test_q35_with_a_full_bridge_needs_a_new_one },
		{ "q35 without bridge needs one", test_q35_without_bridge_needs_one },
		{ "a pci-bridge serves when there is no pcie-to-pci-bridge",
		  test_a_pci_bridge_serves_when_there_is_no_pcie_to_pci_bridge },
		{ "bad XML and no PCI root are refused", test_bad_xml_and_no_pci_root_are_refused },
		{ "the bus's shmem is found by name", test_the_bus_shmem_is_found_by_name },
	};

	return unit_run("domain slot (fake XML)", UNIT_TESTS(tests));
}

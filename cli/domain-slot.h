/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a bus's <shmem> (QEMU's ivshmem-doorbell, a conventional PCI
 * device) goes in a domain, read from the domain's XML: i440fx's pci-root
 * takes it anywhere (libvirt picks the slot, and hot-plugs it); q35's
 * pcie-root does not hot-plug, so it goes on a free slot of a
 * pcie-to-pci-bridge (or pci-bridge), or, when the domain has none, a
 * pcie-to-pci-bridge must be added to its definition first. */
#ifndef VBUSCTL_DOMAIN_SLOT_H
#define VBUSCTL_DOMAIN_SLOT_H

#include <stddef.h>

enum domain_slot_kind {
	DOMAIN_SLOT_ROOT,		/* pci-root (i440fx): no address, libvirt picks */
	DOMAIN_SLOT_BRIDGE,		/* pcie-root (q35): a bridge's free slot */
	DOMAIN_SLOT_NEW_BRIDGE,		/* pcie-root, no free bridge slot: add a bridge */
};

struct domain_slot {
	enum domain_slot_kind kind;
	unsigned int bus, slot;		/* DOMAIN_SLOT_BRIDGE: the address; NEW_BRIDGE:
					 * the new controller's index, and slot 1 */
};

/* The first and last slot of a bridge (slot 0 of a pci-bridge is its SHPC). */
#define DOMAIN_SLOT_FIRST	1
#define DOMAIN_SLOT_LAST	31

/*
 * Reads a domain's XML (virDomainGetXMLDesc, live or inactive) into SLOT.
 * -EINVAL when it does not parse or has neither pci-root nor pcie-root
 * controller (ERROR, SIZE bytes, says which).
 */
int domain_slot_choose(const char *xml, struct domain_slot *slot, char *error, size_t size);

/* The controller that NEW_BRIDGE adds: <controller type='pci' index=INDEX
 * model='pcie-to-pci-bridge'><model name='pcie-pci-bridge'/></controller>
 * (libvirt gives it an address, and a pcie-root-port when it needs one).
 * *OUT: free(). */
int domain_slot_bridge_xml(unsigned int index, char **out);

/*
 * The domain's <shmem name=BUS> element in XML, serialized, into *OUT
 * (free()); *OUT NULL when the domain has none. -EINVAL for XML that does
 * not parse.
 */
int domain_slot_find_shmem(const char *xml, const char *bus, char **out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Edits of the vbus element of a libvirt domain's <metadata> (what
 * "vbusctl domain attach/detach" hand to virDomainSetMetadata) and the
 * transport device of a bus (the ivshmem-doorbell <shmem>), with libxml2. */
#ifndef VBUSCTL_DOMAIN_EDIT_H
#define VBUSCTL_DOMAIN_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Adds DEVICE with COUNT attributes (KEYS[i]=VALUES[i], the schema's names:
 * type mac mtu zcthresh wmem txqlen ifname bridge persistent) to METADATA,
 * the vbus element as virDomainGetMetadata returns it, or NULL/"" when the
 * domain has none yet (then a <bus name=BUS> is made). *OUT (free()) is the
 * element without namespace declaration, as virDomainSetMetadata takes it;
 * *FIRST says the bus had no device before (the transport must be added).
 * -EEXIST: the device is already there; -EINVAL: bad XML or an unknown key;
 * ERROR (SIZE bytes) says which.
 */
int domain_edit_attach(const char *metadata, const char *bus, const char *device,
		       const char *const *keys, const char *const *values, size_t count, char **out,
		       bool *first, char *error, size_t size);

/*
 * Sets the region size of the bus in METADATA (what domain_edit_attach made)
 * to BYTES, in place (*METADATA is replaced; free()). A bus whose region
 * size is already set otherwise (absent: VBUS_REGION_SIZE_DEFAULT) keeps it
 * unless MAY_CHANGE (the definition: it takes effect at the next start; a
 * running bus's region cannot change size): -EBUSY, ERROR says so.
 */
int domain_edit_region_size(char **metadata, uint32_t bytes, bool may_change, char *error,
			    size_t size);

/* The keys attach takes, as "type, mac, ...", into TEXT. */
void domain_edit_keys(char *text, size_t size);

/*
 * Removes DEVICE from METADATA. *OUT as above; *LAST says no device is left
 * (the transport must go). -ENOENT: the device is not there.
 */
int domain_edit_detach(const char *metadata, const char *device, char **out, bool *last,
		       char *error, size_t size);

/*
 * The bus's transport: <shmem name=BUS><model type='ivshmem-doorbell'/>
 * <server path='/run/vbus/bus/BUS.sock'/><msi vectors=VECTORS ioeventfd='on'/>
 * <address type='pci' bus=PCI_BUS slot=PCI_SLOT/></shmem>, without the
 * address when PCI_BUS < 0 (libvirt picks one). *OUT: free().
 */
int domain_edit_shmem(const char *bus, unsigned int vectors, int pci_bus, int pci_slot,
		      char **out);

#endif

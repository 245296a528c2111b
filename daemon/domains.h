/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt domains' vbus, kept by vbusd (issue 14 item 4): what the libvirt
 * thread reports (libvirt-connection.h) applied on the loop, keyed by
 * UUID and taken from libvirt's state now, never from the order of events:
 *
 * - a running domain with vbus metadata has its bus (connector ivshmem, the
 *   domain's name and UUID) and its devices, connected. libvirt's hook made
 *   them before QEMU started (QEMU needs the socket at once); this catches
 *   a domain started while vbusd was down, and metadata edited on a running
 *   domain: a device added is created and connected (the guest sees it
 *   hot-plugged), a device taken out is disconnected (and destroyed unless
 *   it was persistent);
 * - a domain seen running that stopped, crashed, lost its metadata or was
 *   undefined has its devices disconnected, destroyed unless persistent,
 *   and its bus destroyed (the hook's "release" did that already if it ran).
 *   At the first resync after vbusd starts, a domain not running whose bus
 *   is still there is treated the same (it stopped while vbusd was down).
 *
 * Never touched: objects a fabric.d file defines, and a bus that does not
 * carry the domain's UUID.
 */
#ifndef VBUSD_DOMAINS_H
#define VBUSD_DOMAINS_H

#include "libvirt-connection.h"
#include "macro.h"

struct manager;
struct domains;

int domains_new(struct manager *manager, struct domains **domains);
void domains_free(struct domains *domains);
DEFINE_CLEANUP_FUNC(struct domains, domains_free)

/* Brings the fabric in line with what CONNECTION knows of the domains;
 * nothing while it is not connected (its list is then not the truth). */
void domains_sync(struct domains *domains, struct libvirt_connection *connection);

#endif

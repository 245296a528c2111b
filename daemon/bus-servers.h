/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ivshmem servers of vbusd: one per bus whose connector is ivshmem, at
 * VBUS_IVSHMEM_SOCKET_DIR/BUS.sock, following the kernel's buses. */
#ifndef VBUSD_BUS_SERVERS_H
#define VBUSD_BUS_SERVERS_H

#include <systemd/sd-event.h>

#include "fabric.h"
#include "ivshmem-server.h"

struct bus_servers;

/* The user QEMU runs as under libvirt on Debian (qemu.conf's user). */
#define BUS_SERVERS_QEMU_USER	"libvirt-qemu"
#define BUS_SERVERS_DEVICE	"/dev/vbus"

/* Takes the fds systemd's store passes back (fdstore.h); each server adopts
 * its bus's at the first sync. DEVICE: "/dev/vbus"; ACCESS_USER: the user QEMU runs as (libvirt-qemu),
 * NULL for root only. */
int bus_servers_new(sd_event *event, const char *device, const char *access_user,
		    struct bus_servers **servers);
void bus_servers_free(struct bus_servers *servers);
/* Starts a server for each ivshmem bus of ACTUAL that has none (or whose
 * region size changed) and stops those of buses gone; a bus whose server
 * cannot start is logged once and tried again when it changes. */
void bus_servers_sync(struct bus_servers *servers, const struct fabric *actual);
/* The servers of the kernel's buses have taken back what an earlier vbusd
 * parked in systemd's fd store (the first sync): the rest is closed and
 * logged. Called once at start, before vbusd serves its API. */
void bus_servers_adopted(struct bus_servers *servers);

/* The status of BUS's server into STATUS; false when BUS has no running
 * server (not an ivshmem bus, or its server could not start). */
bool bus_servers_status(const struct bus_servers *servers, const char *bus,
			struct ivshmem_server_status *status);

#endif

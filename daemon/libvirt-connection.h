/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vbusd's connection to libvirtd (issue 14, item 4): a thread of its own
 * runs libvirt's default event loop, opens the URI, keeps it alive, hears
 * the domains' lifecycle and metadata-change events, reconnects with
 * backoff and resyncs every domain (keyed by UUID) on each (re)connect.
 *
 * Why a thread and not virEventRegisterImpl() onto sd-event: every libvirt
 * call that can block (virConnectOpen against a hung libvirtd,
 * virDomainGetMetadata, virConnectListAllDomains) then runs off the
 * sd-event thread, which serves QEMU's ivshmem sockets synchronously
 * during device realize. With the event loop mapped onto sd-event those
 * calls would still have to be made somewhere, and making them on the loop
 * is exactly what must not happen. The thread hands what it learns to the
 * loop through an eventfd (the loop's callback runs on the loop) and a
 * snapshot under a mutex that the loop only ever holds for a copy.
 */
#ifndef VBUSD_LIBVIRT_CONNECTION_H
#define VBUSD_LIBVIRT_CONNECTION_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "macro.h"

#define LIBVIRT_CONNECTION_DEFAULT_URI	"qemu:///system"

struct libvirt_connection;

struct libvirt_connection_status {
	bool connected;
	unsigned int domains;		/* domains with vbus metadata */
	unsigned int running;		/* of which running */
	char uri[256];
	char reason[256];		/* why not connected */
	uint64_t retry_in;		/* seconds to the next attempt when not connected */
};

/* A domain with vbus metadata, as libvirt said last. */
struct libvirt_domain {
	char uuid[37];
	char name[256];
	bool running;
	char *metadata;			/* the vbus element (virDomainGetMetadata) */
};

/* Starts the thread; CHANGED(USERDATA) runs on EVENT's loop whenever the
 * connection or a domain with vbus metadata changed. */
int libvirt_connection_new(sd_event *event, const char *uri, void (*changed)(void *userdata),
			   void *userdata, struct libvirt_connection **connection);
/* Stops the thread (waits for a libvirt call in progress) and closes. */
void libvirt_connection_free(struct libvirt_connection *connection);
DEFINE_CLEANUP_FUNC(struct libvirt_connection, libvirt_connection_free)

/* A copy of the state now; never blocks on libvirt. */
void libvirt_connection_status(struct libvirt_connection *connection,
			       struct libvirt_connection_status *status);

/*
 * A copy of the domains with vbus metadata (free with
 * libvirt_domains_free()), and the number of the resync it comes from
 * (*RESYNC: 0 before the first; it grows with each (re)connect). The list
 * is libvirt's whole truth only while connected (status.connected).
 */
int libvirt_connection_domains(struct libvirt_connection *connection,
			       struct libvirt_domain **domains, size_t *count, uint64_t *resync,
			       bool *connected);
void libvirt_domains_free(struct libvirt_domain *domains, size_t count);

#endif

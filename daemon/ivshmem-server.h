/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ivshmem server of one bus: QEMU's ivshmem-doorbell device connects to
 * its unix socket and gets the bus's region and eventfds (lib/ivshmem.h);
 * vbusd is peer 0 and hands the same region and eventfds to vbus.ko.
 *
 * Who may connect: the socket is root's, mode 0600, plus one POSIX ACL entry
 * (rw) for the user QEMU runs as (libvirt-qemu on Debian). Setting an ACL on
 * its own file needs no capability, no group membership and no change to
 * vbusd's unit (CAP_CHOWN or SupplementaryGroups= would; the latter also
 * fails the unit when libvirt, hence the group, is not installed); and it
 * names exactly one user, where a group or world mode would let others map
 * a guest's memory. Every QEMU of that user can reach every bus socket: the
 * one-client-per-bus rule keeps a second one out of a running domain's bus. */
#ifndef VBUSD_IVSHMEM_SERVER_H
#define VBUSD_IVSHMEM_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <systemd/sd-event.h>

struct ivshmem_server;
struct fdstore;

enum ivshmem_server_event {
	IVSHMEM_SERVER_CONNECTED,	/* a client got its setup */
	IVSHMEM_SERVER_DISCONNECTED,	/* the client left, or was dropped */
	IVSHMEM_SERVER_REFUSED,		/* a second client was turned away */
	IVSHMEM_SERVER_DROPPED,		/* a client gone before its setup was sent */
};

struct ivshmem_server_options {
	const char *bus;		/* the bus (vbus.ko's name) */
	const char *path;		/* the socket; a stale socket there is replaced */
	uint32_t region_size;		/* the bus's; a power of two */
	unsigned int vectors;		/* the device's vectors= (VBUS_IVSHMEM_VECTORS) */
	/* A user that may connect besides root (libvirt-qemu): an ACL entry on
	 * the socket. NULL, or a user that does not exist: root only. */
	const char *access_user;
	/* "/dev/vbus": each client's region and eventfds are attached there
	 * while it is connected (so the bus can be destroyed once its QEMU has
	 * gone); a client the bus cannot take is refused. NULL: no kernel (the
	 * unit tests). */
	const char *device;
	/* Park the listening socket, the doorbell eventfds and, while a client
	 * is connected, its connection, region memfd and /dev/vbus attachment
	 * in systemd's fd store (fdstore.h), so that a restart of vbusd keeps
	 * the client's data path; false: the unit tests. */
	bool park;
	/* The fds an earlier vbusd parked: the server takes this bus's, checks
	 * them and adopts them (a connected client keeps its id and its
	 * attachment); NULL: none. */
	struct fdstore *fdstore;
};

struct ivshmem_server_status {
	bool connected;
	int64_t peer_id;		/* the client's id, or of the last one */
	pid_t peer_pid;			/* 0 when unknown */
	uint64_t connections, refused, dropped;
	bool access_granted;		/* the access_user's ACL entry is set */
	bool attached;			/* the client's region is attached in vbus.ko */
};

/* EVENT's callback; it must not free the server. */
typedef void (*ivshmem_server_callback_t)(struct ivshmem_server *server,
					  enum ivshmem_server_event event, void *userdata);

/* Listens on OPTIONS->path in EVENT's loop. Never blocks: a client is
 * served in the accept callback, with a new region (a sealed memfd). -EINVAL
 * for a region QEMU cannot map (not a power of two) or no vectors, -EEXIST
 * for a path that is not a socket. */
int ivshmem_server_new(sd_event *event, const struct ivshmem_server_options *options,
		       ivshmem_server_callback_t callback, void *userdata,
		       struct ivshmem_server **server);
/* Closes the socket, removes its path, drops the client (QEMU keeps what it
 * has) and detaches the bus. */
void ivshmem_server_free(struct ivshmem_server *server);
/* vbusd exits: with parked fds under systemd, only closes its own copies
 * (the path stays, the bus stays attached, the client stays connected to
 * the fds systemd holds for the next vbusd); else ivshmem_server_free(). */
void ivshmem_server_release(struct ivshmem_server *server);
void ivshmem_server_status(const struct ivshmem_server *server,
			   struct ivshmem_server_status *status);

#endif

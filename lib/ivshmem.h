/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* QEMU's ivshmem-doorbell protocol (qemu docs/specs/ivshmem-spec.rst): the
 * message codec over a unix socket, and the client's view of the setup as
 * QEMU checks it (hw/misc/ivshmem.c), shared by vbusd's server, the tests and
 * the fuzz target; and where vbus puts a bus's socket. */
#ifndef VBUS_IVSHMEM_H
#define VBUS_IVSHMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vbus_ring.h>

/*
 * The protocol: the server sends, the client never does. Every message is
 * one int64, little-endian, with at most one file descriptor (SCM_RIGHTS):
 *   version (0), no fd          first
 *   the client's id, no fd      second; 0..IVSHMEM_MAX_PEERS
 *   -1 with the shared memory   QEMU reads synchronously up to this one
 *   ID with an eventfd          peer ID's next vector (vector 0, 1, ...)
 *   ID without an fd            peer ID left
 * vbus: the host (vbusd, for vbus.ko) is peer 0; a guest (QEMU) rings
 * vector V of peer 0 to kick the bus, and the host writes the guest's own
 * vector 0 eventfd to interrupt it.
 */
#define IVSHMEM_PROTOCOL_VERSION	0
#define IVSHMEM_MAX_PEERS		65535	/* QEMU: ids are uint16_t */
#define IVSHMEM_SHM_MESSAGE		(-1)
#define IVSHMEM_MESSAGE_SIZE		8
#define IVSHMEM_VECTORS_MAX		64	/* VBUS_DEV_VECTORS_MAX */

/* vbus's peers and vectors: the <msi vectors=…> of a vbus <shmem> device
 * must equal the server's vector count (QEMU refuses more eventfds than
 * vectors), so both come from here. */
/* VBUS_IVSHMEM_HOST_PEER and VBUS_IVSHMEM_VECTORS: <linux/vbus_ring.h>. */
#define VBUS_IVSHMEM_SOCKET_DIR		"/run/vbus/bus"
/* What a refused client gets instead of the version before the server
 * closes: QEMU (7.2) loops forever in device realize on a server that closes
 * without a word, and fails it with "server sent version -1, expecting 0"
 * on this. */
#define VBUS_IVSHMEM_REFUSAL		(-1)

/* VBUS_IVSHMEM_SOCKET_DIR/BUS.sock into PATH; -ENAMETOOLONG when it does not
 * fit (a sockaddr_un holds 107 characters). */
int vbus_ivshmem_socket_path(const char *bus, char *path, size_t size);

void ivshmem_message_encode(int64_t value, uint8_t buffer[IVSHMEM_MESSAGE_SIZE]);
int64_t ivshmem_message_decode(const uint8_t buffer[IVSHMEM_MESSAGE_SIZE]);

/* One message on SOCKET with FD (-1: none). Never blocks on a non-blocking
 * socket: -EAGAIN when the socket is full, -EPIPE when the peer is gone. */
int ivshmem_send(int socket, int64_t value, int fd);
/* One message from SOCKET into VALUE and FD (-1: none; the caller owns it).
 * -EPIPE at end of stream, -EAGAIN when nothing is there, -EBADMSG for a
 * short message or more than one fd (all received fds are closed). */
int ivshmem_receive(int socket, int64_t *value, int *fd);

/*
 * The client's side of the setup, with QEMU's checks: feed it every message
 * received; it owns every fd fed to it (closed on error and by
 * ivshmem_setup_clear). Peers are tracked up to IVSHMEM_SETUP_PEERS.
 */
#define IVSHMEM_SETUP_PEERS		8

enum ivshmem_setup_state {
	IVSHMEM_SETUP_VERSION,		/* waiting for the version */
	IVSHMEM_SETUP_ID,		/* waiting for the client's id */
	IVSHMEM_SETUP_SHM,		/* waiting for the shared memory */
	IVSHMEM_SETUP_RUNNING,		/* peers come and go */
};

struct ivshmem_setup_peer {
	int64_t id;			/* -1: slot unused */
	unsigned int eventfd_count;
	int eventfds[IVSHMEM_VECTORS_MAX];
};

struct ivshmem_setup {
	enum ivshmem_setup_state state;
	unsigned int vectors;		/* the device's vectors=, as in QEMU */
	int64_t id;			/* the client's id */
	int shm_fd;
	unsigned int peers_left;	/* "peer left" messages seen */
	struct ivshmem_setup_peer peers[IVSHMEM_SETUP_PEERS];
};

void ivshmem_setup_init(struct ivshmem_setup *setup, unsigned int vectors);
void ivshmem_setup_clear(struct ivshmem_setup *setup);
/* 0, or: -EPROTO for a version other than 0, -EBADMSG for a message QEMU
 * refuses at this point (an fd where none belongs, an id out of range, a
 * second shared memory, a peer leaving that never came, the client's own
 * id leaving), -E2BIG for more eventfds than vectors, -ENOSPC for more
 * peers than tracked. FD is taken in every case. */
int ivshmem_setup_feed(struct ivshmem_setup *setup, int64_t value, int fd);
/* The peer ID's record, or NULL. */
const struct ivshmem_setup_peer *ivshmem_setup_peer(const struct ivshmem_setup *setup,
						    int64_t id);

#endif

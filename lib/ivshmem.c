/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* QEMU's ivshmem-doorbell protocol: int64 LE messages with SCM_RIGHTS, and
 * the client's checks of the setup as hw/misc/ivshmem.c makes them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ivshmem.h"

int vbus_ivshmem_socket_path(const char *bus, char *path, size_t size)
{
	struct sockaddr_un address;
	int n;

	n = snprintf(path, size, "%s/%s.sock", VBUS_IVSHMEM_SOCKET_DIR, bus);
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof(address.sun_path))
		return -ENAMETOOLONG;
	return 0;
}

void ivshmem_message_encode(int64_t value, uint8_t buffer[IVSHMEM_MESSAGE_SIZE])
{
	uint64_t bits = (uint64_t)value;
	int i;

	for (i = 0; i < IVSHMEM_MESSAGE_SIZE; i++)
		buffer[i] = (uint8_t)(bits >> (8 * i));
}

int64_t ivshmem_message_decode(const uint8_t buffer[IVSHMEM_MESSAGE_SIZE])
{
	uint64_t bits = 0;
	int i;

	for (i = 0; i < IVSHMEM_MESSAGE_SIZE; i++)
		bits |= (uint64_t)buffer[i] << (8 * i);
	return (int64_t)bits;
}

int ivshmem_send(int socket, int64_t value, int fd)
{
	uint8_t buffer[IVSHMEM_MESSAGE_SIZE];
	struct iovec iov = { .iov_base = buffer, .iov_len = sizeof(buffer) };
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr message = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;
	ssize_t n;

	ivshmem_message_encode(value, buffer);
	if (fd >= 0) {
		memset(&control, 0, sizeof(control));
		message.msg_control = control.space;
		message.msg_controllen = sizeof(control.space);
		cmsg = CMSG_FIRSTHDR(&message);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do
		n = sendmsg(socket, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	/* a unix stream socket takes a message this small whole or not at all */
	return n == (ssize_t)sizeof(buffer) ? 0 : -EIO;
}

/* Every fd in MESSAGE's control data: the first into *FD, the others closed.
 * The number of fds seen. */
static int take_fds(struct msghdr *message, int *fd)
{
	struct cmsghdr *cmsg;
	int count = 0;

	for (cmsg = CMSG_FIRSTHDR(message); cmsg; cmsg = CMSG_NXTHDR(message, cmsg)) {
		size_t i, n;

		if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int received;

			memcpy(&received, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
			if (count++ == 0)
				*fd = received;
			else
				close(received);
		}
	}
	return count;
}

int ivshmem_receive(int socket, int64_t *value, int *fd)
{
	uint8_t buffer[IVSHMEM_MESSAGE_SIZE];
	struct iovec iov = { .iov_base = buffer, .iov_len = sizeof(buffer) };
	union {
		struct cmsghdr header;
		char space[CMSG_SPACE(4 * sizeof(int))];
	} control;
	struct msghdr message = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.space, .msg_controllen = sizeof(control.space),
	};
	ssize_t n;
	int count;

	*fd = -1;
	do
		n = recvmsg(socket, &message, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	count = take_fds(&message, fd);
	if (n == 0 && count == 0)
		return -EPIPE;
	if (n != (ssize_t)sizeof(buffer) || count > 1 || (message.msg_flags & MSG_CTRUNC)) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return -EBADMSG;
	}
	*value = ivshmem_message_decode(buffer);
	return 0;
}

/* --- the client's view of the setup --------------------------------------- */

static void closefd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void peer_clear(struct ivshmem_setup_peer *peer)
{
	unsigned int i;

	for (i = 0; i < peer->eventfd_count; i++)
		closefd(&peer->eventfds[i]);
	peer->eventfd_count = 0;
	peer->id = -1;
}

void ivshmem_setup_init(struct ivshmem_setup *setup, unsigned int vectors)
{
	unsigned int i;

	memset(setup, 0, sizeof(*setup));
	setup->state = IVSHMEM_SETUP_VERSION;
	setup->vectors = vectors;
	setup->id = -1;
	setup->shm_fd = -1;
	for (i = 0; i < IVSHMEM_SETUP_PEERS; i++)
		setup->peers[i].id = -1;
}

void ivshmem_setup_clear(struct ivshmem_setup *setup)
{
	unsigned int i;

	closefd(&setup->shm_fd);
	for (i = 0; i < IVSHMEM_SETUP_PEERS; i++)
		peer_clear(&setup->peers[i]);
}

const struct ivshmem_setup_peer *ivshmem_setup_peer(const struct ivshmem_setup *setup,
						    int64_t id)
{
	unsigned int i;

	for (i = 0; i < IVSHMEM_SETUP_PEERS; i++)
		if (setup->peers[i].id == id && id >= 0)
			return &setup->peers[i];
	return NULL;
}

static int peer_eventfd(struct ivshmem_setup *setup, int64_t id, int fd)
{
	struct ivshmem_setup_peer *peer;
	unsigned int i;

	peer = (struct ivshmem_setup_peer *)ivshmem_setup_peer(setup, id);
	for (i = 0; !peer && i < IVSHMEM_SETUP_PEERS; i++)
		if (setup->peers[i].id < 0) {
			peer = &setup->peers[i];
			peer->id = id;
		}
	if (!peer) {
		closefd(&fd);
		return -ENOSPC;
	}
	if (peer->eventfd_count >= setup->vectors || peer->eventfd_count >= IVSHMEM_VECTORS_MAX) {
		closefd(&fd);
		return -E2BIG;
	}
	peer->eventfds[peer->eventfd_count++] = fd;
	return 0;
}

static int peer_left(struct ivshmem_setup *setup, int64_t id)
{
	struct ivshmem_setup_peer *peer;

	if (id == setup->id)
		return -EBADMSG;
	peer = (struct ivshmem_setup_peer *)ivshmem_setup_peer(setup, id);
	if (!peer)
		return -EBADMSG;
	peer_clear(peer);
	setup->peers_left++;
	return 0;
}

int ivshmem_setup_feed(struct ivshmem_setup *setup, int64_t value, int fd)
{
	switch (setup->state) {
	case IVSHMEM_SETUP_VERSION:
		if (fd >= 0) {
			closefd(&fd);
			return -EBADMSG;
		}
		if (value != IVSHMEM_PROTOCOL_VERSION)
			return -EPROTO;
		setup->state = IVSHMEM_SETUP_ID;
		return 0;
	case IVSHMEM_SETUP_ID:
		if (fd >= 0 || value < 0 || value > IVSHMEM_MAX_PEERS) {
			closefd(&fd);
			return -EBADMSG;
		}
		setup->id = value;
		setup->state = IVSHMEM_SETUP_SHM;
		return 0;
	case IVSHMEM_SETUP_SHM:
	case IVSHMEM_SETUP_RUNNING:
		break;
	}
	if (value < IVSHMEM_SHM_MESSAGE || value > IVSHMEM_MAX_PEERS) {
		closefd(&fd);
		return -EBADMSG;
	}
	if (value == IVSHMEM_SHM_MESSAGE) {
		if (fd < 0 || setup->shm_fd >= 0) {
			closefd(&fd);
			return -EBADMSG;
		}
		setup->shm_fd = fd;
		setup->state = IVSHMEM_SETUP_RUNNING;
		return 0;
	}
	if (fd >= 0)
		return peer_eventfd(setup, value, fd);
	return peer_left(setup, value);
}

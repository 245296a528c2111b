/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the ivshmem codec and the client's setup checks on any
 * message stream. Byte 0 is the device's vector count; then 9-byte records
 * (an int64 LE message and a flag byte: bit 0 sends an eventfd with it, bit
 * 1 sends only the flag byte's low bits' worth of raw bytes instead) go
 * through a real socketpair into ivshmem_receive and ivshmem_setup_feed. A
 * broken promise (a leaked fd, a state out of range) aborts. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ivshmem.h"

#define RECORD 9

static void require(bool condition, const char *what)
{
	if (condition)
		return;
	fprintf(stderr, "ivshmem-setup: broken promise: %s\n", what);
	abort();
}

static void send_records(int socket, const uint8_t *data, size_t size)
{
	for (; size >= RECORD; data += RECORD, size -= RECORD) {
		uint8_t flags = data[8];
		int fd = -1;

		if (flags & 2) {
			require(write(socket, data, 1 + (flags >> 2) % 8) > 0, "raw write");
			continue;
		}
		if (flags & 1)
			fd = eventfd(0, EFD_CLOEXEC);
		require(ivshmem_send(socket, ivshmem_message_decode(data), fd) == 0, "send");
		if (fd >= 0)
			close(fd);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ivshmem_setup setup;
	int pair[2], probe, r = 0;
	int64_t value;

	if (size < 1 || size > 1 + 200 * RECORD)
		return 0;
	probe = dup(0);
	close(probe);
	require(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) == 0,
		"socketpair");
	send_records(pair[0], data + 1, size - 1);
	close(pair[0]);
	ivshmem_setup_init(&setup, 1 + data[0] % IVSHMEM_VECTORS_MAX);
	while (r != -EPIPE) {
		int fd;

		r = ivshmem_receive(pair[1], &value, &fd);
		require(r == 0 || r == -EPIPE || r == -EBADMSG, "receive result");
		if (r != 0) {
			require(fd == -1, "fd after a failed receive");
			continue;
		}
		r = ivshmem_setup_feed(&setup, value, fd);
		require(r == 0 || r == -EPROTO || r == -EBADMSG || r == -E2BIG || r == -ENOSPC,
			"feed result");
		require(setup.state <= IVSHMEM_SETUP_RUNNING, "state");
		require(setup.state != IVSHMEM_SETUP_RUNNING || setup.shm_fd >= 0,
			"running without memory");
	}
	close(pair[1]);
	ivshmem_setup_clear(&setup);
	require(dup(0) == probe, "an fd leaked");
	close(probe);
	return 0;
}

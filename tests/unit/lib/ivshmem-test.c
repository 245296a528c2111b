/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the ivshmem protocol codec (lib/ivshmem.c): the byte order,
 * messages with and without fds over a real socketpair, and the client's
 * checks of the setup as QEMU makes them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ivshmem.h"
#include "unit.h"

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void test_messages_are_int64_little_endian(void)
{
	uint8_t buffer[IVSHMEM_MESSAGE_SIZE];
	const uint8_t one[] = { 1, 0, 0, 0, 0, 0, 0, 0 };
	const uint8_t minus_one[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const uint8_t big[] = { 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01 };

	ivshmem_message_encode(1, buffer);
	CU_ASSERT_EQUAL(memcmp(buffer, one, sizeof(one)), 0);
	ivshmem_message_encode(-1, buffer);
	CU_ASSERT_EQUAL(memcmp(buffer, minus_one, sizeof(minus_one)), 0);
	CU_ASSERT_EQUAL(ivshmem_message_decode(big), 0x0102030405060708LL);
	CU_ASSERT_EQUAL(ivshmem_message_decode(minus_one), -1);
	ivshmem_message_encode(INT64_MIN, buffer);
	CU_ASSERT_EQUAL(ivshmem_message_decode(buffer), INT64_MIN);
}

static void test_socket_path_is_per_bus_and_bounded(void)
{
	char path[108], name[120];

	CU_ASSERT_EQUAL(vbus_ivshmem_socket_path("vm1", path, sizeof(path)), 0);
	CU_ASSERT_STRING_EQUAL(path, "/run/vbus/bus/vm1.sock");
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CU_ASSERT_EQUAL(vbus_ivshmem_socket_path(name, path, sizeof(path)), -ENAMETOOLONG);
}

static void test_fd_travels_with_its_message(void)
{
	int pair[2], fd, received = -1;
	struct stat sent_stat, received_stat;
	int64_t value = 0;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
	fd = eventfd(0, EFD_CLOEXEC);
	CU_ASSERT_EQUAL(ivshmem_send(pair[0], 0, -1), 0);
	CU_ASSERT_EQUAL(ivshmem_send(pair[0], 7, fd), 0);
	CU_ASSERT_EQUAL(ivshmem_receive(pair[1], &value, &received), 0);
	CU_ASSERT_EQUAL(value, 0);
	CU_ASSERT_EQUAL(received, -1);
	CU_ASSERT_EQUAL(ivshmem_receive(pair[1], &value, &received), 0);
	CU_ASSERT_EQUAL(value, 7);
	CU_ASSERT_FATAL(received >= 0);
	fstat(fd, &sent_stat);
	fstat(received, &received_stat);
	CU_ASSERT_EQUAL(sent_stat.st_ino, received_stat.st_ino);
	close(received);
	close(fd);
	close(pair[0]);
	CU_ASSERT_EQUAL(ivshmem_receive(pair[1], &value, &received), -EPIPE);
	close(pair[1]);
}

static void test_short_message_and_empty_socket_are_told_apart(void)
{
	int pair[2], fd = -1;
	int64_t value;

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) == 0);
	CU_ASSERT_EQUAL(ivshmem_receive(pair[1], &value, &fd), -EAGAIN);
	CU_ASSERT_EQUAL(write(pair[0], "abc", 3), 3);
	shutdown(pair[0], SHUT_WR);
	CU_ASSERT_EQUAL(ivshmem_receive(pair[1], &value, &fd), -EBADMSG);
	CU_ASSERT_EQUAL(fd, -1);
	close(pair[0]);
	close(pair[1]);
}

static void test_send_to_a_closed_peer_is_epipe(void)
{
	int pair[2];

	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
	close(pair[1]);
	CU_ASSERT_EQUAL(ivshmem_send(pair[0], 0, -1), -EPIPE);
	close(pair[0]);
}

/* A setup as vbusd sends it: version, id 1, the memory, the host's (peer
 * 0) eventfds, the client's own. */
static void feed_good_setup(struct ivshmem_setup *setup)
{
	unsigned int v;

	CU_ASSERT_EQUAL(ivshmem_setup_feed(setup, 0, -1), 0);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(setup, 1, -1), 0);
	CU_ASSERT_EQUAL(setup->state, IVSHMEM_SETUP_SHM);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(setup, -1, eventfd(0, 0)), 0);
	CU_ASSERT_EQUAL(setup->state, IVSHMEM_SETUP_RUNNING);
	for (v = 0; v < setup->vectors; v++)
		CU_ASSERT_EQUAL(ivshmem_setup_feed(setup, 0, eventfd(0, 0)), 0);
	for (v = 0; v < setup->vectors; v++)
		CU_ASSERT_EQUAL(ivshmem_setup_feed(setup, 1, eventfd(0, 0)), 0);
}

static void test_good_setup_is_accepted(void)
{
	struct ivshmem_setup setup;
	const struct ivshmem_setup_peer *host;
	int fd;

	ivshmem_setup_init(&setup, 2);
	feed_good_setup(&setup);
	CU_ASSERT_EQUAL(setup.id, 1);
	CU_ASSERT(setup.shm_fd >= 0);
	host = ivshmem_setup_peer(&setup, 0);
	CU_ASSERT_FATAL(host != NULL);
	CU_ASSERT_EQUAL(host->eventfd_count, 2);
	CU_ASSERT_EQUAL(ivshmem_setup_peer(&setup, 1)->eventfd_count, 2);
	fd = host->eventfds[0];
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 0, -1), 0);
	CU_ASSERT_EQUAL(setup.peers_left, 1);
	CU_ASSERT_PTR_NULL(ivshmem_setup_peer(&setup, 0));
	CU_ASSERT_FALSE(fd_is_open(fd));
	ivshmem_setup_clear(&setup);
}

static void test_wrong_version_is_a_protocol_error(void)
{
	struct ivshmem_setup setup;

	ivshmem_setup_init(&setup, 2);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 1, -1), -EPROTO);
	ivshmem_setup_clear(&setup);
}

static void test_fd_where_none_belongs_is_refused_and_closed(void)
{
	struct ivshmem_setup setup;
	int fd = eventfd(0, 0);

	ivshmem_setup_init(&setup, 2);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 0, fd), -EBADMSG);
	CU_ASSERT_FALSE(fd_is_open(fd));
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 0, -1), 0);
	fd = eventfd(0, 0);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 3, fd), -EBADMSG);
	CU_ASSERT_FALSE(fd_is_open(fd));
	ivshmem_setup_clear(&setup);
}

static void test_id_out_of_range_is_refused(void)
{
	struct ivshmem_setup setup;

	ivshmem_setup_init(&setup, 2);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 0, -1), 0);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, IVSHMEM_MAX_PEERS + 1, -1), -EBADMSG);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, IVSHMEM_MAX_PEERS, -1), 0);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, -2, eventfd(0, 0)), -EBADMSG);
	ivshmem_setup_clear(&setup);
}

static void test_more_eventfds_than_vectors_are_refused(void)
{
	struct ivshmem_setup setup;
	int fd;

	ivshmem_setup_init(&setup, 2);
	feed_good_setup(&setup);
	fd = eventfd(0, 0);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 0, fd), -E2BIG);
	CU_ASSERT_FALSE(fd_is_open(fd));
	ivshmem_setup_clear(&setup);
}

static void test_second_memory_and_bad_departures_are_refused(void)
{
	struct ivshmem_setup setup;
	int fd;

	ivshmem_setup_init(&setup, 1);
	feed_good_setup(&setup);
	fd = eventfd(0, 0);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, -1, fd), -EBADMSG);
	CU_ASSERT_FALSE(fd_is_open(fd));
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, -1, -1), -EBADMSG);
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 1, -1), -EBADMSG);	/* own id */
	CU_ASSERT_EQUAL(ivshmem_setup_feed(&setup, 9, -1), -EBADMSG);	/* never came */
	ivshmem_setup_clear(&setup);
}

static void test_clear_closes_every_fd(void)
{
	struct ivshmem_setup setup;
	int shm, host0;

	ivshmem_setup_init(&setup, 2);
	feed_good_setup(&setup);
	shm = setup.shm_fd;
	host0 = ivshmem_setup_peer(&setup, 0)->eventfds[0];
	ivshmem_setup_clear(&setup);
	CU_ASSERT_FALSE(fd_is_open(shm));
	CU_ASSERT_FALSE(fd_is_open(host0));
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "messages are int64 little-endian", test_messages_are_int64_little_endian },
		{ "socket path is per bus and bounded", test_socket_path_is_per_bus_and_bounded },
		{ "an fd travels with its message", test_fd_travels_with_its_message },
		{ "a short message and an empty socket are told apart",
		  test_short_message_and_empty_socket_are_told_apart },
		{ "send to a closed peer is EPIPE", test_send_to_a_closed_peer_is_epipe },
		{ "a good setup is accepted", test_good_setup_is_accepted },
		{ "a wrong version is a protocol error", test_wrong_version_is_a_protocol_error },
		{ "an fd where none belongs is refused and closed",
		  test_fd_where_none_belongs_is_refused_and_closed },
		{ "an id out of range is refused", test_id_out_of_range_is_refused },
		{ "more eventfds than vectors are refused",
		  test_more_eventfds_than_vectors_are_refused },
		{ "a second memory and bad departures are refused",
		  test_second_memory_and_bad_departures_are_refused },
		{ "clear closes every fd", test_clear_closes_every_fd },
	};

	return unit_run("ivshmem codec", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of vbusd's ivshmem server (daemon/ivshmem-server.c) with real
 * clients over its real unix socket in a real sd-event loop, without
 * vbus.ko (no attachment): the setup a client gets, one client per bus,
 * fresh ids, misbehaving clients, the socket's access. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <acl/libacl.h>
#include <sys/acl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ivshmem-server.h"
#include "ivshmem.h"
#include "unit.h"

#define VECTORS 2
#define REGION (1 << 20)

struct fixture {
	sd_event *event;
	struct ivshmem_server *server;
	char dir[64], path[108];
	int events[4];
};

static void on_event(struct ivshmem_server *server, enum ivshmem_server_event event,
		     void *userdata)
{
	struct fixture *f = userdata;

	(void)server;
	f->events[event]++;
}

static int fixture_start(struct fixture *f, const char *user, uint32_t size)
{
	struct ivshmem_server_options options = {
		.bus = "vm1", .vectors = VECTORS, .access_user = user, .region_size = size,
	};

	memset(f->events, 0, sizeof(f->events));
	f->server = NULL;
	options.path = f->path;
	return ivshmem_server_new(f->event, &options, on_event, f, &f->server);
}

static void fixture_init(struct fixture *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/vbus-ivshmem-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(f->dir) != NULL);
	snprintf(f->path, sizeof(f->path), "%s/vm1.sock", f->dir);
	CU_ASSERT_FATAL(sd_event_new(&f->event) >= 0);
}

static void fixture_done(struct fixture *f)
{
	ivshmem_server_free(f->server);
	CU_ASSERT_EQUAL(access(f->path, F_OK), -1);	/* the socket went with it */
	unlink(f->path);
	rmdir(f->dir);
	sd_event_unref(f->event);
}

/* Runs the loop until F's EVENT has happened COUNT times; at most 5 s. */
static bool run_until(struct fixture *f, enum ivshmem_server_event event, int count)
{
	int i;

	for (i = 0; i < 50 && f->events[event] < count; i++)
		sd_event_run(f->event, 100000);
	return f->events[event] >= count;
}

static bool status_attached(struct fixture *f)
{
	struct ivshmem_server_status status;

	ivshmem_server_status(f->server, &status);
	return status.attached;
}

static int client_connect(const char *path)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	struct timeval timeout = { .tv_sec = 5 };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(address.sun_path, sizeof(address.sun_path), "%s", path);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Reads a whole setup (3 messages and two sets of eventfds) into SETUP. */
static int client_setup(int fd, struct ivshmem_setup *setup)
{
	int i, r;

	ivshmem_setup_init(setup, VECTORS);
	for (i = 0; i < 3 + 2 * VECTORS; i++) {
		int64_t value;
		int received;

		r = ivshmem_receive(fd, &value, &received);
		if (r < 0)
			return r;
		r = ivshmem_setup_feed(setup, value, received);
		if (r < 0)
			return r;
	}
	return 0;
}

static void test_client_gets_region_id_and_eventfds(void)
{
	struct ivshmem_server_status status;
	struct ivshmem_setup setup;
	struct stat received;
	struct fixture f;
	int client;

	fixture_init(&f);
	CU_ASSERT_FATAL(fixture_start(&f, NULL, REGION) == 0);
	client = client_connect(f.path);
	CU_ASSERT_FATAL(client >= 0);
	CU_ASSERT_FATAL(run_until(&f, IVSHMEM_SERVER_CONNECTED, 1));
	CU_ASSERT_EQUAL(client_setup(client, &setup), 0);
	CU_ASSERT_EQUAL(setup.state, IVSHMEM_SETUP_RUNNING);
	CU_ASSERT_EQUAL(setup.id, 1);
	/* a sealed region of the bus's size */
	fstat(setup.shm_fd, &received);
	CU_ASSERT_EQUAL(received.st_size, REGION);
	CU_ASSERT_EQUAL(fcntl(setup.shm_fd, F_GET_SEALS) & (F_SEAL_SHRINK | F_SEAL_GROW),
			F_SEAL_SHRINK | F_SEAL_GROW);
	CU_ASSERT_FALSE(status_attached(&f));
	CU_ASSERT_FATAL(ivshmem_setup_peer(&setup, 0) != NULL);
	CU_ASSERT_EQUAL(ivshmem_setup_peer(&setup, 0)->eventfd_count, VECTORS);
	CU_ASSERT_FATAL(ivshmem_setup_peer(&setup, 1) != NULL);
	CU_ASSERT_EQUAL(ivshmem_setup_peer(&setup, 1)->eventfd_count, VECTORS);
	ivshmem_server_status(f.server, &status);
	CU_ASSERT(status.connected);
	CU_ASSERT_EQUAL(status.peer_id, 1);
	CU_ASSERT_EQUAL(status.peer_pid, getpid());
	CU_ASSERT_EQUAL(status.connections, 1);
	ivshmem_setup_clear(&setup);
	close(client);
	fixture_done(&f);
}

static void test_second_client_is_refused_first_keeps_serving(void)
{
	struct ivshmem_server_status status;
	struct ivshmem_setup setup;
	struct fixture f;
	int first, second, fd;
	int64_t value;

	fixture_init(&f);
	CU_ASSERT_FATAL(fixture_start(&f, NULL, REGION) == 0);
	first = client_connect(f.path);
	CU_ASSERT_FATAL(run_until(&f, IVSHMEM_SERVER_CONNECTED, 1));
	second = client_connect(f.path);
	CU_ASSERT_FATAL(second >= 0);
	CU_ASSERT(run_until(&f, IVSHMEM_SERVER_REFUSED, 1));
	/* a word QEMU refuses (it would wait forever on a bare close), then
	 * the end */
	CU_ASSERT_EQUAL(ivshmem_receive(second, &value, &fd), 0);
	CU_ASSERT_EQUAL(value, VBUS_IVSHMEM_REFUSAL);
	CU_ASSERT_EQUAL(fd, -1);
	CU_ASSERT_EQUAL(ivshmem_receive(second, &value, &fd), -EPIPE);
	ivshmem_server_status(f.server, &status);
	CU_ASSERT(status.connected);
	CU_ASSERT_EQUAL(status.peer_id, 1);
	CU_ASSERT_EQUAL(status.refused, 1);
	CU_ASSERT_EQUAL(f.events[IVSHMEM_SERVER_DISCONNECTED], 0);
	CU_ASSERT_EQUAL(client_setup(first, &setup), 0);
	ivshmem_setup_clear(&setup);
	close(second);
	close(first);
	fixture_done(&f);
}

static void test_reconnecting_client_gets_fresh_id(void)
{
	struct ivshmem_server_status status;
	struct ivshmem_setup setup;
	struct fixture f;
	int client;

	fixture_init(&f);
	CU_ASSERT_FATAL(fixture_start(&f, NULL, REGION) == 0);
	client = client_connect(f.path);
	CU_ASSERT_FATAL(run_until(&f, IVSHMEM_SERVER_CONNECTED, 1));
	close(client);
	CU_ASSERT_FATAL(run_until(&f, IVSHMEM_SERVER_DISCONNECTED, 1));
	ivshmem_server_status(f.server, &status);
	CU_ASSERT_FALSE(status.connected);
	client = client_connect(f.path);
	CU_ASSERT_FATAL(run_until(&f, IVSHMEM_SERVER_CONNECTED, 2));
	CU_ASSERT_EQUAL(client_setup(client, &setup), 0);
	CU_ASSERT_EQUAL(setup.id, 2);
	ivshmem_setup_clear(&setup);
	close(client);
	fixture_done(&f);
}

static void test_garbage_and_early_close_never_stop_the_server(void)
{
	struct ivshmem_server_status status;
	struct ivshmem_setup setup;
	struct fixture f;
	int client;

	fixture_init(&f);
	CU_ASSERT_FATAL(fixture_start(&f, NULL, REGION) == 0);
	/* garbage from a client: dropped */
	client = client_connect(f.path);
	CU_ASSERT_FATAL(run_until(&f, IVSHMEM_SERVER_CONNECTED, 1));
	CU_ASSERT_EQUAL(write(client, "garbage!", 8), 8);
	CU_ASSERT(run_until(&f, IVSHMEM_SERVER_DISCONNECTED, 1));
	close(client);
	ivshmem_server_status(f.server, &status);
	CU_ASSERT_EQUAL(status.dropped, 1);
	/* a client gone before its setup was read, or before it was sent */
	client = client_connect(f.path);
	close(client);
	/* the next one is served (with a fresh id whichever way the early
	 * close was seen) */
	client = client_connect(f.path);
	CU_ASSERT_FATAL(client >= 0);
	CU_ASSERT_FATAL(run_until(&f, IVSHMEM_SERVER_CONNECTED, 2));
	CU_ASSERT_EQUAL(client_setup(client, &setup), 0);
	CU_ASSERT(setup.id > 1);
	ivshmem_server_status(f.server, &status);
	CU_ASSERT(status.connected);
	CU_ASSERT_EQUAL(status.peer_id, setup.id);
	ivshmem_setup_clear(&setup);
	close(client);
	fixture_done(&f);
}

static void test_socket_is_root_only_without_user(void)
{
	struct ivshmem_server_status status;
	struct fixture f;
	struct stat st;

	fixture_init(&f);
	CU_ASSERT_FATAL(fixture_start(&f, NULL, REGION) == 0);
	CU_ASSERT_EQUAL(stat(f.path, &st), 0);
	CU_ASSERT(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	ivshmem_server_status(f.server, &status);
	CU_ASSERT_FALSE(status.access_granted);
	fixture_done(&f);
}

static void test_access_user_gets_an_acl_entry(void)
{
	struct ivshmem_server_status status;
	struct fixture f;
	char *text;
	acl_t acl;

	fixture_init(&f);
	CU_ASSERT_FATAL(fixture_start(&f, "nobody", REGION) == 0);
	ivshmem_server_status(f.server, &status);
	CU_ASSERT(status.access_granted);
	acl = acl_get_file(f.path, ACL_TYPE_ACCESS);
	CU_ASSERT_FATAL(acl != NULL);
	text = acl_to_any_text(acl, NULL, ',', 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "user:nobody:rw-"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "other::---"));
	acl_free(text);
	acl_free(acl);
	fixture_done(&f);
}

static void test_unknown_user_leaves_root_only_and_serves(void)
{
	struct ivshmem_server_status status;
	struct fixture f;
	int client;

	fixture_init(&f);
	CU_ASSERT_FATAL(fixture_start(&f, "no-such-user-vbus", REGION) == 0);
	ivshmem_server_status(f.server, &status);
	CU_ASSERT_FALSE(status.access_granted);
	client = client_connect(f.path);
	CU_ASSERT(run_until(&f, IVSHMEM_SERVER_CONNECTED, 1));
	close(client);
	fixture_done(&f);
}

static void test_region_qemu_cannot_map_is_refused(void)
{
	struct fixture f;

	fixture_init(&f);
	CU_ASSERT_EQUAL(fixture_start(&f, NULL, 3 * 4096), -EINVAL);
	CU_ASSERT_PTR_NULL(f.server);
	CU_ASSERT_EQUAL(fixture_start(&f, NULL, 0), -EINVAL);
	fixture_done(&f);
}

static void test_stale_socket_is_replaced_other_files_are_not(void)
{
	struct fixture f;
	int fd, client;

	fixture_init(&f);
	CU_ASSERT_FATAL(fixture_start(&f, NULL, REGION) == 0);
	/* a server that died leaves its socket: the next one takes the path */
	f.server = (ivshmem_server_free(f.server), NULL);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	{
		struct sockaddr_un address = { .sun_family = AF_UNIX };

		snprintf(address.sun_path, sizeof(address.sun_path), "%s", f.path);
		CU_ASSERT_EQUAL(bind(fd, (struct sockaddr *)&address, sizeof(address)), 0);
	}
	close(fd);
	CU_ASSERT_FATAL(fixture_start(&f, NULL, REGION) == 0);
	client = client_connect(f.path);
	CU_ASSERT(run_until(&f, IVSHMEM_SERVER_CONNECTED, 1));
	close(client);
	f.server = (ivshmem_server_free(f.server), NULL);
	fd = open(f.path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	CU_ASSERT_EQUAL(fixture_start(&f, NULL, REGION), -EEXIST);
	CU_ASSERT_EQUAL(access(f.path, F_OK), 0);	/* left alone */
	unlink(f.path);
	fixture_done(&f);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "a client gets the region, a fresh id and eventfds (no kernel)",
		  test_client_gets_region_id_and_eventfds },
		{ "a second client is refused, the first keeps its bus",
		  test_second_client_is_refused_first_keeps_serving },
		{ "a reconnecting client gets a fresh id", test_reconnecting_client_gets_fresh_id },
		{ "garbage and early close never stop the server",
		  test_garbage_and_early_close_never_stop_the_server },
		{ "the socket is root-only without a user", test_socket_is_root_only_without_user },
		{ "the access user gets an ACL entry", test_access_user_gets_an_acl_entry },
		{ "an unknown user leaves it root-only and it serves",
		  test_unknown_user_leaves_root_only_and_serves },
		{ "a region QEMU cannot map is refused", test_region_qemu_cannot_map_is_refused },
		{ "a stale socket is replaced, other files are not",
		  test_stale_socket_is_replaced_other_files_are_not },
	};

	return unit_run("ivshmem server", UNIT_TESTS(tests));
}

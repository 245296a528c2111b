/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbus-ivshmem-serve: the VM tests' host of vbusd's ivshmem server for one
 * bus: serves SOCKET (attaching BUS through /dev/vbus while a client is
 * connected), prints "listening", then one line per client event, and stops
 * when stdin closes. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "ivshmem-server.h"
#include "ivshmem.h"

static void on_event(struct ivshmem_server *server, enum ivshmem_server_event event,
		     void *userdata)
{
	static const char *const names[] = {
		[IVSHMEM_SERVER_CONNECTED] = "connected",
		[IVSHMEM_SERVER_DISCONNECTED] = "disconnected",
		[IVSHMEM_SERVER_REFUSED] = "refused",
		[IVSHMEM_SERVER_DROPPED] = "dropped",
	};
	struct ivshmem_server_status status;

	(void)userdata;
	ivshmem_server_status(server, &status);
	printf("%s id=%" PRId64 " pid=%d attached=%d connections=%" PRIu64 " refused=%" PRIu64
	       " dropped=%" PRIu64 "\n", names[event], status.peer_id, (int)status.peer_pid,
	       status.attached, status.connections, status.refused, status.dropped);
	fflush(stdout);
}

static int on_stdin(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	char buffer[64];

	(void)revents;
	(void)userdata;
	if (read(fd, buffer, sizeof(buffer)) <= 0)
		sd_event_exit(sd_event_source_get_event(source), 0);
	return 0;
}

int main(int argc, char **argv)
{
	struct ivshmem_server_options options = { .vectors = VBUS_IVSHMEM_VECTORS };
	struct ivshmem_server *server = NULL;
	sd_event *event = NULL;
	int r;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s BUS SOCKET REGION_SIZE [USER]\n", argv[0]);
		return 2;
	}
	options.bus = argv[1];
	options.path = argv[2];
	options.region_size = strtoul(argv[3], NULL, 0);
	options.device = "/dev/vbus";
	options.access_user = argc == 5 ? argv[4] : NULL;
	r = sd_event_default(&event);
	if (r >= 0)
		r = ivshmem_server_new(event, &options, on_event, NULL, &server);
	if (r >= 0)
		r = sd_event_add_io(event, NULL, STDIN_FILENO, EPOLLIN, on_stdin, NULL);
	if (r < 0) {
		fprintf(stderr, "vbus-ivshmem-serve: %s: %s\n", argv[2], strerror(-r));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	r = sd_event_loop(event);
	ivshmem_server_free(server);
	sd_event_unref(event);
	return r < 0 ? 1 : 0;
}

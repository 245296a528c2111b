/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The private socket server: listening, one sd-bus server connection per
 * peer served from the loop, who may change things, reaping the closed. */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "private.h"

/* A connection, and whether its peer may change things (CAP_NET_ADMIN when
 * it connected). */
struct private_connection {
	sd_bus *bus;
	sd_event_source *io;		/* its socket in the loop */
	bool privileged;
	bool closed;			/* the peer hung up: to be freed */
};

struct private_server {
	sd_event *event;
	char *path;
	int fd;
	sd_event_source *source;
	int (*setup)(sd_bus *bus, void *userdata);
	void *userdata;
	struct private_connection *connections;
	size_t count;
	sd_event_source *reap_source;	/* frees closed connections */
};

/*
 * Clients that expect a bus daemon (busctl --address=...) say Hello first;
 * vbusd answers it in the daemon's place, with the one unique name a
 * peer-to-peer connection needs.
 */
static int method_hello(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	(void)userdata;
	(void)error;
	return sd_bus_reply_method_return(message, "s", ":1.1");
}

static const sd_bus_vtable hello_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Hello", "", "s", method_hello, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

static struct private_connection *find_connection(struct private_server *server, sd_bus *bus)
{
	size_t i;

	for (i = 0; i < server->count; i++)
		if (server->connections[i].bus == bus)
			return &server->connections[i];
	return NULL;
}

int private_server_privileged(struct private_server *server, sd_bus *bus)
{
	struct private_connection *connection = server ? find_connection(server, bus) : NULL;

	return connection ? connection->privileged : -ENOENT;
}

/* Whether the process at the other end of FD had CAP_NET_ADMIN when it
 * connected (the socket is root's alone, so this is the root-without-
 * capabilities case). */
static bool peer_privileged(int fd)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	struct ucred ucred;
	socklen_t length = sizeof(ucred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &ucred, &length) < 0)
		return false;
	if (sd_bus_creds_new_from_pid(&creds, ucred.pid, SD_BUS_CREDS_EFFECTIVE_CAPS) < 0)
		return false;
	return sd_bus_creds_has_effective_cap(creds, CAP_NET_ADMIN) > 0;
}

/* Frees the connections whose peers hung up: not from inside their own
 * dispatch, where the Disconnected message arrives. */
static int on_reap(sd_event_source *source, void *userdata)
{
	struct private_server *server = userdata;
	size_t i = 0;

	server->reap_source = sd_event_source_unref(source);
	while (i < server->count) {
		struct private_connection *connection = &server->connections[i];

		if (!connection->closed) {
			i++;
			continue;
		}
		sd_event_source_unref(connection->io);
		sd_bus_close_unref(connection->bus);
		memmove(connection, connection + 1, (server->count - i - 1) * sizeof(*connection));
		server->count--;
	}
	return 0;
}

static void close_later(struct private_server *server, struct private_connection *connection)
{
	connection->closed = true;
	if (!server->reap_source)
		sd_event_add_defer(server->event, &server->reap_source, on_reap, server);
}

static int on_message(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct private_server *server = userdata;
	struct private_connection *connection;

	(void)error;
	if (!sd_bus_message_is_signal(message, "org.freedesktop.DBus.Local", "Disconnected"))
		return 0;
	connection = find_connection(server, sd_bus_message_get_bus(message));
	if (!connection)
		return 0;
	close_later(server, connection);
	return 1;
}

/* Waits for what the connection wants next: to read, or also to write what
 * it queued. */
static void connection_watch(struct private_connection *connection)
{
	int events = sd_bus_get_events(connection->bus);

	if (events >= 0)
		sd_event_source_set_io_events(connection->io, events);
}

/*
 * A connection's socket is served here rather than by sd_bus_attach_event():
 * a client that sends its first call in the same write as the end of
 * authentication (libdbus does) would otherwise wait until its next write,
 * as the server side of sd-bus 252 leaves those bytes unprocessed.
 * Processing until there is nothing left to do serves them.
 */
static int on_io(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct private_server *server = userdata;
	struct private_connection *connection;
	size_t i;
	int r;

	(void)fd;
	(void)revents;
	for (i = 0; i < server->count; i++)
		if (server->connections[i].io == source)
			break;
	if (i == server->count)
		return 0;
	do
		r = sd_bus_process(server->connections[i].bus, NULL);
	while (r > 0);
	/* the array may have moved: a call can take time, others connect meanwhile */
	connection = &server->connections[i];
	if (r < 0 && !connection->closed)
		close_later(server, connection);
	if (connection->closed)
		sd_event_source_set_enabled(source, SD_EVENT_OFF);
	else
		connection_watch(connection);
	return 0;
}

static int add_connection(struct private_server *server, int fd)
{
	_cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
	struct private_connection *bigger;
	sd_event_source *io;
	sd_id128_t id;
	bool privileged = peer_privileged(fd);
	int r;

	r = sd_bus_new(&bus);
	if (r < 0)
		return r;
	r = sd_bus_set_fd(bus, fd, fd);
	if (r < 0)
		return r;
	r = sd_id128_randomize(&id);
	if (r >= 0)
		r = sd_bus_set_server(bus, 1, id);
	if (r >= 0)
		r = server->setup(bus, server->userdata);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/DBus",
					     "org.freedesktop.DBus", hello_vtable, server);
	if (r >= 0)
		r = sd_bus_add_filter(bus, NULL, on_message, server);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0)
		return r;
	bigger = reallocarray(server->connections, server->count + 1, sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	server->connections = bigger;
	r = sd_event_add_io(server->event, &io, fd, EPOLLIN, on_io, server);
	if (r < 0)
		return r;
	bigger[server->count] = (struct private_connection){ bus, io, privileged, false };
	connection_watch(&bigger[server->count++]);
	bus = NULL;
	return 0;
}

static int on_connect(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct private_server *server = userdata;
	int connection, r;

	(void)source;
	(void)revents;
	connection = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (connection < 0)
		return 0;
	r = add_connection(server, connection);
	if (r < 0) {
		close(connection);
		log_error_errno(r, "%s: cannot serve a connection: %m", server->path);
	}
	return 0;
}

static int listen_on(struct private_server *server)
{
	const char *path = server->path;
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	_cleanup_free_ char *directory = strdup(path);
	mode_t mask;
	int r;

	if (!directory)
		return -ENOMEM;
	if (strlen(path) >= sizeof(address.sun_path))
		return log_error_errno(-ENAMETOOLONG, "%s: socket path too long", path);
	if (mkdir(dirname(directory), 0755) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "%s: cannot create: %m", directory);
	strcpy(address.sun_path, path);
	server->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (server->fd < 0)
		return log_error_errno(-errno, "%s: cannot create a socket: %m", path);
	/* a socket left by a killed vbusd: the lock says none runs now */
	unlink(path);
	mask = umask(0077);
	r = bind(server->fd, (struct sockaddr *)&address, sizeof(address));
	umask(mask);
	if (r < 0 || chmod(path, 0600) < 0 || listen(server->fd, SOMAXCONN) < 0)
		return log_error_errno(-errno, "%s: cannot listen: %m", path);
	r = sd_event_add_io(server->event, &server->source, server->fd, EPOLLIN, on_connect,
			    server);
	if (r < 0)
		return log_error_errno(r, "%s: cannot watch: %m", path);
	return 0;
}

int private_server_new(sd_event *event, const char *path,
		       int (*setup)(sd_bus *bus, void *userdata), void *userdata,
		       struct private_server **result)
{
	_cleanup_(private_server_freep) struct private_server *server = calloc(1, sizeof(*server));
	int r;

	if (!server)
		return -ENOMEM;
	server->fd = -1;
	server->event = sd_event_ref(event);
	server->setup = setup;
	server->userdata = userdata;
	server->path = strdup(path);
	if (!server->path)
		return -ENOMEM;
	r = listen_on(server);
	if (r < 0)
		return r;
	*result = server;
	server = NULL;
	return 0;
}

void private_server_free(struct private_server *server)
{
	size_t i;

	if (!server)
		return;
	sd_event_source_unref(server->reap_source);
	for (i = 0; i < server->count; i++) {
		sd_event_source_unref(server->connections[i].io);
		sd_bus_flush_close_unref(server->connections[i].bus);
	}
	free(server->connections);
	sd_event_source_unref(server->source);
	if (server->fd >= 0) {
		close(server->fd);
		unlink(server->path);
	}
	free(server->path);
	sd_event_unref(server->event);
	free(server);
}

void private_server_broadcast(struct private_server *server,
			      void (*send)(sd_bus *bus, void *arg), void *arg)
{
	size_t i;

	for (i = 0; i < server->count; i++)
		if (!server->connections[i].closed) {
			send(server->connections[i].bus, arg);
			connection_watch(&server->connections[i]);
		}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ivshmem server of one bus: a listening unix socket in vbusd's loop,
 * one client at a time, each with a fresh id and a new region attached in
 * vbus.ko while it is connected, served without blocking. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "attachment.h"
#include "fdstore.h"
#include "ivshmem-server.h"
#include "ivshmem.h"
#include "log.h"
#include "macro.h"

struct ivshmem_server {
	char *bus, *path, *device;
	char fields[128];		/* the journal fields of its log lines */
	int listener;
	uint32_t region_size;
	unsigned int vectors;
	int host_eventfds[IVSHMEM_VECTORS_MAX];	/* peer 0's: the bus's kicks */
	int memfd;			/* the client's region, -1: none */
	struct attachment *attachment;	/* the client's, NULL: none */
	sd_event_source *listen_source, *client_source;
	int client;			/* -1: none */
	int64_t next_id;
	struct ivshmem_server_status status;
	ivshmem_server_callback_t callback;
	void *userdata;
	bool park;			/* its fds go to systemd's fd store */
};

#define FD_NAME_MAX	256		/* systemd's FDNAME= limit, and ours */

/* The fd store's name of the bus's WHAT: vbus-BUS-WHAT. */
static void fd_name(const struct ivshmem_server *server, char *name, size_t size,
		    const char *what)
{
	snprintf(name, size, "vbus-%s-%s", server->bus, what);
}

static void park(const struct ivshmem_server *server, const char *what, int fd)
{
	char name[FD_NAME_MAX];

	if (!server->park || fd < 0)
		return;
	fd_name(server, name, sizeof(name), what);
	fdstore_park(name, fd);
}

static void unpark(const struct ivshmem_server *server, const char *what)
{
	char name[FD_NAME_MAX];

	if (!server->park)
		return;
	fd_name(server, name, sizeof(name), what);
	fdstore_unpark(name);
}

static void client_what(const struct ivshmem_server *server, char *what, size_t size)
{
	snprintf(what, size, "client-%" PRId64, server->status.peer_id);
}

/* The client's fds parked while it is connected. */
static void park_client(const struct ivshmem_server *server)
{
	char what[32];

	client_what(server, what, sizeof(what));
	park(server, what, server->client);
	park(server, "memfd", server->memfd);
	if (server->attachment)
		park(server, "attach", attachment_fd(server->attachment));
}

static void unpark_client(const struct ivshmem_server *server)
{
	char what[32];

	client_what(server, what, sizeof(what));
	unpark(server, what);
	unpark(server, "memfd");
	unpark(server, "attach");
	/* the bus is to be detached when the caller closes its copy, not
	 * whenever systemd gets to its message: its deletion may follow */
	if (server->park)
		fdstore_barrier();
}

static void notify(struct ivshmem_server *server, enum ivshmem_server_event event)
{
	if (server->callback)
		server->callback(server, event, server->userdata);
}

static int64_t take_id(struct ivshmem_server *server)
{
	int64_t id = server->next_id;

	/* 0 is the host; ids are QEMU's uint16_t */
	server->next_id = id >= IVSHMEM_MAX_PEERS ? 1 : id + 1;
	return id;
}

static pid_t peer_pid(int fd)
{
	struct ucred credentials;
	socklen_t length = sizeof(credentials);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) < 0)
		return 0;
	return credentials.pid;
}

/* UNPARK: the client is gone (or the bus), not vbusd merely exiting. */
static void client_close(struct ivshmem_server *server, bool unpark_fds)
{
	if (unpark_fds && server->status.connected)
		unpark_client(server);
	server->client_source = sd_event_source_disable_unref(server->client_source);
	if (server->client >= 0)
		close(server->client);
	server->client = -1;
	server->status.connected = false;
	server->status.attached = false;
	attachment_free(server->attachment);
	server->attachment = NULL;
	if (server->memfd >= 0)
		close(server->memfd);
	server->memfd = -1;
}

/* A new region for the client, attached in vbus.ko with the host's
 * eventfds as the bus's doorbells. */
static int attach(struct ivshmem_server *server)
{
	unsigned int v;
	int r;

	server->memfd = region_memfd_new(server->region_size);
	if (server->memfd < 0)
		return server->memfd;
	if (!server->device)
		return 0;
	r = attachment_new(server->device, server->bus, server->memfd, &server->attachment);
	for (v = 0; r >= 0 && v < server->vectors; v++)
		r = attachment_set_kick(server->attachment, v, server->host_eventfds[v]);
	server->status.attached = r >= 0;
	return r;
}

/* The client sends nothing in this protocol: data is a misbehaving client,
 * end of stream a client gone (QEMU closed the device or exited). */
static int on_client(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct ivshmem_server *server = userdata;
	char buffer[64];
	ssize_t n;

	(void)source;
	(void)revents;
	n = recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n > 0) {
		log_fields(LOG_WARNING, 0, server->fields,
			   "bus %s: ivshmem client %" PRId64 " (pid %d) sent data, which the protocol does not allow: dropped",
			   server->bus, server->status.peer_id, (int)server->status.peer_pid);
		server->status.dropped++;
	} else {
		log_fields(LOG_INFO, 0, server->fields, "bus %s: ivshmem client %" PRId64 " (pid %d) left",
			   server->bus, server->status.peer_id, (int)server->status.peer_pid);
	}
	client_close(server, true);
	notify(server, IVSHMEM_SERVER_DISCONNECTED);
	return 0;
}

/* Version, the client's id, the region, the host's eventfds, its own; the
 * call eventfd (its vector 0) goes to vbus.ko. */
static int send_setup(struct ivshmem_server *server, int client, int64_t id)
{
	int own[IVSHMEM_VECTORS_MAX];
	unsigned int v, count = 0;
	int r;

	r = ivshmem_send(client, IVSHMEM_PROTOCOL_VERSION, -1);
	if (r >= 0)
		r = ivshmem_send(client, id, -1);
	if (r >= 0)
		r = ivshmem_send(client, IVSHMEM_SHM_MESSAGE, server->memfd);
	for (v = 0; r >= 0 && v < server->vectors; v++)
		r = ivshmem_send(client, VBUS_IVSHMEM_HOST_PEER, server->host_eventfds[v]);
	for (; r >= 0 && count < server->vectors; count++) {
		own[count] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (own[count] < 0)
			r = -errno;
	}
	if (r >= 0 && server->attachment)
		r = attachment_set_call(server->attachment, own[0]);
	for (v = 0; r >= 0 && v < server->vectors; v++)
		r = ivshmem_send(client, id, own[v]);
	/* QEMU and vbus.ko hold their own references */
	for (v = 0; v < count; v++)
		if (own[v] >= 0)
			close(own[v]);
	return r;
}

static void serve(struct ivshmem_server *server, int client)
{
	int64_t id = take_id(server);
	pid_t pid = peer_pid(client);
	int r;

	r = attach(server);
	if (r < 0) {
		log_fields(LOG_ERR, r, server->fields,
			   "bus %s: refused ivshmem client (pid %d): cannot attach the bus in vbus.ko: %s",
			   server->bus, (int)pid, strerror(-r));
		ivshmem_send(client, VBUS_IVSHMEM_REFUSAL, -1);
		close(client);
		client_close(server, true);
		server->status.refused++;
		notify(server, IVSHMEM_SERVER_REFUSED);
		return;
	}
	r = send_setup(server, client, id);
	if (r >= 0)
		r = sd_event_add_io(sd_event_source_get_event(server->listen_source),
				    &server->client_source, client, EPOLLIN | EPOLLRDHUP, on_client,
				    server);
	if (r < 0) {
		/* an early close is EPIPE here */
		log_fields(LOG_WARNING, r, server->fields,
			   "bus %s: ivshmem client (pid %d): cannot send its setup: %s; dropped",
			   server->bus, (int)pid, strerror(-r));
		close(client);
		client_close(server, true);
		server->status.dropped++;
		notify(server, IVSHMEM_SERVER_DROPPED);
		return;
	}
	server->client = client;
	server->status.connected = true;
	server->status.peer_id = id;
	server->status.peer_pid = pid;
	server->status.connections++;
	park_client(server);
	log_fields(LOG_INFO, 0, server->fields, "bus %s: ivshmem client %" PRId64 " (pid %d) connected",
		   server->bus, id, (int)pid);
	notify(server, IVSHMEM_SERVER_CONNECTED);
}

static int on_accept(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct ivshmem_server *server = userdata;
	int client;

	(void)source;
	(void)revents;
	client = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (client < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_fields(LOG_WARNING, -errno, server->fields, "bus %s: ivshmem accept: %s",
				   server->bus, strerror(errno));
		return 0;
	}
	if (server->client >= 0) {
		log_fields(LOG_WARNING, 0, server->fields,
			   "bus %s: refused a second ivshmem client (pid %d): client %" PRId64 " (pid %d) is connected, and a bus serves one",
			   server->bus, (int)peer_pid(client), server->status.peer_id,
			   (int)server->status.peer_pid);
		ivshmem_send(client, VBUS_IVSHMEM_REFUSAL, -1);
		close(client);
		server->status.refused++;
		notify(server, IVSHMEM_SERVER_REFUSED);
		return 0;
	}
	serve(server, client);
	return 0;
}

/* rw for root and, through an ACL entry, for USER. */
static int grant_access(const char *path, const char *user)
{
	char text[128];
	acl_t acl;
	int r = 0;

	if (!user)
		return -ENOENT;
	snprintf(text, sizeof(text), "u::rw-,g::---,o::---,u:%s:rw-,m::rw-", user);
	acl = acl_from_text(text);
	if (!acl)
		return -ENOENT;		/* no such user */
	if (acl_set_file(path, ACL_TYPE_ACCESS, acl) < 0)
		r = -errno;
	acl_free(acl);
	return r;
}

/* A stale socket at PATH (vbusd stopped) is removed; anything else stays. */
static int remove_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	return unlink(path) < 0 ? -errno : 0;
}

static int listen_on(struct ivshmem_server *server, const char *user)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	int r;

	if (snprintf(address.sun_path, sizeof(address.sun_path), "%s", server->path) >=
	    (int)sizeof(address.sun_path))
		return -ENAMETOOLONG;
	r = remove_stale(server->path);
	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		return -errno;
	/* not listening yet: nobody connects before the mode is right */
	if (chmod(server->path, 0600) < 0)
		return -errno;
	r = grant_access(server->path, user);
	server->status.access_granted = r >= 0;
	if (user && r < 0)
		log_fields(LOG_WARNING, 0, server->fields,
			   "bus %s: %s: cannot let user %s connect (%s): root only",
			   server->bus, server->path, user,
			   r == -ENOENT ? "no such user" : strerror(-r));
	if (listen(fd, 4) < 0)
		return -errno;
	server->listener = take_fd(&fd);
	return 0;
}

/* Adoption of the fds an earlier vbusd parked (fdstore.h): each is checked
 * before it is used, and one that does not check out is closed and logged. */
static int inherited(struct ivshmem_server *server, struct fdstore *store, const char *what)
{
	char name[FD_NAME_MAX];

	fd_name(server, name, sizeof(name), what);
	return fdstore_take(store, name);
}

static void reject(struct ivshmem_server *server, int *fd, const char *what, const char *why)
{
	char name[FD_NAME_MAX];

	if (*fd < 0)
		return;
	fd_name(server, name, sizeof(name), what);
	log_fields(LOG_WARNING, 0, server->fields,
		   "bus %s: not adopting the inherited %s: %s; closed", server->bus, name, why);
	close(*fd);
	*fd = -1;
	unpark(server, what);
}

static bool is_socket(int fd, bool listening)
{
	int accepting = 0;
	socklen_t length = sizeof(accepting);
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) < 0)
		return false;
	return !!accepting == listening;
}

static bool is_eventfd(int fd)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:[eventfd]");
}

/* The listening socket: bound to this bus's path, which is still there. */
static void adopt_listener(struct ivshmem_server *server, struct fdstore *store)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	socklen_t length = sizeof(address);
	const char *why = NULL;
	struct stat st;
	int fd = inherited(server, store, "listen");

	if (fd < 0)
		return;
	if (!is_socket(fd, true))
		why = "not a listening socket";
	else if (getsockname(fd, (struct sockaddr *)&address, &length) < 0 ||
		 strncmp(address.sun_path, server->path, sizeof(address.sun_path)))
		why = "bound to another path";
	else if (lstat(server->path, &st) < 0 || !S_ISSOCK(st.st_mode))
		why = "its path is gone";
	else if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		why = strerror(errno);
	if (why) {
		reject(server, &fd, "listen", why);
		return;
	}
	server->listener = fd;
	server->status.access_granted = true;	/* the path kept its ACL */
}

/* The host's eventfds: all of them, or none (new ones are made). */
static void adopt_doorbells(struct ivshmem_server *server, struct fdstore *store)
{
	char what[32];
	unsigned int v;
	bool all = true;

	for (v = 0; v < server->vectors; v++) {
		snprintf(what, sizeof(what), "doorbell-%u", v);
		server->host_eventfds[v] = inherited(server, store, what);
		if (server->host_eventfds[v] >= 0 && !is_eventfd(server->host_eventfds[v]))
			reject(server, &server->host_eventfds[v], what, "not an eventfd");
		all = all && server->host_eventfds[v] >= 0;
	}
	for (v = 0; !all && v < server->vectors; v++) {
		snprintf(what, sizeof(what), "doorbell-%u", v);
		reject(server, &server->host_eventfds[v], what, "the bus's other doorbells are missing");
	}
}

/* The connected QEMU: its connection, its region and the bus's attachment
 * in vbus.ko. Without a valid attachment the client cannot be served. */
static int adopt_client(struct ivshmem_server *server, sd_event *event, struct fdstore *store)
{
	char peer[32], what[48];
	int client, memfd, attach, r;
	struct stat st;
	int64_t id;

	fd_name(server, what, sizeof(what), "client-");
	client = fdstore_take_prefix(store, what, peer, sizeof(peer));
	snprintf(what, sizeof(what), "client-%s", peer);
	memfd = inherited(server, store, "memfd");
	attach = inherited(server, store, "attach");
	id = client >= 0 ? strtoll(peer, NULL, 10) : 0;
	if (client >= 0 && (id < 1 || id > IVSHMEM_MAX_PEERS))
		reject(server, &client, what, "not a peer id");
	if (client >= 0 && !is_socket(client, false))
		reject(server, &client, what, "not a connected socket");
	if (memfd >= 0 && (fstat(memfd, &st) < 0 || st.st_size != server->region_size))
		reject(server, &memfd, "memfd", "not the bus's region");
	if (attach >= 0 && client < 0)
		reject(server, &attach, "attach", "its QEMU is gone");
	if (attach >= 0) {
		r = attachment_adopt(attach, server->region_size, &server->attachment);
		if (r < 0)
			reject(server, &attach, "attach",
			       r == -ENOTCONN ? "no longer attached in vbus.ko" : strerror(-r));
	}
	if (!server->attachment) {
		reject(server, &client, what, "the bus is not attached for it");
		reject(server, &memfd, "memfd", "its QEMU is not served");
		return 0;
	}
	if (fcntl(client, F_SETFL, O_NONBLOCK) < 0) {
		r = -errno;
		goto fail;
	}
	r = sd_event_add_io(event, &server->client_source, client, EPOLLIN | EPOLLRDHUP,
			    on_client, server);
	if (r < 0)
		goto fail;
	server->client = client;
	server->memfd = memfd;
	server->status.connected = server->status.attached = true;
	server->status.peer_id = id;
	server->status.peer_pid = peer_pid(client);
	server->next_id = id;
	take_id(server);
	log_fields(LOG_INFO, 0, server->fields,
		   "bus %s: adopted ivshmem client %" PRId64 " (pid %d) and the bus's attachment from before vbusd's restart",
		   server->bus, id, (int)server->status.peer_pid);
	return 0;
fail:
	attachment_free(server->attachment);
	server->attachment = NULL;
	close(client);
	if (memfd >= 0)
		close(memfd);
	return r;
}

static bool power_of_two(uint32_t size)
{
	return size > 0 && (size & (size - 1)) == 0;
}

static int server_init(struct ivshmem_server *server, sd_event *event,
		       const struct ivshmem_server_options *options)
{
	unsigned int v;
	int r;

	if (!options->vectors || options->vectors > IVSHMEM_VECTORS_MAX)
		return -EINVAL;
	/* QEMU exits when a PCI BAR is not a power of two */
	if (!power_of_two(options->region_size))
		return -EINVAL;
	if (options->fdstore) {
		adopt_listener(server, options->fdstore);
		adopt_doorbells(server, options->fdstore);
	}
	for (v = 0; v < server->vectors; v++) {
		if (server->host_eventfds[v] >= 0)
			continue;
		server->host_eventfds[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (server->host_eventfds[v] < 0)
			return -errno;
	}
	if (server->listener < 0) {
		r = listen_on(server, options->access_user);
		if (r < 0)
			return r;
	}
	r = sd_event_add_io(event, &server->listen_source, server->listener, EPOLLIN, on_accept,
			    server);
	if (r < 0)
		return r;
	/* parked again, adopted or not: systemd keeps one copy of each */
	park(server, "listen", server->listener);
	for (v = 0; v < server->vectors; v++) {
		char what[32];

		snprintf(what, sizeof(what), "doorbell-%u", v);
		park(server, what, server->host_eventfds[v]);
	}
	if (options->fdstore) {
		/* the client, its region and the bus's attachment */
		r = adopt_client(server, event, options->fdstore);
		if (r < 0)
			return r;
	}
	return 0;
}

int ivshmem_server_new(sd_event *event, const struct ivshmem_server_options *options,
		       ivshmem_server_callback_t callback, void *userdata,
		       struct ivshmem_server **result)
{
	struct ivshmem_server *server;
	unsigned int v;
	int r;

	*result = NULL;
	server = calloc(1, sizeof(*server));
	if (!server)
		return -ENOMEM;
	server->listener = server->memfd = server->client = -1;
	server->vectors = options->vectors;
	server->region_size = options->region_size;
	for (v = 0; v < IVSHMEM_VECTORS_MAX; v++)
		server->host_eventfds[v] = -1;
	server->next_id = 1;
	server->callback = callback;
	server->userdata = userdata;
	server->park = options->park;
	server->bus = strdup(options->bus);
	server->path = strdup(options->path);
	server->device = options->device ? strdup(options->device) : NULL;
	if (!server->bus || !server->path || (options->device && !server->device)) {
		ivshmem_server_free(server);
		return -ENOMEM;
	}
	snprintf(server->fields, sizeof(server->fields), "VBUS_OBJECT=bus\nVBUS_NAME=%s",
		 server->bus);
	r = server_init(server, event, options);
	if (r < 0) {
		ivshmem_server_free(server);
		return r;
	}
	*result = server;
	return 0;
}

/* KEEP: vbusd exits and systemd's fd store keeps the fds: the path stays,
 * nothing is unparked, the bus stays attached. */
static void server_free(struct ivshmem_server *server, bool keep)
{
	unsigned int v;
	char what[32];

	if (!server)
		return;
	client_close(server, !keep);
	server->listen_source = sd_event_source_disable_unref(server->listen_source);
	if (server->listener >= 0) {
		close(server->listener);
		if (!keep) {
			unlink(server->path);
			unpark(server, "listen");
		}
	}
	for (v = 0; v < IVSHMEM_VECTORS_MAX; v++) {
		if (server->host_eventfds[v] < 0)
			continue;
		close(server->host_eventfds[v]);
		snprintf(what, sizeof(what), "doorbell-%u", v);
		if (!keep)
			unpark(server, what);
	}
	free(server->device);
	free(server->bus);
	free(server->path);
	free(server);
}

void ivshmem_server_free(struct ivshmem_server *server)
{
	server_free(server, false);
}

void ivshmem_server_release(struct ivshmem_server *server)
{
	server_free(server, server && server->park && fdstore_enabled());
}

void ivshmem_server_status(const struct ivshmem_server *server,
			   struct ivshmem_server_status *status)
{
	*status = server->status;
}

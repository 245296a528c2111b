/* SPDX-License-Identifier: GPL-2.0-or-later */
/* org.vbus.Manager1 over sd-bus: the vtable, the system bus name, the
 * private socket server and its connections, and who may change things. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"
#include "dbus.h"
#include "log.h"

static int property_version(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply, void *userdata,
			    sd_bus_error *error)
{
	(void)bus, (void)path, (void)interface, (void)property, (void)userdata, (void)error;
	return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

static int property_status(sd_bus *bus, const char *path, const char *interface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	struct manager *manager = userdata;

	(void)bus, (void)path, (void)interface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s", manager->status_text);
}

static int property_drift(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	struct manager *manager = userdata;

	(void)bus, (void)path, (void)interface, (void)property, (void)error;
	return sd_bus_message_append(reply, "s", drift_policy_to_string(manager->options.drift));
}

static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS("Apply",
				SD_BUS_ARGS("s", fabric, "s", source, "t", flags),
				SD_BUS_RESULT("s", result), api_apply, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Export", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", fabric),
				query_export, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", result),
				api_reload, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CreateBus",
				SD_BUS_ARGS("s", name, "a{sv}", attributes, "t", flags),
				SD_BUS_NO_RESULT, api_create_bus, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("DestroyBus", SD_BUS_ARGS("s", name, "t", flags),
				SD_BUS_NO_RESULT, api_destroy_bus, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("CreateDevice",
				SD_BUS_ARGS("s", name, "s", type, "a{sv}", attributes, "t", flags),
				SD_BUS_NO_RESULT, api_create_device, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("DestroyDevice", SD_BUS_ARGS("s", name, "t", flags),
				SD_BUS_NO_RESULT, api_destroy_device, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SetDevice", SD_BUS_ARGS("s", name, "a{sv}", attributes),
				SD_BUS_NO_RESULT, api_set_device, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("SetBus", SD_BUS_ARGS("s", name, "a{sv}", attributes),
				SD_BUS_NO_RESULT, api_set_bus, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Connect", SD_BUS_ARGS("s", device, "s", bus),
				SD_BUS_NO_RESULT, api_connect, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Disconnect", SD_BUS_ARGS("s", device, "t", flags),
				SD_BUS_NO_RESULT, api_disconnect, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetBuses", SD_BUS_ARGS("as", names),
				SD_BUS_RESULT("s", buses), query_buses, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetDevices", SD_BUS_ARGS("as", names),
				SD_BUS_RESULT("s", devices), query_devices,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetStats", SD_BUS_ARGS("as", names),
				SD_BUS_RESULT("s", stats), query_stats, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetStatus", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", status),
				query_status, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_ARGS("Event",
				SD_BUS_ARGS("s", kind, "s", object, "s", name, "s", details), 0),
	SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("StatusText", "s", property_status, 0, 0),
	SD_BUS_PROPERTY("DriftPolicy", "s", property_drift, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_VTABLE_END
};

/*
 * Clients that expect a bus daemon (busctl --address=...) say Hello first;
 * on the private socket vbusd answers it in the daemon's place, with the one
 * unique name a peer-to-peer connection needs.
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

/* --- privilege ------------------------------------------------------------ */

static struct private_connection *find_connection(struct manager *manager, sd_bus *bus)
{
	size_t i;

	for (i = 0; i < manager->connection_count; i++)
		if (manager->connections[i].bus == bus)
			return &manager->connections[i];
	return NULL;
}

int dbus_check_privilege(struct manager *manager, sd_bus_message *message, const char *method,
			 sd_bus_error *error)
{
	sd_bus *bus = sd_bus_message_get_bus(message);
	struct private_connection *connection = find_connection(manager, bus);
	int r;

	if (connection)
		r = connection->privileged;
	else
		r = sd_bus_query_sender_privilege(message, CAP_NET_ADMIN);
	if (r > 0)
		return 1;
	return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
				 "vbusd: %s: permission denied (needs CAP_NET_ADMIN)", method);
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

/* --- the private socket ------------------------------------------------- */

/* Frees the connections whose peers hung up: not from inside their own
 * dispatch, where the Disconnected message arrives. */
static int on_reap(sd_event_source *source, void *userdata)
{
	struct manager *manager = userdata;
	size_t i = 0;

	manager->reap_source = sd_event_source_unref(source);
	while (i < manager->connection_count) {
		struct private_connection *connection = &manager->connections[i];

		if (!connection->closed) {
			i++;
			continue;
		}
		sd_event_source_unref(connection->io);
		sd_bus_close_unref(connection->bus);
		memmove(connection, connection + 1,
			(manager->connection_count - i - 1) * sizeof(*connection));
		manager->connection_count--;
	}
	return 0;
}

static int on_private_message(sd_bus_message *message, void *userdata, sd_bus_error *error)
{
	struct manager *manager = userdata;
	struct private_connection *connection;

	(void)error;
	if (!sd_bus_message_is_signal(message, "org.freedesktop.DBus.Local", "Disconnected"))
		return 0;
	connection = find_connection(manager, sd_bus_message_get_bus(message));
	if (!connection)
		return 0;
	connection->closed = true;
	if (!manager->reap_source)
		sd_event_add_defer(manager->event, &manager->reap_source, on_reap, manager);
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
 * A private connection's socket is served here rather than by
 * sd_bus_attach_event(): a client that sends its first call in the same
 * write as the end of authentication (libdbus does) would otherwise wait
 * until its next write, as the server side of sd-bus 252 leaves those bytes
 * unprocessed. Processing until there is nothing left to do serves them.
 */
static int on_private_io(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct manager *manager = userdata;
	struct private_connection *connection;
	size_t i;
	int r;

	(void)fd;
	(void)revents;
	for (i = 0; i < manager->connection_count; i++)
		if (manager->connections[i].io == source)
			break;
	if (i == manager->connection_count)
		return 0;
	do
		r = sd_bus_process(manager->connections[i].bus, NULL);
	while (r > 0);
	/* the array may have moved: a call can take time, others connect meanwhile */
	connection = &manager->connections[i];
	if (r < 0 && !connection->closed) {
		connection->closed = true;
		if (!manager->reap_source)
			sd_event_add_defer(manager->event, &manager->reap_source, on_reap, manager);
	}
	if (connection->closed)
		sd_event_source_set_enabled(source, SD_EVENT_OFF);
	else
		connection_watch(connection);
	return 0;
}

static int add_connection(struct manager *manager, int fd)
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
		r = sd_bus_add_object_vtable(bus, NULL, DBUS_PATH, DBUS_INTERFACE, manager_vtable,
					     manager);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/DBus",
					     "org.freedesktop.DBus", hello_vtable, manager);
	if (r >= 0)
		r = sd_bus_add_filter(bus, NULL, on_private_message, manager);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0)
		return r;
	bigger = reallocarray(manager->connections, manager->connection_count + 1, sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	manager->connections = bigger;
	r = sd_event_add_io(manager->event, &io, fd, EPOLLIN, on_private_io, manager);
	if (r < 0)
		return r;
	bigger[manager->connection_count] = (struct private_connection){ bus, io, privileged, false };
	connection_watch(&bigger[manager->connection_count++]);
	bus = NULL;
	return 0;
}

static int on_private_connect(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct manager *manager = userdata;
	int connection, r;

	(void)source;
	(void)revents;
	connection = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (connection < 0)
		return 0;
	r = add_connection(manager, connection);
	if (r < 0) {
		close(connection);
		log_error(0, "%s: cannot serve a connection: %s", manager->options.private_socket,
			  strerror(-r));
	}
	return 0;
}

static int listen_private(struct manager *manager)
{
	const char *path = manager->options.private_socket;
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	_cleanup_free_ char *directory = strdup(path);
	mode_t mask;
	int fd, r;

	if (!directory)
		return -ENOMEM;
	if (strlen(path) >= sizeof(address.sun_path))
		return log_error(-ENAMETOOLONG, "%s: socket path too long", path);
	if (mkdir(dirname(directory), 0755) < 0 && errno != EEXIST)
		return log_error(-errno, "%s: cannot create: %m", directory);
	strcpy(address.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return log_error(-errno, "%s: cannot create a socket: %m", path);
	/* a socket left by a killed vbusd: the lock says none runs now */
	unlink(path);
	mask = umask(0077);
	r = bind(fd, (struct sockaddr *)&address, sizeof(address));
	umask(mask);
	if (r < 0 || chmod(path, 0600) < 0 || listen(fd, SOMAXCONN) < 0) {
		r = -errno;
		close(fd);
		return log_error(r, "%s: cannot listen: %s", path, strerror(-r));
	}
	manager->private_fd = fd;
	return sd_event_add_io(manager->event, &manager->private_source, fd, EPOLLIN,
			       on_private_connect, manager);
}

/* --- the system bus -------------------------------------------------------- */

static void join_system_bus(struct manager *manager)
{
	_cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
	int r;

	r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, DBUS_PATH, DBUS_INTERFACE, manager_vtable,
					     manager);
	if (r >= 0)
		r = sd_bus_request_name(bus, DBUS_NAME, 0);
	if (r >= 0)
		r = sd_bus_attach_event(bus, manager->event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0) {
		log_warning("system bus: not serving %s there: %s (the private socket %s serves)",
			    DBUS_NAME, strerror(-r), manager->options.private_socket);
		return;
	}
	manager->system_bus = bus;
	bus = NULL;
}

int dbus_start(struct manager *manager)
{
	int r = listen_private(manager);

	if (r < 0)
		return r;
	if (manager->options.system_bus)
		join_system_bus(manager);
	return 0;
}

void dbus_stop(struct manager *manager)
{
	size_t i;

	manager->reap_source = sd_event_source_unref(manager->reap_source);
	for (i = 0; i < manager->connection_count; i++) {
		sd_event_source_unref(manager->connections[i].io);
		sd_bus_flush_close_unref(manager->connections[i].bus);
	}
	free(manager->connections);
	manager->connections = NULL;
	manager->connection_count = 0;
	manager->system_bus = sd_bus_flush_close_unref(manager->system_bus);
	manager->private_source = sd_event_source_unref(manager->private_source);
	if (manager->private_fd >= 0) {
		close(manager->private_fd);
		unlink(manager->options.private_socket);
		manager->private_fd = -1;
	}
}

static void emit(sd_bus *bus, const char *kind, const char *object, const char *name,
		 const char *details)
{
	sd_bus_emit_signal(bus, DBUS_PATH, DBUS_INTERFACE, "Event", "ssss", kind, object, name,
			   details);
}

void dbus_emit_event(struct manager *manager, const char *kind, const char *object,
		     const char *name, const char *details)
{
	size_t i;

	if (manager->system_bus)
		emit(manager->system_bus, kind, object, name, details);
	for (i = 0; i < manager->connection_count; i++)
		if (!manager->connections[i].closed) {
			emit(manager->connections[i].bus, kind, object, name, details);
			connection_watch(&manager->connections[i]);
		}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fake vbusd (in-memory canned answers) of the CLI unit tests. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "fake-vbusd.h"

static const char *calls_path;
static bool close_after_reply;

static const char devices_json[] =
	"{\"devices\": [{\"name\": \"web0\", \"type\": \"venet\", \"id\": 1, \"bus\": \"web\","
	" \"mac\": \"02:00:00:00:01:00\", \"mtu\": 9000, \"zcthresh\": 256, \"wmem\": 2097152,"
	" \"txqlen\": 1000, \"ifname\": \"vbt-web0\", \"bridge\": \"br0\", \"link\": \"up\","
	" \"managed\": true}, {\"name\": \"db0\", \"type\": \"venet\", \"id\": 2, \"bus\": null,"
	" \"mac\": \"02:00:00:00:02:00\", \"mtu\": 1500, \"zcthresh\": 0, \"wmem\": 1048576,"
	" \"txqlen\": 500, \"ifname\": \"vbt-db0\", \"bridge\": null, \"link\": \"down\","
	" \"managed\": false}]}";

static void record(const char *format, ...)
{
	FILE *out = fopen(calls_path, "ae");
	va_list args;

	if (!out)
		return;
	va_start(args, format);
	vfprintf(out, format, args);
	va_end(args);
	fputc('\n', out);
	fclose(out);
}

/* The a{sv} at the read position as "key=u:9000 key=s:br0". */
static int read_attributes(sd_bus_message *m, char *text, size_t size)
{
	size_t length = 0;
	const char *key, *contents;
	char type;
	int r;

	text[0] = '\0';
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		r = sd_bus_message_read(m, "s", &key);
		if (r >= 0)
			r = sd_bus_message_peek_type(m, &type, &contents);
		if (r >= 0 && !strcmp(contents, "u")) {
			uint32_t u;

			r = sd_bus_message_read(m, "v", "u", &u);
			length += snprintf(text + length, size - length, " %s=u:%u", key, u);
		} else if (r >= 0 && !strcmp(contents, "s")) {
			const char *s;

			r = sd_bus_message_read(m, "v", "s", &s);
			length += snprintf(text + length, size - length, " %s=s:%s", key, s);
		} else if (r >= 0) {
			r = sd_bus_message_skip(m, "v");
			length += snprintf(text + length, size - length, " %s=?", key);
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	}
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	return r;
}

static int method_create_device(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *name, *type;
	char attributes[512];
	uint64_t flags;
	int r;

	(void)userdata;
	r = sd_bus_message_read(m, "ss", &name, &type);
	if (r >= 0)
		r = read_attributes(m, attributes, sizeof(attributes));
	if (r >= 0)
		r = sd_bus_message_read(m, "t", &flags);
	if (r < 0)
		return r;
	record("CreateDevice %s %s%s flags=%llu", name, type, attributes,
	       (unsigned long long)flags);
	if (!strcmp(name, "exists"))
		return sd_bus_error_set(error, "org.vbus.Error.Exists",
					"device exists: a device of that name exists");
	return sd_bus_reply_method_return(m, NULL);
}

/* SetDevice and SetBus: "denied" and "nosuch" answer as vbusd would. */
static int method_set(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	bool device = !strcmp(sd_bus_message_get_member(m), "SetDevice");
	char attributes[512];
	uint64_t flags;
	const char *name;
	int r;

	(void)userdata;
	r = sd_bus_message_read(m, "s", &name);
	if (r >= 0)
		r = read_attributes(m, attributes, sizeof(attributes));
	if (r >= 0)
		r = sd_bus_message_read(m, "t", &flags);
	if (r < 0)
		return r;
	record("%s %s%s%s", sd_bus_message_get_member(m), name, attributes,
	       flags ? " force" : "");
	if (!strcmp(name, "denied"))
		return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
					 "changing a %s needs CAP_NET_ADMIN", device ? "device" : "bus");
	if (!strcmp(name, "nosuch"))
		return sd_bus_error_setf(error, "org.vbus.Error.NotFound", "no such %s",
					 device ? "device" : "bus");
	return sd_bus_reply_method_return(m, NULL);
}

static int method_named(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *name, *second;
	uint64_t flags;
	int r;

	(void)userdata;
	if (!strcmp(sd_bus_message_get_member(m), "Connect") ||
	    !strcmp(sd_bus_message_get_member(m), "Move")) {
		r = sd_bus_message_read(m, "sst", &name, &second, &flags);
		if (r < 0)
			return r;
		record("%s %s %s%s", sd_bus_message_get_member(m), name, second,
		       flags ? " force" : "");
	} else {
		r = sd_bus_message_read(m, "st", &name, &flags);
		if (r < 0)
			return r;
		record("%s %s flags=%llu", sd_bus_message_get_member(m), name,
		       (unsigned long long)flags);
	}
	if (!strcmp(name, "nosuch"))
		return sd_bus_error_set(error, "org.vbus.Error.NotFound", "no such device");
	if (!strcmp(name, "exists"))
		return sd_bus_error_set(error, "org.vbus.Error.Exists",
					"interface lo exists");
	if (!strcmp(name, "busy"))
		return sd_bus_error_set(error, "org.vbus.Error.Busy",
					"bus busy has 2 devices\nthe second line");
	return sd_bus_reply_method_return(m, NULL);
}

static int method_create_bus(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	char attributes[512];
	const char *name;
	uint64_t flags;
	int r;

	(void)userdata;
	(void)error;
	r = sd_bus_message_read(m, "s", &name);
	if (r >= 0)
		r = read_attributes(m, attributes, sizeof(attributes));
	if (r >= 0)
		r = sd_bus_message_read(m, "t", &flags);
	if (r < 0)
		return r;
	record("CreateBus %s%s flags=%llu", name, attributes, (unsigned long long)flags);
	return sd_bus_reply_method_return(m, NULL);
}

static int method_get(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *member = sd_bus_message_get_member(m);
	char **names = NULL;
	const char *answer;
	int r;

	(void)userdata;
	r = sd_bus_message_read_strv(m, &names);
	if (r < 0)
		return r;
	record("%s %s", member, names && names[0] ? names[0] : "(all)");
	if (names && names[0] && !strcmp(names[0], "nosuch")) {
		free(names[0]);
		free(names);
		return sd_bus_error_set(error, "org.vbus.Error.NotFound", "device nosuch: no such device");
	}
	for (r = 0; names && names[r]; r++)
		free(names[r]);
	free(names);
	if (!strcmp(member, "GetDevices"))
		answer = devices_json;
	else if (!strcmp(member, "GetBuses"))
		answer = "{\"buses\": [{\"name\": \"web\", \"id\": 1, \"connector\": \"ivshmem\","
			 " \"region_size\": 2097152, \"poll_us\": 50, \"domain\": \"web\", \"uuid\": null,"
			 " \"state\": \"ok\", \"devices\": [\"web0\", \"web1\"], \"managed\": true}]}";
	else
		answer = "{\"devices\": [{\"name\": \"web0\", \"stats\": {\"tx_packets\": 10,"
			 " \"tx_bytes\": 1000, \"rx_packets\": 20, \"rx_bytes\": 2000}}]}";
	return sd_bus_reply_method_return(m, "s", answer);
}

static int method_apply(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *fabric, *source;
	uint64_t flags;
	bool same;
	int r;

	(void)userdata;
	(void)error;
	r = sd_bus_message_read(m, "sst", &fabric, &source, &flags);
	if (r < 0)
		return r;
	record("Apply %s flags=%llu length=%zu", source, (unsigned long long)flags,
	       strlen(fabric));
	same = strstr(fabric, "\"same\"") != NULL;
	return sd_bus_reply_method_return(m, "s", same ?
		"{\"dry_run\": true, \"changed\": false, \"operations\": [], \"text\": \"\"}" :
		"{\"dry_run\": false, \"changed\": true, \"operations\": [{\"action\": \"create\"}],"
		" \"text\": \"+ bus vm1 (loop)\\n\"}");
}

static int method_status(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	(void)userdata;
	(void)error;
	record("GetStatus");
	return sd_bus_reply_method_return(m, "s",
		"{\"version\": \"0.1.0\", \"kernel\": {\"module\": \"0.1.0\", \"genl_version\": 1},"
		" \"drift_policy\": \"restore\", \"in_sync\": false, \"buses\": 2, \"devices\": 3,"
		" \"unmanaged\": {\"buses\": [], \"devices\": [\"old0\"]},"
		" \"drift\": [{\"object\": \"device\", \"name\": \"web0\", \"what\": \"zcthresh 256 -> 0\"}],"
		" \"problems\": [\"device web0: bridge br0 does not exist\"],"
		" \"last_apply\": {\"time\": \"2026-11-25T02:30:00Z\", \"source\": \"two-vms.json\","
		" \"result\": \"ok\", \"operations\": 7, \"error\": null},"
		" \"state_file\": \"/var/lib/vbus/state.json\", \"config_dir\": \"/etc/vbus/fabric.d\"}");
}

static int method_export(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	(void)userdata;
	(void)error;
	record("Export");
	return sd_bus_reply_method_return(m, "s", "{\n  \"version\": 1\n}\n");
}

static int property_version(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply, void *userdata,
			    sd_bus_error *error)
{
	(void)property;
	(void)userdata;
	(void)error;
	record("Get Version");
	/* The monitor asks for it once subscribed: give it one event, then
	 * go away, so that it ends by itself (exit 4). */
	sd_bus_emit_signal(bus, path, interface, "Event", "ssss", "device-set", "device", "web0",
			   "{\"name\": \"web0\", \"mtu\": 9000, \"zcthresh\": 0, \"bridge\": null}");
	close_after_reply = true;
	return sd_bus_message_append(reply, "s", "0.1.0-fake");
}

static const sd_bus_vtable vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Apply", "sst", "s", method_apply, 0),
	SD_BUS_METHOD("Export", "", "s", method_export, 0),
	SD_BUS_METHOD("CreateBus", "sa{sv}t", "", method_create_bus, 0),
	SD_BUS_METHOD("DestroyBus", "st", "", method_named, 0),
	SD_BUS_METHOD("CreateDevice", "ssa{sv}t", "", method_create_device, 0),
	SD_BUS_METHOD("DestroyDevice", "st", "", method_named, 0),
	SD_BUS_METHOD("SetDevice", "sa{sv}t", "", method_set, 0),
	SD_BUS_METHOD("SetBus", "sa{sv}t", "", method_set, 0),
	SD_BUS_METHOD("Connect", "sst", "", method_named, 0),
	SD_BUS_METHOD("Move", "sst", "", method_named, 0),
	SD_BUS_METHOD("Disconnect", "st", "", method_named, 0),
	SD_BUS_METHOD("GetBuses", "as", "s", method_get, 0),
	SD_BUS_METHOD("GetDevices", "as", "s", method_get, 0),
	SD_BUS_METHOD("GetStats", "as", "s", method_get, 0),
	SD_BUS_METHOD("GetStatus", "", "s", method_status, 0),
	SD_BUS_PROPERTY("Version", "s", property_version, 0, 0),
	SD_BUS_SIGNAL("Event", "ssss", 0),
	SD_BUS_VTABLE_END
};

static void serve(int fd)
{
	sd_id128_t id = SD_ID128_MAKE(6b, 1f, 0a, 5d, 2c, 88, 4e, 11, 9a, 0b, 3c, 4d, 5e, 6f, 70, 81);
	sd_bus *bus = NULL;
	int r;

	close_after_reply = false;
	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_fd(bus, fd, fd);
	if (r >= 0)
		r = sd_bus_set_server(bus, 1, id);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/vbus/Manager1", "org.vbus.Manager1",
					     vtable, NULL);
	if (r >= 0)
		r = sd_bus_start(bus);
	while (r >= 0) {
		r = sd_bus_process(bus, NULL);
		if (r > 0)
			continue;
		if (r == 0 && close_after_reply) {
			sd_bus_flush(bus);
			break;
		}
		if (r == 0)
			r = sd_bus_wait(bus, UINT64_MAX);
	}
	sd_bus_flush_close_unref(bus);
}

int fake_vbusd_start(struct fake_vbusd *fake)
{
	struct sockaddr_un address = { .sun_family = AF_UNIX };
	static char calls[96];
	int listener;

	snprintf(fake->directory, sizeof(fake->directory), "/tmp/fake-vbusd.XXXXXX");
	if (!mkdtemp(fake->directory))
		return -errno;
	snprintf(address.sun_path, sizeof(address.sun_path), "%s/private", fake->directory);
	snprintf(fake->address, sizeof(fake->address), "unix:path=%s", address.sun_path);
	snprintf(calls, sizeof(calls), "%s/calls", fake->directory);
	calls_path = calls;
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    listen(listener, 8) < 0)
		return -errno;
	fake->pid = fork();
	if (fake->pid < 0)
		return -errno;
	if (fake->pid == 0) {
		for (;;) {
			int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0)
				serve(fd);
		}
	}
	close(listener);
	return 0;
}

void fake_vbusd_stop(struct fake_vbusd *fake)
{
	struct dirent *entry;
	char path[512];
	DIR *directory;

	kill(fake->pid, SIGTERM);
	waitpid(fake->pid, NULL, 0);
	directory = opendir(fake->directory);
	while (directory && (entry = readdir(directory)))
		if (entry->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", fake->directory, entry->d_name);
			unlink(path);
		}
	if (directory)
		closedir(directory);
	rmdir(fake->directory);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Manager: vbusd's one object. It owns the event loop, the kernel client
 * and event socket, the desired state and the D-Bus connections; every
 * component gets it passed in. */
#ifndef VBUSD_MANAGER_H
#define VBUSD_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "fabric.h"
#include "libvbus.h"
#include "bus-servers.h"
#include "link.h"

enum drift_policy {
	DRIFT_RESTORE,
	DRIFT_REPORT,
};

struct options {
	const char *state_dir;
	const char *config_dir;
	const char *private_socket;
	enum drift_policy drift;
	bool system_bus;
};

/* A connection on the private socket, and whether its peer may change
 * things (CAP_NET_ADMIN when it connected). */
struct private_connection {
	sd_bus *bus;
	sd_event_source *io;		/* its socket in the loop (see dbus.c) */
	bool privileged;
	bool closed;			/* the peer hung up: to be freed */
};

/* A managed object someone else removed or disconnected, not restored. */
struct drift {
	char object[16];		/* "bus", "device", "connection" */
	char name[VBUS_NAME_MAX];
	char what[96];
};

struct last_apply {
	bool valid;
	char time[32];			/* ISO 8601, UTC */
	char source[128];
	char result[16];		/* "ok", "failed", "rolled back" */
	size_t operations;
	char error[1024];		/* "" for none */
};

struct manager {
	struct options options;
	char *state_file, *pending_file;

	sd_event *event;
	struct vbus_client *client;
	struct vbus_events *events;
	sd_event_source *events_source;
	sd_event_source *drift_check;	/* deferred, while a check is due */
	struct link *link;
	struct bus_servers *bus_servers;	/* ivshmem (wiring of issue 14) */

	struct fabric *desired;
	struct fabric *actual;		/* the kernel as its events say */

	sd_bus *system_bus;
	int private_fd;
	sd_event_source *private_source;
	struct private_connection *connections;
	size_t connection_count;
	sd_event_source *reap_source;	/* frees closed connections */

	struct drift *drifts;
	size_t drift_count;
	char **problems;
	size_t problem_count;
	struct last_apply last_apply;
	char status_text[256];
};

int manager_new(const struct options *options, struct manager **manager);
void manager_free(struct manager *manager);
DEFINE_CLEANUP_FUNC(struct manager, manager_free)

/* Adopts the kernel, reconciles the desired state once, serves D-Bus and
 * tells systemd it is ready; then runs until SIGTERM or SIGINT. */
int manager_run(struct manager *manager);

/* Recomputes the status text, and sends it to systemd. */
void manager_update_status(struct manager *manager);

/* Adds the problems that last only while the kernel or the host says so
 * (broken buses, missing bridges) to PROBLEMS. */
void manager_live_problems(struct manager *manager, struct fabric_errors *problems);

/* Replaces the list of problems with PROBLEMS' lines. */
void manager_set_problems(struct manager *manager, const struct fabric_errors *problems);

/* The Event signal on every connection. */
void manager_emit_event(struct manager *manager, const char *kind, const char *object,
			const char *name, const char *details);

const char *drift_policy_to_string(enum drift_policy policy);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Manager: owns the loop, the desired state and one of each component,
 * and is the only one that knows them all. Data flows one way: components
 * report through the callback they were created with and mark the manager
 * dirty; the manager decides and calls down; nothing calls back up.
 *
 * The daemon's files, what each owns, and whom it calls:
 *   vbusd.c     options, the one-instance lock          -> manager
 *   manager.c   desired state, kept problems, last apply, status text, the
 *               dirty flag (recomputed once per loop iteration)
 *                            -> kernel, reconcile, drift, dbus, bus-servers
 *   kernel.c    netlink client, event socket, the kernel's fabric
 *                                          -> libvbus (reports to its callback)
 *   reconcile.c nothing: plan, execute through an executor, roll back
 *                                          -> plan (lib), state
 *   drift.c     reported drift, the deferred check   -> fabric-attribute (lib)
 *   status.c    nothing: status text, problems, GetStatus lists
 *                                          -> reconcile_in_sync
 *   ports.c     nothing: bridge ports from the link and fabrics -> link
 *   link.c      host-link in the loop (rtnetlink)    -> host-link
 *   libvirt-connection.c  libvirtd: a thread of its own, connection, events,
 *               resync; reports through an eventfd (libvirt-connection.h)
 *   bus-servers.c  one ivshmem server per ivshmem bus, following the
 *               kernel's buses                        -> ivshmem-server, attachment
 *   ivshmem-server.c  one bus's socket and its QEMU client (lib/ivshmem.c)
 *   attachment.c  the bus's /dev/vbus attachment while QEMU is connected
 *   state.c     nothing: fabric.d, the persisted and pending files
 *   checkpoint.c  a pending checkpoint: its state on disk, its deadline timer
 *   family-watch.c  vbus.ko going and coming (nlctrl notifications), for kernel.c
 *   api.c       the vtable and the mutating methods  -> manager, kernel
 *   query.c     the reading methods                  -> manager, kernel, status
 *   dbus.c      the system bus name; signals         -> private
 *   private.c   the private socket's connections, who may change things
 *   log.c, error.c  the journal; D-Bus error names
 * Only api.c and query.c (the front end, whose handlers get the manager as
 * userdata) and vbusd.c include this header; they use the functions below,
 * the struct stays in manager.c.
 */
#ifndef VBUSD_MANAGER_H
#define VBUSD_MANAGER_H

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

#include "drift.h"
#include "fabric.h"
#include "kernel.h"
#include "libvirt-connection.h"
#include "link.h"
#include "reconcile.h"
#include "status.h"

struct options {
	const char *state_dir;
	const char *config_dir;
	const char *private_socket;
	enum drift_policy drift;
	bool system_bus;
	const char *libvirt_uri;	/* NULL: --no-libvirt */
};

struct manager;

int manager_new(const struct options *options, struct manager **manager);
void manager_free(struct manager *manager);
DEFINE_CLEANUP_FUNC(struct manager, manager_free)

/* Adopts the kernel, reconciles the desired state once, serves D-Bus and
 * tells systemd it is ready; then runs until SIGTERM or SIGINT. */
int manager_run(struct manager *manager);

/* --- for the front end (api.c, query.c) ------------------------------------ */

const struct options *manager_options(const struct manager *manager);
const char *manager_state_file(const struct manager *manager);
const struct fabric *manager_desired(const struct manager *manager);
struct kernel *manager_kernel(struct manager *manager);
struct link *manager_link(struct manager *manager);
/* The ivshmem servers of the ivshmem buses. */
struct bus_servers *manager_bus_servers(struct manager *manager);
/* NULL with --no-libvirt. */
struct libvirt_connection *manager_libvirt(struct manager *manager);
const char *manager_status_text(const struct manager *manager);

/* The fabric.d file that defines the object of ORIGIN (an object of the
 * desired state), or NULL when none does: what a reload puts back. */
/* MERGED, a desired state to be, checked: fabric_check() (unless not WHOLE)
 * and its references against the kernel's fabric (with PRUNE, what the
 * kernel has besides goes: against nothing). 0, or -EINVAL with ERRORS. */
int manager_check_merged(struct manager *manager, const struct fabric *merged, bool prune,
			 bool whole, struct fabric_errors *errors);
const char *manager_owner(const struct manager *manager, const struct fabric_origin *origin);
/* What show and status say an object comes from: its fabric.d file,
 * "vbusctl" for another object of the desired state (one-object commands,
 * vbusctl apply), NULL for one vbusd does not manage (ORIGIN NULL). */
const char *manager_source(const struct manager *manager, const struct fabric_origin *origin);

/* The kernel's fabric read now, with the bridges the host has. */
int manager_read_kernel(struct manager *manager, struct fabric **actual);

/* Whether the sender of MESSAGE may change things; AccessDenied when not. */
int manager_check_privilege(struct manager *manager, sd_bus_message *message,
			    const char *method, sd_bus_error *error);

/*
 * Runs REQUEST as one transaction (reconcile.c); on success the desired
 * state becomes REQUEST's, persisted. *RESULT: Apply's JSON result (also on
 * a refusal, when planned); ERROR: why it failed.
 */
int manager_apply(struct manager *manager, const struct apply_request *request, char **result,
		  char *error, size_t size);

/* fabric.d applied without prune, for SIGHUP as for the Reload method. */
int manager_reload(struct manager *manager, char **result, char *error, size_t size);

/* Checkpoints (checkpoint.h): saves the desired state, to be rolled back to
 * unless committed within SECONDS; commits (forgets) it; rolls back to it now
 * (WHY says why, for the log and the Event). ERROR: why not (-EBUSY one is
 * pending, -ENOENT none is, -ERANGE SECONDS). */
int manager_checkpoint(struct manager *manager, uint32_t seconds, char *error, size_t size);
int manager_commit(struct manager *manager, char *error, size_t size);
int manager_rollback(struct manager *manager, const char *why, char **result, char *error,
		     size_t size);
/* Whether a checkpoint is pending, and its *DEADLINE (CLOCK_REALTIME, usec). */
bool manager_checkpoint_deadline(const struct manager *manager, uint64_t *deadline);

/* Reads the kernel afresh and describes the manager's state in STATUS and
 * *LAST (valid until the loop runs again). */
int manager_status(struct manager *manager, struct status *status,
		   const struct last_apply **last);

#endif

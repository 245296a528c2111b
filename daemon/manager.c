/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Manager: start-up (adopt the kernel, take the desired state, roll a
 * pending apply forward, reconcile once), the loop, status and signals. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "api.h"
#include "dbus.h"
#include "drift.h"
#include "error.h"
#include "kernel.h"
#include "log.h"
#include "manager.h"
#include "ports.h"
#include "reconcile.h"
#include "state.h"

const char *drift_policy_to_string(enum drift_policy policy)
{
	return policy == DRIFT_REPORT ? "report" : "restore";
}

int manager_new(const struct options *options, struct manager **result)
{
	_cleanup_(manager_freep) struct manager *manager = calloc(1, sizeof(*manager));
	int r;

	if (!manager)
		return -ENOMEM;
	manager->options = *options;
	manager->private_fd = -1;
	if (asprintf(&manager->state_file, "%s/fabric.json", options->state_dir) < 0 ||
	    asprintf(&manager->pending_file, "%s/pending.json", options->state_dir) < 0)
		return -ENOMEM;
	manager->desired = fabric_new();
	if (!manager->desired)
		return -ENOMEM;
	r = sd_event_default(&manager->event);
	if (r < 0)
		return r;
	r = link_new(manager->event, ports_on_link_changed, manager, &manager->link);
	if (r < 0)
		return r;
	/* issue 14 wiring: the ivshmem servers follow the kernel's buses */
	r = bus_servers_new(manager->event, BUS_SERVERS_DEVICE, BUS_SERVERS_QEMU_USER,
			    &manager->bus_servers);
	if (r < 0)
		return r;
	*result = manager;
	manager = NULL;
	return 0;
}

void manager_free(struct manager *manager)
{
	size_t i;

	if (!manager)
		return;
	dbus_stop(manager);
	sd_event_source_unref(manager->drift_check);
	sd_event_source_unref(manager->events_source);
	vbus_events_close(manager->events);
	vbus_client_close(manager->client);
	link_free(manager->link);
	bus_servers_free(manager->bus_servers);
	fabric_free(manager->desired);
	fabric_free(manager->actual);
	for (i = 0; i < manager->problem_count; i++)
		free(manager->problems[i]);
	free(manager->problems);
	free(manager->drifts);
	free(manager->state_file);
	free(manager->pending_file);
	sd_event_unref(manager->event);
	free(manager);
}

void manager_set_problems(struct manager *manager, const struct fabric_errors *problems)
{
	size_t i;

	for (i = 0; i < manager->problem_count; i++)
		free(manager->problems[i]);
	free(manager->problems);
	manager->problems = calloc(problems->count + 1, sizeof(char *));
	manager->problem_count = 0;
	for (i = 0; manager->problems && i < problems->count; i++) {
		manager->problems[i] = strdup(problems->lines[i]);
		if (manager->problems[i])
			manager->problem_count++;
	}
}

void manager_live_problems(struct manager *manager, struct fabric_errors *problems)
{
	size_t i;

	for (i = 0; manager->actual && i < manager->actual->bus_count; i++)
		if (manager->actual->buses[i].info.state == VBUS_BUS_STATE_BROKEN)
			fabric_errors_add(problems,
					  "bus %s: broken (the guest corrupted the shared region; "
					  "it is reset when a guest attaches again)",
					  manager->actual->buses[i].info.name);
	ports_problems(manager, problems);
}

void manager_update_status(struct manager *manager)
{
	size_t buses = manager->actual ? manager->actual->bus_count : 0;
	size_t devices = manager->actual ? manager->actual->device_count : 0;
	struct fabric_errors live = { 0 };
	size_t problems;
	char state[64];

	/* issue 14 wiring: before an API reply, so a bus's socket exists when
	 * the call that made the bus returns (the libvirt hook relies on it) */
	bus_servers_sync(manager->bus_servers, manager->actual);
	manager_live_problems(manager, &live);
	problems = manager->problem_count + manager->drift_count + live.count;
	fabric_errors_clear(&live);

	if (problems)
		snprintf(state, sizeof(state), "%zu problem%s", problems, problems == 1 ? "" : "s");
	else
		snprintf(state, sizeof(state), "%s",
			 reconcile_in_sync(manager) ? "in sync" : "out of sync");
	snprintf(manager->status_text, sizeof(manager->status_text), "%zu bus%s, %zu device%s, %s",
		 buses, buses == 1 ? "" : "es", devices, devices == 1 ? "" : "s", state);
	sd_notifyf(0, "STATUS=%s", manager->status_text);
}

void manager_emit_event(struct manager *manager, const char *kind, const char *object,
			const char *name, const char *details)
{
	dbus_emit_event(manager, kind, object, name, details);
}

/* --- start-up ---------------------------------------------------------------- */

static int open_kernel(struct manager *manager)
{
	int r;

	/* events first: nothing that changes during the dump goes unseen */
	r = vbus_events_open(&manager->events);
	if (r >= 0)
		r = vbus_client_open(&manager->client);
	if (r == -ENOENT)
		return log_error(r, "vbus.ko is not loaded (the generic netlink family \"vbus\" is missing); load it with: modprobe vbus");
	if (r < 0)
		return log_error(r, "cannot talk to vbus.ko: %s", strerror(-r));
	r = kernel_watch_events(manager);
	if (r < 0)
		return log_error(r, "cannot watch kernel events: %s", strerror(-r));
	r = drift_refresh(manager);
	if (r < 0)
		return log_error(r, "cannot read the kernel's fabric: %s",
				 vbus_client_error(manager->client));
	log_info("adopted the kernel's fabric: %zu buses, %zu devices", manager->actual->bus_count,
		 manager->actual->device_count);
	return 0;
}

/* The persisted state overlaid by fabric.d; or the pending state of an apply
 * a crash interrupted, to finish it. */
static int load_desired(struct manager *manager, struct fabric **desired, const char **source)
{
	_cleanup_(fabric_freep) struct fabric *persisted = NULL, *config = NULL;
	struct fabric_errors errors = { 0 };
	int r;

	r = state_read(manager->pending_file, desired, &errors);
	if (r == 0) {
		log_info("%s: an apply was interrupted: finishing it", manager->pending_file);
		*source = manager->pending_file;
		return 0;
	}
	if (r != -ENOENT)
		log_error(r, "%s: unreadable, ignored", manager->pending_file);
	fabric_errors_clear(&errors);
	r = state_read(manager->state_file, &persisted, &errors);
	if (r == -ENOENT)
		persisted = fabric_new();
	else if (r < 0)
		return log_error(r, "%s: cannot read the persisted desired state: %s",
				 manager->state_file, errors.count ? errors.lines[0] : strerror(-r));
	if (!persisted)
		return -ENOMEM;
	fabric_free(manager->desired);
	manager->desired = state_copy(persisted);
	if (!manager->desired)
		return -ENOMEM;
	r = state_load_config(manager->options.config_dir, &config, &errors);
	if (r < 0) {
		log_error(r, "%s: invalid, not applied:", manager->options.config_dir);
		for (size_t i = 0; i < errors.count; i++)
			log_error(r, "%s", errors.lines[i]);
		manager_set_problems(manager, &errors);
		fabric_errors_clear(&errors);
	} else if (state_overlay(persisted, config) < 0) {
		return -ENOMEM;
	}
	*desired = persisted;
	persisted = NULL;
	*source = manager->options.config_dir;
	return 0;
}

static int reconcile_at_start(struct manager *manager)
{
	_cleanup_(fabric_freep) struct fabric *desired = NULL;
	_cleanup_free_ char *result = NULL;
	const char *source = NULL;
	char error[2048];
	int r;

	r = load_desired(manager, &desired, &source);
	if (r < 0)
		return r;
	r = reconcile_apply(manager, &(struct apply_request){ .desired = desired, .source = source },
			    &result, error, sizeof(error));
	if (r < 0) {
		struct fabric_errors problems = { 0 };

		fabric_errors_add(&problems, "start-up apply: %s", error);
		manager_set_problems(manager, &problems);
		fabric_errors_clear(&problems);
		state_remove(manager->pending_file);
	}
	return 0;
}

/* --- signals ------------------------------------------------------------------- */

static int on_stop(sd_event_source *source, const struct signalfd_siginfo *info, void *userdata)
{
	struct manager *manager = userdata;

	(void)manager;
	sd_notify(0, "STOPPING=1");
	log_info("stopping on %s; every kernel object stays in place", strsignal(info->ssi_signo));
	return sd_event_exit(sd_event_source_get_event(source), 0);
}

static int on_reload(sd_event_source *source, const struct signalfd_siginfo *info, void *userdata)
{
	struct manager *manager = userdata;
	_cleanup_free_ char *result = NULL;
	char error[4096];
	int r;

	(void)source;
	(void)info;
	sd_notify(0, "RELOADING=1");
	r = api_reload_config(manager, &result, error, sizeof(error));
	if (r < 0)
		log_error(r, "reload: %s", error);
	sd_notify(0, "READY=1");
	manager_update_status(manager);
	return 0;
}

static int watch_signals(struct manager *manager)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	r = sd_event_add_signal(manager->event, NULL, SIGTERM, on_stop, manager);
	if (r >= 0)
		r = sd_event_add_signal(manager->event, NULL, SIGINT, on_stop, manager);
	if (r >= 0)
		r = sd_event_add_signal(manager->event, NULL, SIGHUP, on_reload, manager);
	return r;
}

int manager_run(struct manager *manager)
{
	int r;

	r = watch_signals(manager);
	if (r < 0)
		return log_error(r, "cannot watch signals: %s", strerror(-r));
	r = open_kernel(manager);
	if (r < 0)
		return r;
	r = reconcile_at_start(manager);
	if (r < 0)
		return r;
	r = dbus_start(manager);
	if (r < 0)
		return r;
	sd_event_set_watchdog(manager->event, true);
	manager_update_status(manager);
	sd_notifyf(0, "READY=1\nSTATUS=%s", manager->status_text);
	log_info("ready: %s", manager->status_text);
	r = sd_event_loop(manager->event);
	if (r < 0)
		return log_error(r, "event loop: %s", strerror(-r));
	return 0;
}

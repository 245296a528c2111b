/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Manager: start-up (adopt the kernel, take the desired state, roll a
 * pending apply forward, reconcile once), the components' callbacks, the
 * apply transaction's bookkeeping, and status once per loop iteration. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include <libxml/parser.h>

#include "api.h"
#include "bus-servers.h"
#include "checkpoint.h"
#include "dbus.h"
#include "domains.h"
#include "error.h"
#include "log.h"
#include "manager.h"
#include "ports.h"
#include "state.h"

struct manager {
	struct options options;
	char *state_file, *pending_file;

	sd_event *event;
	sd_event_source *post;		/* recomputes status when dirty */
	bool dirty;
	struct kernel *kernel;
	struct link *link;
	struct drift *drift;
	struct dbus *dbus;
	struct bus_servers *bus_servers;	/* ivshmem: one per ivshmem bus */
	struct checkpoint *checkpoint;	/* a change to roll back unless committed */
	struct libvirt_connection *libvirt;	/* NULL with --no-libvirt */
	struct domains *domains;	/* what libvirt's domains need */

	struct fabric *desired;
	struct fabric *observed;	/* the kernel's, with the host's bridges */
	struct fabric_errors problems;	/* kept: invalid fabric.d, a failed start-up apply */
	struct fabric_errors host;	/* the host's, as of the last recompute */
	struct last_apply last_apply;
	char status_text[256];
};

#define KERNEL_GONE \
	"vbus.ko is not loaded: load it with modprobe vbus (vbusd applies the desired state when it is back)"

static void on_kernel_changed(const struct vbus_event *event, const struct fabric_device *before,
			      void *userdata);
static void on_kernel_presence(bool present, void *userdata);
static void on_checkpoint_expired(void *userdata);
static void on_link_changed(const char *ifname, void *userdata);
static void on_drift_check(void *userdata);
static int on_post(sd_event_source *source, void *userdata);
static void on_libvirt_changed(void *userdata);

int manager_new(const struct options *options, struct manager **result)
{
	_cleanup_(manager_freep) struct manager *manager = calloc(1, sizeof(*manager));
	char *path;
	int r;

	if (!manager)
		return -ENOMEM;
	manager->options = *options;
	if (asprintf(&manager->state_file, "%s/fabric.json", options->state_dir) < 0 ||
	    asprintf(&manager->pending_file, "%s/pending.json", options->state_dir) < 0)
		return -ENOMEM;
	manager->desired = fabric_new();
	if (!manager->desired)
		return -ENOMEM;
	r = sd_event_default(&manager->event);
	if (r < 0)
		return r;
	r = sd_event_add_post(manager->event, &manager->post, on_post, manager);
	if (r < 0)
		return r;
	r = kernel_new(manager->event, on_kernel_changed, on_kernel_presence, manager,
		       &manager->kernel);
	if (r < 0)
		return r;
	r = drift_new(manager->event, options->drift, on_drift_check, manager, &manager->drift);
	if (r < 0)
		return r;
	r = link_new(manager->event, on_link_changed, manager, &manager->link);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/checkpoint.json", options->state_dir) < 0)
		return -ENOMEM;
	r = checkpoint_new(manager->event, path, on_checkpoint_expired, manager,
			   &manager->checkpoint);
	free(path);
	if (r < 0)
		return r;
	r = bus_servers_new(manager->event, BUS_SERVERS_DEVICE, BUS_SERVERS_QEMU_USER,
			    &manager->bus_servers);
	if (r < 0)
		return r;
	if (options->libvirt_uri) {
		r = domains_new(manager, &manager->domains);
		if (r < 0)
			return r;
		/* the metadata is read with libxml2 on the loop while libvirt's
		 * thread may use it too: initialised once, before that thread */
		xmlInitParser();
		/* a libvirt that cannot even initialise leaves vbusd without
		 * libvirt, not without vbus */
		r = libvirt_connection_new(manager->event, options->libvirt_uri, on_libvirt_changed,
					   manager, &manager->libvirt);
		if (r < 0)
			log_error_errno(r, "libvirt: running without libvirt: %m");
	}
	*result = manager;
	manager = NULL;
	return 0;
}

void manager_free(struct manager *manager)
{
	if (!manager)
		return;
	libvirt_connection_free(manager->libvirt);
	domains_free(manager->domains);
	dbus_free(manager->dbus);
	checkpoint_free(manager->checkpoint);
	drift_free(manager->drift);
	kernel_free(manager->kernel);
	link_free(manager->link);
	bus_servers_free(manager->bus_servers);
	sd_event_source_disable_unref(manager->post);
	fabric_free(manager->desired);
	fabric_free(manager->observed);
	fabric_errors_clear(&manager->problems);
	fabric_errors_clear(&manager->host);
	free(manager->state_file);
	free(manager->pending_file);
	sd_event_unref(manager->event);
	free(manager);
}

const struct options *manager_options(const struct manager *manager)
{
	return &manager->options;
}

const char *manager_state_file(const struct manager *manager)
{
	return manager->state_file;
}

const struct fabric *manager_desired(const struct manager *manager)
{
	return manager->desired;
}

struct kernel *manager_kernel(struct manager *manager)
{
	return manager->kernel;
}

struct link *manager_link(struct manager *manager)
{
	return manager->link;
}

struct bus_servers *manager_bus_servers(struct manager *manager)
{
	return manager->bus_servers;
}

struct libvirt_connection *manager_libvirt(struct manager *manager)
{
	return manager->libvirt;
}

const char *manager_status_text(const struct manager *manager)
{
	return manager->status_text;
}

const char *manager_owner(const struct manager *manager, const struct fabric_origin *origin)
{
	const char *dir = manager->options.config_dir;
	size_t length = strlen(dir);

	if (!origin || !origin->file || strncmp(origin->file, dir, length) ||
	    origin->file[length] != '/')
		return NULL;
	return origin->file;
}

const char *manager_source(const struct manager *manager, const struct fabric_origin *origin)
{
	if (!origin)
		return NULL;
	return manager_owner(manager, origin) ?: "vbusctl";
}

int manager_check_privilege(struct manager *manager, sd_bus_message *message,
			    const char *method, sd_bus_error *error)
{
	return dbus_check_privilege(manager->dbus, message, method, error);
}

/* --- status, once per loop iteration ---------------------------------------- */

static void dirty(struct manager *manager)
{
	manager->dirty = true;
}

static void set_problems(struct manager *manager, const struct fabric_errors *problems)
{
	size_t i;

	fabric_errors_clear(&manager->problems);
	for (i = 0; i < problems->count; i++)
		fabric_errors_add(&manager->problems, "%s", problems->lines[i]);
	dirty(manager);
}

static void describe(struct manager *manager, struct status *status)
{
	*status = (struct status){
		.desired = manager->desired,
		.actual = manager->observed,
		.problems = &manager->problems,
		.host = &manager->host,
	};
	status->drift = drift_entries(manager->drift, &status->drift_count);
}

/* The kernel's fabric with the host's bridges, the host's problems and the
 * status text afresh; systemd hears of a new text. */
static void recompute(struct manager *manager)
{
	const struct fabric *actual = kernel_fabric(manager->kernel);
	char text[sizeof(manager->status_text)];
	struct status status;
	bus_servers_sync(manager->bus_servers, actual);

	fabric_free(manager->observed);
	manager->observed = actual ? state_copy(actual) : NULL;
	if (manager->observed)
		ports_observe(manager->link, manager->desired, manager->observed);
	fabric_errors_clear(&manager->host);
	if (!kernel_present(manager->kernel))
		fabric_errors_add(&manager->host, "%s", KERNEL_GONE);
	ports_problems(manager->link, manager->desired, actual, &manager->host);
	describe(manager, &status);
	status_text(&status, text, sizeof(text));
	if (!strcmp(text, manager->status_text))
		return;
	snprintf(manager->status_text, sizeof(manager->status_text), "%s", text);
	sd_notifyf(0, "STATUS=%s", manager->status_text);
}

static int on_post(sd_event_source *source, void *userdata)
{
	struct manager *manager = userdata;

	(void)source;
	if (!manager->dirty)
		return 0;
	manager->dirty = false;
	recompute(manager);
	return 0;
}

/* The libvirt thread learnt something (on the loop, through its eventfd). */
static void on_libvirt_changed(void *userdata)
{
	struct manager *manager = userdata;

	domains_sync(manager->domains, manager->libvirt);
	dirty(manager);
}

int manager_status(struct manager *manager, struct status *status,
		   const struct last_apply **last)
{
	/* without vbus.ko: the status says so, the desired state waits */
	int r = kernel_present(manager->kernel) ? kernel_refresh(manager->kernel) : 0;

	if (r < 0)
		return r;
	recompute(manager);
	describe(manager, status);
	*last = &manager->last_apply;
	return 0;
}

/* --- apply ----------------------------------------------------------------- */

int manager_read_kernel(struct manager *manager, struct fabric **actual)
{
	int r = kernel_dump(manager->kernel, actual);

	if (r < 0)
		return r;
	ports_observe(manager->link, manager->desired, *actual);
	return 0;
}

static int executor_read(void *userdata, struct fabric **actual)
{
	return manager_read_kernel(userdata, actual);
}

/* The kernel's part, then the bridge port (whose failures are logged, not
 * refusals). */
static int executor_execute(void *userdata, const struct plan_operation *operation)
{
	struct manager *manager = userdata;
	const struct fabric_device *device = &operation->device;
	int r = kernel_execute(manager->kernel, operation);

	if (r < 0)
		return r;
	if ((operation->action == PLAN_DEVICE_CREATE && device->bridge[0]) ||
	    (operation->action == PLAN_DEVICE_SET && operation->bridge_changed))
		ports_configure(manager->link, kernel_fabric(manager->kernel), device,
				device->bridge, false);
	return 0;
}

static const char *executor_error(void *userdata)
{
	struct manager *manager = userdata;

	return kernel_error(manager->kernel);
}

static void record(struct manager *manager, const struct apply_request *request,
		   const struct apply_outcome *outcome)
{
	struct last_apply *last = &manager->last_apply;
	time_t now = time(NULL);
	struct tm tm;

	last->valid = true;
	gmtime_r(&now, &tm);
	strftime(last->time, sizeof(last->time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(last->source, sizeof(last->source), "%s", request->source ?: "");
	snprintf(last->result, sizeof(last->result), "%s",
		 apply_result_to_string(outcome->result));
	last->operations = outcome->operations;
	snprintf(last->error, sizeof(last->error), "%s", outcome->error);
}

/* The desired state becomes DESIRED (without what it declared absent, now
 * gone), persisted; the pending file goes. */
static int commit(struct manager *manager, const struct fabric *desired)
{
	struct fabric *copy = state_copy(desired);
	int r;

	if (!copy)
		return -ENOMEM;
	state_drop_absent(copy);
	fabric_free(manager->desired);
	manager->desired = copy;
	r = state_write(manager->state_file, copy);
	if (r < 0)
		return r;
	return state_remove(manager->pending_file);
}

/* After an apply: the kernel's fabric read again, and an ivshmem bus's
 * socket served before the call that made the bus returns (libvirt's hook
 * starts QEMU, which connects at once, right after it). */
static void refresh_kernel(struct manager *manager)
{
	int r = kernel_refresh(manager->kernel);

	if (r < 0)
		log_error_errno(r, "cannot read the kernel's fabric: %m");
	bus_servers_sync(manager->bus_servers, kernel_fabric(manager->kernel));
}

/* A copy of DESIRED with the MAC the kernel made for each device DESIRED
 * gives none: a guest's MAC must never change behind its back (a device
 * made again, by drift restore or a re-apply, gets the same). */
static struct fabric *pin_macs(struct manager *manager, const struct fabric *desired)
{
	const struct fabric *actual = kernel_fabric(manager->kernel);
	struct fabric *pinned = state_copy(desired);
	const struct fabric_device *now;
	struct fabric_device *device;
	size_t i;

	for (i = 0; pinned && actual && i < pinned->device_count; i++) {
		device = &pinned->devices[i];
		now = fabric_find_device(actual, device->info.name);
		if ((device->info.venet.present & VBUS_VENET_F_MAC) || !now ||
		    !(now->info.venet.present & VBUS_VENET_F_MAC))
			continue;
		memcpy(device->info.venet.mac, now->info.venet.mac, VBUS_MAC_LEN);
		device->info.venet.present |= VBUS_VENET_F_MAC;
	}
	return pinned;
}

static int applied(struct manager *manager, const struct apply_request *request,
		   const struct apply_outcome *outcome, char *error, size_t size)
{
	_cleanup_(fabric_freep) struct fabric *pinned = NULL;
	char fields[160];
	int r;

	refresh_kernel(manager);
	pinned = pin_macs(manager, request->desired);
	r = pinned ? commit(manager, pinned) : -ENOMEM;
	if (r < 0) {
		snprintf(error, size, "the kernel took the change, but it could not be persisted: %s",
			 strerror(-r));
		return log_error_errno(r, "%s: cannot persist the desired state: %m",
				       manager->state_file);
	}
	drift_clear(manager->drift);
	record(manager, request, outcome);
	if (outcome->operations) {
		snprintf(fields, sizeof(fields), "VBUS_OBJECT=fabric\nVBUS_SOURCE=%s",
			 request->source ?: "");
		log_fields(LOG_INFO, 0, fields, "apply %s: %zu operation%s", request->source ?: "",
			   outcome->operations, outcome->operations == 1 ? "" : "s");
		/* the kernel's events of this apply first (the desired state is
		 * committed: they are vbusd's own, not adopted), then the apply,
		 * named by its source */
		kernel_process_events(manager->kernel);
		dbus_emit_event(manager->dbus, "apply", "fabric", request->source ?: "",
				outcome->json);
	}
	return 0;
}

static void rolled_back(struct manager *manager, const struct apply_request *request,
			const struct apply_outcome *outcome, int error)
{
	const char *drift = request->source && !strcmp(request->source, "drift") ?
			    "\nVBUS_DRIFT=restore-failed" : "";
	char fields[256];

	snprintf(fields, sizeof(fields), "VBUS_OBJECT=fabric\nVBUS_SOURCE=%s%s",
		 request->source ?: "", drift);
	log_fields(LOG_ERR, error, fields, "apply %s: %s", request->source ?: "", outcome->error);
	record(manager, request, outcome);
	refresh_kernel(manager);
	dbus_emit_event(manager->dbus, "rollback", "fabric", request->source ?: "",
			outcome->json ?: "{}");
}

/* manager_apply(), and whether the apply ran (*RAN; its failure is then
 * logged already). */
static int run_apply(struct manager *manager, const struct apply_request *request, char **result,
		     char *error, size_t size, bool *ran)
{
	const struct executor executor = {
		.read = executor_read,
		.execute = executor_execute,
		.error = executor_error,
		.userdata = manager,
	};
	struct apply_request transaction = *request;
	struct apply_outcome outcome;
	int r;

	*ran = false;
	*result = NULL;
	if (!kernel_present(manager->kernel)) {
		snprintf(error, size, "%s", KERNEL_GONE);
		return -ENXIO;
	}
	r = ports_check(manager->link, request->desired, manager->desired, error, size);
	if (r < 0)
		return r;
	transaction.pending_file = manager->pending_file;
	r = reconcile_apply(&executor, &transaction, &outcome);
	snprintf(error, size, "%s", outcome.error);
	*ran = outcome.result != APPLY_NOT_RUN;
	/* the apply and rollback Events carry the result: it is handed over after */
	if (outcome.result == APPLY_OK)
		r = applied(manager, request, &outcome, error, size);
	else if (*ran)
		rolled_back(manager, request, &outcome, r);
	*result = outcome.json;
	outcome.json = NULL;
	dirty(manager);
	apply_outcome_clear(&outcome);
	return r;
}

int manager_apply(struct manager *manager, const struct apply_request *request, char **result,
		  char *error, size_t size)
{
	bool ran;

	return run_apply(manager, request, result, error, size, &ran);
}

int manager_check_merged(struct manager *manager, const struct fabric *merged, bool prune,
			 bool whole, struct fabric_errors *errors)
{
	int r = whole ? fabric_check(merged, errors) : 0;

	if (r == -ENOMEM)
		return r;
	return fabric_check_references(merged, prune ? NULL : kernel_fabric(manager->kernel),
				       errors) ?: r;
}

/* fabric.d and the desired state merged and checked, in *DESIRED; ERROR
 * says why not. */
static int configured(struct manager *manager, struct fabric **desired, char *text, size_t size)
{
	_cleanup_(fabric_freep) struct fabric *config = NULL, *merged = NULL, *existing = NULL;
	struct fabric_errors errors = { 0 };
	int r;

	existing = state_union(manager->desired, kernel_fabric(manager->kernel));
	if (!existing)
		return -ENOMEM;
	r = state_load_config(manager->options.config_dir, existing, &config, &errors);
	if (r >= 0) {
		merged = state_copy(manager->desired);
		if (!merged || state_overlay(merged, config) < 0)
			return -ENOMEM;
		state_keep_bridges(merged, manager->desired, config);
		r = manager_check_merged(manager, merged, false, true, &errors);
	}
	/* status tells what fabric.d is now: its errors until a reload reads
	 * it whole, then none (a removed file's problems go with it) */
	set_problems(manager, &errors);
	if (r < 0) {
		error_join(&errors, text, size);
		fabric_errors_clear(&errors);
		return r;
	}
	*desired = merged;
	merged = NULL;
	return 0;
}

int manager_reload(struct manager *manager, char **result, char *text, size_t size)
{
	_cleanup_(fabric_freep) struct fabric *desired = NULL;
	int r;

	*result = NULL;
	r = configured(manager, &desired, text, size);
	if (r < 0)
		return r;
	return manager_apply(manager,
			     &(struct apply_request){ .desired = desired,
						      .source = manager->options.config_dir },
			     result, text, size);
}

/* --- what the components report ---------------------------------------------- */

/* Takes into the desired state what someone else set on device NOW. */
static void adopt(struct manager *manager, const struct fabric_device *now,
		  const struct fabric_device *before)
{
	struct fabric_device *wanted = fabric_find_device(manager->desired, now->info.name);
	char changes[256], fields[384];
	int r;

	if (!wanted || !drift_adopt(wanted, now, before, changes, sizeof(changes)))
		return;
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=device\nVBUS_NAME=%s\nVBUS_ADOPTED=%s",
		 now->info.name, changes);
	log_fields(LOG_INFO, 0, fields, "device %s: changed outside vbusd (%s): adopted",
		   now->info.name, changes);
	r = state_write(manager->state_file, manager->desired);
	if (r < 0)
		log_error_errno(r, "%s: cannot persist the desired state: %m", manager->state_file);
}

/* Takes into the desired state a poll_us someone else set on a managed bus
 * (sysfs, ynl): the bus's counterpart of adopt(). vbusd's own BUS_SET is
 * already in the desired state when its event arrives. */
static void adopt_bus(struct manager *manager, const struct vbus_event *event)
{
	struct fabric_bus *wanted = fabric_find_bus(manager->desired, event->bus.name);
	char fields[256];
	int r;

	if (!wanted || !event->bus.has_poll_us ||
	    ((wanted->present & FABRIC_BUS_F_POLL_US) &&
	     wanted->info.poll_us == event->bus.poll_us))
		return;
	wanted->info.poll_us = event->bus.poll_us;
	wanted->info.has_poll_us = true;
	wanted->present |= FABRIC_BUS_F_POLL_US;
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=bus\nVBUS_NAME=%s\nVBUS_ADOPTED=poll_us %u",
		 event->bus.name, event->bus.poll_us);
	log_fields(LOG_INFO, 0, fields, "bus %s: changed outside vbusd (poll_us %u): adopted",
		   event->bus.name, event->bus.poll_us);
	r = state_write(manager->state_file, manager->desired);
	if (r < 0)
		log_error_errno(r, "%s: cannot persist the desired state: %m", manager->state_file);
}

/* The kernel announces a bus's state change (broken by its guest, or reset
 * by a new attachment) as a BUS_GET event; only the break is an Event. */
static void bus_state_changed(struct manager *manager, const struct vbus_event *event)
{
	_cleanup_free_ char *details = NULL;
	char fields[128];

	if (event->bus.state != VBUS_BUS_STATE_BROKEN) {
		log_info("bus %s: %s again (a guest attached)", event->bus.name,
			 vbus_bus_state_to_string(event->bus.state) ?: "unknown");
		return;
	}
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=bus\nVBUS_NAME=%s\n", event->bus.name);
	log_fields(LOG_ERR, 0, fields,
		   "bus %s: broken: the guest corrupted the shared region (reset when a guest attaches again)",
		   event->bus.name);
	details = kernel_event_details(event);
	dbus_emit_event(manager->dbus, "bus-broken", "bus", event->bus.name, details ?: "{}");
}

static void on_kernel_changed(const struct vbus_event *event, const struct fabric_device *before,
			      void *userdata)
{
	struct manager *manager = userdata;
	const struct fabric *actual = kernel_fabric(manager->kernel);
	_cleanup_free_ char *details = NULL;
	size_t i;

	dirty(manager);
	if (!event) {
		/* events were lost: adopt what differs from the desired state */
		for (i = 0; i < actual->device_count; i++)
			adopt(manager, &actual->devices[i], NULL);
		drift_check_later(manager->drift);
		return;
	}
	if (event->cmd == VBUS_CMD_BUS_GET) {
		bus_state_changed(manager, event);
		return;
	}
	details = kernel_event_details(event);
	dbus_emit_event(manager->dbus, kernel_event_kind(event->cmd),
			kernel_event_object(event->cmd), kernel_event_name(event), details ?: "{}");
	if (event->cmd == VBUS_CMD_DEVICE_SET) {
		struct fabric_device now;

		fabric_device_from_info(&now, &event->device, NULL);
		adopt(manager, &now, before);
	}
	if (event->cmd == VBUS_CMD_BUS_SET)
		adopt_bus(manager, event);
	if (drift_event_matters(manager->desired, event))
		drift_check_later(manager->drift);
}

/* vbus.ko unloaded (rmmod) or loaded again (modprobe): said once each, in
 * the journal and as an Event; once back, its fabric is adopted and the
 * desired state (kept on disk meanwhile) applied. */
static void on_kernel_presence(bool present, void *userdata)
{
	struct manager *manager = userdata;
	struct apply_request request = { .desired = manager->desired, .source = "vbus.ko loaded" };
	_cleanup_free_ char *result = NULL;
	const struct fabric *actual;
	char error[2048];
	bool ran;
	int r;

	dirty(manager);
	if (!present) {
		log_fields(LOG_WARNING, 0, "VBUS_KERNEL=unloaded",
			   "vbus.ko was unloaded: every bus and device is gone from the kernel; the desired state waits for modprobe vbus");
		dbus_emit_event(manager->dbus, "module-unloaded", "kernel", "vbus", "{}");
		return;
	}
	actual = kernel_fabric(manager->kernel);
	log_fields(LOG_NOTICE, 0, "VBUS_KERNEL=loaded",
		   "vbus.ko is loaded again: adopted its fabric (%zu buses, %zu devices), applying the desired state",
		   actual->bus_count, actual->device_count);
	dbus_emit_event(manager->dbus, "module-loaded", "kernel", "vbus", "{}");
	r = run_apply(manager, &request, &result, error, sizeof(error), &ran);
	if (r < 0 && !ran)
		log_fields(LOG_ERR, r, "VBUS_KERNEL=restore-failed",
			   "vbus.ko is back, but the desired state was not applied: %s", error);
}

static void on_link_changed(const char *ifname, void *userdata)
{
	struct manager *manager = userdata;

	/* drift=restore puts a changed MTU back; drift=report lists it */
	ports_link_changed(manager->link, manager->desired, kernel_fabric(manager->kernel), ifname,
			   manager->options.drift == DRIFT_RESTORE);
	dirty(manager);
}

static void on_drift_check(void *userdata)
{
	struct manager *manager = userdata;
	struct apply_request request = { .desired = manager->desired, .source = "drift" };
	_cleanup_free_ struct drift_entry *found = NULL;
	_cleanup_free_ char *result = NULL;
	enum drift_action action;
	char details[192], error[2048];
	bool ran;
	size_t i, count;
	int r;

	dirty(manager);
	if (!kernel_present(manager->kernel))
		return;
	r = kernel_refresh(manager->kernel);
	if (r < 0) {
		log_error_errno(r, "drift check: cannot read the kernel's fabric: %m");
		return;
	}
	action = drift_check(manager->drift, manager->desired, kernel_fabric(manager->kernel),
			     &found, &count);
	for (i = 0; i < count; i++) {
		snprintf(details, sizeof(details), "{\"what\":\"%s\"}", found[i].what);
		dbus_emit_event(manager->dbus,
				action == DRIFT_RESTORE_NOW ? "drift-restored" : "drift-reported",
				found[i].object, found[i].name, details);
	}
	if (action != DRIFT_RESTORE_NOW)
		return;
	r = run_apply(manager, &request, &result, error, sizeof(error), &ran);
	if (r < 0 && !ran)
		log_fields(LOG_ERR, r, "VBUS_DRIFT=restore-failed", "restoring drift: %s", error);
}

/* --- checkpoints -------------------------------------------------------------- */

int manager_checkpoint(struct manager *manager, uint32_t seconds, char *error, size_t size)
{
	char details[64];
	int r = checkpoint_create(manager->checkpoint, manager->desired, seconds);

	if (r == -EBUSY)
		snprintf(error, size, "a checkpoint is pending: commit or roll it back first");
	else if (r == -ERANGE)
		snprintf(error, size, "%u seconds: out of range (expected 1..%u)", seconds,
			 CHECKPOINT_SECONDS_MAX);
	else if (r < 0)
		snprintf(error, size, "cannot save the checkpoint: %s", strerror(-r));
	if (r < 0)
		return r;
	log_fields(LOG_INFO, 0, "VBUS_CHECKPOINT=created",
		   "checkpoint: the desired state is saved; rolled back in %u s unless committed",
		   seconds);
	snprintf(details, sizeof(details), "{\"seconds\":%u}", seconds);
	dbus_emit_event(manager->dbus, "checkpoint", "fabric", "", details);
	dirty(manager);
	return 0;
}

int manager_commit(struct manager *manager, char *error, size_t size)
{
	if (!checkpoint_pending(manager->checkpoint, NULL)) {
		snprintf(error, size, "no checkpoint is pending");
		return -ENOENT;
	}
	checkpoint_clear(manager->checkpoint);
	log_fields(LOG_INFO, 0, "VBUS_CHECKPOINT=committed", "checkpoint: committed");
	dbus_emit_event(manager->dbus, "commit", "fabric", "", "{}");
	dirty(manager);
	return 0;
}

/*
 * Makes the fabric SAVED again: SAVED becomes the desired state, and the
 * objects the desired state gained since go (prune against the kernel's
 * fabric overlaid by SAVED, less those objects: what vbusd never managed
 * stays).
 */
static int roll_back_to(struct manager *manager, const struct fabric *saved, const char *why,
			char **result, char *error, size_t size)
{
	_cleanup_(fabric_freep) struct fabric *actual = NULL, *target = NULL;
	const struct fabric *desired = manager->desired;
	struct fabric_bus *bus;
	struct fabric_device *device;
	char source[96];
	bool ran;
	size_t i;
	int r;

	r = manager_read_kernel(manager, &actual);
	if (r < 0) {
		snprintf(error, size, "cannot read the kernel: %s", strerror(-r));
		return r;
	}
	target = state_copy(actual);
	if (!target || state_overlay(target, saved) < 0)
		return -ENOMEM;
	for (i = 0; i < desired->device_count; i++)
		if (!fabric_find_device(saved, desired->devices[i].info.name) &&
		    (device = fabric_find_device(target, desired->devices[i].info.name)))
			fabric_remove_device(target, device);
	for (i = 0; i < desired->bus_count; i++)
		if (!fabric_find_bus(saved, desired->buses[i].info.name) &&
		    (bus = fabric_find_bus(target, desired->buses[i].info.name)))
			fabric_remove_bus(target, bus);
	snprintf(source, sizeof(source), "checkpoint rollback (%s)", why);
	return run_apply(manager,
			 &(struct apply_request){ .desired = saved, .target = target, .prune = true,
						  .source = source },
			 result, error, size, &ran);
}

int manager_rollback(struct manager *manager, const char *why, char **result, char *error,
		     size_t size)
{
	_cleanup_(fabric_freep) struct fabric *saved = NULL;
	const struct fabric *pending = checkpoint_pending(manager->checkpoint, NULL);
	int r;

	*result = NULL;
	if (!pending) {
		snprintf(error, size, "no checkpoint is pending");
		return -ENOENT;
	}
	saved = state_copy(pending);
	if (!saved)
		return -ENOMEM;
	r = roll_back_to(manager, saved, why, result, error, size);
	/* once tried, it is over: a failed rollback is logged and in status */
	checkpoint_clear(manager->checkpoint);
	if (r < 0) {
		log_fields(LOG_ERR, r, "VBUS_CHECKPOINT=rollback-failed",
			   "checkpoint: the rollback (%s) failed: %s", why, error);
		return r;
	}
	log_fields(LOG_NOTICE, 0, "VBUS_CHECKPOINT=rolled-back", "checkpoint: rolled back (%s)",
		   why);
	dbus_emit_event(manager->dbus, "checkpoint-rollback", "fabric", why, *result ?: "{}");
	return 0;
}

bool manager_checkpoint_deadline(const struct manager *manager, uint64_t *deadline)
{
	return checkpoint_pending(manager->checkpoint, deadline);
}

static void on_checkpoint_expired(void *userdata)
{
	struct manager *manager = userdata;
	_cleanup_free_ char *result = NULL;
	char error[2048];

	manager_rollback(manager, "not committed in time", &result, error, sizeof(error));
}

/* A checkpoint a previous vbusd left was never committed: back to it. */
static void roll_back_left_checkpoint(struct manager *manager)
{
	_cleanup_(fabric_freep) struct fabric *left = NULL;
	_cleanup_free_ char *result = NULL;
	char error[2048];

	if (checkpoint_load_left(manager->checkpoint, &left) <= 0)
		return;
	log_fields(LOG_NOTICE, 0, "VBUS_CHECKPOINT=left",
		   "checkpoint: one was pending when vbusd stopped: rolling back to it");
	if (checkpoint_create(manager->checkpoint, left, CHECKPOINT_SECONDS_MAX) < 0)
		return;
	manager_rollback(manager, "vbusd restarted before a commit", &result, error,
			 sizeof(error));
}

/* --- start-up ---------------------------------------------------------------- */

static int open_kernel(struct manager *manager)
{
	const struct fabric *actual;
	int r = kernel_open(manager->kernel);

	if (r == -ENOENT)
		return log_error_errno(r, "vbus.ko is not loaded (the generic netlink family \"vbus\" is missing); load it with: modprobe vbus");
	if (r < 0)
		return log_error_errno(r, "cannot talk to vbus.ko: %m");
	actual = kernel_fabric(manager->kernel);
	log_info("adopted the kernel's fabric: %zu buses, %zu devices", actual->bus_count,
		 actual->device_count);
	return 0;
}

/* The persisted state overlaid by fabric.d; or the pending state of an apply
 * a crash interrupted, to finish it. */
static int load_desired(struct manager *manager, struct fabric **desired, const char **source)
{
	_cleanup_(fabric_freep) struct fabric *persisted = NULL, *config = NULL, *existing = NULL;
	struct fabric_errors errors = { 0 };
	size_t i;
	int r;

	r = state_read(manager->pending_file, desired, &errors);
	if (r == 0) {
		log_info("%s: an apply was interrupted: finishing it", manager->pending_file);
		*source = manager->pending_file;
		return 0;
	}
	if (r != -ENOENT)
		log_error_errno(r, "%s: unreadable, ignored: %m", manager->pending_file);
	fabric_errors_clear(&errors);
	r = state_read(manager->state_file, &persisted, &errors);
	if (r == -ENOENT)
		persisted = fabric_new();
	else if (r < 0 && errors.count)
		return log_error_errno(r, "%s: cannot read the persisted desired state: %s",
				       manager->state_file, errors.lines[0]);
	else if (r < 0)
		return log_error_errno(r, "%s: cannot read the persisted desired state: %m",
				       manager->state_file);
	if (!persisted)
		return -ENOMEM;
	fabric_free(manager->desired);
	manager->desired = state_copy(persisted);
	existing = state_union(persisted, kernel_fabric(manager->kernel));
	if (!manager->desired || !existing)
		return -ENOMEM;
	r = state_load_config(manager->options.config_dir, existing, &config, &errors);
	if (r < 0) {
		log_error_errno(r, "%s: invalid, not applied:", manager->options.config_dir);
		for (i = 0; i < errors.count; i++)
			log_error("%s", errors.lines[i]);
		set_problems(manager, &errors);
		fabric_errors_clear(&errors);
		/* what is applied is the persisted state alone: say so */
		*source = manager->state_file;
	} else if (state_overlay(persisted, config) < 0) {
		return -ENOMEM;
	} else {
		state_keep_bridges(persisted, manager->desired, config);
		*source = manager->options.config_dir;
		r = manager_check_merged(manager, persisted, false, true, &errors);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			log_error("%s: invalid with the desired state, not applied:",
				  manager->options.config_dir);
			for (i = 0; i < errors.count; i++)
				log_error("%s", errors.lines[i]);
			set_problems(manager, &errors);
			fabric_errors_clear(&errors);
			fabric_free(persisted);
			persisted = state_copy(manager->desired);
			if (!persisted)
				return -ENOMEM;
			*source = manager->state_file;
		}
	}
	*desired = persisted;
	persisted = NULL;
	return 0;
}

static int reconcile_at_start(struct manager *manager)
{
	_cleanup_(fabric_freep) struct fabric *desired = NULL;
	_cleanup_free_ char *result = NULL;
	struct fabric_errors problems = { 0 };
	const char *source = NULL;
	char error[2048];
	int r;

	r = load_desired(manager, &desired, &source);
	if (r < 0)
		return r;
	r = manager_apply(manager, &(struct apply_request){ .desired = desired, .source = source },
			  &result, error, sizeof(error));
	if (r < 0) {
		fabric_errors_add(&problems, "start-up apply: %s", error);
		set_problems(manager, &problems);
		fabric_errors_clear(&problems);
		state_remove(manager->pending_file);
	}
	return 0;
}

/* --- signals ------------------------------------------------------------------- */

static int on_stop(sd_event_source *source, const struct signalfd_siginfo *info, void *userdata)
{
	(void)userdata;
	sd_notify(0, "STOPPING=1");
	log_info("stopping on %s; every kernel object stays in place", strsignal(info->ssi_signo));
	return sd_event_exit(sd_event_source_get_event(source), 0);
}

static int on_reload(sd_event_source *source, const struct signalfd_siginfo *info, void *userdata)
{
	struct manager *manager = userdata;
	_cleanup_(fabric_freep) struct fabric *desired = NULL;
	_cleanup_free_ char *result = NULL;
	char error[4096];
	bool ran = false;
	int r;

	(void)source;
	(void)info;
	sd_notify(0, "RELOADING=1");
	r = configured(manager, &desired, error, sizeof(error));
	if (r >= 0)
		r = run_apply(manager,
			      &(struct apply_request){ .desired = desired,
						       .source = manager->options.config_dir },
			      &result, error, sizeof(error), &ran);
	if (r < 0 && !ran)
		log_error_errno(r, "reload: %s", error);
	sd_notify(0, "READY=1");
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
		return log_error_errno(r, "cannot watch signals: %m");
	r = open_kernel(manager);
	if (r < 0)
		return r;
	/* before anything is served or changed: the ivshmem servers take back
	 * what an earlier vbusd parked in systemd's fd store (a connected
	 * QEMU's data path), and the rest is closed */
	bus_servers_sync(manager->bus_servers, kernel_fabric(manager->kernel));
	bus_servers_adopted(manager->bus_servers);
	r = reconcile_at_start(manager);
	if (r < 0)
		return r;
	roll_back_left_checkpoint(manager);
	r = dbus_new(manager->event, manager->options.private_socket, manager->options.system_bus,
		     api_vtable, manager, &manager->dbus);
	if (r < 0)
		return r;
	sd_event_set_watchdog(manager->event, true);
	recompute(manager);
	sd_notifyf(0, "READY=1\nSTATUS=%s", manager->status_text);
	log_info("ready: %s", manager->status_text);
	r = sd_event_loop(manager->event);
	if (r < 0)
		return log_error_errno(r, "event loop: %m");
	return 0;
}

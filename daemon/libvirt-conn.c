/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd's libvirt thread: connect, keepalive, close callback, lifecycle and
 * metadata-change events, reconnect with backoff, resync by UUID
 * (libvirt-conn.h says why a thread). Everything below the "thread" line
 * runs on the libvirt thread only. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "libvirt-conn.h"
#include "log.h"

#define VBUS_NAMESPACE		"urn:vbus:domain:1"
#define BACKOFF_FIRST		1	/* seconds */
#define BACKOFF_MAX		30
#define KEEPALIVE_INTERVAL	5	/* seconds; dead after this times */
#define KEEPALIVE_COUNT		3

struct domain {
	char uuid[VIR_UUID_STRING_BUFLEN];
	char name[256];
	bool vbus;		/* has vbus metadata */
	bool running;
};

struct libvirt_conn {
	char *uri;
	sd_event_source *source;	/* the eventfd, on the loop */
	int eventfd;
	void (*changed)(void *userdata);
	void *userdata;

	pthread_t thread;
	bool started;
	pthread_mutex_t lock;		/* guards the shared part */
	/* shared */
	bool stop;
	int timer;			/* libvirt timeout: retry, drop, stop */
	struct libvirt_conn_status status;
	uint64_t retry_at;		/* CLOCK_MONOTONIC, usec */

	/* the thread's */
	virConnectPtr conn;
	bool closed;			/* the close callback ran: drop conn */
	int lifecycle_id, metadata_id;
	unsigned int backoff;
	struct domain *domains;
	size_t domain_count;
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* --- the loop's side ----------------------------------------------------------- */

static int on_eventfd(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct libvirt_conn *conn = userdata;
	uint64_t count;

	(void)source;
	(void)revents;
	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return 0;
	conn->changed(conn->userdata);
	return 0;
}

void libvirt_conn_status(struct libvirt_conn *conn, struct libvirt_conn_status *status)
{
	uint64_t now = now_usec();

	pthread_mutex_lock(&conn->lock);
	*status = conn->status;
	if (!status->connected)
		status->retry_in = conn->retry_at > now ?
				   (conn->retry_at - now + 999999) / 1000000 : 0;
	pthread_mutex_unlock(&conn->lock);
}

/* --- the thread ------------------------------------------------------------------ */

static void notify(struct libvirt_conn *conn)
{
	uint64_t one = 1;

	if (write(conn->eventfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warning_errno(-errno, "libvirt: cannot wake the loop: %m");
}

static void domain_log(int priority, const struct domain *domain, const char *format,
		       const char *what)
{
	char fields[512];

	snprintf(fields, sizeof(fields), "VBUS_DOMAIN=%s\nVBUS_DOMAIN_UUID=%s", domain->name,
		 domain->uuid);
	log_fields(priority, 0, fields, format, domain->name, domain->uuid, what);
}

/* Recounts the domains with vbus into the shared status and wakes the loop. */
static void publish(struct libvirt_conn *conn)
{
	unsigned int domains = 0, running = 0;
	size_t i;

	for (i = 0; i < conn->domain_count; i++) {
		domains += conn->domains[i].vbus;
		running += conn->domains[i].vbus && conn->domains[i].running;
	}
	pthread_mutex_lock(&conn->lock);
	conn->status.connected = conn->conn && !conn->closed;
	conn->status.domains = domains;
	conn->status.running = running;
	pthread_mutex_unlock(&conn->lock);
	notify(conn);
}

static struct domain *domain_find(struct libvirt_conn *conn, const char *uuid)
{
	size_t i;

	for (i = 0; i < conn->domain_count; i++)
		if (!strcmp(conn->domains[i].uuid, uuid))
			return &conn->domains[i];
	return NULL;
}

static void domain_forget(struct libvirt_conn *conn, const char *uuid)
{
	struct domain *domain = domain_find(conn, uuid);

	if (!domain)
		return;
	if (domain->vbus)
		domain_log(LOG_INFO, domain, "domain %s (%s): %s", "undefined, forgotten");
	*domain = conn->domains[--conn->domain_count];
}

/* Reads DOM's state and metadata now (order of events does not matter: what
 * libvirt says now is the truth) and logs what changed for vbus. */
static void domain_refresh(struct libvirt_conn *conn, virDomainPtr dom, bool at_resync)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct domain *domain, *grown, before;
	const char *name;
	char *metadata;
	int active;

	if (virDomainGetUUIDString(dom, uuid) < 0)
		return;
	domain = domain_find(conn, uuid);
	if (!domain) {
		grown = realloc(conn->domains, (conn->domain_count + 1) * sizeof(*grown));
		if (!grown) {
			log_error("libvirt: out of memory");
			return;
		}
		conn->domains = grown;
		domain = &conn->domains[conn->domain_count++];
		*domain = (struct domain){};
		snprintf(domain->uuid, sizeof(domain->uuid), "%s", uuid);
	}
	before = *domain;
	name = virDomainGetName(dom);
	snprintf(domain->name, sizeof(domain->name), "%s", name ?: "");
	active = virDomainIsActive(dom);
	if (active < 0) {	/* gone meanwhile (undefined) */
		domain_forget(conn, uuid);
		return;
	}
	domain->running = active > 0;
	metadata = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, VBUS_NAMESPACE,
					VIR_DOMAIN_AFFECT_CURRENT);
	domain->vbus = metadata != NULL;
	free(metadata);
	if (!domain->vbus && !before.vbus)
		return;
	if (domain->vbus != before.vbus || domain->running != before.running || at_resync)
		domain_log(LOG_INFO, domain, "domain %s (%s): %s",
			   !domain->vbus ? "vbus metadata removed" :
			   domain->running ? "running with vbus metadata" :
			   "defined with vbus metadata, not running");
}

static void resync(struct libvirt_conn *conn)
{
	virDomainPtr *doms = NULL;
	int count, i;

	count = virConnectListAllDomains(conn->conn, &doms, 0);
	if (count < 0) {
		log_error("libvirt: cannot list the domains: %s", virGetLastErrorMessage());
		return;
	}
	free(conn->domains);
	conn->domains = NULL;
	conn->domain_count = 0;
	for (i = 0; i < count; i++) {
		domain_refresh(conn, doms[i], true);
		virDomainFree(doms[i]);
	}
	free(doms);
}

static int on_lifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
	struct libvirt_conn *conn = opaque;
	char uuid[VIR_UUID_STRING_BUFLEN];

	(void)c;
	(void)detail;
	if (event == VIR_DOMAIN_EVENT_UNDEFINED) {
		if (virDomainGetUUIDString(dom, uuid) == 0)
			domain_forget(conn, uuid);
	} else {
		domain_refresh(conn, dom, false);
	}
	publish(conn);
	return 0;
}

static void on_metadata(virConnectPtr c, virDomainPtr dom, int type, const char *nsuri,
			void *opaque)
{
	struct libvirt_conn *conn = opaque;

	(void)c;
	if (type == VIR_DOMAIN_METADATA_ELEMENT && nsuri && strcmp(nsuri, VBUS_NAMESPACE))
		return;
	domain_refresh(conn, dom, false);
	publish(conn);
}

static const char *close_reason(int reason)
{
	switch (reason) {
	case VIR_CONNECT_CLOSE_REASON_ERROR:
		return "connection error";
	case VIR_CONNECT_CLOSE_REASON_EOF:
		return "libvirtd closed the connection";
	case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
		return "keepalive timed out";
	default:
		return "connection closed";
	}
}

static void set_not_connected(struct libvirt_conn *conn, const char *reason)
{
	pthread_mutex_lock(&conn->lock);
	conn->status.connected = false;
	snprintf(conn->status.reason, sizeof(conn->status.reason), "%s", reason);
	conn->retry_at = now_usec() + (uint64_t)conn->backoff * 1000000;
	pthread_mutex_unlock(&conn->lock);
	virEventUpdateTimeout(conn->timer, conn->backoff * 1000);
}

static void on_close(virConnectPtr c, int reason, void *opaque)
{
	struct libvirt_conn *conn = opaque;

	(void)c;
	log_warning("libvirt: %s lost: %s; reconnecting", conn->uri, close_reason(reason));
	conn->closed = true;
	conn->backoff = BACKOFF_FIRST;
	set_not_connected(conn, close_reason(reason));
	publish(conn);
}

static void drop(struct libvirt_conn *conn)
{
	if (!conn->conn)
		return;
	if (conn->lifecycle_id >= 0)
		virConnectDomainEventDeregisterAny(conn->conn, conn->lifecycle_id);
	if (conn->metadata_id >= 0)
		virConnectDomainEventDeregisterAny(conn->conn, conn->metadata_id);
	virConnectUnregisterCloseCallback(conn->conn, on_close);
	virConnectClose(conn->conn);
	conn->conn = NULL;
	conn->closed = false;
	conn->lifecycle_id = conn->metadata_id = -1;
}

static void try_connect(struct libvirt_conn *conn)
{
	char reason[256];

	conn->conn = virConnectOpen(conn->uri);
	if (!conn->conn) {
		snprintf(reason, sizeof(reason), "%s", virGetLastErrorMessage());
		if (conn->backoff == BACKOFF_FIRST)
			log_warning("libvirt: cannot connect to %s: %s; retrying with backoff",
				    conn->uri, reason);
		set_not_connected(conn, reason);
		conn->backoff = conn->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : conn->backoff * 2;
		publish(conn);
		return;
	}
	if (virConnectSetKeepAlive(conn->conn, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT) < 0)
		log_warning("libvirt: %s: no keepalive: %s", conn->uri, virGetLastErrorMessage());
	if (virConnectRegisterCloseCallback(conn->conn, on_close, conn, NULL) < 0)
		log_warning("libvirt: %s: no close callback: %s", conn->uri,
			    virGetLastErrorMessage());
	conn->lifecycle_id = virConnectDomainEventRegisterAny(conn->conn, NULL,
		VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), conn, NULL);
	conn->metadata_id = virConnectDomainEventRegisterAny(conn->conn, NULL,
		VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_metadata), conn,
		NULL);
	if (conn->lifecycle_id < 0 || conn->metadata_id < 0)
		log_warning("libvirt: %s: cannot register domain events: %s", conn->uri,
			    virGetLastErrorMessage());
	conn->backoff = BACKOFF_FIRST;
	virEventUpdateTimeout(conn->timer, -1);
	/* events registered first: a domain starting during the resync is
	 * refreshed again by its event */
	resync(conn);
	pthread_mutex_lock(&conn->lock);
	conn->status.reason[0] = '\0';
	pthread_mutex_unlock(&conn->lock);
	log_info("libvirt: connected to %s", conn->uri);
	publish(conn);
}

/* The one timeout: stop, drop a closed connection, or retry. */
static void on_timer(int timer, void *opaque)
{
	struct libvirt_conn *conn = opaque;
	bool stop;

	(void)timer;
	pthread_mutex_lock(&conn->lock);
	stop = conn->stop;
	pthread_mutex_unlock(&conn->lock);
	if (stop)
		return;
	if (conn->closed)
		drop(conn);
	if (!conn->conn && now_usec() + 1000 >= conn->retry_at)
		try_connect(conn);
	else if (!conn->conn)
		virEventUpdateTimeout(conn->timer, (int)((conn->retry_at - now_usec()) / 1000) + 1);
	else
		virEventUpdateTimeout(conn->timer, -1);
}

static void on_libvirt_error(void *userdata, virErrorPtr error)
{
	/* libvirt's default prints every error on stderr; vbusd logs what it
	 * decides about them */
	(void)userdata;
	(void)error;
}

static void *thread_main(void *userdata)
{
	struct libvirt_conn *conn = userdata;
	bool stop = false;

	while (!stop) {
		if (virEventRunDefaultImpl() < 0)
			log_error("libvirt: event loop: %s", virGetLastErrorMessage());
		pthread_mutex_lock(&conn->lock);
		stop = conn->stop;
		pthread_mutex_unlock(&conn->lock);
	}
	drop(conn);
	return NULL;
}

int libvirt_conn_new(sd_event *event, const char *uri, void (*changed)(void *userdata),
		     void *userdata, struct libvirt_conn **result)
{
	_cleanup_(libvirt_conn_freep) struct libvirt_conn *conn = calloc(1, sizeof(*conn));
	sigset_t all, old;
	int r;

	if (!conn)
		return -ENOMEM;
	pthread_mutex_init(&conn->lock, NULL);
	conn->eventfd = -1;
	conn->timer = -1;
	conn->lifecycle_id = conn->metadata_id = -1;
	conn->backoff = BACKOFF_FIRST;
	conn->changed = changed;
	conn->userdata = userdata;
	conn->uri = strdup(uri);
	if (!conn->uri)
		return -ENOMEM;
	snprintf(conn->status.uri, sizeof(conn->status.uri), "%s", uri);
	snprintf(conn->status.reason, sizeof(conn->status.reason), "not tried yet");
	conn->eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (conn->eventfd < 0)
		return -errno;
	r = sd_event_add_io(event, &conn->source, conn->eventfd, EPOLLIN, on_eventfd, conn);
	if (r < 0)
		return r;
	virSetErrorFunc(NULL, on_libvirt_error);
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0)
		return log_error_errno(-EIO, "libvirt: cannot initialise: %s",
				       virGetLastErrorMessage());
	/* fires at once: the first connect runs on the thread */
	conn->timer = virEventAddTimeout(0, on_timer, conn, NULL);
	if (conn->timer < 0)
		return log_error_errno(-EIO, "libvirt: cannot add a timer: %s",
				       virGetLastErrorMessage());
	/* the thread takes no signal: SIGTERM and the others are the loop's
	 * (sd_event signal sources), and a thread with them unblocked would
	 * take them with their default action */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = -pthread_create(&conn->thread, NULL, thread_main, conn);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		return log_error_errno(r, "libvirt: cannot start the thread: %m");
	conn->started = true;
	*result = conn;
	conn = NULL;
	return 0;
}

void libvirt_conn_free(struct libvirt_conn *conn)
{
	if (!conn)
		return;
	if (conn->started) {
		pthread_mutex_lock(&conn->lock);
		conn->stop = true;
		pthread_mutex_unlock(&conn->lock);
		virEventUpdateTimeout(conn->timer, 0);	/* wakes the loop */
		pthread_join(conn->thread, NULL);
	}
	if (conn->timer >= 0)
		virEventRemoveTimeout(conn->timer);
	sd_event_source_disable_unref(conn->source);
	if (conn->eventfd >= 0)
		close(conn->eventfd);
	free(conn->domains);
	free(conn->uri);
	pthread_mutex_destroy(&conn->lock);
	free(conn);
}

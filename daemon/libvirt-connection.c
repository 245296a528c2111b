/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd's libvirt thread: connect, keepalive, close callback, lifecycle and
 * metadata-change events, reconnect with backoff, resync by UUID
 * (libvirt-connection.h says why a thread). Everything below the "thread" line
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

#include "libvirt-connection.h"
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
	char *metadata;		/* the vbus element; NULL: none */
};

struct libvirt_connection {
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
	struct libvirt_connection_status status;
	uint64_t retry_at;		/* CLOCK_MONOTONIC, usec */
	struct libvirt_domain *published;	/* the domains with vbus, for the loop */
	size_t published_count;
	uint64_t resync;		/* resyncs done */

	/* the thread's */
	virConnectPtr virt;		/* NULL while not connected */
	bool closed;			/* the close callback ran: drop connection */
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
	struct libvirt_connection *connection = userdata;
	uint64_t count;

	(void)source;
	(void)revents;
	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return 0;
	connection->changed(connection->userdata);
	return 0;
}

void libvirt_connection_status(struct libvirt_connection *connection,
			       struct libvirt_connection_status *status)
{
	uint64_t now = now_usec();

	pthread_mutex_lock(&connection->lock);
	*status = connection->status;
	if (!status->connected)
		status->retry_in = connection->retry_at > now ?
				   (connection->retry_at - now + 999999) / 1000000 : 0;
	pthread_mutex_unlock(&connection->lock);
}

/* --- the thread ------------------------------------------------------------------ */

static void notify(struct libvirt_connection *connection)
{
	uint64_t one = 1;

	if (write(connection->eventfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warning_errno(-errno, "libvirt: cannot wake the loop: %m");
}

static void domain_log(int priority, const struct domain *domain, const char *format,
		       const char *what)
{
	log_domain(priority, domain->name, domain->uuid, format, what);
}

void libvirt_domains_free(struct libvirt_domain *domains, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(domains[i].metadata);
	free(domains);
}

/* A copy of COUNT DOMAINS in *COPIED of them, or NULL with -ENOMEM
 * in *ERROR. */
static struct libvirt_domain *domains_copy(const struct libvirt_domain *domains, size_t count,
					   size_t *copied, int *error)
{
	struct libvirt_domain *copy = calloc(count ?: 1, sizeof(*copy));
	size_t i;

	*error = 0;
	*copied = 0;
	if (!copy) {
		*error = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < count; i++) {
		copy[i] = domains[i];
		copy[i].metadata = domains[i].metadata ? strdup(domains[i].metadata) : NULL;
		if (domains[i].metadata && !copy[i].metadata) {
			libvirt_domains_free(copy, i);
			*error = -ENOMEM;
			return NULL;
		}
	}
	*copied = count;
	return copy;
}

int libvirt_connection_domains(struct libvirt_connection *connection,
			       struct libvirt_domain **domains, size_t *count, uint64_t *resync,
			       bool *connected)
{
	int r;

	pthread_mutex_lock(&connection->lock);
	*domains = domains_copy(connection->published, connection->published_count, count, &r);
	*resync = connection->resync;
	*connected = connection->status.connected;
	pthread_mutex_unlock(&connection->lock);
	return r;
}

/* Publishes the domains with vbus (and their counts in the status) for the
 * loop, and wakes it. */
static void publish(struct libvirt_connection *connection)
{
	unsigned int domains = 0, running = 0;
	struct libvirt_domain *list;
	size_t i, count = 0;

	list = calloc(connection->domain_count ?: 1, sizeof(*list));
	for (i = 0; list && i < connection->domain_count; i++) {
		const struct domain *domain = &connection->domains[i];

		if (!domain->vbus)
			continue;
		domains++;
		running += domain->running;
		list[count] = (struct libvirt_domain){ .running = domain->running };
		snprintf(list[count].uuid, sizeof(list[count].uuid), "%s", domain->uuid);
		snprintf(list[count].name, sizeof(list[count].name), "%s", domain->name);
		list[count].metadata = strdup(domain->metadata);
		if (!list[count].metadata) {
			libvirt_domains_free(list, count);
			list = NULL;
			break;
		}
		count++;
	}
	if (!list)
		log_error("libvirt: out of memory: the domains are not followed");
	pthread_mutex_lock(&connection->lock);
	connection->status.connected = connection->virt && !connection->closed;
	connection->status.domains = domains;
	connection->status.running = running;
	if (list) {
		libvirt_domains_free(connection->published, connection->published_count);
		connection->published = list;
		connection->published_count = count;
	}
	pthread_mutex_unlock(&connection->lock);
	notify(connection);
}

static struct domain *domain_find(struct libvirt_connection *connection, const char *uuid)
{
	size_t i;

	for (i = 0; i < connection->domain_count; i++)
		if (!strcmp(connection->domains[i].uuid, uuid))
			return &connection->domains[i];
	return NULL;
}

static void domain_forget(struct libvirt_connection *connection, const char *uuid)
{
	struct domain *domain = domain_find(connection, uuid);

	if (!domain)
		return;
	if (domain->vbus)
		domain_log(LOG_INFO, domain, "domain %s (%s): %s", "undefined, forgotten");
	free(domain->metadata);
	*domain = connection->domains[--connection->domain_count];
}

/* Reads DOM's state and metadata now (order of events does not matter: what
 * libvirt says now is the truth) and logs what changed for vbus. */
static void domain_refresh(struct libvirt_connection *connection, virDomainPtr dom, bool at_resync)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct domain *domain, *grown, before;
	const char *name;
	char *metadata;
	int active;

	if (virDomainGetUUIDString(dom, uuid) < 0)
		return;
	domain = domain_find(connection, uuid);
	if (!domain) {
		grown = realloc(connection->domains, (connection->domain_count + 1) * sizeof(*grown));
		if (!grown) {
			log_error("libvirt: out of memory");
			return;
		}
		connection->domains = grown;
		domain = &connection->domains[connection->domain_count++];
		*domain = (struct domain){};
		snprintf(domain->uuid, sizeof(domain->uuid), "%s", uuid);
	}
	before = *domain;
	name = virDomainGetName(dom);
	snprintf(domain->name, sizeof(domain->name), "%s", name ?: "");
	active = virDomainIsActive(dom);
	if (active < 0) {	/* gone meanwhile (undefined) */
		domain_forget(connection, uuid);
		return;
	}
	domain->running = active > 0;
	/* a running domain's live metadata: what it runs with */
	metadata = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, VBUS_NAMESPACE,
					VIR_DOMAIN_AFFECT_CURRENT);
	domain->vbus = metadata != NULL;
	free(domain->metadata);
	domain->metadata = metadata;
	if (!domain->vbus && !before.vbus)
		return;
	if (domain->vbus != before.vbus || domain->running != before.running || at_resync)
		domain_log(LOG_INFO, domain, "domain %s (%s): %s",
			   !domain->vbus ? "vbus metadata removed" :
			   domain->running ? "running with vbus metadata" :
			   "defined with vbus metadata, not running");
}

static void domains_clear(struct libvirt_connection *connection)
{
	size_t i;

	for (i = 0; i < connection->domain_count; i++)
		free(connection->domains[i].metadata);
	free(connection->domains);
	connection->domains = NULL;
	connection->domain_count = 0;
}

static void resync(struct libvirt_connection *connection)
{
	virDomainPtr *doms = NULL;
	int count, i;

	count = virConnectListAllDomains(connection->virt, &doms, 0);
	if (count < 0) {
		log_error("libvirt: cannot list the domains: %s", virGetLastErrorMessage());
		return;
	}
	domains_clear(connection);
	for (i = 0; i < count; i++) {
		domain_refresh(connection, doms[i], true);
		virDomainFree(doms[i]);
	}
	free(doms);
	pthread_mutex_lock(&connection->lock);
	connection->resync++;
	pthread_mutex_unlock(&connection->lock);
}

static int on_lifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
	struct libvirt_connection *connection = opaque;
	char uuid[VIR_UUID_STRING_BUFLEN];

	(void)c;
	(void)detail;
	if (event == VIR_DOMAIN_EVENT_UNDEFINED) {
		if (virDomainGetUUIDString(dom, uuid) == 0)
			domain_forget(connection, uuid);
	} else {
		domain_refresh(connection, dom, false);
	}
	publish(connection);
	return 0;
}

static void on_metadata(virConnectPtr c, virDomainPtr dom, int type, const char *nsuri,
			void *opaque)
{
	struct libvirt_connection *connection = opaque;

	(void)c;
	if (type == VIR_DOMAIN_METADATA_ELEMENT && nsuri && strcmp(nsuri, VBUS_NAMESPACE))
		return;
	domain_refresh(connection, dom, false);
	publish(connection);
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

static void set_not_connected(struct libvirt_connection *connection, const char *reason)
{
	pthread_mutex_lock(&connection->lock);
	connection->status.connected = false;
	snprintf(connection->status.reason, sizeof(connection->status.reason), "%s", reason);
	connection->retry_at = now_usec() + (uint64_t)connection->backoff * 1000000;
	pthread_mutex_unlock(&connection->lock);
	virEventUpdateTimeout(connection->timer, connection->backoff * 1000);
}

static void on_close(virConnectPtr c, int reason, void *opaque)
{
	struct libvirt_connection *connection = opaque;

	(void)c;
	log_warning("libvirt: %s lost: %s; reconnecting", connection->uri, close_reason(reason));
	connection->closed = true;
	connection->backoff = BACKOFF_FIRST;
	set_not_connected(connection, close_reason(reason));
	publish(connection);
}

static void drop(struct libvirt_connection *connection)
{
	if (!connection->virt)
		return;
	if (connection->lifecycle_id >= 0)
		virConnectDomainEventDeregisterAny(connection->virt, connection->lifecycle_id);
	if (connection->metadata_id >= 0)
		virConnectDomainEventDeregisterAny(connection->virt, connection->metadata_id);
	virConnectUnregisterCloseCallback(connection->virt, on_close);
	virConnectClose(connection->virt);
	connection->virt = NULL;
	connection->closed = false;
	connection->lifecycle_id = connection->metadata_id = -1;
}

static void try_connect(struct libvirt_connection *connection)
{
	char reason[256];

	connection->virt = virConnectOpen(connection->uri);
	if (!connection->virt) {
		snprintf(reason, sizeof(reason), "%s", virGetLastErrorMessage());
		if (connection->backoff == BACKOFF_FIRST)
			log_warning("libvirt: cannot connect to %s: %s; retrying with backoff",
				    connection->uri, reason);
		set_not_connected(connection, reason);
		connection->backoff = connection->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX :
				      connection->backoff * 2;
		publish(connection);
		return;
	}
	if (virConnectSetKeepAlive(connection->virt, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT) < 0)
		log_warning("libvirt: %s: no keepalive: %s", connection->uri, virGetLastErrorMessage());
	if (virConnectRegisterCloseCallback(connection->virt, on_close, connection, NULL) < 0)
		log_warning("libvirt: %s: no close callback: %s", connection->uri,
			    virGetLastErrorMessage());
	connection->lifecycle_id = virConnectDomainEventRegisterAny(connection->virt, NULL,
		VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), connection, NULL);
	connection->metadata_id = virConnectDomainEventRegisterAny(connection->virt, NULL,
		VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_metadata), connection,
		NULL);
	if (connection->lifecycle_id < 0 || connection->metadata_id < 0)
		log_warning("libvirt: %s: cannot register domain events: %s", connection->uri,
			    virGetLastErrorMessage());
	connection->backoff = BACKOFF_FIRST;
	virEventUpdateTimeout(connection->timer, -1);
	/* events registered first: a domain starting during the resync is
	 * refreshed again by its event */
	resync(connection);
	pthread_mutex_lock(&connection->lock);
	connection->status.reason[0] = '\0';
	pthread_mutex_unlock(&connection->lock);
	log_info("libvirt: connected to %s", connection->uri);
	publish(connection);
}

/* The one timeout: stop, drop a closed connection, or retry. */
static void on_timer(int timer, void *opaque)
{
	struct libvirt_connection *connection = opaque;
	bool stop;

	(void)timer;
	pthread_mutex_lock(&connection->lock);
	stop = connection->stop;
	pthread_mutex_unlock(&connection->lock);
	if (stop)
		return;
	if (connection->closed)
		drop(connection);
	if (!connection->virt && now_usec() + 1000 >= connection->retry_at)
		try_connect(connection);
	else if (!connection->virt)
		virEventUpdateTimeout(connection->timer, (int)((connection->retry_at - now_usec()) / 1000) + 1);
	else
		virEventUpdateTimeout(connection->timer, -1);
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
	struct libvirt_connection *connection = userdata;
	bool stop = false;

	while (!stop) {
		if (virEventRunDefaultImpl() < 0)
			log_error("libvirt: event loop: %s", virGetLastErrorMessage());
		pthread_mutex_lock(&connection->lock);
		stop = connection->stop;
		pthread_mutex_unlock(&connection->lock);
	}
	drop(connection);
	return NULL;
}

int libvirt_connection_new(sd_event *event, const char *uri, void (*changed)(void *userdata),
			   void *userdata, struct libvirt_connection **result)
{
	_cleanup_(libvirt_connection_freep) struct libvirt_connection *connection =
		calloc(1, sizeof(*connection));
	sigset_t all, old;
	int r;

	if (!connection)
		return -ENOMEM;
	pthread_mutex_init(&connection->lock, NULL);
	connection->eventfd = -1;
	connection->timer = -1;
	connection->lifecycle_id = connection->metadata_id = -1;
	connection->backoff = BACKOFF_FIRST;
	connection->changed = changed;
	connection->userdata = userdata;
	connection->uri = strdup(uri);
	if (!connection->uri)
		return -ENOMEM;
	snprintf(connection->status.uri, sizeof(connection->status.uri), "%s", uri);
	snprintf(connection->status.reason, sizeof(connection->status.reason), "not tried yet");
	connection->eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (connection->eventfd < 0)
		return -errno;
	r = sd_event_add_io(event, &connection->source, connection->eventfd, EPOLLIN, on_eventfd,
			    connection);
	if (r < 0)
		return r;
	virSetErrorFunc(NULL, on_libvirt_error);
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0)
		return log_error_errno(-EIO, "libvirt: cannot initialise: %s",
				       virGetLastErrorMessage());
	/* fires at once: the first connect runs on the thread */
	connection->timer = virEventAddTimeout(0, on_timer, connection, NULL);
	if (connection->timer < 0)
		return log_error_errno(-EIO, "libvirt: cannot add a timer: %s",
				       virGetLastErrorMessage());
	/* the thread takes no signal: SIGTERM and the others are the loop's
	 * (sd_event signal sources), and a thread with them unblocked would
	 * take them with their default action */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = -pthread_create(&connection->thread, NULL, thread_main, connection);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		return log_error_errno(r, "libvirt: cannot start the thread: %m");
	connection->started = true;
	*result = connection;
	connection = NULL;
	return 0;
}

void libvirt_connection_free(struct libvirt_connection *connection)
{
	if (!connection)
		return;
	if (connection->started) {
		pthread_mutex_lock(&connection->lock);
		connection->stop = true;
		pthread_mutex_unlock(&connection->lock);
		virEventUpdateTimeout(connection->timer, 0);	/* wakes the loop */
		pthread_join(connection->thread, NULL);
	}
	if (connection->timer >= 0)
		virEventRemoveTimeout(connection->timer);
	sd_event_source_disable_unref(connection->source);
	if (connection->eventfd >= 0)
		close(connection->eventfd);
	domains_clear(connection);
	libvirt_domains_free(connection->published, connection->published_count);
	free(connection->uri);
	pthread_mutex_destroy(&connection->lock);
	free(connection);
}

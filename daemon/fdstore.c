/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd's file descriptor store: see fdstore.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "fdstore.h"
#include "log.h"

struct fdstore {
	char **names;
	int *fds;		/* -1: taken */
	size_t count;
};

int fdstore_new(struct fdstore **result)
{
	struct fdstore *store = calloc(1, sizeof(*store));
	char **names = NULL;
	int n, i;

	*result = NULL;
	if (!store)
		return -ENOMEM;
	n = sd_listen_fds_with_names(1, &names);
	if (n < 0) {
		log_error_errno(n, "cannot take the file descriptors systemd passed: %m");
		n = 0;
	}
	store->fds = calloc(n ? n : 1, sizeof(*store->fds));
	if (!store->fds) {
		for (i = 0; names && names[i]; i++)
			free(names[i]);
		free(names);
		free(store);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		store->fds[i] = SD_LISTEN_FDS_START + i;
	store->names = names;
	store->count = n;
	if (n > 0)
		log_info("took back %d file descriptors from systemd's store", n);
	*result = store;
	return 0;
}

void fdstore_close_unclaimed(struct fdstore *store)
{
	size_t i;

	for (i = 0; store && i < store->count; i++) {
		if (store->fds[i] < 0)
			continue;
		log_warning("closing the inherited file descriptor %s: nothing of vbusd uses it now",
			    store->names && store->names[i] ? store->names[i] : "(unnamed)");
		close(store->fds[i]);
		store->fds[i] = -1;
		/* systemd's copy would come back at every restart */
		if (store->names && store->names[i])
			fdstore_unpark(store->names[i]);
	}
}

void fdstore_free(struct fdstore *store)
{
	size_t i;

	if (!store)
		return;
	/* vbusd exits before it adopted anything: systemd keeps its copies */
	for (i = 0; i < store->count; i++)
		if (store->fds[i] >= 0)
			close(store->fds[i]);
	for (i = 0; store->names && store->names[i]; i++)
		free(store->names[i]);
	free(store->names);
	free(store->fds);
	free(store);
}

int fdstore_take_prefix(struct fdstore *store, const char *prefix, char *suffix, size_t size)
{
	size_t i, length = strlen(prefix);
	int fd;

	for (i = 0; store && store->names && i < store->count; i++) {
		if (store->fds[i] < 0 || !store->names[i] ||
		    strncmp(store->names[i], prefix, length))
			continue;
		if (suffix && snprintf(suffix, size, "%s", store->names[i] + length) >= (int)size)
			continue;
		fd = store->fds[i];
		store->fds[i] = -1;
		return fd;
	}
	return -1;
}

int fdstore_take(struct fdstore *store, const char *name)
{
	size_t i;
	int fd;

	for (i = 0; store && store->names && i < store->count; i++) {
		if (store->fds[i] < 0 || !store->names[i] || strcmp(store->names[i], name))
			continue;
		fd = store->fds[i];
		store->fds[i] = -1;
		return fd;
	}
	return -1;
}

bool fdstore_enabled(void)
{
	return getenv("NOTIFY_SOCKET");
}

int fdstore_park(const char *name, int fd)
{
	char message[300];
	int r;

	if (!fdstore_enabled())
		return 0;
	snprintf(message, sizeof(message), "FDSTORE=1\nFDNAME=%s", name);
	r = sd_pid_notify_with_fds(0, 0, message, &fd, 1);
	if (r < 0)
		return log_warning_errno(r, "cannot park %s in systemd's fd store, a restart will lose it: %m",
					 name);
	return 0;
}

int fdstore_barrier(void)
{
	int r;

	if (!fdstore_enabled())
		return 0;
	r = sd_notify_barrier(0, FDSTORE_BARRIER_USEC);
	if (r < 0)
		log_warning_errno(r, "systemd did not confirm it dropped parked fds: %m");
	return r;
}

void fdstore_unpark(const char *name)
{
	int r;

	if (!fdstore_enabled())
		return;
	r = sd_notifyf(0, "FDSTOREREMOVE=1\nFDNAME=%s", name);
	if (r < 0)
		log_warning_errno(r, "cannot remove %s from systemd's fd store: %m", name);
}

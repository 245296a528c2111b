/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd's file descriptor store (FileDescriptorStoreMax= in vbusd.service):
 * vbusd parks there, by name, every fd the data path of a running QEMU
 * depends on, so that a restart of vbusd (systemctl restart, or a crash and
 * Restart=on-failure) gets them back instead of closing them. Names:
 * vbus-BUS-listen, vbus-BUS-doorbell-N, and while a QEMU is connected
 * vbus-BUS-client-ID, vbus-BUS-memfd, vbus-BUS-attach. Without systemd
 * (no NOTIFY_SOCKET) parking does nothing and nothing is inherited. */
#ifndef VBUSD_FDSTORE_H
#define VBUSD_FDSTORE_H

#include <stdbool.h>

struct fdstore;

/* Takes the fds systemd passed back (sd_listen_fds_with_names); none is a
 * store with nothing in it. */
int fdstore_new(struct fdstore **store);
/* Closes, and logs, every inherited fd nobody took. */
void fdstore_close_unclaimed(struct fdstore *store);
/* Closes what is left, leaving systemd's copies parked (vbusd exits before
 * it could adopt them: the next start tries again). */
void fdstore_free(struct fdstore *store);
/* The inherited fd named NAME, now the caller's; -1 when there is none. */
int fdstore_take(struct fdstore *store, const char *name);
/* The inherited fd whose name starts with PREFIX; its name's rest goes to
 * SUFFIX (at most SIZE bytes). -1 when there is none. */
int fdstore_take_prefix(struct fdstore *store, const char *prefix, char *suffix, size_t size);
/* Whether parking means anything: vbusd runs under systemd. */
bool fdstore_enabled(void);
/* Parks a copy of FD as NAME (systemd keeps its own reference); 0 without
 * systemd. */
int fdstore_park(const char *name, int fd);
/* Drops every fd parked as NAME. */
void fdstore_unpark(const char *name);

/* Waits (at most FDSTORE_BARRIER_USEC) until systemd has handled every
 * notification sent so far, e.g. has closed what was unparked: a bus whose
 * attachment was unparked is detached once vbusd closes its own copy. */
#define FDSTORE_BARRIER_USEC	(1000 * 1000)
int fdstore_barrier(void);

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * LD_PRELOAD shim for the ring benchmark: ringtest prints no counts, so this
 * counts its notifications without touching its code. ringtest's main()
 * creates two eventfds, kick (guest -> host) then call (host -> guest), and
 * notifies by writing 8 bytes to one; at exit the shim prints
 * "notifications: kicks K calls C" on stderr.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/eventfd.h>

static int (*real_eventfd)(unsigned int, int);
static ssize_t (*real_write)(int, const void *, size_t);
static int fds[2] = { -1, -1 };
static atomic_ulong counts[2];

__attribute__((constructor)) static void find_real(void)
{
	real_eventfd = (int (*)(unsigned int, int))dlsym(RTLD_NEXT, "eventfd");
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (!real_eventfd || !real_write)
		abort();
}

int eventfd(unsigned int initval, int flags)
{
	int fd = real_eventfd(initval, flags);

	if (fd >= 0 && fds[0] < 0)
		fds[0] = fd;
	else if (fd >= 0 && fds[1] < 0)
		fds[1] = fd;
	return fd;
}

ssize_t write(int fd, const void *buf, size_t count)
{
	if (count == 8 && fd >= 0 && (fd == fds[0] || fd == fds[1]))
		atomic_fetch_add_explicit(&counts[fd == fds[1]], 1, memory_order_relaxed);
	return real_write(fd, buf, count);
}

__attribute__((destructor)) static void report(void)
{
	fprintf(stderr, "notifications: kicks %lu calls %lu\n",
		atomic_load(&counts[0]), atomic_load(&counts[1]));
}

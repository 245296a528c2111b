/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host-link-tool: the VM tests' driver of vbusd's host-link (daemon/host-link.c):
 * configure, read and watch host interfaces, with output a shell test can grep. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host-link.h"

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
};

static const char *errno_name(int error)
{
	static char number[16];
	const char *name = strerrorname_np(error);

	if (name)
		return name;
	snprintf(number, sizeof(number), "E%d", error);
	return number;
}

/* "host-link-tool: COMMAND: ERRNO_NAME (strerror): DETAIL" */
static int fail(const char *command, int error, const char *detail)
{
	fprintf(stderr, "host-link-tool: %s: %s (%s)%s%s\n", command, errno_name(-error),
		strerror(-error), detail && *detail ? ": " : "", detail ? detail : "");
	return EXIT_FAILED;
}

static int usage(FILE *out)
{
	fprintf(out,
		"usage: host-link-tool configure IFNAME MTU [BRIDGE]  (BRIDGE \"\" releases; absent: leave)\n"
		"       host-link-tool get IFNAME\n"
		"       host-link-tool watch COUNT [TIMEOUT_MS [stall]]\n"
		"           prints ready, then COUNT changes; with stall, reads nothing until a\n"
		"           line comes on stdin (to let the kernel drop events)\n");
	return out == stdout ? EXIT_OK : EXIT_USAGE;
}

static int parse_u32(const char *text, uint32_t *value)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || !*text || *end || v > UINT32_MAX)
		return -EINVAL;
	*value = (uint32_t)v;
	return 0;
}

static void print_info(const char *ifname, const struct host_link_info *info)
{
	if (!info->present) {
		printf("%s present=no\n", ifname);
		return;
	}
	printf("%s present=yes up=%s running=%s mtu=%u master=%s\n", ifname,
	       info->up ? "yes" : "no", info->running ? "yes" : "no", info->mtu,
	       info->master[0] ? info->master : "-");
}

static int cmd_configure(struct host_link *hl, int argc, char **argv)
{
	char error[256];
	uint32_t mtu;
	int r;

	if ((argc != 3 && argc != 4) || parse_u32(argv[2], &mtu) < 0)
		return usage(stderr);
	r = host_link_configure(hl, argv[1], mtu, argc == 4 ? argv[3] : NULL, error,
				sizeof(error));
	if (r < 0)
		return fail("configure", r, error);
	printf("%s\n", r > 0 ? "changed" : "unchanged");
	return EXIT_OK;
}

static int cmd_get(struct host_link *hl, int argc, char **argv)
{
	struct host_link_info info;
	int r;

	if (argc != 2)
		return usage(stderr);
	r = host_link_get(hl, argv[1], &info);
	if (r < 0)
		return fail("get", r, NULL);
	print_info(argv[1], &info);
	return EXIT_OK;
}

struct watch {
	struct host_link *hl;
	unsigned long seen;
	int error;
};

/* Prints each change with the link's state as read when it is reported. */
static void on_changed(const char *ifname, void *userdata)
{
	struct watch *watch = userdata;
	struct host_link_info info;
	int r;

	watch->seen++;
	r = host_link_get(watch->hl, ifname, &info);
	if (r < 0) {
		watch->error = r;
		return;
	}
	print_info(ifname, &info);
	fflush(stdout);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int cmd_watch(struct host_link *hl, int argc, char **argv)
{
	struct watch watch = { .hl = hl };
	uint32_t count, timeout = 30000;
	long long deadline;
	int r;

	char go[16];

	if (argc < 2 || argc > 4 || parse_u32(argv[1], &count) < 0 ||
	    (argc >= 3 && parse_u32(argv[2], &timeout) < 0) ||
	    (argc == 4 && strcmp(argv[3], "stall") != 0))
		return usage(stderr);
	host_link_set_callback(hl, on_changed, &watch);
	printf("ready\n");
	fflush(stdout);
	if (argc == 4 && !fgets(go, sizeof(go), stdin))
		return fail("watch", -EPIPE, "stdin closed before the go line");
	deadline = now_ms() + timeout;
	while (watch.seen < count) {
		struct pollfd pfd = { .fd = host_link_fd(hl), .events = POLLIN };
		long long left = deadline - now_ms();

		if (left <= 0)
			return fail("watch", -ETIMEDOUT, "fewer changes than expected");
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return fail("watch", -errno, "poll");
		if (r <= 0)
			continue;
		r = host_link_process(hl);
		if (r < 0)
			return fail("watch", r, NULL);
		if (watch.error < 0)
			return fail("watch", watch.error, "get");
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	_cleanup_(host_link_freep) struct host_link *hl = NULL;
	int r;

	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	r = host_link_new(&hl);
	if (r < 0)
		return fail("open", r, NULL);
	if (!strcmp(argv[1], "configure"))
		return cmd_configure(hl, argc - 1, argv + 1);
	if (!strcmp(argv[1], "get"))
		return cmd_get(hl, argc - 1, argv + 1);
	if (!strcmp(argv[1], "watch"))
		return cmd_watch(hl, argc - 1, argv + 1);
	fprintf(stderr, "host-link-tool: unknown command '%s' (see host-link-tool --help)\n",
		argv[1]);
	return EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Round-trip latency for any ringtest design (tools/virtio/ringtest/main.h):
 * ringtest's own main() measures throughput only, so this main() takes its
 * place and links with the same design file. One message outstanding: the
 * guest adds a buffer (and kicks, with --sleep), the host uses it (and
 * calls), the guest reclaims it; each round trip is timed and the median
 * and 99th percentile printed as "latency: p50 N ns p99 N ns".
 *
 * usage: latency [--rounds N] [--sleep] [--host-affinity CPU] [--guest-affinity CPU]
 */
#define _GNU_SOURCE
#include "main.h"
#include <assert.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

/* What main.h expects main() to define, with main.c's defaults. */
int param;
bool do_exit = true;
bool do_sleep;
bool do_relax;
unsigned int ring_size = 256;

static int kickfd, callfd;
static long rounds = 200000;
static unsigned long long *samples;

static void notify(int fd)
{
	unsigned long long v = 1;

	vmexit();
	if (write(fd, &v, sizeof(v)) != sizeof(v))
		abort();
	vmentry();
}

static void wait_for_notify(int fd)
{
	unsigned long long v;

	vmexit();
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		abort();
	vmentry();
}

void kick(void)
{
	notify(kickfd);
}

void wait_for_kick(void)
{
	wait_for_notify(kickfd);
}

void call(void)
{
	notify(callfd);
}

void wait_for_call(void)
{
	wait_for_notify(callfd);
}

static void set_affinity(const char *arg)
{
	cpu_set_t set;

	if (!arg)
		return;
	CPU_ZERO(&set);
	CPU_SET(atoi(arg), &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		abort();
}

static unsigned long long now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* As ringtest's run_guest(), with one buffer outstanding. */
static void *guest(void *affinity)
{
	unsigned int len;
	void *buf;
	long i;

	set_affinity(affinity);
	for (i = 0; i < rounds; i++) {
		unsigned long long start = now();

		if (do_sleep)
			disable_call();
		if (add_inbuf(0, "Buffer\n", "Hello, world!"))
			abort();
		if (do_sleep)
			kick_available();
		while (!get_buf(&len, &buf)) {
			if (!do_sleep)
				busy_wait();
			else if (used_empty() && enable_call())
				wait_for_call();
		}
		samples[i] = now() - start;
	}
	return NULL;
}

/* As ringtest's run_host(). */
static void *host(void *affinity)
{
	unsigned int len;
	void *buf;
	long done = 0;

	set_affinity(affinity);
	while (done < rounds) {
		if (do_sleep) {
			if (avail_empty() && enable_kick())
				wait_for_kick();
			disable_kick();
		} else {
			while (avail_empty())
				busy_wait();
		}
		while (use_buf(&len, &buf)) {
			if (do_sleep)
				call_used();
			done++;
		}
	}
	return NULL;
}

static int compare(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "rounds", required_argument, NULL, 'n' },
		{ "sleep", no_argument, NULL, 's' },
		{ "host-affinity", required_argument, NULL, 'H' },
		{ "guest-affinity", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	char *host_cpu = NULL, *guest_cpu = NULL;
	pthread_t host_thread, guest_thread;
	int o;

	while ((o = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (o) {
		case 'n':
			rounds = atol(optarg);
			break;
		case 's':
			do_sleep = true;
			break;
		case 'H':
			host_cpu = optarg;
			break;
		case 'G':
			guest_cpu = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [--rounds N] [--sleep] [--host-affinity CPU] "
				"[--guest-affinity CPU]\n", argv[0]);
			return 2;
		}
	}
	kickfd = eventfd(0, 0);
	callfd = eventfd(0, 0);
	samples = calloc(rounds, sizeof(*samples));
	if (kickfd < 0 || callfd < 0 || !samples || rounds < 1)
		abort();
	alloc_ring();
	if (pthread_create(&host_thread, NULL, host, host_cpu) ||
	    pthread_create(&guest_thread, NULL, guest, guest_cpu))
		abort();
	pthread_join(guest_thread, NULL);
	pthread_join(host_thread, NULL);
	qsort(samples, rounds, sizeof(*samples), compare);
	printf("latency: p50 %llu ns p99 %llu ns\n", samples[rounds / 2],
	       samples[rounds * 99 / 100]);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vbus ioq (ring v2) with its shm-signal, as a ring of the kernel's
 * ringtest harness (tools/virtio/ringtest/main.h): include/vbus/ioq.h,
 * unchanged, measured beside the stock designs. The harness's guest adds
 * buffers and reclaims them (our producer); its host uses them (our
 * consumer). "kick" is the guest's doorbell, "call" the host's interrupt.
 *
 * Publishing is the ring's own batching (ioq_produce_add() and
 * ioq_consume_put() publish every batch entries or when the other side
 * caught up); each side publishes the rest, and notifies if asked, before it
 * waits. VBUS_IOQ_POLL_US in the environment is the poll window in
 * microseconds (the bus's poll_us, default VBUS_BUS_POLL_US_DEFAULT): before
 * a side enables notifications and sleeps (--sleep), it polls its ring that
 * long; 0 never polls. (ringtest's --param cannot be 0.) The guest asks for a delayed call (after
 * 3/4 of what it has outstanding), as a guest driver does.
 */
#define _GNU_SOURCE
#include "main.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <vbus/ioq.h>

#define BUFFER_SIZE 64		/* each slot's buffer in the data area */

/*
 * Each thread's state alone on lines of its own: the types are aligned to
 * 0x80 (a line and the one the adjacent-line prefetcher pairs with it), so
 * their size is padded to it too and nothing else (the harness's do_sleep
 * and do_relax, the other thread's handle) can share their lines. An
 * aligned variable of an unpadded type would only align its start: its tail
 * line would be shared with whatever the linker puts next.
 */
struct guest_state {
	struct ioq_producer ioq;
	__u32 added;
} __attribute__((aligned(0x80)));

struct host_state {
	struct ioq_consumer ioq;
} __attribute__((aligned(0x80)));

/* Written once at start-up, read by both threads. */
struct shared_state {
	__u64 poll_ns;		/* the poll window */
	struct ioq_shadow *shadow;
	/* The harness's own per-buffer pointers, indexed by slot (our cookie). */
	struct {
		void *buf;
		void *data;
	} *data;
} __attribute__((aligned(0x80)));

static struct guest_state guest;
static struct host_state host;
static struct shared_state shared;

void alloc_ring(void)
{
	__u32 ring_bytes = (ioq_ring_size(ring_size) + 4095) & ~4095u;
	const char *poll_us = getenv("VBUS_IOQ_POLL_US");
	struct ioq_config config = {
		.region_size = ring_bytes + ring_size * BUFFER_SIZE,
		.ring_offset = 0,
		.count = ring_size,
		.buffer_start = ring_bytes,
		.buffer_end = ring_bytes + ring_size * BUFFER_SIZE,
	};

	shared.poll_ns = (poll_us ? strtoull(poll_us, NULL, 10) : VBUS_BUS_POLL_US_DEFAULT) * 1000;
	if (posix_memalign(&config.region, 4096, config.region_size)) {
		perror("Unable to allocate ring buffer.\n");
		exit(3);
	}
	shared.shadow = calloc(ring_size, sizeof(*shared.shadow));
	shared.data = calloc(ring_size, sizeof(*shared.data));
	if (!shared.shadow || !shared.data) {
		perror("Unable to allocate data buffer.\n");
		exit(3);
	}
	if (ioq_format(&config) || ioq_producer_init(&guest.ioq, &config, shared.shadow) ||
	    ioq_consumer_init(&host.ioq, &config)) {
		fprintf(stderr, "vbus_ioq: bad ring geometry\n");
		exit(3);
	}
}

/* guest side */
int add_inbuf(unsigned int len, void *buf, void *datap)
{
	__u32 slot = guest.added & (ring_size - 1);
	struct ioq_buffer b = {
		.offset = guest.ioq.q.buffer_start + slot * BUFFER_SIZE,
		.length = len,
		.cookie = slot,
	};

	if (ioq_produce_add(&guest.ioq, &b))
		return -1;
	guest.added++;
	shared.data[slot].buf = buf;
	shared.data[slot].data = datap;
	return 0;
}

void *get_buf(unsigned int *lenp, void **bufp)
{
	struct ioq_buffer b;
	int r = ioq_produce_reclaim(&guest.ioq, &b);

	assert(r >= 0);
	if (!r)
		return NULL;
	*lenp = b.used;
	*bufp = shared.data[b.cookie].buf;
	return shared.data[b.cookie].data;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The hybrid: poll for poll_us microseconds; true if work came. */
static bool poll_window(int (*pending)(void *), void *handle)
{
	__u64 end;
	int r;

	if (!shared.poll_ns)
		return false;
	end = now_ns() + shared.poll_ns;
	do {
		r = pending(handle);
		assert(r >= 0);
		if (r)
			return true;
		asm volatile("pause" ::: "memory");
	} while (now_ns() < end);
	return false;
}

static int guest_pending(void *handle)
{
	return ioq_produce_pending(handle);
}

static int host_pending(void *handle)
{
	return ioq_consume_pending(handle);
}

/* Before the guest waits: publish the rest, kick if the host asked. */
bool used_empty(void)
{
	int r;

	ioq_produce_publish(&guest.ioq);
	if (do_sleep && ioq_produce_should_notify(&guest.ioq))
		kick();
	r = ioq_produce_completed(&guest.ioq);
	assert(r >= 0);
	return !r;
}

void disable_call(void)
{
	ioq_produce_disable_notify(&guest.ioq);
}

/* true: nothing came back, the guest may sleep until a call */
bool enable_call(void)
{
	int r;

	if (poll_window(guest_pending, &guest.ioq))
		return false;
	r = ioq_produce_enable_notify_delayed(&guest.ioq);
	assert(r >= 0);
	return !r;
}

/*
 * Every --batch buffers: a kick if what the ring published passed the
 * host's event. What is not published yet goes with the ring's batch (at
 * once if the host caught up), or before the guest waits (used_empty()).
 */
void kick_available(void)
{
	if (ioq_produce_should_notify(&guest.ioq))
		kick();
}

/* host side */
void disable_kick(void)
{
	ioq_consume_disable_notify(&host.ioq);
}

/* true: nothing arrived, the host may sleep until a kick */
bool enable_kick(void)
{
	int r;

	if (poll_window(host_pending, &host.ioq))
		return false;
	r = ioq_consume_enable_notify(&host.ioq);

	assert(r >= 0);
	return !r;
}

bool avail_empty(void)
{
	int r = ioq_consume_available(&host.ioq);

	assert(r >= 0);
	return !r;
}

bool use_buf(unsigned int *lenp, void **bufp)
{
	struct ioq_buffer b;
	int r = ioq_consume_get(&host.ioq, &b);

	assert(r >= 0);
	if (!r)
		return false;
	*lenp = b.length;
	*bufp = b.data;
	/* Published by the ring: per batch, and once all it saw is back. */
	r = ioq_consume_put(&host.ioq, &b, b.length);
	assert(!r);
	return true;
}

/* After each buffer: a call if what is published passed the guest's event. */
void call_used(void)
{
	if (ioq_consume_should_notify(&host.ioq))
		call();
}

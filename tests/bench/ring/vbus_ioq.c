// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vbus ioq with its shm-signal, as a ring of the kernel's ringtest
 * harness (tools/virtio/ringtest/main.h): include/vbus/ioq.h, unchanged,
 * measured beside the stock designs. The harness's guest adds buffers and
 * reclaims them (our producer); its host uses them (our consumer). "kick"
 * is the guest's doorbell, "call" the host's interrupt.
 */
#define _GNU_SOURCE
#include "main.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

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
	struct ioq_config config = {
		.region_size = ring_bytes + ring_size * BUFFER_SIZE,
		.ring_offset = 0,
		.count = ring_size,
		.buffer_start = ring_bytes,
		.buffer_end = ring_bytes + ring_size * BUFFER_SIZE,
	};

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
	ioq_produce_publish(&guest.ioq);
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

bool used_empty(void)
{
	int r = ioq_produce_completed(&guest.ioq);

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
	int r = ioq_produce_enable_notify(&guest.ioq);

	assert(r >= 0);
	return !r;
}

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
	int r = ioq_consume_enable_notify(&host.ioq);

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
	r = ioq_consume_put(&host.ioq, &b, b.length);
	assert(!r);
	ioq_consume_publish(&host.ioq);
	return true;
}

void call_used(void)
{
	if (ioq_consume_should_notify(&host.ioq))
		call();
}

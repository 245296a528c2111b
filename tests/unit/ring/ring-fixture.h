/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the ring tests share: a region holding one formatted ioq and its
 * buffer window, with a producer and a consumer attached to it. */
#ifndef VBUS_RING_FIXTURE_H
#define VBUS_RING_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>

#include <vbus/ioq.h>

#define FIXTURE_REGION_SIZE	(64U << 10)
#define FIXTURE_BUFFER_START	(32U << 10)	/* the window: the upper half */
#define FIXTURE_BUFFER_SIZE	64		/* one buffer per slot */

struct ring_fixture {
	void *region;
	struct ioq_config config;
	struct ioq_shadow *shadow;
	/* Apart, as two threads' handles must be (see include/vbus/ioq.h). */
	struct ioq_producer producer __attribute__((aligned(128)));
	struct ioq_consumer consumer __attribute__((aligned(128)));
};

/* A region of exactly FIXTURE_REGION_SIZE bytes, so that ASan sees any
 * access past it. */
static inline void fixture_setup(struct ring_fixture *f, __u32 count)
{
	f->region = aligned_alloc(VBUS_RING_ALIGN, FIXTURE_REGION_SIZE);
	f->shadow = calloc(count, sizeof(*f->shadow));
	CU_ASSERT_FATAL(f->region && f->shadow);
	memset(f->region, 0, FIXTURE_REGION_SIZE);
	f->config = (struct ioq_config) {
		.region = f->region,
		.region_size = FIXTURE_REGION_SIZE,
		.ring_offset = 0,
		.count = count,
		.buffer_start = FIXTURE_BUFFER_START,
		.buffer_end = FIXTURE_REGION_SIZE,
	};
	CU_ASSERT_FATAL(ioq_format(&f->config) == 0);
	CU_ASSERT_FATAL(ioq_producer_init(&f->producer, &f->config, f->shadow) == 0);
	CU_ASSERT_FATAL(ioq_consumer_init(&f->consumer, &f->config) == 0);
}

static inline void fixture_teardown(struct ring_fixture *f)
{
	free(f->shadow);
	free(f->region);
}

static inline struct vbus_ioq_ring *fixture_ring(struct ring_fixture *f)
{
	return f->producer.q.ring;
}

/* The buffer of message n: slot-sized pieces of the window, in turn. */
static inline struct ioq_buffer fixture_buffer(__u32 n)
{
	__u32 slots = (FIXTURE_REGION_SIZE - FIXTURE_BUFFER_START) / FIXTURE_BUFFER_SIZE;

	return (struct ioq_buffer) {
		.offset = FIXTURE_BUFFER_START + n % slots * FIXTURE_BUFFER_SIZE,
		.length = FIXTURE_BUFFER_SIZE,
		.cookie = n,
	};
}

/* Adds message n and publishes it. */
static inline int fixture_send(struct ring_fixture *f, __u32 n)
{
	struct ioq_buffer buf = fixture_buffer(n);
	int r = ioq_produce_add(&f->producer, &buf);

	if (r == 0)
		ioq_produce_publish(&f->producer);
	return r;
}

/* Takes the next buffer, gives it back with used bytes, and publishes:
 * 1 and its cookie in *cookie, 0 if there was none, or the error. */
static inline int fixture_serve(struct ring_fixture *f, __u32 used, __u32 *cookie)
{
	struct ioq_buffer buf;
	int r = ioq_consume_get(&f->consumer, &buf);

	if (r <= 0)
		return r;
	*cookie = buf.cookie;
	r = ioq_consume_put(&f->consumer, &buf, used);
	if (r < 0)
		return r;
	ioq_consume_publish(&f->consumer);
	return 1;
}

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A hostile other side: corrupt indices, buffers outside the window,
 * oversize lengths, unknown flags, hostile event indices, and a ring
 * overwritten with random bytes. Each gives -EPROTO, or for an event at
 * most one notification per publish, never an access outside the region
 * (run under ASan and UBSan: the region is allocated to its exact size). */
#include "ring-fixture.h"
#include "unit.h"
#include "macro.h"

static void set_producer_index(struct ring_fixture *f, __u32 index)
{
	ioq_write_le32(&fixture_ring(f)->producer_index.value, index);
}

static void set_consumer_index(struct ring_fixture *f, __u32 index)
{
	ioq_write_le32(&fixture_ring(f)->consumer_index.value, index);
}

static struct vbus_ioq_desc *desc(struct ring_fixture *f, __u32 position)
{
	return &fixture_ring(f)->desc[position & f->producer.q.mask];
}

/* Every consumer entry point reports the error. */
static void assert_consumer_refuses(struct ring_fixture *f)
{
	struct ioq_buffer bufs[4];

	CU_ASSERT_EQUAL(ioq_consume_peek(&f->consumer, &bufs[0]), -EPROTO);
	CU_ASSERT_EQUAL(ioq_consume_get(&f->consumer, &bufs[0]), -EPROTO);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f->consumer, bufs, 4), -EPROTO);
}

static void test_producer_index_too_far_ahead(void)
{
	struct ring_fixture f;

	fixture_setup(&f, 16);
	set_producer_index(&f, 17);
	CU_ASSERT_EQUAL(ioq_consume_available(&f.consumer), -EPROTO);
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), -EPROTO);
	assert_consumer_refuses(&f);
	set_producer_index(&f, 0x80000000);
	assert_consumer_refuses(&f);
	set_producer_index(&f, 0xffffffff);
	assert_consumer_refuses(&f);
	set_producer_index(&f, 16);		/* a full ring is fine */
	CU_ASSERT_EQUAL(ioq_consume_refresh(&f.consumer), 0);
	fixture_teardown(&f);
}

static void test_producer_index_moves_back(void)
{
	struct ioq_buffer buf = { 0 };	/* gcc -O2 cannot see get() fills it */
	struct ring_fixture f;
	__u32 i;

	fixture_setup(&f, 16);
	for (i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(fixture_send(&f, i), 0);
	CU_ASSERT_EQUAL(ioq_consume_get(&f.consumer, &buf), 1);
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &buf, 0), 0);
	ioq_consume_publish(&f.consumer);
	set_producer_index(&f, 3);		/* was 6; we saw 6 */
	CU_ASSERT_EQUAL(ioq_consume_refresh(&f.consumer), -EPROTO);
	set_producer_index(&f, 0);		/* behind what we gave back */
	CU_ASSERT_EQUAL(ioq_consume_refresh(&f.consumer), -EPROTO);
	fixture_teardown(&f);
}

/* Publishes one descriptor, then lets the test overwrite it. */
static void publish_one(struct ring_fixture *f)
{
	CU_ASSERT_EQUAL_FATAL(fixture_send(f, 0), 0);
}

static void test_buffer_outside_the_window(void)
{
	static const __u32 offsets[] = {
		0,					/* the ring itself */
		FIXTURE_BUFFER_START - 1,
		FIXTURE_REGION_SIZE,			/* just past the region */
		FIXTURE_REGION_SIZE + 4096,
		0x80000000, 0xffffffff,
	};
	struct ring_fixture f;
	size_t i;

	for (i = 0; i < ELEMENTSOF(offsets); i++) {
		fixture_setup(&f, 16);
		publish_one(&f);
		ioq_write_le32(&desc(&f, 0)->offset, offsets[i]);
		ioq_write_le32(&desc(&f, 0)->length, 1);
		assert_consumer_refuses(&f);
		fixture_teardown(&f);
	}
}

static void test_oversize_lengths(void)
{
	static const __u32 lengths[] = {
		FIXTURE_REGION_SIZE - FIXTURE_BUFFER_START + 1,
		0x7fffffff, 0x80000000, 0xffffffff,
	};
	struct ring_fixture f;
	struct ioq_buffer buf;
	size_t i;

	for (i = 0; i < ELEMENTSOF(lengths); i++) {
		fixture_setup(&f, 16);
		publish_one(&f);
		ioq_write_le32(&desc(&f, 0)->offset, FIXTURE_BUFFER_START);
		ioq_write_le32(&desc(&f, 0)->length, lengths[i]);
		assert_consumer_refuses(&f);
		fixture_teardown(&f);
	}
	/* The last byte of the window is a buffer; one more is not. */
	fixture_setup(&f, 16);
	publish_one(&f);
	ioq_write_le32(&desc(&f, 0)->offset, FIXTURE_REGION_SIZE - 1);
	ioq_write_le32(&desc(&f, 0)->length, 1);
	CU_ASSERT_EQUAL(ioq_consume_peek(&f.consumer, &buf), 1);
	ioq_write_le32(&desc(&f, 0)->length, 2);
	assert_consumer_refuses(&f);
	fixture_teardown(&f);
}

static void test_consumer_sees_bad_flags(void)
{
	static const __u16 flags[] = {
		1,					/* v1's OWNED: gone */
		VBUS_IOQ_DESC_F_NEXT | 0x4,		/* unknown bit */
		0x8000,
		0xffff,
	};
	struct ring_fixture f;
	size_t i;

	for (i = 0; i < ELEMENTSOF(flags); i++) {
		fixture_setup(&f, 16);
		publish_one(&f);
		ioq_write_le16(&desc(&f, 0)->flags, flags[i]);
		assert_consumer_refuses(&f);
		fixture_teardown(&f);
	}
}

/* The producer's side: the consumer gives back what it never got, moves
 * back, or claims more bytes than posted. */
static void test_consumer_index_corrupt(void)
{
	struct ioq_buffer buf;
	struct ring_fixture f;
	__u32 cookie;

	fixture_setup(&f, 16);
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_EQUAL(fixture_send(&f, 1), 0);
	set_consumer_index(&f, 3);		/* past what was published */
	CU_ASSERT_EQUAL(ioq_produce_completed(&f.producer), -EPROTO);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &buf), -EPROTO);
	CU_ASSERT_EQUAL(ioq_produce_reclaim_batch(&f.producer, &buf, 1), -EPROTO);
	CU_ASSERT_EQUAL(ioq_produce_enable_notify(&f.producer), -EPROTO);
	set_consumer_index(&f, 0xffffffff);	/* before the start */
	CU_ASSERT_EQUAL(ioq_produce_completed(&f.producer), -EPROTO);

	set_consumer_index(&f, 0);
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_EQUAL(ioq_produce_completed(&f.producer), 2);
	set_consumer_index(&f, 1);		/* moves back */
	CU_ASSERT_EQUAL(ioq_produce_refresh(&f.producer), -EPROTO);
	fixture_teardown(&f);
}

static void test_given_back_descriptor_corrupt(void)
{
	struct ioq_buffer buf;
	struct ring_fixture f;
	__u32 cookie;

	fixture_setup(&f, 16);
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	ioq_write_le32(&desc(&f, 0)->length, FIXTURE_BUFFER_SIZE + 1);	/* used > posted */
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &buf), -EPROTO);
	CU_ASSERT_EQUAL(ioq_produce_reclaim_batch(&f.producer, &buf, 1), -EPROTO);

	/*
	 * Offset, cookie, flags and posted length come from the producer's own
	 * copy: what the consumer wrote there is never read.
	 */
	ioq_write_le32(&desc(&f, 0)->length, FIXTURE_BUFFER_SIZE);
	ioq_write_le16(&desc(&f, 0)->flags, 0xffff);
	ioq_write_le32(&desc(&f, 0)->offset, 0xfffffff0);
	ioq_write_le32(&desc(&f, 0)->cookie, 666);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &buf), 1);
	CU_ASSERT_EQUAL(buf.offset, fixture_buffer(0).offset);
	CU_ASSERT_EQUAL(buf.cookie, 0);
	CU_ASSERT_EQUAL(buf.length, FIXTURE_BUFFER_SIZE);
	CU_ASSERT_EQUAL(buf.flags, 0);
	fixture_teardown(&f);
}

/* A tiny deterministic generator, so a failure can be replayed. */
static __u32 random_next(__u64 *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return *state >> 33;
}

/*
 * Hostile events: whatever the other side writes into its event, each
 * publish gives at most one notification, and the event changes nothing
 * but that decision (the ring keeps working).
 */
static void test_hostile_events(void)
{
	static const __u32 events[] = {
		0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};
	__u64 state = 0xe7e7;
	struct ring_fixture f;
	struct ioq_buffer buf;
	__u32 i, publishes = 0, completions = 0, cookie;

	fixture_setup(&f, 16);
	for (i = 0; i < 4000; i++) {
		__u32 e = i < 7 * 16 ? events[i % 7] + i / 7 : random_next(&state);

		ioq_write_le32(&fixture_ring(&f)->consumer_event.value, e);
		ioq_write_le32(&fixture_ring(&f)->producer_event.value, ~e);
		CU_ASSERT_EQUAL_FATAL(fixture_send(&f, i), 0);
		ioq_produce_should_notify(&f.producer);
		publishes++;
		CU_ASSERT_EQUAL_FATAL(fixture_serve(&f, 7, &cookie), 1);
		CU_ASSERT_EQUAL_FATAL(cookie, i);
		ioq_consume_should_notify(&f.consumer);
		completions++;
		CU_ASSERT_EQUAL_FATAL(ioq_produce_reclaim(&f.producer, &buf), 1);
		CU_ASSERT_EQUAL_FATAL(buf.used, 7);
		CU_ASSERT_TRUE_FATAL(f.producer.q.stats.notifications <= publishes);
		CU_ASSERT_TRUE_FATAL(f.consumer.q.stats.notifications <= completions);
	}
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications + f.producer.q.stats.suppressed,
			publishes);
	/* Events are hints: the other side's own event was never touched. */
	CU_ASSERT_EQUAL(f.producer.q.event, 0);
	CU_ASSERT_EQUAL(f.consumer.q.event, 0);
	fixture_teardown(&f);
}

/*
 * ioq_consume_take() takes what peek() read, without a second read of the
 * descriptor: a descriptor flipped after the peek changes nothing.
 */
static void test_take_does_not_read_again(void)
{
	struct ioq_buffer buf = { 0 }, other;
	struct ring_fixture f;

	fixture_setup(&f, 16);
	publish_one(&f);
	CU_ASSERT_EQUAL(ioq_consume_peek(&f.consumer, &buf), 1);
	ioq_write_le16(&desc(&f, 0)->flags, 0xffff);
	ioq_write_le32(&desc(&f, 0)->offset, 0);
	CU_ASSERT_EQUAL(ioq_consume_take(&f.consumer, &buf), 0);
	CU_ASSERT_EQUAL(buf.offset, fixture_buffer(0).offset);
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &buf, 1), 0);
	/* Taking twice, or what was not peeked, is the caller's error. */
	CU_ASSERT_EQUAL(ioq_consume_take(&f.consumer, &buf), -EINVAL);
	other = buf;
	other.position = 5;
	CU_ASSERT_EQUAL(ioq_consume_take(&f.consumer, &other), -EINVAL);
	fixture_teardown(&f);
}

static volatile __u8 touched;

static void check_buffer(struct ring_fixture *f, const struct ioq_buffer *buf)
{
	const __u8 *start = (const __u8 *)f->region + FIXTURE_BUFFER_START;
	const __u8 *end = (const __u8 *)f->region + FIXTURE_REGION_SIZE;
	const __u8 *data = buf->data;

	CU_ASSERT_FATAL(data >= start && data <= end && buf->length <= (size_t)(end - data));
	if (buf->length) {	/* touch both ends: ASan checks them */
		touched = data[0];
		touched = data[buf->length - 1];
	}
}

/* Scribbles over the whole ring between the two sides' operations; every
 * result is a checked buffer, nothing, or -EPROTO. */
static void test_random_ring_contents(void)
{
	__u64 state = 0x5eed;
	struct ring_fixture f;
	struct ioq_buffer bufs[8];
	int round, op, n, i, errors = 0;
	__u32 *words;

	for (round = 0; round < 2000; round++) {
		fixture_setup(&f, 16);
		words = (__u32 *)f.region;
		for (op = 0; op < 50; op++) {
			for (i = 0; i < 4; i++)
				words[random_next(&state) % (ioq_ring_size(16) / 4)] =
					random_next(&state) % 4 ? random_next(&state) % 64 :
					random_next(&state) << 1;
			switch (random_next(&state) % 6) {
			case 0:
				n = fixture_send(&f, op);
				CU_ASSERT_FATAL(n == 0 || n == -ENOSPC);
				break;
			case 1:
				n = ioq_consume_get_batch(&f.consumer, bufs, 8);
				for (i = 0; i < n; i++) {
					check_buffer(&f, &bufs[i]);
					CU_ASSERT_FATAL(ioq_consume_put(&f.consumer, &bufs[i],
									bufs[i].length) == 0);
				}
				ioq_consume_publish(&f.consumer);
				break;
			case 2:
				n = ioq_consume_peek(&f.consumer, bufs);
				if (n > 0)
					check_buffer(&f, bufs);
				break;
			case 3:
				n = ioq_produce_reclaim_batch(&f.producer, bufs, 8);
				for (i = 0; i < n; i++) {
					check_buffer(&f, &bufs[i]);
					CU_ASSERT_FATAL(bufs[i].used <= bufs[i].length);
				}
				break;
			case 4:
				n = ioq_consume_enable_notify(&f.consumer);
				ioq_produce_should_notify(&f.producer);
				break;
			default:
				n = ioq_produce_enable_notify(&f.producer);
				ioq_consume_should_notify(&f.consumer);
				break;
			}
			CU_ASSERT_FATAL(n >= 0 || n == -EPROTO || n == -ENOSPC);
			errors += n == -EPROTO;
		}
		fixture_teardown(&f);
	}
	CU_ASSERT_TRUE(errors > 0);	/* the scribbles did hit something */
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "a producer index more than a ring ahead is -EPROTO",
		  test_producer_index_too_far_ahead },
		{ "a producer index that moves back is -EPROTO", test_producer_index_moves_back },
		{ "a buffer outside the window is -EPROTO", test_buffer_outside_the_window },
		{ "an oversize length is -EPROTO", test_oversize_lengths },
		{ "a published descriptor with unknown flags is -EPROTO",
		  test_consumer_sees_bad_flags },
		{ "a consumer index past published or moving back is -EPROTO",
		  test_consumer_index_corrupt },
		{ "a given-back descriptor's oversize length is -EPROTO, the rest unread",
		  test_given_back_descriptor_corrupt },
		{ "hostile events cost at most one notification per publish",
		  test_hostile_events },
		{ "take uses the peeked copy, never a second read", test_take_does_not_read_again },
		{ "random ring contents give checked buffers or -EPROTO",
		  test_random_ring_contents },
	};

	return unit_run("ring/hostile", UNIT_TESTS(tests));
}

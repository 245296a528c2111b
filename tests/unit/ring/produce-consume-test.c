/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One ioq, both sides stepped from one thread: empty and full rings, a
 * buffer's round trip, wrap-around of slots and of the 32-bit indices, and
 * the caller mistakes the producer and consumer refuse. */
#include "ring-fixture.h"
#include "unit.h"

static void test_empty_ring(void)
{
	struct ring_fixture f;
	struct ioq_buffer buf;

	fixture_setup(&f, 8);
	CU_ASSERT_EQUAL(ioq_consume_available(&f.consumer), 0);
	CU_ASSERT_EQUAL(ioq_consume_peek(&f.consumer, &buf), 0);
	CU_ASSERT_EQUAL(ioq_consume_get(&f.consumer, &buf), 0);
	CU_ASSERT_EQUAL(ioq_produce_completed(&f.producer), 0);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &buf), 0);
	CU_ASSERT_EQUAL(ioq_produce_space(&f.producer), 8);
	fixture_teardown(&f);
}

/* A buffer goes out with its offset, length, cookie and flags, and comes
 * back with the used length. Each side publishes by itself here: the
 * producer because the consumer has caught up, the consumer because it
 * gave back everything it saw (batch-test covers what waits). */
static void test_round_trip(void)
{
	struct ioq_buffer out = {
		.offset = FIXTURE_BUFFER_START + 256, .length = 100, .cookie = 77,
		.flags = VBUS_IOQ_DESC_F_NEXT,
	};
	struct ioq_buffer got = { 0 }, back = { 0 };
	struct ring_fixture f;

	fixture_setup(&f, 8);
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &out), 0);
	CU_ASSERT_EQUAL(ioq_consume_available(&f.consumer), 1);

	CU_ASSERT_EQUAL(ioq_consume_peek(&f.consumer, &got), 1);
	CU_ASSERT_EQUAL(ioq_consume_available(&f.consumer), 1);	/* peek takes nothing */
	CU_ASSERT_EQUAL(ioq_consume_get(&f.consumer, &got), 1);
	CU_ASSERT_EQUAL(ioq_consume_available(&f.consumer), 0);
	CU_ASSERT_PTR_EQUAL(got.data, (__u8 *)f.region + out.offset);
	CU_ASSERT_EQUAL(got.offset, out.offset);
	CU_ASSERT_EQUAL(got.length, 100);
	CU_ASSERT_EQUAL(got.cookie, 77);
	CU_ASSERT_EQUAL(got.flags, VBUS_IOQ_DESC_F_NEXT);
	CU_ASSERT_EQUAL(got.position, 0);

	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &got, 60), 0);
	CU_ASSERT_EQUAL(ioq_produce_completed(&f.producer), 1);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &back), 1);
	CU_ASSERT_PTR_EQUAL(back.data, got.data);
	CU_ASSERT_EQUAL(back.offset, out.offset);
	CU_ASSERT_EQUAL(back.length, 100);
	CU_ASSERT_EQUAL(back.used, 60);
	CU_ASSERT_EQUAL(back.cookie, 77);
	CU_ASSERT_EQUAL(back.flags, VBUS_IOQ_DESC_F_NEXT);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &back), 0);
	fixture_teardown(&f);
}

/* count buffers fill the ring; one more is -ENOSPC until one is reclaimed. */
static void test_full_ring(void)
{
	struct ioq_buffer buf = fixture_buffer(99);
	struct ring_fixture f;
	__u32 i, cookie;

	fixture_setup(&f, 8);
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(fixture_send(&f, i), 0);
	CU_ASSERT_EQUAL(ioq_produce_space(&f.producer), 0);
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &buf), -ENOSPC);
	CU_ASSERT_EQUAL(ioq_consume_available(&f.consumer), 8);

	/* Given back but not reclaimed: still full for the producer. */
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_EQUAL(cookie, 0);
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &buf), -ENOSPC);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &buf), 1);
	CU_ASSERT_EQUAL(ioq_produce_space(&f.producer), 1);
	CU_ASSERT_EQUAL(fixture_send(&f, 8), 0);
	CU_ASSERT_EQUAL(ioq_produce_space(&f.producer), 0);
	fixture_teardown(&f);
}

/* Moves total messages in chunks of 1..count, checking order by cookie. */
static void pump(struct ring_fixture *f, __u32 first, __u32 total, __u32 count)
{
	__u32 sent = first, served = first, reclaimed = first, chunk = 1;
	struct ioq_buffer buf;
	__u32 cookie;

	while (reclaimed != first + total) {
		while (sent != first + total && sent - served < chunk &&
		       ioq_produce_space(&f->producer))
			CU_ASSERT_EQUAL_FATAL(fixture_send(f, sent++), 0);
		while (fixture_serve(f, served % FIXTURE_BUFFER_SIZE, &cookie) == 1)
			CU_ASSERT_EQUAL_FATAL(cookie, served++);
		while (ioq_produce_reclaim(&f->producer, &buf) == 1) {
			CU_ASSERT_EQUAL_FATAL(buf.cookie, reclaimed);
			CU_ASSERT_EQUAL_FATAL(buf.used, reclaimed % FIXTURE_BUFFER_SIZE);
			CU_ASSERT_EQUAL_FATAL(buf.position, reclaimed);
			reclaimed++;
		}
		chunk = chunk % count + 1;
	}
	CU_ASSERT_EQUAL(ioq_produce_space(&f->producer), count);
}

static void test_wrap_around(void)
{
	struct ring_fixture f;

	fixture_setup(&f, 8);
	pump(&f, 0, 10 * 8 + 3, 8);
	fixture_teardown(&f);
}

/* Both sides' free-running indices wrap at 2^32 without a hiccup. */
static void test_index_wrap(void)
{
	const __u32 start = 0xfffffff0;
	struct ring_fixture f;

	fixture_setup(&f, 16);
	f.producer.head = f.producer.published = f.producer.notified = start;
	f.producer.reclaimed = f.producer.seen = start;
	f.consumer.taken = f.consumer.completed = f.consumer.published = start;
	f.consumer.notified = f.consumer.seen = start;
	ioq_write_le32(&fixture_ring(&f)->producer_index.value, start);
	ioq_write_le32(&fixture_ring(&f)->consumer_index.value, start);
	pump(&f, start, 100, 16);
	CU_ASSERT_EQUAL(f.producer.head, start + 100);
	CU_ASSERT_TRUE(f.producer.head < start);
	fixture_teardown(&f);
}

static void test_producer_refuses_bad_buffers(void)
{
	struct ioq_buffer below = { .offset = FIXTURE_BUFFER_START - 1, .length = 1 };
	struct ioq_buffer past = { .offset = FIXTURE_REGION_SIZE - 10, .length = 11 };
	struct ioq_buffer wrap = { .offset = FIXTURE_BUFFER_START, .length = 0xffffffff };
	struct ioq_buffer flags = fixture_buffer(0);
	struct ioq_buffer edge = { .offset = FIXTURE_REGION_SIZE - 10, .length = 10 };
	struct ring_fixture f;

	fixture_setup(&f, 8);
	flags.flags = 1;	/* unknown: v1 OWNED, gone */
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &below), -EINVAL);
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &past), -EINVAL);
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &wrap), -EINVAL);
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &flags), -EINVAL);
	CU_ASSERT_EQUAL(ioq_produce_space(&f.producer), 8);
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &edge), 0);
	fixture_teardown(&f);
}

/* Buffers go back in order, once, with no more bytes than they hold. */
static void test_consumer_refuses_bad_puts(void)
{
	struct ioq_buffer first = { 0 }, second = { 0 };
	struct ring_fixture f;

	fixture_setup(&f, 8);
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_EQUAL(fixture_send(&f, 1), 0);
	CU_ASSERT_EQUAL(ioq_consume_peek(&f.consumer, &first), 1);
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &first, 0), -EINVAL);	/* not taken */
	CU_ASSERT_EQUAL(ioq_consume_get(&f.consumer, &first), 1);
	CU_ASSERT_EQUAL(ioq_consume_get(&f.consumer, &second), 1);
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &second, 0), -EINVAL);	/* out of order */
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &first, FIXTURE_BUFFER_SIZE + 1), -EINVAL);
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &first, FIXTURE_BUFFER_SIZE), 0);
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &first, 0), -EINVAL);	/* twice */
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &second, 0), 0);
	fixture_teardown(&f);
}

static void test_init_refuses_bad_geometry(void)
{
	struct ring_fixture f;
	struct ioq_config config;
	struct ioq_consumer consumer;

	fixture_setup(&f, 8);
	config = f.config;
	config.count = 12;
	CU_ASSERT_EQUAL(ioq_consumer_init(&consumer, &config), -EINVAL);
	CU_ASSERT_EQUAL(ioq_format(&config), -EINVAL);
	config = f.config;
	config.region = (__u8 *)f.region + 4;
	CU_ASSERT_EQUAL(ioq_consumer_init(&consumer, &config), -EINVAL);
	fixture_teardown(&f);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "an empty ring has nothing to get or reclaim", test_empty_ring },
		{ "a buffer's round trip, visible only once published", test_round_trip },
		{ "a full ring refuses a buffer until one is reclaimed", test_full_ring },
		{ "slots wrap around in order", test_wrap_around },
		{ "indices wrap at 2^32", test_index_wrap },
		{ "the producer refuses buffers outside the window", test_producer_refuses_bad_buffers },
		{ "the consumer gives back in order, once, within length",
		  test_consumer_refuses_bad_puts },
		{ "init refuses a bad geometry", test_init_refuses_bad_geometry },
	};

	return unit_run("ring/produce-consume", UNIT_TESTS(tests));
}

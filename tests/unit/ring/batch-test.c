/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Batching: many descriptors handed over by one index store, taken and
 * reclaimed many at a time by one index load; a batch never runs past what
 * was published. Ring v2 publishes by itself: every batch entries, at once
 * when the other side has caught up, and the caller publishes the rest
 * before it waits. */
#include "ring-fixture.h"
#include "unit.h"

static __u32 shared_producer_index(struct ring_fixture *f)
{
	return ioq_read_le32(&fixture_ring(f)->producer_index.value);
}

static __u32 shared_consumer_index(struct ring_fixture *f)
{
	return ioq_read_le32(&fixture_ring(f)->consumer_index.value);
}

static void add(struct ring_fixture *f, __u32 n)
{
	struct ioq_buffer buf = fixture_buffer(n);

	CU_ASSERT_EQUAL_FATAL(ioq_produce_add(&f->producer, &buf), 0);
}

/*
 * The index moves once per publish, by the whole batch. The first add
 * publishes at once (the consumer has caught up: it is idle), the next
 * ones wait for the batch or the caller's publish.
 */
static void test_one_publish_hands_over_a_batch(void)
{
	struct ring_fixture f;
	__u32 i;

	fixture_setup(&f, 32);
	add(&f, 0);
	CU_ASSERT_EQUAL(shared_producer_index(&f), 1);
	for (i = 1; i < 8; i++)
		add(&f, i);
	CU_ASSERT_EQUAL(shared_producer_index(&f), 1);
	ioq_produce_publish(&f.producer);
	CU_ASSERT_EQUAL(shared_producer_index(&f), 8);
	CU_ASSERT_EQUAL(ioq_consume_available(&f.consumer), 8);
	fixture_teardown(&f);
}

/*
 * Producer: a full batch publishes by itself; so does catching up, when the
 * consumer has given back everything published.
 */
static void test_add_publishes_per_batch_and_when_caught_up(void)
{
	struct ioq_buffer bufs[64];
	struct ring_fixture f;
	__u32 i;
	int n;

	fixture_setup(&f, 256);
	CU_ASSERT_EQUAL(f.producer.q.batch, VBUS_IOQ_BATCH);
	add(&f, 0);				/* caught up: published */
	for (i = 1; i < VBUS_IOQ_BATCH; i++)
		add(&f, i);
	CU_ASSERT_EQUAL(shared_producer_index(&f), 1);
	add(&f, VBUS_IOQ_BATCH);		/* a full batch since */
	CU_ASSERT_EQUAL(shared_producer_index(&f), VBUS_IOQ_BATCH + 1);
	add(&f, VBUS_IOQ_BATCH + 1);
	CU_ASSERT_EQUAL(shared_producer_index(&f), VBUS_IOQ_BATCH + 1);

	/* The consumer drains what it saw and gives it all back. */
	n = ioq_consume_get_batch(&f.consumer, bufs, 64);
	CU_ASSERT_EQUAL(n, VBUS_IOQ_BATCH + 1);
	for (i = 0; i < (__u32)n; i++)
		CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &bufs[i], 0), 0);
	CU_ASSERT_EQUAL(shared_consumer_index(&f), VBUS_IOQ_BATCH + 1);
	add(&f, VBUS_IOQ_BATCH + 2);		/* caught up again */
	CU_ASSERT_EQUAL(shared_producer_index(&f), VBUS_IOQ_BATCH + 3);
	fixture_teardown(&f);
}

/*
 * Consumer: puts publish every batch, and when everything seen is given
 * back (it is about to look for more, and may wait).
 */
static void test_put_publishes_per_batch_and_when_drained(void)
{
	struct ioq_buffer bufs[64];
	struct ring_fixture f;
	__u32 i;

	fixture_setup(&f, 256);
	for (i = 0; i < 40; i++)
		add(&f, i);
	ioq_produce_publish(&f.producer);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 64), 40);
	for (i = 0; i < VBUS_IOQ_BATCH - 1; i++)
		CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &bufs[i], 0), 0);
	CU_ASSERT_EQUAL(shared_consumer_index(&f), 0);
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &bufs[i++], 0), 0);
	CU_ASSERT_EQUAL(shared_consumer_index(&f), VBUS_IOQ_BATCH);
	for (; i < 39; i++)
		CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &bufs[i], 0), 0);
	CU_ASSERT_EQUAL(shared_consumer_index(&f), VBUS_IOQ_BATCH);
	CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &bufs[i], 0), 0);
	CU_ASSERT_EQUAL(shared_consumer_index(&f), 40);
	fixture_teardown(&f);
}

/* The batch size is bounded to 1..count; 1 publishes every entry. */
static void test_batch_bounds(void)
{
	struct ring_fixture f;

	fixture_setup(&f, 16);
	CU_ASSERT_EQUAL(f.producer.q.batch, 4);
	ioq_set_batch(&f.producer.q, 0);
	CU_ASSERT_EQUAL(f.producer.q.batch, 1);
	ioq_set_batch(&f.producer.q, 1000);
	CU_ASSERT_EQUAL(f.producer.q.batch, 16);
	ioq_set_batch(&f.producer.q, 1);
	add(&f, 0);
	add(&f, 1);
	add(&f, 2);
	CU_ASSERT_EQUAL(shared_producer_index(&f), 3);
	fixture_teardown(&f);
	fixture_setup(&f, 1);
	CU_ASSERT_EQUAL(f.producer.q.batch, 1);
	fixture_teardown(&f);
}

/* Publishing nothing new does not touch the shared index. */
static void test_empty_publish_does_not_store(void)
{
	struct ring_fixture f;

	fixture_setup(&f, 32);
	add(&f, 0);
	ioq_produce_publish(&f.producer);
	ioq_write_le32(&fixture_ring(&f)->producer_index.value, 12345);
	ioq_produce_publish(&f.producer);
	CU_ASSERT_EQUAL(shared_producer_index(&f), 12345);
	fixture_teardown(&f);
}

static void test_get_batch_takes_at_most_max(void)
{
	struct ioq_buffer bufs[8];
	struct ring_fixture f;
	__u32 i;

	fixture_setup(&f, 32);
	for (i = 0; i < 13; i++)
		add(&f, i);
	ioq_produce_publish(&f.producer);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 8), 8);
	for (i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(bufs[i].cookie, i);
		CU_ASSERT_EQUAL(bufs[i].position, i);
	}
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 8), 5);
	CU_ASSERT_EQUAL(bufs[4].cookie, 12);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 8), 0);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 0), 0);
	fixture_teardown(&f);
}

/* A batch sees what was published when it started, and more only by a new
 * batch: descriptors added but not published are never taken. */
static void test_get_batch_stops_at_published(void)
{
	struct ioq_buffer bufs[8];
	struct ring_fixture f;

	fixture_setup(&f, 32);
	add(&f, 0);
	add(&f, 1);
	ioq_produce_publish(&f.producer);
	add(&f, 2);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 8), 2);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 8), 0);
	ioq_produce_publish(&f.producer);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 8), 1);
	CU_ASSERT_EQUAL(bufs[0].cookie, 2);
	fixture_teardown(&f);
}

/* Puts become visible together; reclaim_batch takes them in order. */
static void test_puts_and_reclaims_in_batches(void)
{
	struct ioq_buffer bufs[16];
	struct ring_fixture f;
	__u32 i;

	fixture_setup(&f, 16);
	ioq_set_batch(&f.consumer.q, 16);	/* only the explicit publish */
	for (i = 0; i < 16; i++)
		add(&f, i);
	ioq_produce_publish(&f.producer);
	CU_ASSERT_EQUAL(ioq_consume_get_batch(&f.consumer, bufs, 16), 16);
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(ioq_consume_put(&f.consumer, &bufs[i], i), 0);
	CU_ASSERT_EQUAL(shared_consumer_index(&f), 0);
	CU_ASSERT_EQUAL(ioq_produce_reclaim_batch(&f.producer, bufs, 16), 0);
	ioq_consume_publish(&f.consumer);
	CU_ASSERT_EQUAL(shared_consumer_index(&f), 10);
	CU_ASSERT_EQUAL(ioq_produce_reclaim_batch(&f.producer, bufs, 4), 4);
	CU_ASSERT_EQUAL(ioq_produce_reclaim_batch(&f.producer, bufs + 4, 16), 6);
	for (i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(bufs[i].cookie, i);
		CU_ASSERT_EQUAL(bufs[i].used, i);
	}
	CU_ASSERT_EQUAL(ioq_produce_space(&f.producer), 10);
	fixture_teardown(&f);
}

/* Batches of every size 1..count through a full ring, many times over. */
static void test_batches_of_every_size(void)
{
	struct ioq_buffer bufs[16];
	__u32 sent = 0, got = 0, back = 0, size;
	struct ring_fixture f;
	int n, i;

	fixture_setup(&f, 16);
	for (size = 1; size <= 16; size++) {
		while (ioq_produce_space(&f.producer))
			add(&f, sent++);
		ioq_produce_publish(&f.producer);
		while ((n = ioq_consume_get_batch(&f.consumer, bufs, size)) > 0) {
			CU_ASSERT_FATAL(n <= (int)size);
			for (i = 0; i < n; i++) {
				CU_ASSERT_EQUAL_FATAL(bufs[i].cookie, got++);
				CU_ASSERT_EQUAL_FATAL(ioq_consume_put(&f.consumer, &bufs[i], 1), 0);
			}
			ioq_consume_publish(&f.consumer);
		}
		CU_ASSERT_EQUAL_FATAL(n, 0);
		while ((n = ioq_produce_reclaim_batch(&f.producer, bufs, size)) > 0)
			for (i = 0; i < n; i++)
				CU_ASSERT_EQUAL_FATAL(bufs[i].cookie, back++);
		CU_ASSERT_EQUAL_FATAL(n, 0);
	}
	CU_ASSERT_EQUAL(back, sent);
	CU_ASSERT_EQUAL(got, sent);
	fixture_teardown(&f);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "one publish hands over a batch", test_one_publish_hands_over_a_batch },
		{ "publishing nothing new stores nothing", test_empty_publish_does_not_store },
		{ "add publishes per batch and when the consumer caught up",
		  test_add_publishes_per_batch_and_when_caught_up },
		{ "put publishes per batch and when everything seen is back",
		  test_put_publishes_per_batch_and_when_drained },
		{ "the batch size is bounded to 1..count", test_batch_bounds },
		{ "get_batch takes at most max", test_get_batch_takes_at_most_max },
		{ "get_batch stops at what was published", test_get_batch_stops_at_published },
		{ "puts and reclaims go in batches, in order", test_puts_and_reclaims_in_batches },
		{ "batches of every size through a full ring", test_batches_of_every_size },
	};

	return unit_run("ring/batch", UNIT_TESTS(tests));
}

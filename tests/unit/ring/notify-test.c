/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* shm-signal, ring v2: event indices. A side notifies only when its index
 * passes the event the receiver wrote, never writes the receiver's lines,
 * counts what it sent and suppressed; the receiver's "write the event, then
 * re-check" never loses work, whichever way the two sides' steps interleave
 * (stepped here by hand); a producer can ask for a delayed call. */
#include "ring-fixture.h"
#include "unit.h"
#include "macro.h"

static __u32 consumer_event(struct ring_fixture *f)
{
	return ioq_read_le32(&fixture_ring(f)->consumer_event.value);
}

static void test_first_publish_notifies_then_passed_event_suppresses(void)
{
	struct ring_fixture f;

	fixture_setup(&f, 16);
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(fixture_send(&f, 1), 0);
	CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(fixture_send(&f, 2), 0);
	CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications, 1);
	CU_ASSERT_EQUAL(f.producer.q.stats.suppressed, 2);

	/* The consumer asks again: its event moves to what it has seen. */
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 1);
	CU_ASSERT_EQUAL(f.consumer.taken, 0);
	f.consumer.taken = f.consumer.seen;	/* as if it took them */
	f.consumer.completed = f.consumer.seen;
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 0);
	CU_ASSERT_EQUAL(consumer_event(&f), 3);
	CU_ASSERT_EQUAL(fixture_send(&f, 3), 0);
	CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications, 2);
	fixture_teardown(&f);
}

/* Deciding reads the receiver's event and writes nothing to the ring. */
static void test_notifier_writes_nothing(void)
{
	static __u8 before[2 * VBUS_RING_ALIGN];
	struct ring_fixture f;
	__u8 *words;

	fixture_setup(&f, 16);
	words = (__u8 *)&fixture_ring(&f)->producer_event;
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 1);
	memcpy(before, words, sizeof(before));
	CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(memcmp(before, words, sizeof(before)), 0);
	CU_ASSERT_EQUAL(fixture_send(&f, 1), 0);
	CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(memcmp(before, words, sizeof(before)), 0);
	fixture_teardown(&f);
}

/* A receiver busy since its last notification is not notified again. */
static void test_busy_receiver_is_not_notified(void)
{
	struct ring_fixture f;
	__u32 i;

	fixture_setup(&f, 16);
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
	ioq_consume_disable_notify(&f.consumer);
	for (i = 1; i < 11; i++) {
		CU_ASSERT_EQUAL(fixture_send(&f, i), 0);
		CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	}
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications, 1);
	CU_ASSERT_EQUAL(f.producer.q.stats.suppressed, 10);
	fixture_teardown(&f);
}

/* Asking again with nothing new published is neither sent nor counted. */
static void test_nothing_new_is_not_counted(void)
{
	struct ring_fixture f;

	fixture_setup(&f, 16);
	CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications, 1);
	CU_ASSERT_EQUAL(f.producer.q.stats.suppressed, 0);
	fixture_teardown(&f);
}

/* Re-enabling with nothing new says "sleep"; with work, "do not sleep". */
static void test_enable_rechecks(void)
{
	__u32 cookie;
	struct ring_fixture f;

	fixture_setup(&f, 16);
	ioq_consume_disable_notify(&f.consumer);
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 0);
	ioq_consume_disable_notify(&f.consumer);
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 1);
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 0);
	fixture_teardown(&f);
}

/*
 * The race "write the event, then re-check" closes: the producer publishes
 * message 1 (P1) and decides whether to notify (P2); the consumer, which
 * took message 0 after its notification (so its event is passed), writes
 * its event (C1) and re-checks its ring (C2). In every order of the four
 * steps (each side's own steps in program order) the producer notifies or
 * the consumer sees the work; when the consumer re-checked before anything
 * was published (it goes to sleep), it is notified.
 */
static void test_every_interleaving_keeps_the_work(void)
{
	static const char *const orders[] = {
		"PPCC", "PCPC", "PCCP", "CPPC", "CPCP", "CCPP",
	};
	size_t i;

	for (i = 0; i < ELEMENTSOF(orders); i++) {
		const char *order = orders[i];
		bool notified = false, saw_work = false;
		int producer_step = 0, consumer_step = 0;
		struct ring_fixture f;
		const char *step;
		__u32 cookie;

		fixture_setup(&f, 16);
		CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
		CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
		CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
		ioq_consume_disable_notify(&f.consumer);
		for (step = order; *step; step++) {
			if (*step == 'P' && producer_step++ == 0) {
				CU_ASSERT_EQUAL(fixture_send(&f, 1), 0);
			} else if (*step == 'P') {
				notified = ioq_produce_should_notify(&f.producer);
			} else if (consumer_step++ == 0) {
				ioq_signal_enable(&f.consumer.q,
						  &fixture_ring(&f)->consumer_event.value,
						  f.consumer.seen);
			} else {
				saw_work = ioq_consume_available(&f.consumer) > 0;
			}
		}
		CU_ASSERT_TRUE(notified || saw_work);
		if (!saw_work)
			CU_ASSERT_TRUE(notified);
		if (!strcmp(order, "PPCC"))
			CU_ASSERT_TRUE(!notified && saw_work);
		if (!strcmp(order, "CCPP"))
			CU_ASSERT_TRUE(notified && !saw_work);
		fixture_teardown(&f);
	}
}

/* The other direction: completions notify a producer that waits for them. */
static void test_consumer_notifies_waiting_producer(void)
{
	struct ring_fixture f;
	struct ioq_buffer buf;
	__u32 cookie;

	fixture_setup(&f, 16);
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_EQUAL(fixture_send(&f, 1), 0);
	ioq_produce_disable_notify(&f.producer);
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_TRUE(ioq_consume_should_notify(&f.consumer));		/* event 0 */
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_FALSE(ioq_consume_should_notify(&f.consumer));	/* passed */
	CU_ASSERT_EQUAL(fixture_send(&f, 2), 0);

	/* Completions arrived before the producer enabled: it reclaims first. */
	CU_ASSERT_EQUAL(ioq_produce_enable_notify(&f.producer), 1);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &buf), 1);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &buf), 1);
	CU_ASSERT_EQUAL(ioq_produce_enable_notify(&f.producer), 0);	/* sleeps */
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_TRUE(ioq_consume_should_notify(&f.consumer));		/* wakes it */
	CU_ASSERT_EQUAL(f.consumer.q.stats.notifications, 2);
	CU_ASSERT_EQUAL(f.consumer.q.stats.suppressed, 1);
	fixture_teardown(&f);
}

/*
 * A delayed call: with 8 outstanding the producer is called when the
 * consumer gives back the 7th (3/4 of 8 = 6 given back, then one more),
 * not before; if that many came back already, it does not sleep.
 */
static void test_delayed_call(void)
{
	struct ring_fixture f;
	struct ioq_buffer buf;
	__u32 i, cookie;

	fixture_setup(&f, 16);
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(fixture_send(&f, i), 0);
	CU_ASSERT_EQUAL(ioq_produce_enable_notify_delayed(&f.producer), 0);
	CU_ASSERT_EQUAL(ioq_read_le32(&fixture_ring(&f)->producer_event.value), 6);
	for (i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
		CU_ASSERT_EQUAL(ioq_consume_should_notify(&f.consumer), i == 6);
	}
	CU_ASSERT_EQUAL(f.consumer.q.stats.notifications, 1);

	/* 8 more, 7 already back before the producer asks: no sleep. */
	while (ioq_produce_reclaim(&f.producer, &buf) == 1)
		;
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(fixture_send(&f, 8 + i), 0);
	for (i = 0; i < 7; i++)
		CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_EQUAL(ioq_produce_enable_notify_delayed(&f.producer), 1);
	fixture_teardown(&f);
}

/* A receiver that never disables still gets one notification per re-arm. */
static void test_one_notification_per_rearm(void)
{
	struct ring_fixture f;
	__u32 round, i, cookie;

	fixture_setup(&f, 16);
	for (round = 0; round < 5; round++) {
		for (i = 0; i < 3; i++) {
			CU_ASSERT_EQUAL(fixture_send(&f, round * 3 + i), 0);
			CU_ASSERT_EQUAL(ioq_produce_should_notify(&f.producer), i == 0);
		}
		while (fixture_serve(&f, 0, &cookie) == 1)
			;
		CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 0);
		while (ioq_produce_reclaim(&f.producer, &(struct ioq_buffer){ 0 }) == 1)
			;
	}
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications, 5);
	CU_ASSERT_EQUAL(f.producer.q.stats.suppressed, 10);
	fixture_teardown(&f);
}

/* Event arithmetic across the 2^32 wrap of the indices. */
static void test_event_wraps(void)
{
	struct ring_fixture f;
	__u32 cookie, i;

	fixture_setup(&f, 16);
	/* Both sides at 2^32 - 2, as if that many had gone round. */
	f.producer.head = f.producer.published = f.producer.notified = 0xfffffffe;
	f.producer.reclaimed = f.producer.seen = 0xfffffffe;
	f.consumer.taken = f.consumer.completed = f.consumer.published = 0xfffffffe;
	f.consumer.notified = f.consumer.seen = 0xfffffffe;
	ioq_write_le32(&fixture_ring(&f)->producer_index.value, 0xfffffffe);
	ioq_write_le32(&fixture_ring(&f)->consumer_index.value, 0xfffffffe);
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 0);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(fixture_send(&f, i), 0);
		CU_ASSERT_EQUAL(ioq_produce_should_notify(&f.producer), i == 0);
	}
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_EQUAL(f.consumer.completed, 2);
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 0);
	CU_ASSERT_EQUAL(fixture_send(&f, 4), 0);
	CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
	fixture_teardown(&f);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the first publish notifies, a passed event suppresses the next",
		  test_first_publish_notifies_then_passed_event_suppresses },
		{ "the notifier writes nothing to the ring", test_notifier_writes_nothing },
		{ "a busy receiver is not notified again", test_busy_receiver_is_not_notified },
		{ "should_notify with nothing new is not counted", test_nothing_new_is_not_counted },
		{ "enable re-checks the ring", test_enable_rechecks },
		{ "every interleaving of publish/notify and event/re-check keeps the work",
		  test_every_interleaving_keeps_the_work },
		{ "completions notify a producer waiting for them",
		  test_consumer_notifies_waiting_producer },
		{ "a delayed call comes after 3/4 of the outstanding buffers",
		  test_delayed_call },
		{ "one notification per re-arm", test_one_notification_per_rearm },
		{ "event indices wrap at 2^32", test_event_wraps },
	};

	return unit_run("ring/notify", UNIT_TESTS(tests));
}

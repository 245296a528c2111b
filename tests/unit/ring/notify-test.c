/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* shm-signal: a side notifies only when the other has notifications enabled
 * and none pending, counts what it sent and suppressed, and the receiver's
 * "enable, then re-check" never loses work, whichever way the two sides'
 * steps interleave (stepped here by hand). */
#include "ring-fixture.h"
#include "unit.h"
#include "macro.h"

static struct vbus_shm_signal *consumer_signal(struct ring_fixture *f)
{
	return &fixture_ring(f)->consumer.signal;
}

static void test_first_publish_notifies_then_pending_suppresses(void)
{
	struct ring_fixture f;

	fixture_setup(&f, 16);
	CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
	CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(consumer_signal(&f)->pending, 1);
	CU_ASSERT_EQUAL(fixture_send(&f, 1), 0);
	CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(fixture_send(&f, 2), 0);
	CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications, 1);
	CU_ASSERT_EQUAL(f.producer.q.stats.suppressed, 2);

	/* The consumer takes the notification: re-enabling clears pending. */
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 1);
	CU_ASSERT_EQUAL(consumer_signal(&f)->pending, 0);
	CU_ASSERT_EQUAL(fixture_send(&f, 3), 0);
	CU_ASSERT_TRUE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications, 2);
	fixture_teardown(&f);
}

static void test_disabled_receiver_is_not_notified(void)
{
	struct ring_fixture f;
	__u32 i;

	fixture_setup(&f, 16);
	ioq_consume_disable_notify(&f.consumer);
	CU_ASSERT_EQUAL(consumer_signal(&f)->enabled, 0);
	for (i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(fixture_send(&f, i), 0);
		CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	}
	CU_ASSERT_EQUAL(f.producer.q.stats.notifications, 0);
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
	CU_ASSERT_FALSE(ioq_produce_should_notify(&f.producer));
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 1);
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_EQUAL(ioq_consume_enable_notify(&f.consumer), 0);
	fixture_teardown(&f);
}

/*
 * The race "enable, then re-check" closes: the producer publishes (P1) and
 * decides whether to notify (P2); the consumer, idle with notifications
 * disabled, enables them (C1) and re-checks its ring (C2). In every order
 * of the four steps (each side's own steps in program order) the producer
 * notifies or the consumer sees the work; and when the consumer re-checked
 * before anything was published (it goes to sleep), it is notified.
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

		fixture_setup(&f, 16);
		ioq_consume_disable_notify(&f.consumer);
		for (step = order; *step; step++) {
			if (*step == 'P' && producer_step++ == 0) {
				CU_ASSERT_EQUAL(fixture_send(&f, 0), 0);
			} else if (*step == 'P') {
				notified = ioq_produce_should_notify(&f.producer);
			} else if (consumer_step++ == 0) {
				ioq_signal_enable(&f.consumer.q, consumer_signal(&f));
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
	CU_ASSERT_FALSE(ioq_consume_should_notify(&f.consumer));	/* not waiting */

	/* Completion arrived before the producer enabled: the re-check sees it. */
	CU_ASSERT_EQUAL(ioq_produce_enable_notify(&f.producer), 1);
	CU_ASSERT_EQUAL(ioq_produce_reclaim(&f.producer, &buf), 1);
	CU_ASSERT_EQUAL(ioq_produce_enable_notify(&f.producer), 0);	/* sleeps */
	CU_ASSERT_EQUAL(fixture_serve(&f, 0, &cookie), 1);
	CU_ASSERT_TRUE(ioq_consume_should_notify(&f.consumer));		/* wakes it */
	CU_ASSERT_EQUAL(f.consumer.q.stats.notifications, 1);
	CU_ASSERT_EQUAL(f.consumer.q.stats.suppressed, 1);
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

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the first publish notifies, a pending one suppresses the next",
		  test_first_publish_notifies_then_pending_suppresses },
		{ "a receiver with notifications disabled is not notified",
		  test_disabled_receiver_is_not_notified },
		{ "should_notify with nothing new is not counted", test_nothing_new_is_not_counted },
		{ "enable re-checks the ring", test_enable_rechecks },
		{ "every interleaving of publish/notify and enable/re-check keeps the work",
		  test_every_interleaving_keeps_the_work },
		{ "completions notify a producer waiting for them",
		  test_consumer_notifies_waiting_producer },
		{ "one notification per re-arm", test_one_notification_per_rearm },
	};

	return unit_run("ring/notify", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Two threads, one ioq, 10^7 messages (VBUS_STRESS_MESSAGES to change it):
 * every message arrives exactly once and in order (sequence number, cookie,
 * length and payload checksum), every buffer comes back, and a side that
 * sleeps is always woken. Then a tenth as many with both sides sleeping at
 * every idle moment, which runs the notification protocol many thousand
 * times. Prints the rate and notifications per message; it is a correctness
 * test, never a timing assertion. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "ring-fixture.h"
#include "unit.h"

#define STRESS_MESSAGES		10000000ULL
#define STRESS_COUNT		256
#define STRESS_BUFFER_SIZE	64
#define STRESS_BATCH		64
#define STRESS_SPIN		256	/* empty polls before sleeping */
#define STRESS_TIMEOUT		120	/* seconds: a lost wakeup hangs */

struct message {
	__u64 sequence;
	__u32 length;
	__u32 checksum;
	__u8 payload[STRESS_BUFFER_SIZE - 16];
};

struct stress {
	struct ring_fixture fixture;
	__u64 messages;
	__u64 spin;			/* empty polls before sleeping */
	int kick;			/* producer -> consumer */
	int call;			/* consumer -> producer */
	int cpus[2];			/* -1: not pinned */
	atomic_bool failed;
	char failure[200];
	__u64 producer_sleeps, consumer_sleeps;
};

static struct stress stress;

static void fail(const char *what, __u64 sequence, long value)
{
	__u64 one = 1;
	bool expected = false;

	if (atomic_compare_exchange_strong(&stress.failed, &expected, true))
		snprintf(stress.failure, sizeof(stress.failure), "%s (message %llu, value %ld)",
			 what, (unsigned long long)sequence, value);
	/* Wake whoever sleeps, so that both threads see the failure. */
	if (write(stress.kick, &one, sizeof(one)) < 0 || write(stress.call, &one, sizeof(one)) < 0)
		abort();
}

static bool failed(void)
{
	return atomic_load_explicit(&stress.failed, memory_order_relaxed);
}

static __u32 payload_length(__u64 sequence)
{
	return sequence % (sizeof(((struct message *)0)->payload) + 1);
}

static __u32 checksum(__u64 sequence, const __u8 *payload, __u32 length)
{
	__u32 hash = 2166136261u ^ (__u32)sequence ^ (__u32)(sequence >> 32);
	__u32 i;

	for (i = 0; i < length; i++)
		hash = (hash ^ payload[i]) * 16777619u;
	return hash;
}

static void notify(int fd)
{
	__u64 one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		abort();
}

static void wait_for(int fd)
{
	__u64 value;

	if (read(fd, &value, sizeof(value)) != sizeof(value))
		abort();
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Fills message sequence into its slot's buffer and adds it. */
static int produce(struct ioq_producer *p, __u64 sequence)
{
	struct ring_fixture *f = &stress.fixture;
	__u32 offset = FIXTURE_BUFFER_START + sequence % STRESS_COUNT * STRESS_BUFFER_SIZE;
	struct message *m = (struct message *)((__u8 *)f->region + offset);
	__u32 length = payload_length(sequence), i;
	struct ioq_buffer buf = {
		.offset = offset,
		.length = offsetof(struct message, payload) + length,
		.cookie = (__u32)sequence,
	};

	m->sequence = sequence;
	m->length = length;
	for (i = 0; i < length; i++)
		m->payload[i] = sequence * 131 + i;
	m->checksum = checksum(sequence, m->payload, length);
	return ioq_produce_add(p, &buf);
}

static int reclaim(struct ioq_producer *p, __u64 *reclaimed)
{
	struct ioq_buffer bufs[STRESS_BATCH];
	int n, i;

	n = ioq_produce_reclaim_batch(p, bufs, STRESS_BATCH);
	if (n < 0)
		fail("producer: reclaim", *reclaimed, n);
	for (i = 0; i < n; i++, (*reclaimed)++)
		if (bufs[i].cookie != (__u32)*reclaimed || bufs[i].used != bufs[i].length)
			fail("producer: a buffer came back wrong", *reclaimed, bufs[i].cookie);
	return n;
}

static void *producer_thread(void *unused)
{
	struct ioq_producer *p = &stress.fixture.producer;
	__u64 sent = 0, reclaimed = 0, spins = 0;
	__u32 batch, i;
	int r;

	(void)unused;
	pin(stress.cpus[0]);
	ioq_produce_disable_notify(p);
	while (reclaimed < stress.messages && !failed()) {
		int progress = reclaim(p, &reclaimed);

		/* Batches of 1..STRESS_BATCH, as a guest's stack would send. */
		batch = 1 + sent % STRESS_BATCH;
		for (i = 0; i < batch && sent < stress.messages && ioq_produce_space(p); i++) {
			r = produce(p, sent);
			if (r < 0)
				fail("producer: add", sent, r);
			sent++;
			progress++;
		}
		ioq_produce_publish(p);
		if (ioq_produce_should_notify(p))
			notify(stress.kick);
		if (progress > 0) {
			spins = 0;
			continue;
		}
		if (++spins < stress.spin) {
			cpu_relax();
			continue;
		}
		/* Nothing to send and nothing back: wait for completions. */
		r = ioq_produce_enable_notify(p);
		if (r < 0)
			fail("producer: enable", reclaimed, r);
		if (r == 0) {
			stress.producer_sleeps++;
			wait_for(stress.call);
		}
		ioq_produce_disable_notify(p);
		spins = 0;
	}
	if (!failed() && ioq_produce_completed(p) != 0)
		fail("producer: more came back than was sent", reclaimed, 0);
	return NULL;
}

/* Checks one message: the one expected, intact. */
static void check(const struct ioq_buffer *buf, __u64 expected)
{
	const struct message *m = buf->data;
	__u32 length = payload_length(expected);

	if (buf->length != offsetof(struct message, payload) + length ||
	    buf->cookie != (__u32)expected)
		fail("consumer: wrong descriptor", expected, buf->cookie);
	else if (m->sequence != expected)
		fail("consumer: message out of order, lost or repeated", expected,
		     (long)m->sequence);
	else if (m->length != length || m->checksum != checksum(expected, m->payload, length))
		fail("consumer: payload corrupt", expected, m->checksum);
}

static void *consumer_thread(void *unused)
{
	struct ioq_consumer *c = &stress.fixture.consumer;
	struct ioq_buffer bufs[STRESS_BATCH];
	__u64 expected = 0, spins = 0;
	int n, i, r;

	(void)unused;
	pin(stress.cpus[1]);
	ioq_consume_disable_notify(c);
	while (expected < stress.messages && !failed()) {
		n = ioq_consume_get_batch(c, bufs, STRESS_BATCH);
		if (n < 0)
			fail("consumer: get", expected, n);
		for (i = 0; i < n; i++, expected++) {
			check(&bufs[i], expected);
			r = ioq_consume_put(c, &bufs[i], bufs[i].length);
			if (r < 0)
				fail("consumer: put", expected, r);
		}
		ioq_consume_publish(c);
		if (ioq_consume_should_notify(c))
			notify(stress.call);
		if (n > 0) {
			spins = 0;
			continue;
		}
		if (++spins < stress.spin) {
			cpu_relax();
			continue;
		}
		r = ioq_consume_enable_notify(c);
		if (r < 0)
			fail("consumer: enable", expected, r);
		if (r == 0) {
			stress.consumer_sleeps++;
			wait_for(stress.kick);
		}
		ioq_consume_disable_notify(c);
		spins = 0;
	}
	if (!failed() && ioq_consume_available(c) != 0)
		fail("consumer: more arrived than was sent", expected, 0);
	return NULL;
}

static void timeout(int signal)
{
	static const char message[] = "stress: timed out: a side slept and was never woken\n";

	(void)signal;
	if (write(STDERR_FILENO, message, sizeof(message) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void choose_cpus(void)
{
	cpu_set_t set;
	int cpu, found = 0;

	stress.cpus[0] = stress.cpus[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
		if (CPU_ISSET(cpu, &set))
			stress.cpus[found++] = cpu;
	if (found < 2)
		stress.cpus[0] = stress.cpus[1] = -1;
}

static void run(__u64 messages, __u64 spin)
{
	struct ioq_stats kicks, calls;
	pthread_t producer, consumer;
	struct timespec start, end;
	double seconds;

	memset(&stress, 0, sizeof(stress));
	stress.messages = messages;
	stress.spin = spin;
	fixture_setup(&stress.fixture, STRESS_COUNT);
	stress.kick = eventfd(0, 0);
	stress.call = eventfd(0, 0);
	CU_ASSERT_FATAL(stress.kick >= 0 && stress.call >= 0);
	choose_cpus();
	signal(SIGALRM, timeout);
	alarm(STRESS_TIMEOUT);

	clock_gettime(CLOCK_MONOTONIC, &start);
	CU_ASSERT_FATAL(pthread_create(&consumer, NULL, consumer_thread, NULL) == 0);
	CU_ASSERT_FATAL(pthread_create(&producer, NULL, producer_thread, NULL) == 0);
	pthread_join(producer, NULL);
	pthread_join(consumer, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	alarm(0);

	if (failed())
		fprintf(stderr, "stress: %s\n", stress.failure);
	CU_ASSERT_FALSE(failed());
	kicks = stress.fixture.producer.q.stats;
	calls = stress.fixture.consumer.q.stats;
	seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	printf("\nstress: %llu messages in %.2f s (%s, %llu empty polls before sleeping): "
	       "%.1f M messages/s\n"
	       "stress: notifications per message %.5f (kicks %llu, calls %llu), "
	       "suppressed %llu; slept: producer %llu, consumer %llu\n",
	       (unsigned long long)stress.messages, seconds,
	       stress.cpus[0] < 0 ? "not pinned" : "pinned to 2 CPUs",
	       (unsigned long long)spin, stress.messages / seconds / 1e6,
	       (double)(kicks.notifications + calls.notifications) / stress.messages,
	       (unsigned long long)kicks.notifications, (unsigned long long)calls.notifications,
	       (unsigned long long)(kicks.suppressed + calls.suppressed),
	       (unsigned long long)stress.producer_sleeps,
	       (unsigned long long)stress.consumer_sleeps);
	close(stress.kick);
	close(stress.call);
	fixture_teardown(&stress.fixture);
}

static __u64 messages(void)
{
	const char *value = getenv("VBUS_STRESS_MESSAGES");

	return value ? strtoull(value, NULL, 0) : STRESS_MESSAGES;
}

static void test_every_message_arrives_once_in_order(void)
{
	run(messages(), STRESS_SPIN);
}

static void test_sleeping_sides_are_always_woken(void)
{
	run(messages() / 10, 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "two threads: every message arrives once, in order, intact",
		  test_every_message_arrives_once_in_order },
		{ "sleeping at every idle moment, each side is always woken",
		  test_sleeping_sides_are_always_woken },
	};

	return unit_run("ring/stress", UNIT_TESTS(tests));
}

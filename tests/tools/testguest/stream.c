/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Two guests sharing a host bridge: stream sends for a time, to the host and
 * (every other frame) to another guest's MAC, and measures how steadily its
 * frames leave; sink is the other guest, draining its RX queue or (a guest
 * that is hung or hostile) never posting a buffer. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

/* Adds one frame of sequence to endpoints; 1 if added, 0 if no room. */
static int stream_add(struct guest *g, const struct frame_endpoints *to, uint64_t sequence)
{
	struct guest_queue *q = &g->tx;
	uint32_t size = g->options.frame_size;
	struct ioq_buffer buf;
	int r;

	if (guest_tx_in_flight(g) >= q->buffers || !ioq_produce_space(&q->producer))
		return 0;
	buf = (struct ioq_buffer) {
		.offset = q->buffer_offset + q->producer.head % q->buffers * q->buffer_size,
		.length = size,
		.cookie = (uint32_t)sequence,
	};
	frame_build((uint8_t *)g->layout.region + buf.offset, size, to, sequence);
	r = ioq_produce_add(&q->producer, &buf);
	if (r < 0)
		return guest_fail(g, r, "TX: cannot add a buffer");
	return 1;
}

/* Whole seconds since start: the fewest host frames sent in one of them. */
struct pace {
	double start;
	uint64_t second;		/* the current one */
	uint64_t in_second;		/* host frames sent in it */
	uint64_t slowest;
};

static void pace_tick(struct pace *p, double now)
{
	uint64_t second = (uint64_t)(now - p->start);

	if (second == p->second)
		return;
	if (p->in_second < p->slowest)
		p->slowest = p->in_second;
	/* Seconds that went by without a single frame. */
	if (second > p->second + 1)
		p->slowest = 0;
	p->second = second;
	p->in_second = 0;
}

int guest_stream(struct guest *g, double seconds, const uint8_t *other_mac)
{
	struct frame_endpoints other = g->options.to_host;
	struct pace pace = { .slowest = UINT64_MAX };
	uint64_t to_host = 0, to_other = 0;
	bool next_other = false;
	double now, idle = 0;
	int r, progress;

	if (other_mac)
		memcpy(other.destination_mac, other_mac, sizeof(other.destination_mac));
	guest_ready(g);
	pace.start = guest_now();
	for (;;) {
		now = guest_now();
		pace_tick(&pace, now);
		if (now - pace.start >= seconds && !guest_tx_in_flight(g))
			break;
		if (!g->present)
			return guest_fail(g, -ENODEV, "the device was removed");
		progress = guest_poll_events(g);
		if (progress < 0)
			return progress;
		r = guest_tx_reclaim(g);
		if (r < 0)
			return r;
		progress += r;
		while (now - pace.start < seconds && !g->tx.broken) {
			if (next_other)
				r = stream_add(g, &other, to_other);
			else
				r = stream_add(g, &g->options.to_host, to_host);
			if (r <= 0)
				break;
			progress++;
			if (next_other) {
				to_other++;
				g->counters.frames_sent_other++;
			} else {
				to_host++;
				pace.in_second++;
				g->counters.frames_sent++;
				g->counters.bytes_sent += g->options.frame_size;
			}
			next_other = other_mac && !next_other;
		}
		if (r < 0)
			return r;
		ioq_produce_publish(&g->tx.producer);
		if (ioq_produce_should_notify(&g->tx.producer)) {
			r = guest_kick(g, g->tx.where.doorbell);
			if (r < 0)
				return r;
		}
		if (progress) {
			guest_progress(g, &idle);
			continue;
		}
		if (guest_keep_polling(g, &idle))
			continue;
		r = guest_wait(g, true, false);
		if (r < 0)
			return r;
	}
	g->counters.seconds = guest_now() - pace.start;
	g->counters.slowest_second = pace.slowest == UINT64_MAX ? 0 : pace.slowest;
	return 0;
}

/* Takes back filled RX buffers, counts them, posts them again. */
static int sink_reclaim(struct guest *g)
{
	struct ioq_buffer bufs[GUEST_BATCH];
	int n, i, total = 0, r;

	do {
		n = ioq_produce_reclaim_batch(&g->rx.producer, bufs, GUEST_BATCH);
		if (n < 0) {
			g->rx.broken = true;
			g->counters.protocol_errors++;
			return guest_fail(g, n, "RX queue: the host broke the ring protocol");
		}
		for (i = 0; i < n; i++) {
			if (!bufs[i].used)
				g->counters.frames_too_big++;
			g->counters.frames_received += !!bufs[i].used;
			g->counters.bytes_received += bufs[i].used;
		}
		if (n) {
			r = guest_rx_post(g, n);
			if (r < 0)
				return r;
		}
		total += n;
	} while (n == GUEST_BATCH);
	return total;
}

/* Asks for the interrupt and sleeps on it and stdin: 1 when stdin spoke. */
static int sink_sleep(struct guest *g, bool post)
{
	struct pollfd pfd[2] = { { .fd = 0, .events = POLLIN }, { .fd = g->call, .events = POLLIN } };
	int work = 0, r;
	char line[64];
	uint64_t value;

	if (post) {
		r = ioq_produce_enable_notify(&g->rx.producer);
		if (r < 0)
			return guest_fail(g, r, "RX queue: the host broke the ring protocol");
		work |= r;
	}
	r = ioq_consume_enable_notify(&g->events);
	if (r < 0)
		return guest_fail(g, r, "event queue: the host broke the ring protocol");
	work |= r;
	if (!work) {
		g->counters.sleeps++;
		r = poll(pfd, 2, g->options.timeout_ms);
		if (r < 0 && errno != EINTR)
			return guest_fail(g, -errno, "poll: %m");
		if (r == 0)
			return guest_fail(g, -ETIMEDOUT, "no word on stdin for %d ms",
					  g->options.timeout_ms);
		if (pfd[0].revents) {
			if (read(0, line, sizeof(line)) < 0)
				return guest_fail(g, -errno, "stdin: %m");
			return 1;
		}
		if (pfd[1].revents && read(g->call, &value, sizeof(value)) == sizeof(value)) {
			g->counters.interrupts++;
			g->counters.interrupt_signals += value;
		}
	}
	ioq_produce_disable_notify(&g->rx.producer);
	ioq_consume_disable_notify(&g->events);
	return 0;
}

int guest_sink(struct guest *g, bool post)
{
	double start;
	int r, progress;

	if (post) {
		r = guest_rx_post(g, g->rx.buffers);
		if (r < 0)
			return r;
	}
	guest_ready(g);
	start = guest_now();
	for (;;) {
		progress = guest_poll_events(g);
		if (progress < 0)
			return progress;
		if (post) {
			r = sink_reclaim(g);
			if (r < 0)
				return r;
			progress += r;
		}
		if (progress)
			continue;
		r = sink_sleep(g, post);
		if (r < 0)
			return r;
		if (r)
			break;
	}
	g->counters.seconds = guest_now() - start;
	return 0;
}

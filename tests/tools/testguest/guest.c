/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test guest's data path: venet TX and RX through include/vbus/ioq.h,
 * the event queue, and notifications only when the other side asked. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/vbus_dev.h>

#include "guest.h"

#define FRAME_SIZE_DEFAULT	128

int guest_fail(struct guest *g, int error, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(g->error, sizeof(g->error), format, ap);
	va_end(ap);
	return error;
}

double guest_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec + now.tv_nsec / 1e9;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* --- setup ---------------------------------------------------------------- */

static int find_slot(struct guest *g)
{
	struct vbus_region_slot slot;
	const char *why;
	uint32_t i;
	int r;

	for (i = 0; i < g->layout.device_count; i++) {
		r = vbus_region_read_slot(&g->layout, i, &slot, &why);
		if (r < 0)
			return guest_fail(g, r, "device table slot %u: %s", i, why);
		if (r == 0 || slot.type != VBUS_DEVICE_TYPE_VENET)
			continue;
		if (g->options.device_id >= 0 && slot.id != g->options.device_id)
			continue;
		g->slot = slot;
		g->present = true;
		return 0;
	}
	return guest_fail(g, -ENODEV, "no venet device%s in the device table",
			  g->options.device_id >= 0 ? " with that id" : "");
}

/* Buffers of one MTU-sized frame each, from half of the data area. */
static int queue_init(struct guest *g, struct guest_queue *q, unsigned int number,
		      uint32_t area_offset, uint32_t area_size)
{
	struct ioq_config config;
	int r;

	q->where = g->slot.queue[number];
	config = vbus_region_queue_config(&g->layout, &q->where);
	q->buffer_size = (g->slot.venet.mtu + 14 + 4 + VBUS_RING_ALIGN - 1) & ~(VBUS_RING_ALIGN - 1);
	q->buffers = area_size / q->buffer_size;
	if (q->buffers > q->where.count)
		q->buffers = q->where.count;
	if (!q->buffers)
		return guest_fail(g, -ENOSPC, "data area too small for one %u-byte buffer",
				  q->buffer_size);
	q->buffer_offset = area_offset;
	q->shadow = calloc(q->where.count, sizeof(*q->shadow));
	if (!q->shadow)
		return guest_fail(g, -ENOMEM, "out of memory");
	r = ioq_producer_init(&q->producer, &config, q->shadow);
	if (r < 0)
		return guest_fail(g, r, "queue %u: ring does not fit its region", number);
	/* Busy until we decide to wait: no completion notifications. */
	ioq_produce_disable_notify(&q->producer);
	return 0;
}

int guest_init(struct guest *g, void *region, uint32_t size, const int kick[VBUS_REGION_VECTORS_MAX],
	       int call, const struct guest_options *options)
{
	struct ioq_config config;
	uint32_t half;
	const char *why;
	int r;

	memset(g, 0, sizeof(*g));
	g->options = *options;
	if (!g->options.frame_size)
		g->options.frame_size = FRAME_SIZE_DEFAULT;
	if (!g->options.timeout_ms)
		g->options.timeout_ms = GUEST_TIMEOUT_DEFAULT;
	memcpy(g->kick, kick, sizeof(g->kick));
	g->call = call;
	r = vbus_region_read_layout(region, size, &g->layout, &why);
	if (r < 0)
		return guest_fail(g, r, "region header: %s", why);
	config = vbus_region_event_config(&g->layout);
	r = ioq_consumer_init(&g->events, &config);
	if (r < 0)
		return guest_fail(g, r, "event queue does not fit the region");
	ioq_consume_disable_notify(&g->events);
	r = find_slot(g);
	if (r < 0)
		return r;
	half = g->layout.data_size / 2 & ~(VBUS_RING_ALIGN - 1);
	r = queue_init(g, &g->tx, VBUS_VENET_QUEUE_TX, g->layout.data_offset, half);
	if (r < 0)
		return r;
	r = queue_init(g, &g->rx, VBUS_VENET_QUEUE_RX, g->layout.data_offset + half, half);
	if (r < 0)
		return r;
	/* The window is what a guest's socket send buffer (wmem) bounds. */
	if (g->options.window && g->options.window < g->tx.buffers)
		g->tx.buffers = g->options.window;
	if (g->options.frame_size < FRAME_MIN || g->options.frame_size > g->tx.buffer_size)
		return guest_fail(g, -EINVAL, "frame size %u outside [%u, %u] (the MTU's buffer)",
				  g->options.frame_size, FRAME_MIN, g->tx.buffer_size);
	memcpy(g->options.to_host.source_mac, g->slot.venet.mac, VBUS_MAC_LEN);
	return 0;
}

void guest_free(struct guest *g)
{
	free(g->tx.shadow);
	free(g->rx.shadow);
	free(g->bitmap);
	g->tx.shadow = g->rx.shadow = NULL;
	g->bitmap = NULL;
}

/*
 * With --ready: attached and set up, say so and wait for a line on stdin
 * (or its end), so that a test can configure the host interface, which
 * exists only while a guest is attached, before any frame moves.
 */
void guest_ready(struct guest *g)
{
	char line[16];

	if (!g->options.announce)
		return;
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		clearerr(stdin);
}

/* --- notifications -------------------------------------------------------- */

int guest_kick(struct guest *g, uint16_t vector)
{
	uint64_t one = 1;

	if (vector >= VBUS_REGION_VECTORS_MAX || g->kick[vector] < 0)
		return guest_fail(g, -ENXIO, "no doorbell eventfd for vector %u", vector);
	if (write(g->kick[vector], &one, sizeof(one)) != sizeof(one))
		return guest_fail(g, -errno, "doorbell %u: write: %m", vector);
	g->counters.doorbells++;
	return 0;
}

/* After publishing: ring the queue's doorbell only if the host asked. */
static int queue_notify(struct guest *g, struct guest_queue *q)
{
	if (!ioq_produce_should_notify(&q->producer))
		return 0;
	return guest_kick(g, q->where.doorbell);
}

static int queue_broken(struct guest *g, struct guest_queue *q, const char *name, int r)
{
	q->broken = true;
	g->counters.protocol_errors++;
	return guest_fail(g, r, "%s queue: the host broke the ring protocol", name);
}

/* --- event queue ---------------------------------------------------------- */

static void handle_event(struct guest *g, const struct vbus_region_event *event)
{
	uint16_t type = event->type, slot = event->slot;
	uint32_t device = event->device;
	bool ours = g->present && slot == g->slot.index && device == g->slot.id;
	struct vbus_region_slot fresh;
	const char *why;

	g->counters.events++;
	switch (type) {
	case VBUS_EVENTQ_QUEUE_WORK:
		g->counters.events_queue_work++;
		break;
	case VBUS_EVENTQ_DEVICE_ADDED:
		g->counters.events_added++;
		break;
	case VBUS_EVENTQ_DEVICE_REMOVED:
		g->counters.events_removed++;
		if (ours)
			g->present = false;
		break;
	case VBUS_EVENTQ_CONFIG_CHANGED:
		g->counters.events_config++;
		if (ours && vbus_region_read_slot(&g->layout, slot, &fresh, &why) == 1 &&
		    fresh.id == g->slot.id) {
			memcpy(g->slot.venet.mac, fresh.venet.mac, VBUS_MAC_LEN);
			g->slot.venet.mtu = fresh.venet.mtu;
			g->slot.venet.features = fresh.venet.features;
			g->slot.generation = fresh.generation;
		}
		break;
	default:
		g->counters.events_stale++;
		return;
	}
	if (!ours && type != VBUS_EVENTQ_DEVICE_ADDED)
		g->counters.events_stale++;
}

/* Drains the event queue: the number of events, or -EPROTO. Descriptors go
 * back to the host, which is rung (VBUS_DEV_EVENTQ_VECTOR) only if it waits
 * for them. */
int guest_poll_events(struct guest *g)
{
	struct ioq_buffer bufs[GUEST_BATCH];
	struct vbus_region_event event;
	const char *why;
	int n, i, total = 0, r;

	if (g->events_broken)
		return 0;
	do {
		n = ioq_consume_get_batch(&g->events, bufs, GUEST_BATCH);
		for (i = 0; i < n; i++) {
			/*
			 * Copied once and checked: the host may change the entry.
			 * One that names no slot of ours is dropped as stale (a
			 * hostile run corrupts its own entries too); the ring
			 * itself still has to follow the rules.
			 */
			if (vbus_region_read_event(&g->layout, &bufs[i], &event, &why) < 0)
				g->counters.events_stale++;
			else
				handle_event(g, &event);
			r = ioq_consume_put(&g->events, &bufs[i], sizeof(struct vbus_eventq_entry));
			if (r < 0) {
				n = r;
				break;
			}
		}
		if (n < 0) {
			g->events_broken = true;
			g->counters.protocol_errors++;
			return guest_fail(g, n, "event queue: the host broke the ring protocol");
		}
		ioq_consume_publish(&g->events);
		total += n;
	} while (n == GUEST_BATCH);
	if (ioq_consume_should_notify(&g->events)) {
		r = guest_kick(g, VBUS_DEV_EVENTQ_VECTOR);
		if (r < 0)
			return r;
	}
	return total;
}

/*
 * Idle: ask for the notifications we wait for, re-check (enable-then-
 * recheck), and sleep on the bus interrupt only if nothing arrived. The
 * device queues are enabled before the event queue, so a completion that
 * races with us is seen by one of the re-checks or raises the interrupt.
 */
int guest_wait(struct guest *g, bool tx, bool rx)
{
	struct pollfd pfd = { .fd = g->call, .events = POLLIN };
	int work = 0, r;
	uint64_t value;

	if (tx && !g->tx.broken) {
		/* Called back when 3/4 of the frames in flight are sent. */
		r = ioq_produce_enable_notify_delayed(&g->tx.producer);
		if (r < 0)
			return queue_broken(g, &g->tx, "TX", r);
		work |= r;
	}
	if (rx && !g->rx.broken) {
		r = ioq_produce_enable_notify(&g->rx.producer);
		if (r < 0)
			return queue_broken(g, &g->rx, "RX", r);
		work |= r;
	}
	if (!g->events_broken) {
		r = ioq_consume_enable_notify(&g->events);
		if (r < 0) {
			g->events_broken = true;
			g->counters.protocol_errors++;
			return guest_fail(g, r, "event queue: the host broke the ring protocol");
		}
		work |= r;
	}
	if (!work) {
		g->counters.sleeps++;
		r = poll(&pfd, 1, g->options.timeout_ms);
		if (r < 0 && errno != EINTR)
			return guest_fail(g, -errno, "poll on the bus interrupt: %m");
		if (r == 0)
			return guest_fail(g, -ETIMEDOUT, "no progress and no interrupt for %d ms",
					  g->options.timeout_ms);
		if (r > 0 && read(g->call, &value, sizeof(value)) == sizeof(value)) {
			g->counters.interrupts++;
			g->counters.interrupt_signals += value;
		}
	}
	ioq_produce_disable_notify(&g->tx.producer);
	ioq_produce_disable_notify(&g->rx.producer);
	ioq_consume_disable_notify(&g->events);
	return 0;
}

/* --- transmit ------------------------------------------------------------- */

/* Takes back what the host has sent: the number of buffers, or -EPROTO. */
int guest_tx_reclaim(struct guest *g)
{
	struct ioq_buffer bufs[GUEST_BATCH];
	int n, total = 0;

	if (g->tx.broken)
		return 0;
	do {
		n = ioq_produce_reclaim_batch(&g->tx.producer, bufs, GUEST_BATCH);
		if (n < 0)
			return queue_broken(g, &g->tx, "TX", n);
		total += n;
	} while (n == GUEST_BATCH);
	return total;
}

uint32_t guest_tx_in_flight(const struct guest *g)
{
	return g->tx.producer.head - g->tx.producer.reclaimed;
}

/* Adds frames *next.. while buffers are free, publishes, kicks if asked:
 * the number added, or a negative errno. */
int guest_tx_fill(struct guest *g, uint64_t *next, uint64_t count)
{
	struct guest_queue *q = &g->tx;
	uint32_t size = g->options.frame_size;
	struct ioq_buffer buf;
	int added = 0, r;

	if (q->broken)
		return 0;
	while (*next < count && guest_tx_in_flight(g) < q->buffers && ioq_produce_space(&q->producer)) {
		buf = (struct ioq_buffer) {
			.offset = q->buffer_offset + q->producer.head % q->buffers * q->buffer_size,
			.length = size,
			.cookie = (uint32_t)*next,
		};
		frame_build((uint8_t *)g->layout.region + buf.offset, size, &g->options.to_host,
			    *next);
		r = ioq_produce_add(&q->producer, &buf);
		if (r < 0)
			return guest_fail(g, r, "TX: cannot add a buffer");
		(*next)++;
		added++;
		g->counters.frames_sent++;
		g->counters.bytes_sent += size;
	}
	ioq_produce_publish(&q->producer);
	r = queue_notify(g, q);
	return r < 0 ? r : added;
}

/*
 * No progress: poll for up to poll_us (the signaled/polled hybrid, as the
 * host's worker) before sleeping. true: keep polling; false: sleep now.
 * *idle is when the idle moment began (0: it has not).
 */
bool guest_keep_polling(struct guest *g, double *idle)
{
	double now;

	if (!g->options.poll_us)
		return false;
	now = guest_now();
	if (!*idle) {
		*idle = now;
		g->counters.polls++;
	}
	if (now - *idle < g->options.poll_us * 1e-6) {
		cpu_relax();
		return true;
	}
	*idle = 0;
	return false;
}

/* Progress after an idle moment began: the poll found work. */
void guest_progress(struct guest *g, double *idle)
{
	if (*idle)
		g->counters.poll_hits++;
	*idle = 0;
}

int guest_send(struct guest *g, uint64_t count)
{
	uint64_t next = 0;
	double start, idle = 0;
	int r, progress;

	guest_ready(g);
	start = guest_now();
	while (next < count || guest_tx_in_flight(g)) {
		if (!g->present)
			return guest_fail(g, -ENODEV, "the device was removed");
		progress = guest_poll_events(g);
		if (progress < 0)
			return progress;
		r = guest_tx_reclaim(g);
		if (r < 0)
			return r;
		progress += r;
		r = guest_tx_fill(g, &next, count);
		if (r < 0)
			return r;
		progress += r;
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
	g->counters.seconds = guest_now() - start;
	return 0;
}

/* --- receive -------------------------------------------------------------- */

int guest_rx_post(struct guest *g, uint32_t buffers)
{
	struct guest_queue *q = &g->rx;
	struct ioq_buffer buf;
	uint32_t i;
	int r;

	for (i = 0; i < buffers; i++) {
		buf = (struct ioq_buffer) {
			.offset = q->buffer_offset + q->producer.head % q->buffers * q->buffer_size,
			.length = q->buffer_size,
			.cookie = q->producer.head,
		};
		r = ioq_produce_add(&q->producer, &buf);
		if (r < 0)
			return guest_fail(g, r, "RX: cannot post a buffer");
	}
	ioq_produce_publish(&q->producer);
	return queue_notify(g, q);
}

static void rx_frame(struct guest *g, const struct ioq_buffer *buf, uint64_t count)
{
	uint64_t sequence;
	int r;

	if (!buf->used) {
		g->counters.frames_too_big++;
		return;
	}
	/* Copied once, then checked: the host could still write the buffer. */
	memcpy(g->frame, buf->data, buf->used);
	r = frame_check(g->frame, buf->used, &g->options.from_host, &sequence);
	if (r == -ENOMSG) {
		g->counters.frames_foreign++;
		return;
	}
	if (r < 0 || sequence >= count) {
		g->counters.frames_bad++;
		return;
	}
	if (g->bitmap[sequence / 8] & 1 << sequence % 8) {
		g->counters.frames_duplicate++;
		return;
	}
	g->bitmap[sequence / 8] |= 1 << sequence % 8;
	if (sequence < g->expected)
		g->counters.frames_reordered++;
	else if (sequence > g->expected)
		g->counters.frames_gaps++;
	if (sequence >= g->expected)
		g->expected = sequence + 1;
	g->counters.frames_received++;
	g->counters.bytes_received += buf->used;
}

/* Verifies filled buffers and posts them again: their number, or -EPROTO. */
static int rx_reclaim(struct guest *g, uint64_t count)
{
	struct ioq_buffer bufs[GUEST_BATCH];
	int n, i, total = 0, r;

	do {
		n = ioq_produce_reclaim_batch(&g->rx.producer, bufs, GUEST_BATCH);
		if (n < 0)
			return queue_broken(g, &g->rx, "RX", n);
		for (i = 0; i < n; i++)
			rx_frame(g, &bufs[i], count);
		if (n) {
			r = guest_rx_post(g, n);
			if (r < 0)
				return r;
		}
		total += n;
	} while (n == GUEST_BATCH);
	return total;
}

int guest_receive(struct guest *g, uint64_t count)
{
	double start = 0;
	int r, progress;

	double idle = 0;

	g->bitmap = calloc(count / 8 + 1, 1);
	if (!g->bitmap)
		return guest_fail(g, -ENOMEM, "out of memory");
	r = guest_rx_post(g, g->rx.buffers);
	if (r < 0)
		return r;
	/* A host sender may start now: nothing it sends is dropped for want
	 * of a buffer posted late. */
	guest_ready(g);
	while (g->counters.frames_received < count) {
		if (!g->present)
			return guest_fail(g, -ENODEV, "the device was removed");
		progress = guest_poll_events(g);
		if (progress < 0)
			return progress;
		r = rx_reclaim(g, count);
		if (r < 0)
			return r;
		if (r && !start)
			start = guest_now();
		progress += r;
		if (progress) {
			guest_progress(g, &idle);
			continue;
		}
		if (guest_keep_polling(g, &idle))
			continue;
		r = guest_wait(g, false, true);
		if (r < 0)
			return r;
	}
	g->counters.seconds = start ? guest_now() - start : 0;
	return 0;
}

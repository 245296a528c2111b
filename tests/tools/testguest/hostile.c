/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hostile guest: sends while it writes random and adversarial values
 * into every structure of the region and keeps ringing every doorbell. It
 * uses its own ring state only through ioq.h's checks, so whatever it (or
 * the host) writes, it never reads or writes outside the region. */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "guest.h"
#include "macro.h"

#define HOSTILE_EVERY		32	/* rounds per corruption, on average */
#define HOSTILE_CHECK_EVERY	64	/* rounds per look at the host's verdict */

/* splitmix64: reproducible from --seed. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(uint64_t *state, uint32_t bound)
{
	return bound ? next_random(state) % bound : 0;
}

/* A value chosen to break a rule: past an end, wrapping, huge, or random. */
static uint32_t adversarial(struct guest *g, uint64_t *state)
{
	uint32_t data_end = g->layout.data_offset + g->layout.data_size;
	const uint32_t values[] = {
		0, 1, 0xffffffff, 0x80000000, 0xfffff000, g->layout.size,
		g->layout.size - 1, data_end, data_end - 8, g->layout.data_offset - 64,
		g->layout.data_size + 1, (uint32_t)next_random(state),
	};

	return values[below(state, ELEMENTSOF(values))];
}

static uint8_t *at(struct guest *g, uint32_t offset)
{
	return (uint8_t *)g->layout.region + offset;
}

static struct vbus_ioq_ring *ring_at(struct guest *g, uint32_t offset)
{
	return (struct vbus_ioq_ring *)at(g, offset);
}

/* An index: more than a ring ahead, moving back, or anything. */
static void corrupt_index(struct guest *g, __le32 *index, uint32_t count, uint64_t *state)
{
	uint32_t now = ioq_read_le32(index);
	const uint32_t values[] = { now + count + 1, now - 1, now + 0x80000000u,
				    adversarial(g, state) };

	ioq_write_le32(index, values[below(state, 4)]);
}

/* An event index (only a hint to the notifier): near, far, or anything. */
static void corrupt_event(struct guest *g, __le32 *event, uint64_t *state)
{
	uint32_t now = ioq_read_le32(event);
	const uint32_t values[] = { now - 1, now + 1, now + 0x80000000u,
				    adversarial(g, state) };

	ioq_write_le32(event, values[below(state, 4)]);
}

static void corrupt_descriptor(struct guest *g, struct vbus_ioq_desc *desc, uint64_t *state)
{
	switch (below(state, 5)) {
	case 0:
		ioq_write_le32(&desc->offset, adversarial(g, state));
		break;
	case 1:
		ioq_write_le32(&desc->length, adversarial(g, state));
		break;
	case 2:	/* offset + length wraps around 2^32 */
		ioq_write_le32(&desc->offset, 0xffffff00u);
		ioq_write_le32(&desc->length, 0x200);
		break;
	case 3:
		ioq_write_le16(&desc->flags, next_random(state));
		break;
	default:
		ioq_write_le32(&desc->cookie, next_random(state));
		break;
	}
}

/* One of a ring's header, two indices, two events, or a descriptor. */
static void corrupt_ring(struct guest *g, uint32_t offset, uint32_t count, uint64_t *state)
{
	struct vbus_ioq_ring *ring = ring_at(g, offset);

	switch (below(state, 7)) {
	case 0:
		ioq_write_le32(below(state, 2) ? &ring->magic : &ring->count,
			       adversarial(g, state));
		break;
	case 1:
		corrupt_index(g, &ring->producer_index.value, count, state);
		break;
	case 2:
		corrupt_index(g, &ring->consumer_index.value, count, state);
		break;
	case 3:
		corrupt_event(g, &ring->producer_event.value, state);
		break;
	case 4:
		corrupt_event(g, &ring->consumer_event.value, state);
		break;
	default:
		corrupt_descriptor(g, &ring->desc[below(state, count)], state);
		break;
	}
}

static void corrupt_slot(struct guest *g, uint64_t *state)
{
	struct vbus_device_slot *slot;
	__le32 *words;

	if (!g->layout.device_count)
		return;
	slot = (struct vbus_device_slot *)at(g, g->layout.device_offset) +
	       below(state, g->layout.device_count);
	words = (__le32 *)slot;
	ioq_write_le32(&words[below(state, sizeof(*slot) / 4)], adversarial(g, state));
}

/* A TX buffer whose length the device model must refuse, not the ring. */
static void odd_frame(struct guest *g, uint64_t *state)
{
	const uint32_t lengths[] = { 0, 1, 13, 14, g->tx.buffer_size };
	struct ioq_buffer buf = {
		.offset = g->tx.buffer_offset + g->tx.producer.head % g->tx.buffers *
						g->tx.buffer_size,
		.length = lengths[below(state, 5)],
	};
	uint32_t i;

	if (g->tx.broken || !ioq_produce_space(&g->tx.producer) ||
	    g->tx.producer.head - g->tx.producer.reclaimed >= g->tx.buffers)
		return;
	for (i = 0; i < buf.length; i++)
		ioq_write_u8(at(g, buf.offset + i), next_random(state));
	if (ioq_produce_add(&g->tx.producer, &buf) == 0)
		ioq_produce_publish(&g->tx.producer);
}

static void corrupt(struct guest *g, uint64_t *state)
{
	__le32 *header = (__le32 *)g->layout.region;
	struct guest_queue *q = below(state, 2) ? &g->tx : &g->rx;
	uint32_t entries = g->layout.event_count * sizeof(struct vbus_eventq_entry);

	g->counters.corruptions++;
	switch (below(state, 8)) {
	case 0:
	case 1:
		corrupt_ring(g, q->where.offset, q->where.count, state);
		break;
	case 2:
		corrupt_ring(g, g->layout.event_offset, g->layout.event_count, state);
		break;
	case 3:
		ioq_write_le32((__le32 *)at(g, g->layout.event_entry_offset +
					       (below(state, entries) & ~3u)),
			       adversarial(g, state));
		break;
	case 4:
		corrupt_slot(g, state);
		break;
	case 5:
		/* The host's lines: a reset request is no attack. */
		ioq_write_le32(&header[below(state, offsetof(struct vbus_region_header,
							     reset_request) / 4)],
			       adversarial(g, state));
		break;
	case 6:
		odd_frame(g, state);
		break;
	default:
		ioq_write_u8(at(g, below(state, g->layout.size)), next_random(state));
		break;
	}
}

/* The queues' doorbells, the event queue's, and one vector at random. */
static void kick(struct guest *g, uint64_t *state)
{
	const uint16_t vectors[] = {
		g->tx.where.doorbell, g->rx.where.doorbell, 0, below(state, VBUS_REGION_VECTORS_MAX),
	};
	unsigned int i;

	for (i = 0; i < ELEMENTSOF(vectors); i++)
		if (g->kick[vectors[i]] >= 0)
			guest_kick(g, vectors[i]);
}

int guest_hostile(struct guest *g, double until, uint64_t *state)
{
	struct pollfd pfd = { .fd = g->call, .events = POLLIN };
	double start = guest_now();
	uint64_t next = 0, value, round;
	int progress, broken = 0;

	for (round = 0; !broken && guest_now() < until; round++) {
		/* Errors are expected here: a queue that failed is not used again. */
		progress = guest_poll_events(g) > 0;
		progress |= guest_tx_reclaim(g) > 0;
		progress |= guest_tx_fill(g, &next, UINT64_MAX) > 0;
		if (below(state, HOSTILE_EVERY) == 0)
			corrupt(g, state);
		kick(g, state);
		/* Nothing moves (the host stopped serving): wait a little for it. */
		if (!progress && poll(&pfd, 1, 1) > 0 &&
		    read(g->call, &value, sizeof(value)) == sizeof(value)) {
			g->counters.interrupts++;
			g->counters.interrupt_signals += value;
		}
		if (g->host_broken && round % HOSTILE_CHECK_EVERY == 0)
			broken = g->host_broken(g->host_context) > 0;
	}
	g->counters.seconds = guest_now() - start;
	return broken;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An in-memory host for the test guest's unit tests: it lays a region out
 * as vbus.ko does (one venet slot), and a thread serves it with ioq.h —
 * consumes TX, fills RX, posts events, raises the "interrupt" eventfd — so
 * the guest's logic is proven without /dev/vbus. A fake: not vbus.ko. */
#ifndef VBUS_INMEMORY_HOST_H
#define VBUS_INMEMORY_HOST_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "testguest/guest.h"

#define HOST_REGION_SIZE	(512U << 10)
#define HOST_EVENT_COUNT	16
#define HOST_QUEUE_COUNT	256
#define HOST_DEVICE_ID		7
#define HOST_SLOTS		2
#define HOST_DOORBELL_TX	1
#define HOST_DOORBELL_RX	2
#define HOST_BATCH		32
#define HOST_BUS_NAME		"inmem0"

static const uint8_t host_uuid[VBUS_UUID_LEN] = {
	0x6e, 0x2f, 0x0b, 0x1c, 0x3a, 0x5d, 0x4e, 0x8f, 0x9a, 0x01, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
};
/* The device table: after the header, on the next VBUS_RING_ALIGN. */
#define HOST_DEVICE_OFFSET	(((sizeof(struct vbus_region_header) + VBUS_RING_ALIGN - 1) / VBUS_RING_ALIGN) * VBUS_RING_ALIGN)

struct inmemory_host {
	void *region;
	struct vbus_region_layout layout;	/* the host's private copy */
	uint32_t tx_offset, rx_offset;
	struct ioq_consumer tx __attribute__((aligned(128)));
	struct ioq_consumer rx __attribute__((aligned(128)));
	struct ioq_producer events __attribute__((aligned(128)));
	struct ioq_shadow event_shadow[HOST_EVENT_COUNT];
	int kick;			/* every vector: one eventfd */
	int call;
	int guest_kick[VBUS_REGION_VECTORS_MAX];
	pthread_t thread;
	atomic_bool stop;
	atomic_bool broken;
	/* What it does: send frames 0..to_send-1 (corrupt_sequence: one bad). */
	uint64_t to_send, sent;
	uint64_t corrupt_sequence;
	uint64_t hostile_seed;		/* not 0: write garbage into the region */
	uint32_t frame_size;
	struct frame_endpoints endpoints;
	/* What it saw. */
	uint64_t received, received_bad, received_reordered, kicks, interrupts;
	uint64_t next_expected;
};

/* The layout vbus.ko would write: header, slots, event queue, entries, two
 * device ioqs, then the data window. */
static inline void host_layout(struct inmemory_host *h)
{
	struct vbus_region_layout *l = &h->layout;
	struct vbus_region_header *header = h->region;
	struct vbus_device_slot *slot;
	struct ioq_config config;
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x07 };

	l->region = h->region;
	l->size = HOST_REGION_SIZE;
	l->device_offset = HOST_DEVICE_OFFSET;
	l->device_count = HOST_SLOTS;
	l->event_offset = HOST_DEVICE_OFFSET + HOST_SLOTS * sizeof(*slot);
	l->event_count = HOST_EVENT_COUNT;
	l->event_entry_offset = l->event_offset + ioq_ring_size(HOST_EVENT_COUNT);
	h->tx_offset = l->event_entry_offset + HOST_EVENT_COUNT * sizeof(struct vbus_eventq_entry);
	h->rx_offset = h->tx_offset + ioq_ring_size(HOST_QUEUE_COUNT);
	l->data_offset = (h->rx_offset + ioq_ring_size(HOST_QUEUE_COUNT) + 4095) & ~4095u;
	l->data_size = HOST_REGION_SIZE - l->data_offset;

	memset(h->region, 0, HOST_REGION_SIZE);
	header->magic = htole32(VBUS_REGION_MAGIC);
	header->version = htole32(VBUS_RING_VERSION);
	header->size = htole32(l->size);
	header->device_offset = htole32(l->device_offset);
	header->device_count = htole32(l->device_count);
	header->event_offset = htole32(l->event_offset);
	header->event_count = htole32(l->event_count);
	header->event_entry_offset = htole32(l->event_entry_offset);
	header->data_offset = htole32(l->data_offset);
	header->data_size = htole32(l->data_size);
	strcpy(header->name, HOST_BUS_NAME);
	memcpy(header->uuid, host_uuid, VBUS_UUID_LEN);
	header->flags = htole32(VBUS_REGION_F_UUID);

	slot = (struct vbus_device_slot *)((uint8_t *)h->region + l->device_offset);
	slot->id = htole32(HOST_DEVICE_ID);
	slot->type = htole32(VBUS_DEVICE_TYPE_VENET);
	slot->state = htole32(VBUS_SLOT_PRESENT);
	slot->queue_count = htole32(2);
	slot->queue[VBUS_VENET_QUEUE_TX].offset = htole32(h->tx_offset);
	slot->queue[VBUS_VENET_QUEUE_TX].doorbell = htole16(HOST_DOORBELL_TX);
	slot->queue[VBUS_VENET_QUEUE_RX].offset = htole32(h->rx_offset);
	slot->queue[VBUS_VENET_QUEUE_RX].doorbell = htole16(HOST_DOORBELL_RX);
	memcpy(slot->config.venet.mac, mac, 6);
	slot->config.venet.mtu = htole32(1500);

	config = vbus_region_event_config(l);
	ioq_format(&config);
	ioq_producer_init(&h->events, &config, h->event_shadow);
	config = vbus_region_queue_config(l, &(struct vbus_region_queue){ .offset = h->tx_offset,
							      .count = HOST_QUEUE_COUNT });
	ioq_format(&config);
	ioq_consumer_init(&h->tx, &config);
	config = vbus_region_queue_config(l, &(struct vbus_region_queue){ .offset = h->rx_offset,
							      .count = HOST_QUEUE_COUNT });
	ioq_format(&config);
	ioq_consumer_init(&h->rx, &config);
}

static inline void host_break(struct inmemory_host *h)
{
	struct vbus_region_header *header = h->region;

	atomic_store(&h->broken, true);
	ioq_write_le32(&header->state, VBUS_BUS_STATE_BROKEN);
}

static inline void host_post(struct inmemory_host *h, uint16_t type, uint16_t queue)
{
	struct vbus_eventq_entry entry = {
		.type = htole16(type), .queue = htole16(queue), .slot = 0,
		.device = htole32(HOST_DEVICE_ID),
	};
	struct ioq_buffer buf;
	uint64_t one = 1;

	while (ioq_produce_reclaim(&h->events, &buf) > 0)
		;
	buf = (struct ioq_buffer) {
		.offset = h->layout.event_entry_offset +
			  (h->events.head & (HOST_EVENT_COUNT - 1)) * sizeof(entry),
		.length = sizeof(entry),
	};
	if (!ioq_produce_space(&h->events))
		return;		/* the guest does not drain: its problem */
	memcpy((uint8_t *)h->region + buf.offset, &entry, sizeof(entry));
	ioq_produce_add(&h->events, &buf);
	ioq_produce_publish(&h->events);
	if (ioq_produce_should_notify(&h->events)) {
		h->interrupts++;
		if (write(h->call, &one, sizeof(one)) != sizeof(one))
			abort();
	}
}

static inline void host_check(struct inmemory_host *h, const struct ioq_buffer *buf)
{
	uint8_t frame[GUEST_BUFFER_MAX];
	uint64_t sequence;

	if (buf->length > sizeof(frame)) {
		h->received_bad++;
		return;
	}
	memcpy(frame, buf->data, buf->length);
	if (frame_check(frame, buf->length, &h->endpoints, &sequence) < 0) {
		h->received_bad++;
		return;
	}
	if (sequence != h->next_expected)
		h->received_reordered++;
	h->next_expected = sequence + 1;
	h->received++;
}

/* One pass over TX: the buffers taken, or -EPROTO. */
static inline int host_serve_tx(struct inmemory_host *h)
{
	struct ioq_buffer bufs[HOST_BATCH];
	int n, i;

	n = ioq_consume_get_batch(&h->tx, bufs, HOST_BATCH);
	for (i = 0; i < n; i++) {
		host_check(h, &bufs[i]);
		if (ioq_consume_put(&h->tx, &bufs[i], bufs[i].length) < 0)
			return -EPROTO;
	}
	ioq_consume_publish(&h->tx);
	if (ioq_consume_should_notify(&h->tx))
		host_post(h, VBUS_EVENTQ_QUEUE_WORK, VBUS_VENET_QUEUE_TX);
	return n;
}

/* One pass over RX: frames sent into posted buffers, or -EPROTO. */
static inline int host_serve_rx(struct inmemory_host *h)
{
	struct ioq_buffer bufs[HOST_BATCH];
	uint32_t size = h->frame_size;
	int n, i;

	if (h->sent == h->to_send)
		return 0;
	n = ioq_consume_get_batch(&h->rx, bufs, HOST_BATCH);
	for (i = 0; i < n; i++) {
		if (h->sent == h->to_send || bufs[i].length < size) {
			if (ioq_consume_put(&h->rx, &bufs[i], 0) < 0)
				return -EPROTO;
			continue;
		}
		frame_build(bufs[i].data, size, &h->endpoints, h->sent);
		if (h->sent == h->corrupt_sequence)
			((uint8_t *)bufs[i].data)[size - 1] ^= 0xff;
		h->sent++;
		if (ioq_consume_put(&h->rx, &bufs[i], size) < 0)
			return -EPROTO;
	}
	ioq_consume_publish(&h->rx);
	if (ioq_consume_should_notify(&h->rx))
		host_post(h, VBUS_EVENTQ_QUEUE_WORK, VBUS_VENET_QUEUE_RX);
	return n;
}

/* Idle: enable-then-recheck on both queues, then sleep on the doorbells. */
static inline int host_wait(struct inmemory_host *h)
{
	struct pollfd pfd = { .fd = h->kick, .events = POLLIN };
	uint64_t value;
	int a, b;

	a = ioq_consume_enable_notify(&h->tx);
	b = ioq_consume_enable_notify(&h->rx);
	if (a < 0 || b < 0)
		return -EPROTO;
	if (!a && !b && poll(&pfd, 1, 20) > 0 &&
	    read(h->kick, &value, sizeof(value)) == sizeof(value))
		h->kicks++;
	ioq_consume_disable_notify(&h->tx);
	ioq_consume_disable_notify(&h->rx);
	return 0;
}

/* A broken host: a random word of the region (layout, rings, events,
 * frames) gets a random value, and the guest is rung for nothing. */
static inline void host_vandalise(struct inmemory_host *h)
{
	uint64_t z = (h->hostile_seed += 0x9e3779b97f4a7c15ULL), one = 1;
	__le32 *word;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	word = (__le32 *)h->region + (z >> 32) % (HOST_REGION_SIZE / 4);
	ioq_write_le32(word, z & 1 ? (uint32_t)z : (uint32_t)z & 0xffff);
	if (write(h->call, &one, sizeof(one)) != sizeof(one))
		abort();
}

static inline void *host_thread(void *arg)
{
	struct inmemory_host *h = arg;
	int spins = 0, tx, rx;

	ioq_consume_disable_notify(&h->tx);
	ioq_consume_disable_notify(&h->rx);
	while (!atomic_load(&h->stop)) {
		if (atomic_load(&h->broken)) {
			/* A broken bus is not served: wait to be stopped. */
			poll(NULL, 0, 1);
			continue;
		}
		if (h->hostile_seed)
			host_vandalise(h);
		tx = host_serve_tx(h);
		rx = host_serve_rx(h);
		if (tx < 0 || rx < 0) {
			host_break(h);
			continue;
		}
		if (tx || rx) {
			spins = 0;
			continue;
		}
		if (++spins < 64)
			continue;
		spins = 0;
		if (host_wait(h) < 0)
			host_break(h);
	}
	return NULL;
}

/* Lays the region out, posts DEVICE_ADDED, makes the eventfds. */
static inline int host_setup(struct inmemory_host *h)
{
	int i;

	memset(h, 0, sizeof(*h));
	h->region = aligned_alloc(4096, HOST_REGION_SIZE);
	h->kick = eventfd(0, EFD_NONBLOCK);
	h->call = eventfd(0, EFD_NONBLOCK);
	if (!h->region || h->kick < 0 || h->call < 0)
		return -ENOMEM;
	for (i = 0; i < VBUS_REGION_VECTORS_MAX; i++)
		h->guest_kick[i] = i <= HOST_DOORBELL_RX ? h->kick : -1;
	h->frame_size = 128;
	h->corrupt_sequence = UINT64_MAX;
	frame_endpoints_default(&h->endpoints, true);
	host_layout(h);
	host_post(h, VBUS_EVENTQ_DEVICE_ADDED, 0);
	return 0;
}

/* The endpoints frames from the host carry, for sending. */
static inline void host_start(struct inmemory_host *h, uint64_t to_send)
{
	h->to_send = to_send;
	frame_endpoints_default(&h->endpoints, to_send == 0);
	pthread_create(&h->thread, NULL, host_thread, h);
}

static inline void host_stop(struct inmemory_host *h)
{
	atomic_store(&h->stop, true);
	pthread_join(h->thread, NULL);
}

static inline void host_teardown(struct inmemory_host *h)
{
	close(h->kick);
	close(h->call);
	free(h->region);
}

#endif

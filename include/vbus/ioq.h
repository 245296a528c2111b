/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ioq: the one implementation of the vbus ring (include/uapi/linux/vbus_ring.h),
 * header-only, compiled unchanged into vbus.ko, the guest drivers, the
 * userspace test guest and the ring benchmark.
 *
 * Each side of a queue keeps a private handle: struct ioq_producer or struct
 * ioq_consumer. The handle, not the shared ring, is the truth about this
 * side's own indices and about the ring's geometry; the shared ring is only
 * read for what the other side writes, and every such value is read once,
 * checked, and used from the local copy. A value that breaks the protocol
 * makes the call return -EPROTO, which the caller turns into "bus broken".
 *
 * Functions returning int give a count or 1/0 for "got one"/"none", and a
 * negative errno: -EPROTO for the other side's fault, -EINVAL or -ENOSPC
 * for the caller's. Nothing here sleeps or allocates; a handle is used by
 * one thread at a time. Keep a producer's and a consumer's handle on cache
 * lines of their own (____cacheline_aligned_in_smp in the kernel): sharing
 * one costs a line transfer per message. Both sides attach to a ring
 * freshly laid out by ioq_format(); a side that restarts needs a new one.
 *
 * Producer:  ioq_produce_add() fills a descriptor and publishes by itself
 *            every batch entries or when the consumer has caught up,
 *            ioq_produce_publish() hands over everything added so far (call
 *            it before waiting or returning), ioq_produce_reclaim[_batch]()
 *            takes back given-back buffers.
 * Consumer:  ioq_consume_peek() looks at the next buffer,
 *            ioq_consume_get[_batch]() takes buffers, ioq_consume_put()
 *            gives one back (in order; it publishes by itself every batch
 *            entries or when everything seen is given back),
 *            ioq_consume_publish() hands back everything put so far.
 * Signals:   after publishing, ioq_{produce,consume}_should_notify() says
 *            whether to notify the other side (its event index). A side
 *            that waits calls ioq_*_disable_notify() while it works (a
 *            no-op on the ring: the event it wrote is simply passed) and
 *            ioq_*_enable_notify() before it sleeps (ioq_*_enable_at() to
 *            wait for several entries at once); the latter writes the
 *            event, re-checks the ring and returns 1 if work arrived
 *            meanwhile (do not sleep). ioq_produce_enable_notify_delayed()
 *            asks to be called only after 3/4 of the outstanding buffers
 *            came back. ioq_{produce,consume}_pending() are the cheap checks
 *            a poll loop spins on before it enables notifications.
 */
#ifndef _VBUS_IOQ_H
#define _VBUS_IOQ_H

#include <linux/vbus_ring.h>
#include <vbus/ioq-platform.h>

/* Notifications one side sent to the other, and the ones it did not need. */
struct ioq_stats {
	__u64 notifications;
	__u64 suppressed;
};

/*
 * A buffer as this side sees it: private memory, already checked. data is
 * region + offset, and [data, data + length) is inside the buffer window.
 */
struct ioq_buffer {
	void *data;
	__u32 offset;
	__u32 length;		/* the size the producer posted */
	__u32 used;		/* reclaimed: the bytes the consumer used */
	__u32 cookie;
	__u32 position;		/* free-running ring position */
	__u16 flags;		/* VBUS_IOQ_DESC_F_NEXT */
};

/* Where a queue lives; each side fills it from its own copy of the layout. */
struct ioq_config {
	void *region;
	__u32 region_size;
	__u32 ring_offset;	/* a multiple of VBUS_RING_ALIGN */
	__u32 count;		/* a power of two, <= VBUS_IOQ_COUNT_MAX */
	__u32 buffer_start;	/* buffers must lie in [start, end) */
	__u32 buffer_end;
};

/* What both sides' handles hold. */
struct ioq {
	struct vbus_ioq_ring *ring;
	struct vbus_ioq_desc *desc;
	__u8 *region;
	__u32 mask;
	__u32 buffer_start;
	__u32 buffer_end;
	__u32 batch;		/* entries per index store, at most */
	__u32 event;		/* our event index, as we last wrote it */
	bool notify_enabled;	/* asked to be notified, not yet disabled */
	struct ioq_stats stats;
};

/* The producer's private copy of each descriptor it posted. */
struct ioq_shadow {
	__u32 offset;
	__u32 length;
	__u32 cookie;
	__u16 flags;
};

struct ioq_producer {
	struct ioq q;
	struct ioq_shadow *shadow;	/* count entries, owned by the caller */
	__u32 head;		/* next descriptor to fill */
	__u32 published;	/* head, as last made visible */
	__u32 notified;		/* published, at the last should_notify */
	__u32 reclaimed;	/* next descriptor to take back */
	__u32 seen;		/* the consumer's index, as last read */
};

struct ioq_consumer {
	struct ioq q;
	__u32 taken;		/* next descriptor to get */
	__u32 completed;	/* next descriptor to put back */
	__u32 published;	/* completed, as last made visible */
	__u32 notified;		/* published, at the last should_notify */
	__u32 seen;		/* the producer's index, as last read */
};

/* The ABI of include/uapi/linux/vbus_ring.h, pinned. */
static_assert(sizeof(struct vbus_region_header) == 2 * VBUS_RING_ALIGN, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, reset_done) == 44, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, name) == 64, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, uuid) == 96, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, flags) == 112, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, reset_request) == VBUS_RING_ALIGN,
	      "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, device_offset) == 16, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, event_offset) == 24, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, event_entry_offset) == 32, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_region_header, data_size) == 40, "vbus_ring.h ABI");
static_assert(sizeof(struct vbus_slot_queue) == 8, "vbus_ring.h ABI");
static_assert(sizeof(struct vbus_slot_venet) == 64, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_slot_venet, mtu) == 8, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_slot_venet, features) == 16, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_slot_venet, guest_features) == 24, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_slot_venet, tx_zerocopy) == 32, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_slot_venet, tx_copied) == 40, "vbus_ring.h ABI");
static_assert(sizeof(struct vbus_device_slot) == 128, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_device_slot, queue) == 24, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_device_slot, config) == 64, "vbus_ring.h ABI");
static_assert(sizeof(struct vbus_eventq_entry) == 16, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_eventq_entry, device) == 8, "vbus_ring.h ABI");
static_assert(sizeof(struct vbus_ioq_desc) == 16, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_ioq_desc, flags) == 12, "vbus_ring.h ABI");
static_assert(sizeof(struct vbus_ioq_word) == VBUS_RING_ALIGN, "vbus_ring.h ABI");
static_assert(VBUS_RING_ALIGN == 128, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_ioq_ring, producer_index) == VBUS_RING_ALIGN, "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_ioq_ring, consumer_index) == 2 * VBUS_RING_ALIGN,
	      "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_ioq_ring, producer_event) == 3 * VBUS_RING_ALIGN,
	      "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_ioq_ring, consumer_event) == 4 * VBUS_RING_ALIGN,
	      "vbus_ring.h ABI");
static_assert(offsetof(struct vbus_ioq_ring, desc) == 5 * VBUS_RING_ALIGN, "vbus_ring.h ABI");
static_assert(sizeof(struct vbus_ioq_ring) == 5 * VBUS_RING_ALIGN, "vbus_ring.h ABI");

/* Bytes an ioq of count descriptors takes in the region. */
static inline __u32 ioq_ring_size(__u32 count)
{
	return sizeof(struct vbus_ioq_ring) + count * sizeof(struct vbus_ioq_desc);
}

static inline bool ioq_count_valid(__u32 count)
{
	return count && count <= VBUS_IOQ_COUNT_MAX && !(count & (count - 1));
}

/* The geometry must fit the region; buffers may not overlap the ring. */
static inline bool ioq_config_valid(const struct ioq_config *config)
{
	__u32 ring_end;

	if (!config->region || (unsigned long)config->region % VBUS_RING_ALIGN ||
	    !ioq_count_valid(config->count) ||
	    config->ring_offset % VBUS_RING_ALIGN ||
	    config->ring_offset > config->region_size ||
	    ioq_ring_size(config->count) > config->region_size - config->ring_offset)
		return false;
	ring_end = config->ring_offset + ioq_ring_size(config->count);
	if (config->buffer_start > config->buffer_end ||
	    config->buffer_end > config->region_size)
		return false;
	return config->buffer_end <= config->ring_offset ||
	       config->buffer_start >= ring_end ||
	       config->buffer_start == config->buffer_end;
}

static inline bool ioq_window_valid(const struct ioq *q, __u32 offset, __u32 length)
{
	return offset >= q->buffer_start && offset <= q->buffer_end &&
	       length <= q->buffer_end - offset;
}

/* Entries per index store: VBUS_IOQ_BATCH, or a quarter of a small ring. */
static inline __u32 ioq_default_batch(__u32 count)
{
	__u32 batch = count / 4;

	if (batch > VBUS_IOQ_BATCH)
		return VBUS_IOQ_BATCH;
	return batch ? batch : 1;
}

static inline int ioq_init(struct ioq *q, const struct ioq_config *config)
{
	if (!ioq_config_valid(config))
		return -EINVAL;
	q->region = config->region;
	q->ring = (struct vbus_ioq_ring *)(q->region + config->ring_offset);
	q->desc = q->ring->desc;
	q->mask = config->count - 1;
	q->buffer_start = config->buffer_start;
	q->buffer_end = config->buffer_end;
	q->batch = ioq_default_batch(config->count);
	q->event = 0;
	q->notify_enabled = true;
	q->stats.notifications = 0;
	q->stats.suppressed = 0;
	return 0;
}

/*
 * Lays out an empty ioq (the host does, before either side attaches). Both
 * events start at 0: each side asks for the first entry, so a side that has
 * not started waiting yet is woken by the first notification, which is
 * harmless.
 */
static inline int ioq_format(const struct ioq_config *config)
{
	struct vbus_ioq_ring *ring;

	if (!ioq_config_valid(config))
		return -EINVAL;
	ring = (struct vbus_ioq_ring *)((__u8 *)config->region + config->ring_offset);
	memset(ring, 0, ioq_ring_size(config->count));
	ioq_write_le32(&ring->magic, VBUS_IOQ_MAGIC);
	ioq_write_le32(&ring->count, config->count);
	return 0;
}

/*
 * Entries published per index store, at most (1 to count): a caller that
 * wants every entry visible at once sets 1.
 */
static inline void ioq_set_batch(struct ioq *q, __u32 batch)
{
	q->batch = batch < 1 ? 1 : batch > q->mask + 1 ? q->mask + 1 : batch;
}

/* --- shm-signal: event indices ------------------------------------------- */

/*
 * The notifier's half. Called after publishing; our index moved from
 * *notified to published since we last decided. Notify if the receiver's
 * event lies in [*notified, published): virtio's vring_need_event(). The
 * event is read once and used for nothing else, so whatever the receiver
 * wrote costs at most this one notification.
 */
static inline bool ioq_signal_should_notify(struct ioq *q, const __le32 *event,
					    __u32 *notified, __u32 published)
{
	__u32 old = *notified, e;

	if (old == published)
		return false;
	*notified = published;
	/*
	 * Our index store (publish) must be visible before we load the
	 * receiver's event: a store->load order only a full barrier gives.
	 * It pairs with the full barrier in ioq_signal_enable(): either we
	 * load the event the receiver wrote before its re-check, or its
	 * re-check loads our index. Both may happen (one spurious wakeup);
	 * neither is impossible.
	 */
	ioq_full_barrier();
	e = ioq_read_le32(event);
	if ((__u32)(published - e - 1) < (__u32)(published - old)) {
		q->stats.notifications++;
		return true;
	}
	q->stats.suppressed++;
	return false;
}

/*
 * The receiver's half while it works: nothing to write. The event it wrote
 * last is passed by the first entry after it, so at most one notification
 * comes for each time it asked.
 */
static inline void ioq_signal_disable(struct ioq *q)
{
	q->notify_enabled = false;
}

/*
 * The receiver's half, before it sleeps: "notify me when your index passes
 * at", then the caller re-checks its ring.
 */
static inline void ioq_signal_enable(struct ioq *q, __le32 *event, __u32 at)
{
	q->notify_enabled = true;
	if (q->event != at) {
		q->event = at;
		ioq_write_le32(event, at);
	}
	/*
	 * The event must be visible before the caller's re-check loads the
	 * other side's index: store->load, a full barrier. Pairs with the
	 * one in ioq_signal_should_notify().
	 */
	ioq_full_barrier();
}

/* --- producer ------------------------------------------------------------ */

/* shadow: count entries of private memory, for the producer's copies. */
static inline int ioq_producer_init(struct ioq_producer *p, const struct ioq_config *config,
				    struct ioq_shadow *shadow)
{
	int r = ioq_init(&p->q, config);

	if (r < 0)
		return r;
	p->shadow = shadow;
	p->head = 0;
	p->published = 0;
	p->notified = 0;
	p->reclaimed = 0;
	p->seen = 0;
	return 0;
}

/* Descriptors free for ioq_produce_add(). */
static inline __u32 ioq_produce_space(const struct ioq_producer *p)
{
	return p->q.mask + 1 - (p->head - p->reclaimed);
}

/* Hands every descriptor added so far to the consumer. */
static inline void ioq_produce_publish(struct ioq_producer *p)
{
	if (p->published == p->head)
		return;
	p->published = p->head;
	/*
	 * Release: the descriptors are visible before the index that hands
	 * them over. Pairs with the acquire in ioq_consume_refresh().
	 */
	ioq_store_release_le32(&p->q.ring->producer_index.value, p->published);
}

/*
 * Fills the next descriptor with buf's offset, length, cookie and flags and
 * publishes when a batch is full or the consumer has caught up (it has
 * given back everything published: it is idle, and would wait for the
 * batch). Whatever is left is published by ioq_produce_publish().
 */
static inline int ioq_produce_add(struct ioq_producer *p, const struct ioq_buffer *buf)
{
	__u32 slot = p->head & p->q.mask;
	struct vbus_ioq_desc *desc = &p->q.desc[slot];
	struct ioq_shadow *shadow = &p->shadow[slot];

	if (ioq_unlikely(!ioq_produce_space(p)))
		return -ENOSPC;
	if (ioq_unlikely(!ioq_window_valid(&p->q, buf->offset, buf->length) ||
			 buf->flags & ~VBUS_IOQ_DESC_F_NEXT))
		return -EINVAL;
	shadow->offset = buf->offset;
	shadow->length = buf->length;
	shadow->cookie = buf->cookie;
	shadow->flags = buf->flags;
	/* Made visible in order by the release in ioq_produce_publish(). */
	ioq_write_le32(&desc->offset, buf->offset);
	ioq_write_le32(&desc->length, buf->length);
	ioq_write_le32(&desc->cookie, buf->cookie);
	ioq_write_le16(&desc->flags, buf->flags);
	p->head++;
	/*
	 * The consumer's index is only a hint here (any value makes us
	 * publish now or at the batch's end, both correct), so it is not
	 * checked; ioq_produce_refresh() checks the values we act on.
	 */
	if (p->head - p->published >= p->q.batch ||
	    ioq_read_le32(&p->q.ring->consumer_index.value) == p->published)
		ioq_produce_publish(p);
	return 0;
}

/*
 * Reads the consumer's index once. It may only move forward, and only up
 * to what we published: anything else is -EPROTO.
 */
static inline int ioq_produce_refresh(struct ioq_producer *p)
{
	/*
	 * Acquire: the lengths the consumer gave back are read after the
	 * index. Pairs with the release in ioq_consume_publish().
	 */
	__u32 index = ioq_load_acquire_le32(&p->q.ring->consumer_index.value);

	if (ioq_unlikely(index - p->seen > p->published - p->seen))
		return -EPROTO;
	p->seen = index;
	return 0;
}

/* Descriptors given back and not yet reclaimed (at least this many). */
static inline int ioq_produce_completed(struct ioq_producer *p)
{
	if (p->reclaimed == p->seen) {
		int r = ioq_produce_refresh(p);

		if (r < 0)
			return r;
	}
	return p->seen - p->reclaimed;
}

/*
 * For a poll loop: true if buffers came back, or -EPROTO. Unlike
 * ioq_produce_completed(), it publishes nothing and writes no event.
 */
static inline int ioq_produce_pending(struct ioq_producer *p)
{
	int r = ioq_produce_completed(p);

	return r < 0 ? r : r > 0;
}

/* Takes back the descriptor at position, which the consumer gave back. */
static inline int ioq_produce_read(struct ioq_producer *p, __u32 position, struct ioq_buffer *buf)
{
	__u32 slot = position & p->q.mask;
	const struct vbus_ioq_desc *desc = &p->q.desc[slot];
	const struct ioq_shadow *shadow = &p->shadow[slot];
	__u32 used = ioq_read_le32(&desc->length);

	if (ioq_unlikely(used > shadow->length))
		return -EPROTO;
	buf->data = p->q.region + shadow->offset;
	buf->offset = shadow->offset;
	buf->length = shadow->length;
	buf->used = used;
	buf->cookie = shadow->cookie;
	buf->position = position;
	buf->flags = shadow->flags;
	return 0;
}

/* 1 and the next given-back buffer in buf, 0 if none, or -EPROTO. */
static inline int ioq_produce_reclaim(struct ioq_producer *p, struct ioq_buffer *buf)
{
	int r = ioq_produce_completed(p);

	if (r <= 0)
		return r;
	r = ioq_produce_read(p, p->reclaimed, buf);
	if (r < 0)
		return r;
	p->reclaimed++;
	return 1;
}

/* Up to max given-back buffers with one index read: their number, or -EPROTO. */
static inline int ioq_produce_reclaim_batch(struct ioq_producer *p, struct ioq_buffer *bufs,
					    unsigned int max)
{
	unsigned int n, i;
	int r;

	if (p->seen - p->reclaimed < max) {
		r = ioq_produce_refresh(p);
		if (r < 0)
			return r;
	}
	n = p->seen - p->reclaimed;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		r = ioq_produce_read(p, p->reclaimed + i, &bufs[i]);
		if (r < 0)
			return r;
	}
	p->reclaimed += n;
	return n;
}

/* After publishing: true if the consumer must be notified (a doorbell). */
static inline bool ioq_produce_should_notify(struct ioq_producer *p)
{
	return ioq_signal_should_notify(&p->q, &p->q.ring->consumer_event.value,
					&p->notified, p->published);
}

static inline void ioq_produce_disable_notify(struct ioq_producer *p)
{
	ioq_signal_disable(&p->q);
}

/* Asks for a call when the consumer's index passes at, and re-checks. */
static inline int ioq_produce_enable_at(struct ioq_producer *p, __u32 at)
{
	int r;

	ioq_signal_enable(&p->q, &p->q.ring->producer_event.value, at);
	r = ioq_produce_refresh(p);
	if (r < 0)
		return r;
	return (__u32)(p->seen - p->reclaimed) > (__u32)(at - p->reclaimed);
}

/*
 * Asks to be notified of the next given-back buffer, then re-checks: 1 if
 * some arrived meanwhile (reclaim them, do not sleep), 0 if none, or
 * -EPROTO.
 */
static inline int ioq_produce_enable_notify(struct ioq_producer *p)
{
	if (p->reclaimed != p->seen)
		return 1;
	return ioq_produce_enable_at(p, p->seen);
}

/*
 * As ioq_produce_enable_notify(), but asks to be notified only once three
 * quarters of what is outstanding came back (virtqueue_enable_cb_delayed()):
 * 1 if that many already did, 0 if not (sleep; buffers may have come back
 * meanwhile, the notification brings them), or -EPROTO.
 */
static inline int ioq_produce_enable_notify_delayed(struct ioq_producer *p)
{
	__u32 outstanding = p->published - p->reclaimed;

	return ioq_produce_enable_at(p, p->reclaimed + outstanding * 3 / 4);
}

/* --- consumer ------------------------------------------------------------ */

static inline int ioq_consumer_init(struct ioq_consumer *c, const struct ioq_config *config)
{
	int r = ioq_init(&c->q, config);

	if (r < 0)
		return r;
	c->taken = 0;
	c->completed = 0;
	c->published = 0;
	c->notified = 0;
	c->seen = 0;
	return 0;
}

/*
 * Reads the producer's index once. It may only move forward, and at most
 * a ring's worth ahead of what we gave back: anything else is -EPROTO.
 */
static inline int ioq_consume_refresh(struct ioq_consumer *c)
{
	/*
	 * Acquire: the descriptors are read after the index that handed them
	 * over. Pairs with the release in ioq_produce_publish().
	 */
	__u32 index = ioq_load_acquire_le32(&c->q.ring->producer_index.value);
	__u32 ahead = index - c->published;

	if (ioq_unlikely(ahead > c->q.mask + 1 || ahead < c->seen - c->published))
		return -EPROTO;
	c->seen = index;
	return 0;
}

/* Buffers published and not yet taken (at least this many). */
static inline int ioq_consume_available(struct ioq_consumer *c)
{
	if (c->taken == c->seen) {
		int r = ioq_consume_refresh(c);

		if (r < 0)
			return r;
	}
	return c->seen - c->taken;
}

/* For a poll loop: true if buffers are waiting to be taken, or -EPROTO. */
static inline int ioq_consume_pending(struct ioq_consumer *c)
{
	int r = ioq_consume_available(c);

	return r < 0 ? r : r > 0;
}

/* Reads the descriptor at position once and checks it into buf. */
static inline int ioq_consume_read(struct ioq_consumer *c, __u32 position, struct ioq_buffer *buf)
{
	const struct vbus_ioq_desc *desc = &c->q.desc[position & c->q.mask];
	__u16 flags = ioq_read_le16(&desc->flags);
	__u32 offset = ioq_read_le32(&desc->offset);
	__u32 length = ioq_read_le32(&desc->length);

	if (ioq_unlikely(flags & ~VBUS_IOQ_DESC_F_NEXT ||
			 !ioq_window_valid(&c->q, offset, length)))
		return -EPROTO;
	buf->data = c->q.region + offset;
	buf->offset = offset;
	buf->length = length;
	buf->used = 0;
	buf->cookie = ioq_read_le32(&desc->cookie);
	buf->position = position;
	buf->flags = flags;
	return 0;
}

/* 1 and the next buffer in buf without taking it, 0 if none, or -EPROTO. */
static inline int ioq_consume_peek(struct ioq_consumer *c, struct ioq_buffer *buf)
{
	int r = ioq_consume_available(c);

	if (r <= 0)
		return r;
	r = ioq_consume_read(c, c->taken, buf);
	return r < 0 ? r : 1;
}

/*
 * Takes the buffer ioq_consume_peek() just returned, without reading its
 * descriptor again (a second read could see something else).
 */
static inline int ioq_consume_take(struct ioq_consumer *c, const struct ioq_buffer *buf)
{
	if (ioq_unlikely(buf->position != c->taken || c->taken == c->seen))
		return -EINVAL;
	c->taken++;
	return 0;
}

/* 1 and the next buffer in buf, taken; 0 if none, or -EPROTO. */
static inline int ioq_consume_get(struct ioq_consumer *c, struct ioq_buffer *buf)
{
	int r = ioq_consume_peek(c, buf);

	if (r > 0)
		c->taken++;
	return r;
}

/* Up to max buffers with one index read: their number, or -EPROTO. */
static inline int ioq_consume_get_batch(struct ioq_consumer *c, struct ioq_buffer *bufs,
					unsigned int max)
{
	unsigned int n, i;
	int r;

	if (c->seen - c->taken < max) {
		r = ioq_consume_refresh(c);
		if (r < 0)
			return r;
	}
	n = c->seen - c->taken;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		r = ioq_consume_read(c, c->taken + i, &bufs[i]);
		if (r < 0)
			return r;
	}
	c->taken += n;
	return n;
}

/* Hands every buffer put so far back to the producer. */
static inline void ioq_consume_publish(struct ioq_consumer *c)
{
	if (c->published == c->completed)
		return;
	c->published = c->completed;
	/*
	 * Release: the used lengths are visible before the index. Pairs with
	 * the acquire in ioq_produce_refresh().
	 */
	ioq_store_release_le32(&c->q.ring->consumer_index.value, c->published);
}

/*
 * Gives back the oldest taken buffer, buf as get returned it, with the
 * bytes used (at most its length). Published when a batch is full or
 * everything seen is given back (we are about to look for more, and may
 * wait); whatever is left is published by ioq_consume_publish().
 */
static inline int ioq_consume_put(struct ioq_consumer *c, const struct ioq_buffer *buf,
				  __u32 used)
{
	struct vbus_ioq_desc *desc = &c->q.desc[buf->position & c->q.mask];

	if (ioq_unlikely(buf->position != c->completed || c->completed == c->taken ||
			 used > buf->length))
		return -EINVAL;
	/* Made visible in order by the release in ioq_consume_publish(). */
	ioq_write_le32(&desc->length, used);
	c->completed++;
	if (c->completed - c->published >= c->q.batch || c->completed == c->seen)
		ioq_consume_publish(c);
	return 0;
}

/* After publishing: true if the producer must be notified (an interrupt). */
static inline bool ioq_consume_should_notify(struct ioq_consumer *c)
{
	return ioq_signal_should_notify(&c->q, &c->q.ring->producer_event.value,
					&c->notified, c->published);
}

static inline void ioq_consume_disable_notify(struct ioq_consumer *c)
{
	ioq_signal_disable(&c->q);
}

/*
 * Asks to be notified when the producer's index passes at (a consumer that
 * needs several buffers at once: at = taken + n - 1), then re-checks: 1 if
 * that many are there already, 0 if not, or -EPROTO.
 */
static inline int ioq_consume_enable_at(struct ioq_consumer *c, __u32 at)
{
	int r;

	ioq_signal_enable(&c->q, &c->q.ring->consumer_event.value, at);
	r = ioq_consume_refresh(c);
	if (r < 0)
		return r;
	return (__u32)(c->seen - c->taken) > (__u32)(at - c->taken);
}

/*
 * Asks to be notified of new buffers, then re-checks: 1 if some arrived
 * meanwhile (get them, do not sleep), 0 if none, or -EPROTO.
 */
static inline int ioq_consume_enable_notify(struct ioq_consumer *c)
{
	int r;

	if (c->taken != c->seen)
		return 1;
	ioq_signal_enable(&c->q, &c->q.ring->consumer_event.value, c->seen);
	r = ioq_consume_refresh(c);
	if (r < 0)
		return r;
	return c->taken != c->seen;
}

#endif /* _VBUS_IOQ_H */

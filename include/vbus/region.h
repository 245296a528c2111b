/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The guest's reading of a vbus region (include/uapi/linux/vbus_ring.h):
 * header, device table slots and event queue entries, header-only like
 * ioq.h and compiled unchanged into the guest drivers (vbus_proxy) and the
 * userspace test guest, so what the tests exercise is what ships.
 *
 * The host can be broken too. Every value is read from the region once,
 * into the guest's private copy, and checked there; only the copy is used
 * afterwards. A value that breaks the rules is -EPROTO with a reason in
 * *why (a string constant), never an access outside the region.
 */
#ifndef _VBUS_REGION_H
#define _VBUS_REGION_H

#include <linux/vbus_dev.h>
#include <vbus/ioq.h>

/* Doorbell vectors a guest accepts in a slot: what a bus can wire. */
#define VBUS_REGION_VECTORS_MAX		VBUS_DEV_VECTORS_MAX
/* Reads of a config block that keeps changing before the guest gives up. */
#define VBUS_REGION_GENERATION_TRIES	1000

/* A device queue, as the guest read and checked it. */
struct vbus_region_queue {
	__u32 offset;			/* the ioq */
	__u32 count;			/* its descriptors, from its ring header */
	__u16 doorbell;
};

/* A venet config block, copied out. */
struct vbus_region_venet {
	__u8 mac[VBUS_MAC_LEN];
	__u32 mtu;
	__u32 wmem;
	__u64 features;
};

/* A present device table slot, copied out. */
struct vbus_region_slot {
	__u32 index;
	__u32 id;
	__u32 type;
	__u32 generation;
	__u32 queue_count;
	struct vbus_region_queue queue[VBUS_DEVICE_QUEUES_MAX];
	struct vbus_region_venet venet;	/* type VBUS_DEVICE_TYPE_VENET */
};

/* The guest's private copy of the layout the host wrote. */
struct vbus_region_layout {
	void *region;
	__u32 size;
	__u32 device_offset;
	__u32 device_count;
	__u32 event_offset;
	__u32 event_count;
	__u32 event_entry_offset;
	__u32 data_offset;
	__u32 data_size;
	char name[VBUS_NAME_MAX];	/* the bus's, NUL-terminated */
	bool has_uuid;
	__u8 uuid[VBUS_UUID_LEN];	/* the bus's VM, if has_uuid */
};

/* An event queue entry, copied out and checked. */
struct vbus_region_event {
	__u16 type;			/* enum vbus_eventq_type */
	__u16 queue;
	__u16 slot;			/* < the layout's device_count */
	__u32 device;
	__u32 generation;
};

static inline int vbus_region_error(const char **why, const char *what)
{
	*why = what;
	return -EPROTO;
}

/* [offset, offset + length) lies in a region of size bytes. */
static inline bool vbus_region_inside(__u64 offset, __u64 length, __u32 size)
{
	return offset <= size && length <= size - offset;
}

static inline bool vbus_region_overlap(__u64 a, __u64 a_length, __u64 b, __u64 b_length)
{
	return a_length && b_length && a < b + b_length && b < a + a_length;
}

static inline bool vbus_region_aligned(__u32 offset)
{
	return offset % VBUS_RING_ALIGN == 0;
}

static inline __u8 *vbus_region_at(const struct vbus_region_layout *layout, __u32 offset)
{
	return (__u8 *)layout->region + offset;
}

/* A ring header at offset, as the host formatted it: its count, or 0. */
static inline __u32 vbus_region_ring_count(const struct vbus_region_layout *layout,
					   __u32 offset)
{
	const struct vbus_ioq_ring *ring;
	__u32 count;

	if (!offset || !vbus_region_aligned(offset) ||
	    !vbus_region_inside(offset, sizeof(*ring), layout->size))
		return 0;
	ring = (const struct vbus_ioq_ring *)vbus_region_at(layout, offset);
	if (ioq_read_le32(&ring->magic) != VBUS_IOQ_MAGIC)
		return 0;
	count = ioq_read_le32(&ring->count);
	if (!ioq_count_valid(count) ||
	    !vbus_region_inside(offset, ioq_ring_size(count), layout->size))
		return 0;
	return count;
}

static inline __u64 vbus_region_devices_size(const struct vbus_region_layout *l)
{
	return (__u64)l->device_count * sizeof(struct vbus_device_slot);
}

static inline __u64 vbus_region_entries_size(const struct vbus_region_layout *l)
{
	return (__u64)l->event_count * sizeof(struct vbus_eventq_entry);
}

/* The structures lie inside the region, aligned, and do not overlap. */
static inline int vbus_region_check_layout(const struct vbus_region_layout *l,
					   const char **why)
{
	__u64 devices = vbus_region_devices_size(l);
	__u64 entries = vbus_region_entries_size(l);
	__u64 ring;

	if (!vbus_region_aligned(l->device_offset) ||
	    l->device_count > VBUS_BUS_MAX_DEVICES ||
	    l->device_offset < sizeof(struct vbus_region_header) ||
	    !vbus_region_inside(l->device_offset, devices, l->size))
		return vbus_region_error(why, "device table outside the region");
	if (!ioq_count_valid(l->event_count))
		return vbus_region_error(why, "event queue outside the region");
	ring = ioq_ring_size(l->event_count);
	if (!vbus_region_aligned(l->event_offset) ||
	    l->event_offset < sizeof(struct vbus_region_header) ||
	    !vbus_region_inside(l->event_offset, ring, l->size) ||
	    !vbus_region_aligned(l->event_entry_offset) ||
	    l->event_entry_offset < sizeof(struct vbus_region_header) ||
	    !vbus_region_inside(l->event_entry_offset, entries, l->size))
		return vbus_region_error(why, "event queue outside the region");
	if (!vbus_region_aligned(l->data_offset) ||
	    l->data_offset < sizeof(struct vbus_region_header) ||
	    !vbus_region_inside(l->data_offset, l->data_size, l->size))
		return vbus_region_error(why, "data area outside the region");
	if (vbus_region_overlap(l->device_offset, devices, l->event_offset, ring) ||
	    vbus_region_overlap(l->device_offset, devices, l->event_entry_offset, entries) ||
	    vbus_region_overlap(l->event_offset, ring, l->event_entry_offset, entries) ||
	    vbus_region_overlap(l->data_offset, l->data_size, l->device_offset, devices) ||
	    vbus_region_overlap(l->data_offset, l->data_size, l->event_offset, ring) ||
	    vbus_region_overlap(l->data_offset, l->data_size, l->event_entry_offset, entries))
		return vbus_region_error(why, "region structures overlap");
	if (vbus_region_ring_count(l, l->event_offset) != l->event_count)
		return vbus_region_error(why, "event queue ring header does not match");
	return 0;
}

/* The bus's name (terminated, printable) and UUID, copied out. */
static inline int vbus_region_read_identity(const struct vbus_region_header *header,
					    struct vbus_region_layout *layout,
					    const char **why)
{
	unsigned int i;

	for (i = 0; i < VBUS_NAME_MAX; i++) {
		layout->name[i] = (char)ioq_read_u8((const __u8 *)&header->name[i]);
		if (!layout->name[i])
			break;
		if (layout->name[i] < 0x21 || layout->name[i] > 0x7e)
			return vbus_region_error(why, "bus name not printable");
	}
	if (i == VBUS_NAME_MAX)
		return vbus_region_error(why, "bus name not terminated");
	layout->has_uuid = ioq_read_le32(&header->flags) & VBUS_REGION_F_UUID;
	for (i = 0; i < VBUS_UUID_LEN; i++)
		layout->uuid[i] = layout->has_uuid ? ioq_read_u8(&header->uuid[i]) : 0;
	return 0;
}

/*
 * Reads and checks the header of a region of size bytes: 0 and the layout,
 * or -EPROTO with what is wrong in *why (and *layout as it was: a rejected
 * layout is never seen in part). The magic is read with acquire: the host
 * writes it last.
 */
static inline int vbus_region_read_layout(void *region, __u32 size,
					  struct vbus_region_layout *out,
					  const char **why)
{
	struct vbus_region_header *header = (struct vbus_region_header *)region;
	struct vbus_region_layout read, *layout = &read;
	int r;

	*why = NULL;
	if (!region || (unsigned long)region % VBUS_RING_ALIGN || size < sizeof(*header))
		return vbus_region_error(why, "region too small or misaligned");
	if (ioq_load_acquire_le32(&header->magic) != VBUS_REGION_MAGIC)
		return vbus_region_error(why, "no VBUS magic");
	if (ioq_read_le32(&header->version) != VBUS_RING_VERSION)
		return vbus_region_error(why, "unknown ring version");
	if (ioq_read_le32(&header->size) != size)
		return vbus_region_error(why, "header size differs from the region's");
	layout->region = region;
	layout->size = size;
	layout->device_offset = ioq_read_le32(&header->device_offset);
	layout->device_count = ioq_read_le32(&header->device_count);
	layout->event_offset = ioq_read_le32(&header->event_offset);
	layout->event_count = ioq_read_le32(&header->event_count);
	layout->event_entry_offset = ioq_read_le32(&header->event_entry_offset);
	layout->data_offset = ioq_read_le32(&header->data_offset);
	layout->data_size = ioq_read_le32(&header->data_size);
	r = vbus_region_read_identity(header, layout, why);
	if (r < 0)
		return r;
	r = vbus_region_check_layout(layout, why);
	if (r < 0)
		return r;
	*out = read;
	return 0;
}

/* The bus state the host last wrote in the header (advisory only). */
static inline __u32 vbus_region_state(const struct vbus_region_layout *layout)
{
	const struct vbus_region_header *header =
		(const struct vbus_region_header *)layout->region;

	return ioq_read_le32(&header->state);
}

/* Slot index of the device table; the layout guarantees it is inside. */
static inline struct vbus_device_slot *
vbus_region_slot_at(const struct vbus_region_layout *layout, __u32 index)
{
	return (struct vbus_device_slot *)vbus_region_at(layout, layout->device_offset) + index;
}

static inline void vbus_region_read_venet(const struct vbus_device_slot *shared,
					  struct vbus_region_venet *venet)
{
	const __le32 *features = (const __le32 *)&shared->config.venet.features;
	unsigned int i;

	for (i = 0; i < VBUS_MAC_LEN; i++)
		venet->mac[i] = ioq_read_u8(&shared->config.venet.mac[i]);
	venet->mtu = ioq_read_le32(&shared->config.venet.mtu);
	venet->wmem = ioq_read_le32(&shared->config.venet.wmem);
	venet->features = ioq_read_le32(&features[0]) |
			  (__u64)ioq_read_le32(&features[1]) << 32;
}

/* A slot's queue: a formatted ring, a known vector, clear of the rest. */
static inline int vbus_region_check_queue(const struct vbus_region_layout *layout,
					  struct vbus_region_queue *queue,
					  const char **why)
{
	__u64 ring;

	queue->count = vbus_region_ring_count(layout, queue->offset);
	if (!queue->count)
		return vbus_region_error(why, "device queue without a valid ring");
	if (queue->doorbell >= VBUS_REGION_VECTORS_MAX)
		return vbus_region_error(why, "doorbell vector out of range");
	ring = ioq_ring_size(queue->count);
	if (vbus_region_overlap(queue->offset, ring, layout->data_offset, layout->data_size) ||
	    vbus_region_overlap(queue->offset, ring, layout->device_offset,
				vbus_region_devices_size(layout)) ||
	    vbus_region_overlap(queue->offset, ring, layout->event_offset,
				ioq_ring_size(layout->event_count)) ||
	    vbus_region_overlap(queue->offset, ring, layout->event_entry_offset,
				vbus_region_entries_size(layout)))
		return vbus_region_error(why, "device queue overlaps another structure");
	return 0;
}

/*
 * The config block under its sequence count (odd: being written); -EAGAIN
 * if it kept changing.
 */
static inline int vbus_region_read_config(const struct vbus_device_slot *shared,
					  struct vbus_region_slot *slot)
{
	unsigned int tries;

	for (tries = 0; tries < VBUS_REGION_GENERATION_TRIES; tries++) {
		slot->generation = ioq_load_acquire_le32(&shared->generation);
		if (slot->generation & 1)
			continue;
		vbus_region_read_venet(shared, &slot->venet);
		/* The block before the second read of the count. */
		ioq_full_barrier();
		if (ioq_read_le32(&shared->generation) == slot->generation)
			return 0;
	}
	return -EAGAIN;
}

/*
 * Reads slot index of the device table: 1 and the slot if present and well
 * formed, 0 if free, -EPROTO (with *why) if it breaks the rules. The state
 * is read with acquire: the host writes it last.
 */
static inline int vbus_region_read_slot(const struct vbus_region_layout *layout,
					__u32 index, struct vbus_region_slot *slot,
					const char **why)
{
	const struct vbus_device_slot *shared;
	__u32 i, state;
	int r;

	*why = NULL;
	if (index >= layout->device_count)
		return vbus_region_error(why, "slot beyond the device table");
	shared = vbus_region_slot_at(layout, index);
	state = ioq_load_acquire_le32(&shared->state);
	if (state == VBUS_SLOT_FREE)
		return 0;
	if (state != VBUS_SLOT_PRESENT)
		return vbus_region_error(why, "slot state neither free nor present");
	memset(slot, 0, sizeof(*slot));
	slot->index = index;
	slot->id = ioq_read_le32(&shared->id);
	slot->type = ioq_read_le32(&shared->type);
	slot->queue_count = ioq_read_le32(&shared->queue_count);
	if (slot->queue_count > VBUS_DEVICE_QUEUES_MAX)
		return vbus_region_error(why, "too many queues in a slot");
	for (i = 0; i < slot->queue_count; i++) {
		slot->queue[i].offset = ioq_read_le32(&shared->queue[i].offset);
		slot->queue[i].doorbell = ioq_read_le16(&shared->queue[i].doorbell);
		r = vbus_region_check_queue(layout, &slot->queue[i], why);
		if (r < 0)
			return r;
	}
	if (slot->type != VBUS_DEVICE_TYPE_VENET)
		return 1;
	if (slot->queue_count < 2)
		return vbus_region_error(why, "venet slot without TX and RX queues");
	if (vbus_region_read_config(shared, slot) < 0)
		return vbus_region_error(why, "config generation never settles");
	if (slot->venet.mtu < VBUS_VENET_MTU_MIN || slot->venet.mtu > VBUS_VENET_MTU_MAX)
		return vbus_region_error(why, "venet MTU out of range");
	return 1;
}

/* The ioq_config of a device queue, whose buffers live in the data area. */
static inline struct ioq_config
vbus_region_queue_config(const struct vbus_region_layout *layout,
			 const struct vbus_region_queue *queue)
{
	struct ioq_config config = {
		.region = layout->region,
		.region_size = layout->size,
		.ring_offset = queue->offset,
		.count = queue->count,
		.buffer_start = layout->data_offset,
		.buffer_end = layout->data_offset + layout->data_size,
	};

	return config;
}

/* The event queue's ioq_config: its buffers are the entries. */
static inline struct ioq_config
vbus_region_event_config(const struct vbus_region_layout *layout)
{
	struct ioq_config config = {
		.region = layout->region,
		.region_size = layout->size,
		.ring_offset = layout->event_offset,
		.count = layout->event_count,
		.buffer_start = layout->event_entry_offset,
		.buffer_end = layout->event_entry_offset +
			      (__u32)vbus_region_entries_size(layout),
	};

	return config;
}

/*
 * Copies the event entry of a consumed event queue buffer once and checks
 * it: 0, or -EPROTO (with *why) for a short buffer or a slot or queue out
 * of range. A type the guest does not know is not an error: it ignores it.
 */
static inline int vbus_region_read_event(const struct vbus_region_layout *layout,
					 const struct ioq_buffer *buf,
					 struct vbus_region_event *event,
					 const char **why)
{
	const struct vbus_eventq_entry *entry = (const struct vbus_eventq_entry *)buf->data;

	*why = NULL;
	if (buf->length < sizeof(*entry))
		return vbus_region_error(why, "event entry too short");
	event->type = ioq_read_le16(&entry->type);
	event->queue = ioq_read_le16(&entry->queue);
	event->slot = ioq_read_le16(&entry->slot);
	event->device = ioq_read_le32(&entry->device);
	event->generation = ioq_read_le32(&entry->generation);
	if (event->slot >= layout->device_count)
		return vbus_region_error(why, "event for a slot beyond the device table");
	if (event->type == VBUS_EVENTQ_QUEUE_WORK && event->queue >= VBUS_DEVICE_QUEUES_MAX)
		return vbus_region_error(why, "event for a queue out of range");
	return 0;
}

/*
 * The guest's acknowledgment of a venet device's features (vbus_ring.h),
 * the one field of a slot it writes: before its first buffer, which the
 * producer index's release then orders after it.
 */
static inline void vbus_region_ack_venet(const struct vbus_region_layout *layout,
					 __u32 index, __u64 features)
{
	struct vbus_device_slot *shared = vbus_region_slot_at(layout, index);
	__le32 *ack = (__le32 *)&shared->config.venet.guest_features;

	ioq_write_le32(&ack[0], (__u32)features);
	ioq_write_le32(&ack[1], (__u32)(features >> 32));
}

/* The host's counters of a venet device, read as they are (monotonic). */
static inline __u64 vbus_region_read_le64(const __le64 *p)
{
	const __le32 *half = (const __le32 *)p;

	return ioq_read_le32(&half[0]) | (__u64)ioq_read_le32(&half[1]) << 32;
}

/* --- reset (vbus_ring.h "Reset") ---------------------------------------- */

/*
 * Asks the host for a reset: returns the request, which the caller follows
 * with a doorbell on VBUS_DEV_EVENTQ_VECTOR and waits for with
 * vbus_region_reset_done(). Needs only the region: a guest whose layout is
 * unusable can still ask.
 */
static inline __u32 vbus_region_reset_ask(void *region)
{
	struct vbus_region_header *header = (struct vbus_region_header *)region;
	__u32 request = ioq_read_le32(&header->reset_done) + 1;

	ioq_write_le32(&header->reset_request, request);
	/* The request is visible before the doorbell the caller rings. */
	ioq_full_barrier();
	return request;
}

/* True once the host has served request; the layout is then new. */
static inline bool vbus_region_reset_done(void *region, __u32 request)
{
	struct vbus_region_header *header = (struct vbus_region_header *)region;

	return ioq_load_acquire_le32(&header->reset_done) == request;
}

#endif /* _VBUS_REGION_H */

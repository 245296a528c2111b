/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads the region header and device table the host laid out, each value
 * once, and checks them as the host checks what the guest writes. */
#include <errno.h>
#include <stddef.h>

#include "region.h"

#define GENERATION_TRIES	1000

/* [offset, offset + length) lies in a region of size bytes. */
static bool inside(uint64_t offset, uint64_t length, uint32_t size)
{
	return offset <= size && length <= size - offset;
}

static bool overlap(uint64_t a, uint64_t a_length, uint64_t b, uint64_t b_length)
{
	return a_length && b_length && a < b + b_length && b < a + a_length;
}

static bool aligned(uint32_t offset)
{
	return offset % VBUS_RING_ALIGN == 0;
}

/* A ring header at offset, as the host formatted it: its count, or 0. */
static uint32_t ring_count(const struct region_layout *layout, uint32_t offset)
{
	const struct vbus_ioq_ring *ring;
	uint32_t count;

	if (!offset || !aligned(offset) || !inside(offset, sizeof(*ring), layout->size))
		return 0;
	ring = (const struct vbus_ioq_ring *)((const uint8_t *)layout->region + offset);
	if (ioq_read_le32(&ring->magic) != VBUS_IOQ_MAGIC)
		return 0;
	count = ioq_read_le32(&ring->count);
	if (!ioq_count_valid(count) || !inside(offset, ioq_ring_size(count), layout->size))
		return 0;
	return count;
}

static int protocol_error(const char **why, const char *what)
{
	*why = what;
	return -EPROTO;
}

static int check_layout(const struct region_layout *l, const char **why)
{
	uint64_t devices = (uint64_t)l->device_count * sizeof(struct vbus_device_slot);
	uint64_t entries = (uint64_t)l->event_count * sizeof(struct vbus_eventq_entry);
	uint64_t ring = ioq_ring_size(l->event_count);

	if (!aligned(l->device_offset) || l->device_count > VBUS_BUS_MAX_DEVICES ||
	    l->device_offset < sizeof(struct vbus_region_header) ||
	    !inside(l->device_offset, devices, l->size))
		return protocol_error(why, "device table outside the region");
	if (!ioq_count_valid(l->event_count) || !aligned(l->event_offset) ||
	    l->event_offset < sizeof(struct vbus_region_header) ||
	    !inside(l->event_offset, ring, l->size) ||
	    !aligned(l->event_entry_offset) ||
	    l->event_entry_offset < sizeof(struct vbus_region_header) ||
	    !inside(l->event_entry_offset, entries, l->size))
		return protocol_error(why, "event queue outside the region");
	if (!aligned(l->data_offset) || l->data_offset < sizeof(struct vbus_region_header) ||
	    !inside(l->data_offset, l->data_size, l->size))
		return protocol_error(why, "data area outside the region");
	if (overlap(l->device_offset, devices, l->event_offset, ring) ||
	    overlap(l->device_offset, devices, l->event_entry_offset, entries) ||
	    overlap(l->event_offset, ring, l->event_entry_offset, entries) ||
	    overlap(l->data_offset, l->data_size, l->device_offset, devices) ||
	    overlap(l->data_offset, l->data_size, l->event_offset, ring) ||
	    overlap(l->data_offset, l->data_size, l->event_entry_offset, entries))
		return protocol_error(why, "region structures overlap");
	if (ring_count(l, l->event_offset) != l->event_count)
		return protocol_error(why, "event queue ring header does not match");
	return 0;
}

int region_read_layout(void *region, uint32_t size, struct region_layout *layout,
		       const char **why)
{
	struct vbus_region_header *header = region;

	*why = NULL;
	if (!region || (uintptr_t)region % VBUS_RING_ALIGN || size < sizeof(*header))
		return protocol_error(why, "region too small or misaligned");
	if (ioq_read_le32(&header->magic) != VBUS_REGION_MAGIC)
		return protocol_error(why, "no VBUS magic");
	if (ioq_read_le32(&header->version) != VBUS_RING_VERSION)
		return protocol_error(why, "unknown ring version");
	if (ioq_read_le32(&header->size) != size)
		return protocol_error(why, "header size differs from the region's");
	*layout = (struct region_layout) {
		.region = region,
		.size = size,
		.device_offset = ioq_read_le32(&header->device_offset),
		.device_count = ioq_read_le32(&header->device_count),
		.event_offset = ioq_read_le32(&header->event_offset),
		.event_count = ioq_read_le32(&header->event_count),
		.event_entry_offset = ioq_read_le32(&header->event_entry_offset),
		.data_offset = ioq_read_le32(&header->data_offset),
		.data_size = ioq_read_le32(&header->data_size),
	};
	return check_layout(layout, why);
}

uint32_t region_state(const struct region_layout *layout)
{
	const struct vbus_region_header *header = layout->region;

	return ioq_read_le32(&header->state);
}

/* The device table's slot index; the layout guarantees it is inside. */
static struct vbus_device_slot *slot_at(const struct region_layout *layout, uint32_t index)
{
	return (struct vbus_device_slot *)((uint8_t *)layout->region + layout->device_offset) +
	       index;
}

static void read_venet(const struct vbus_device_slot *shared, struct region_slot *slot)
{
	unsigned int i;

	for (i = 0; i < VBUS_MAC_LEN; i++)
		slot->mac[i] = ioq_read_u8(&shared->config.venet.mac[i]);
	slot->mtu = ioq_read_le32(&shared->config.venet.mtu);
	slot->wmem = ioq_read_le32(&shared->config.venet.wmem);
	slot->features = ioq_read_le32((const __le32 *)&shared->config.venet.features) |
			 (uint64_t)ioq_read_le32((const __le32 *)&shared->config.venet.features + 1)
				 << 32;
}

static int check_queue(const struct region_layout *layout, struct region_queue *queue,
		       const char **why)
{
	queue->count = ring_count(layout, queue->offset);
	if (!queue->count)
		return protocol_error(why, "device queue without a valid ring");
	if (queue->doorbell >= REGION_VECTORS_MAX)
		return protocol_error(why, "doorbell vector out of range");
	if (overlap(queue->offset, ioq_ring_size(queue->count), layout->data_offset,
		    layout->data_size) ||
	    overlap(queue->offset, ioq_ring_size(queue->count), layout->device_offset,
		    (uint64_t)layout->device_count * sizeof(struct vbus_device_slot)))
		return protocol_error(why, "device queue overlaps another structure");
	return 0;
}

/* The config block under its sequence count; -EAGAIN if it kept changing. */
static int read_config(const struct vbus_device_slot *shared, struct region_slot *slot)
{
	unsigned int tries;
	uint32_t after;

	for (tries = 0; tries < GENERATION_TRIES; tries++) {
		slot->generation = ioq_load_acquire_le32(&shared->generation);
		if (slot->generation & 1)
			continue;
		read_venet(shared, slot);
		ioq_full_barrier();
		after = ioq_read_le32(&shared->generation);
		if (after == slot->generation)
			return 0;
	}
	return -EAGAIN;
}

int region_read_slot(const struct region_layout *layout, uint32_t index,
		     struct region_slot *slot, const char **why)
{
	const struct vbus_device_slot *shared;
	uint32_t i;
	int r;

	*why = NULL;
	if (index >= layout->device_count)
		return protocol_error(why, "slot beyond the device table");
	shared = slot_at(layout, index);
	if (ioq_read_le32(&shared->state) != VBUS_SLOT_PRESENT)
		return 0;
	slot->index = index;
	slot->id = ioq_read_le32(&shared->id);
	slot->type = ioq_read_le32(&shared->type);
	slot->queue_count = ioq_read_le32(&shared->queue_count);
	if (slot->queue_count > VBUS_DEVICE_QUEUES_MAX)
		return protocol_error(why, "too many queues in a slot");
	for (i = 0; i < slot->queue_count; i++) {
		slot->queue[i].offset = ioq_read_le32(&shared->queue[i].offset);
		slot->queue[i].doorbell = ioq_read_le16(&shared->queue[i].doorbell);
		r = check_queue(layout, &slot->queue[i], why);
		if (r < 0)
			return r;
	}
	if (slot->type != VBUS_DEVICE_TYPE_VENET)
		return 1;
	if (slot->queue_count < 2)
		return protocol_error(why, "venet slot without TX and RX queues");
	if (read_config(shared, slot) < 0)
		return protocol_error(why, "config generation never settles");
	if (slot->mtu < VBUS_VENET_MTU_MIN || slot->mtu > VBUS_VENET_MTU_MAX)
		return protocol_error(why, "venet MTU out of range");
	return 1;
}

struct ioq_config region_queue_config(const struct region_layout *layout,
				      const struct region_queue *queue)
{
	return (struct ioq_config) {
		.region = layout->region,
		.region_size = layout->size,
		.ring_offset = queue->offset,
		.count = queue->count,
		.buffer_start = layout->data_offset,
		.buffer_end = layout->data_offset + layout->data_size,
	};
}

struct ioq_config region_event_config(const struct region_layout *layout)
{
	return (struct ioq_config) {
		.region = layout->region,
		.region_size = layout->size,
		.ring_offset = layout->event_offset,
		.count = layout->event_count,
		.buffer_start = layout->event_entry_offset,
		.buffer_end = layout->event_entry_offset +
			      layout->event_count * sizeof(struct vbus_eventq_entry),
	};
}

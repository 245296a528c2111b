/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's private copy of the region layout the host wrote: read once,
 * checked, and the only layout the guest uses afterwards (the host can be
 * broken too). */
#ifndef VBUS_TESTGUEST_REGION_H
#define VBUS_TESTGUEST_REGION_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vbus_dev.h>
#include <vbus/ioq.h>

/* Doorbell vectors the guest accepts in a slot: what /dev/vbus can wire. */
#define REGION_VECTORS_MAX	VBUS_DEV_VECTORS_MAX

struct region_queue {
	uint32_t offset;		/* the ioq */
	uint32_t count;			/* its descriptors, from its ring header */
	uint16_t doorbell;
};

struct region_slot {
	uint32_t index;
	uint32_t id;
	uint32_t type;
	uint32_t generation;
	uint32_t queue_count;
	struct region_queue queue[VBUS_DEVICE_QUEUES_MAX];
	uint8_t mac[VBUS_MAC_LEN];	/* venet */
	uint32_t mtu;
	uint32_t wmem;
	uint64_t features;
};

struct region_layout {
	void *region;
	uint32_t size;
	uint32_t device_offset;
	uint32_t device_count;
	uint32_t event_offset;
	uint32_t event_count;
	uint32_t event_entry_offset;
	uint32_t data_offset;
	uint32_t data_size;
};

/* Reads and checks the header: 0, or -EPROTO with what is wrong in *why. */
int region_read_layout(void *region, uint32_t size, struct region_layout *layout,
		       const char **why);

/* Reads slot index of the device table: 1 and the slot if present and
 * well formed, 0 if free, -EPROTO (with *why) if it breaks the rules. */
int region_read_slot(const struct region_layout *layout, uint32_t index,
		     struct region_slot *slot, const char **why);

/* The bus state the host last wrote in the header (advisory only). */
uint32_t region_state(const struct region_layout *layout);

/* The ioq_config of a device queue, whose buffers live in the data area. */
struct ioq_config region_queue_config(const struct region_layout *layout,
				      const struct region_queue *queue);

/* The event queue's ioq_config: its buffers are the entries. */
struct ioq_config region_event_config(const struct region_layout *layout);

#endif

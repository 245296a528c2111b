/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test guest of one bus: its private view of the region, the venet
 * device it drives, its notification fds and its counters. The region and
 * the fds come from outside (attach.c, or an in-memory host in the tests). */
#ifndef VBUS_TESTGUEST_GUEST_H
#define VBUS_TESTGUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"
#include <vbus/region.h>

#define GUEST_BATCH		64
/* Microseconds of polling before sleeping: the bus default, as the host. */
#define GUEST_POLL_US_DEFAULT	VBUS_BUS_POLL_US_DEFAULT
#define GUEST_TIMEOUT_DEFAULT	30000	/* ms without progress */
/* The largest buffer: the largest MTU, its Ethernet header and a VLAN tag. */
#define GUEST_BUFFER_MAX	((VBUS_VENET_MTU_MAX + 18 + VBUS_RING_ALIGN - 1) & ~(VBUS_RING_ALIGN - 1))

struct guest_options {
	int64_t device_id;		/* -1: the first venet slot */
	uint32_t frame_size;		/* bytes on the wire, 0: 128 */
	struct frame_endpoints to_host;	/* what send builds */
	struct frame_endpoints from_host; /* what receive expects */
	int timeout_ms;
	uint32_t poll_us;		/* poll this long before sleeping, 0: never */
	uint32_t window;		/* TX buffers in flight at most, 0: all */
	bool announce;			/* say "ready", wait for a line on stdin */
};

struct guest_counters {
	uint64_t frames_sent, bytes_sent;
	uint64_t frames_sent_other;	/* stream: to --also-mac, not counted above */
	uint64_t slowest_second;	/* stream: fewest frames sent in a whole second */
	uint64_t frames_received, bytes_received;
	uint64_t frames_bad, frames_foreign, frames_duplicate;
	uint64_t frames_reordered;	/* came after a later one */
	uint64_t frames_gaps;		/* came after a gap: earlier ones lost or late */
	uint64_t frames_too_big;	/* RX buffers given back empty: did not fit */
	uint64_t doorbells, doorbells_suppressed;
	uint64_t interrupts, interrupt_signals, sleeps;
	uint64_t polls, poll_hits;	/* idle moments polled, and found work */
	uint64_t events, events_queue_work, events_added, events_removed;
	uint64_t events_config, events_stale;
	uint64_t protocol_errors;	/* the host (or hostile mode) broke a rule */
	uint64_t corruptions;		/* hostile mode: writes made */
	uint64_t rounds, breaks;	/* hostile mode: attachments, bus broken */
	uint64_t resets;		/* reset handshakes the host served */
	double seconds;
};

/* A device queue; the guest produces on both of venet's. */
struct guest_queue {
	struct ioq_producer producer __attribute__((aligned(128)));
	struct ioq_shadow *shadow;
	struct vbus_region_queue where;
	uint32_t buffer_offset;		/* buffer i: buffer_offset + i * buffer_size */
	uint32_t buffer_size;
	uint32_t buffers;
	bool broken;			/* the ring gave -EPROTO: not used again */
};

struct guest {
	struct vbus_region_layout layout;
	struct ioq_consumer events __attribute__((aligned(128)));
	bool events_broken;
	struct vbus_region_slot slot;	/* the venet device driven */
	bool present;
	struct guest_queue tx, rx;
	int kick[VBUS_REGION_VECTORS_MAX];	/* -1: no eventfd for the vector */
	int call;
	struct guest_options options;
	struct guest_counters counters;
	/* hostile: >0 once the host has marked the bus broken; set after init. */
	int (*host_broken)(void *context);
	void *host_context;
	uint8_t *bitmap;		/* receive: sequences seen */
	uint64_t expected;		/* receive: the next sequence in order */
	uint8_t frame[GUEST_BUFFER_MAX]; /* a received frame, copied out of the region */
	char error[160];		/* why the last call failed */
};

/* Reads and checks the layout, finds the venet slot, carves the buffers;
 * kick[] and call are borrowed. 0 or a negative errno (g->error says). */
int guest_init(struct guest *g, void *region, uint32_t size, const int kick[VBUS_REGION_VECTORS_MAX],
	       int call, const struct guest_options *options);
void guest_free(struct guest *g);

/* Sends frames 0..count-1 and waits until the host gave every buffer back. */
int guest_send(struct guest *g, uint64_t count);

/* Posts receive buffers and verifies count frames from the host. */
int guest_receive(struct guest *g, uint64_t count);

/* Corrupts the region while sending and keeps kicking, until the host
 * says the bus is broken (1; needs host_broken) or until the guest_now()
 * time until (0). state: the random generator, seeded by the caller. */
int guest_hostile(struct guest *g, double until, uint64_t *state);

/* Sends for seconds, every other frame to other_mac if given (stream.c):
 * frames_sent counts those to the host, slowest_second the fewest sent in
 * any whole second. Waits until every buffer came back. */
int guest_stream(struct guest *g, double seconds, const uint8_t *other_mac);

/* Stays attached until a line on stdin (or its end), draining events;
 * posts RX buffers and counts what arrives unless post is false (a guest
 * that never receives). */
int guest_sink(struct guest *g, bool post);
/* Sends PREFIX.a, then (after a line on stdin) rewrites its buffer with
 * PREFIX.b: see rewrite.c. */
int guest_rewrite(struct guest *g, const char *prefix);

int guest_wait(struct guest *g, bool tx, bool rx);
uint32_t guest_tx_in_flight(const struct guest *g);
int guest_rx_post(struct guest *g, uint32_t buffers);
/* Asks the host for a reset (vbus_ring.h "Reset"), waits for its answer,
 * sets the guest up again from the new layout and waits until its device
 * is announced again; the counters carry on. 0 or a negative errno. */
int guest_reset(struct guest *g);

/* Shared by guest.c, hostile.c, stream.c and reset.c. */
/* No progress: true while the poll_us window lasts (keep polling), false
 * when it is time to sleep; *idle is when the idle moment began (0: not). */
bool guest_keep_polling(struct guest *g, double *idle);
/* Progress: ends an idle moment, counting a poll that found work. */
void guest_progress(struct guest *g, double *idle);
void guest_ready(struct guest *g);
int guest_kick(struct guest *g, uint16_t vector);
int guest_poll_events(struct guest *g);
int guest_tx_reclaim(struct guest *g);
int guest_tx_fill(struct guest *g, uint64_t *next, uint64_t count);
int guest_fail(struct guest *g, int error, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
double guest_now(void);

#endif

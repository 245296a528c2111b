/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test guest's logic against an in-memory host (a fake of vbus.ko's
 * side, two threads, tests/unit/testguest/inmemory-host.h): layout checks,
 * 10^5 frames each way verified with few notifications, a corrupt frame and
 * a host breaking the ring are caught, and the hostile mode never crashes. */
#define _GNU_SOURCE
#include <stdio.h>

#include "inmemory-host.h"
#include "unit.h"
#include "macro.h"

#define FRAMES	100000

static struct inmemory_host host;
static struct guest guest;

static struct guest_options options(void)
{
	struct guest_options o = {
		.device_id = -1,
		.frame_size = 128,
		.timeout_ms = 10000,
		.poll_us = GUEST_POLL_US_DEFAULT,
	};

	frame_endpoints_default(&o.to_host, true);
	frame_endpoints_default(&o.from_host, false);
	return o;
}

static int guest_setup(void)
{
	struct guest_options o = options();

	return guest_init(&guest, host.region, HOST_REGION_SIZE, host.guest_kick, host.call, &o);
}

static struct vbus_device_slot *slot0(void)
{
	return (struct vbus_device_slot *)((uint8_t *)host.region + host.layout.device_offset);
}

/* Where the in-memory host puts the device table: right after the header. */
#define SLOT0 HOST_DEVICE_OFFSET

static void test_guest_reads_the_layout(void)
{
	CU_ASSERT_FATAL(host_setup(&host) == 0);
	CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
	CU_ASSERT_EQUAL(guest.slot.id, HOST_DEVICE_ID);
	CU_ASSERT_EQUAL(guest.slot.venet.mtu, 1500);
	CU_ASSERT_STRING_EQUAL(guest.layout.name, HOST_BUS_NAME);
	CU_ASSERT_TRUE(guest.layout.has_uuid);
	CU_ASSERT_EQUAL(memcmp(guest.layout.uuid, host_uuid, VBUS_UUID_LEN), 0);
	CU_ASSERT_EQUAL(guest.tx.where.count, HOST_QUEUE_COUNT);
	CU_ASSERT_EQUAL(guest.rx.where.doorbell, HOST_DOORBELL_RX);
	CU_ASSERT(guest.tx.buffers > 0 && guest.tx.buffers <= HOST_QUEUE_COUNT);
	CU_ASSERT(guest.rx.buffer_offset >= guest.tx.buffer_offset +
					    guest.tx.buffers * guest.tx.buffer_size);
	CU_ASSERT(guest.rx.buffer_offset + guest.rx.buffers * guest.rx.buffer_size <=
		  host.layout.data_offset + host.layout.data_size);
	guest_free(&guest);
	host_teardown(&host);
}

/* Each broken layout is refused with a reason, never used. */
static void test_guest_refuses_broken_layouts(void)
{
	static const struct {
		const char *what;
		size_t offset;		/* in the region */
		uint32_t value;
		int error;
	} cases[] = {
		{ "magic", offsetof(struct vbus_region_header, magic), 0x12345678, -EPROTO },
		{ "size", offsetof(struct vbus_region_header, size), 4096, -EPROTO },
		{ "device table past the end", offsetof(struct vbus_region_header, device_offset),
		  HOST_REGION_SIZE - 64, -EPROTO },
		{ "device count", offsetof(struct vbus_region_header, device_count), 100000,
		  -EPROTO },
		{ "event count", offsetof(struct vbus_region_header, event_count), 3, -EPROTO },
		{ "data over the event queue", offsetof(struct vbus_region_header, data_offset),
		  128, -EPROTO },
		{ "data size wraps", offsetof(struct vbus_region_header, data_size), 0xffffffc0,
		  -EPROTO },
		{ "queue in the data area", SLOT0 + offsetof(struct vbus_device_slot, queue),
		  HOST_REGION_SIZE - 4096, -EPROTO },
		{ "doorbell out of range", SLOT0 + offsetof(struct vbus_device_slot, queue) + 4,
		  VBUS_REGION_VECTORS_MAX, -EPROTO },
		{ "queue count", SLOT0 + offsetof(struct vbus_device_slot, queue_count), 9, -EPROTO },
		{ "slot state neither free nor present",
		  SLOT0 + offsetof(struct vbus_device_slot, state), 7, -EPROTO },
		{ "mtu", SLOT0 + offsetof(struct vbus_device_slot, config) + 8, 20, -EPROTO },
		{ "no venet", SLOT0 + offsetof(struct vbus_device_slot, type), 99, -ENODEV },
		{ "bus name with a control character", offsetof(struct vbus_region_header, name),
		  0x01, -EPROTO },
	};
	size_t i;

	for (i = 0; i < ELEMENTSOF(cases); i++) {
		CU_ASSERT_FATAL(host_setup(&host) == 0);
		memcpy((uint8_t *)host.region + cases[i].offset, &(uint32_t){ htole32(cases[i].value) },
		       4);
		if (guest_setup() != cases[i].error)
			fprintf(stderr, "\n%s: not refused as expected: %s\n", cases[i].what,
				guest.error);
		CU_ASSERT_EQUAL(guest_setup(), cases[i].error);
		CU_ASSERT(guest.error[0] != 0);
		guest_free(&guest);
		host_teardown(&host);
	}
	/* A name that fills its field has no room for its NUL. */
	CU_ASSERT_FATAL(host_setup(&host) == 0);
	memset(((struct vbus_region_header *)host.region)->name, 'a', VBUS_NAME_MAX);
	CU_ASSERT_EQUAL(guest_setup(), -EPROTO);
	CU_ASSERT(strstr(guest.error, "bus name not terminated") != NULL);
	guest_free(&guest);
	host_teardown(&host);
}

/* A layout the guest refuses leaves the one it had as it was, not half read. */
static void test_refused_layout_leaves_the_old_one(void)
{
	struct vbus_region_layout layout, before;
	const char *why;

	CU_ASSERT_FATAL(host_setup(&host) == 0);
	CU_ASSERT_EQUAL_FATAL(vbus_region_read_layout(host.region, HOST_REGION_SIZE, &layout,
						      &why), 0);
	before = layout;
	memset(((struct vbus_region_header *)host.region)->name, 'A', VBUS_NAME_MAX);
	CU_ASSERT_EQUAL(vbus_region_read_layout(host.region, HOST_REGION_SIZE, &layout, &why),
			-EPROTO);
	CU_ASSERT(why != NULL);
	CU_ASSERT_EQUAL(memcmp(&layout, &before, sizeof(layout)), 0);
	CU_ASSERT_STRING_EQUAL(layout.name, HOST_BUS_NAME);
	host_teardown(&host);
}

static void print_figures(const char *what)
{
	const struct guest_counters *c = &guest.counters;
	uint64_t frames = c->frames_sent + c->frames_received;

	printf("\n%s: %llu frames in %.2f s; guest doorbells %llu, interrupts %llu: "
	       "%.4f notifications/frame\n", what, (unsigned long long)frames, c->seconds,
	       (unsigned long long)c->doorbells, (unsigned long long)c->interrupts,
	       (double)(c->doorbells + c->interrupts) / frames);
}

static void test_send_every_frame_arrives(void)
{
	CU_ASSERT_FATAL(host_setup(&host) == 0);
	CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
	host_start(&host, 0);
	CU_ASSERT_EQUAL(guest_send(&guest, FRAMES), 0);
	host_stop(&host);
	if (*guest.error)
		fprintf(stderr, "\nguest: %s\n", guest.error);
	CU_ASSERT_EQUAL(host.received, FRAMES);
	CU_ASSERT_EQUAL(host.received_bad, 0);
	CU_ASSERT_EQUAL(host.received_reordered, 0);
	CU_ASSERT_EQUAL(guest.counters.frames_sent, FRAMES);
	CU_ASSERT_EQUAL(guest.counters.bytes_sent, FRAMES * 128ULL);
	CU_ASSERT_EQUAL(guest.counters.protocol_errors, 0);
	CU_ASSERT_EQUAL(guest.counters.events_added, 1);
	CU_ASSERT_FALSE(atomic_load(&host.broken));
	/* Interrupts came only as the guest waited: each one was an event. */
	CU_ASSERT(guest.counters.interrupts <= host.interrupts);
	CU_ASSERT((double)(guest.counters.doorbells + guest.counters.interrupts) / FRAMES < 0.25);
	print_figures("send");
	guest_free(&guest);
	host_teardown(&host);
}

static void test_receive_every_frame_verified(void)
{
	CU_ASSERT_FATAL(host_setup(&host) == 0);
	CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
	host_start(&host, FRAMES);
	CU_ASSERT_EQUAL(guest_receive(&guest, FRAMES), 0);
	host_stop(&host);
	if (*guest.error)
		fprintf(stderr, "\nguest: %s\n", guest.error);
	CU_ASSERT_EQUAL(guest.counters.frames_received, FRAMES);
	CU_ASSERT_EQUAL(guest.counters.frames_bad, 0);
	CU_ASSERT_EQUAL(guest.counters.frames_duplicate, 0);
	CU_ASSERT_EQUAL(guest.counters.frames_reordered, 0);
	CU_ASSERT_EQUAL(guest.counters.bytes_received, FRAMES * 128ULL);
	CU_ASSERT((double)(guest.counters.doorbells + guest.counters.interrupts) / FRAMES < 0.25);
	print_figures("receive");
	guest_free(&guest);
	host_teardown(&host);
}

static void test_corrupt_frame_is_counted(void)
{
	CU_ASSERT_FATAL(host_setup(&host) == 0);
	CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
	host.corrupt_sequence = 500;
	host_start(&host, 1000);
	/* 999 good frames arrive; the guest then waits in vain for the 1000th. */
	guest.options.timeout_ms = 300;
	CU_ASSERT_EQUAL(guest_receive(&guest, 1000), -ETIMEDOUT);
	host_stop(&host);
	CU_ASSERT_EQUAL(guest.counters.frames_received, 999);
	CU_ASSERT_EQUAL(guest.counters.frames_bad, 1);
	guest_free(&guest);
	host_teardown(&host);
}

/* The host gives back more than was published: the guest stops, -EPROTO. */
static void test_broken_host_ring_is_refused(void)
{
	struct vbus_ioq_ring *tx;
	uint64_t next = 0;

	CU_ASSERT_FATAL(host_setup(&host) == 0);
	CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
	tx = (struct vbus_ioq_ring *)((uint8_t *)host.region + host.tx_offset);
	CU_ASSERT_EQUAL(guest_tx_fill(&guest, &next, 4), 4);
	ioq_write_le32(&tx->consumer_index.value, 9);
	CU_ASSERT_EQUAL(guest_tx_reclaim(&guest), -EPROTO);
	CU_ASSERT_TRUE(guest.tx.broken);
	CU_ASSERT_EQUAL(guest_tx_fill(&guest, &next, 8), 0);
	guest_free(&guest);
	host_teardown(&host);
}

static void test_removed_device_stops_the_guest(void)
{
	CU_ASSERT_FATAL(host_setup(&host) == 0);
	CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
	slot0()->state = htole32(VBUS_SLOT_FREE);
	host_post(&host, VBUS_EVENTQ_DEVICE_REMOVED, 0);
	host_start(&host, 0);
	CU_ASSERT_EQUAL(guest_send(&guest, FRAMES), -ENODEV);
	host_stop(&host);
	CU_ASSERT_EQUAL(guest.counters.events_removed, 1);
	guest_free(&guest);
	host_teardown(&host);
}

static int host_broken(void *context)
{
	struct inmemory_host *h = context;

	return atomic_load(&h->broken);
}

/* Hostile without a verdict to look at: it attacks until the time is up. */
static void test_hostile_runs_until_the_time(void)
{
	uint64_t state = 9;
	double start;

	CU_ASSERT_FATAL(host_setup(&host) == 0);
	CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
	host_start(&host, 0);
	start = guest_now();
	CU_ASSERT_EQUAL(guest_hostile(&guest, start + 0.5, &state), 0);
	CU_ASSERT(guest_now() - start >= 0.5);
	host_stop(&host);
	CU_ASSERT(guest.counters.corruptions > 0);
	guest_free(&guest);
	host_teardown(&host);
}

/* Hostile until the host's verdict, with each of four seeds: the in-memory
 * host must see a protocol error, and neither side may crash (the region is
 * exactly its size, so ASan sees any access past it). */
static void test_hostile_breaks_the_host_not_itself(void)
{
	uint64_t seed, state;

	for (seed = 1; seed <= 4; seed++) {
		CU_ASSERT_FATAL(host_setup(&host) == 0);
		CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
		guest.host_broken = host_broken;
		guest.host_context = &host;
		host_start(&host, 0);
		state = seed;
		/* Returns as soon as it sees the host's verdict, within 5 s. */
		CU_ASSERT_EQUAL(guest_hostile(&guest, guest_now() + 5, &state), 1);
		host_stop(&host);
		printf("\nhostile seed %llu: %llu corruptions, %llu doorbells, %llu frames sent, "
		       "host %s", (unsigned long long)seed,
		       (unsigned long long)guest.counters.corruptions,
		       (unsigned long long)guest.counters.doorbells,
		       (unsigned long long)guest.counters.frames_sent,
		       atomic_load(&host.broken) ? "broken" : "not broken");
		CU_ASSERT(guest.counters.corruptions > 0);
		CU_ASSERT(guest.counters.doorbells > 0);
		CU_ASSERT_TRUE(atomic_load(&host.broken));
		guest_free(&guest);
		host_teardown(&host);
	}
	printf("\n");
}

/* A host that writes garbage everywhere: the guest may fail or time out,
 * never touch memory outside the region or its own (ASan would see it). */
static void test_guest_survives_a_hostile_host(void)
{
	uint64_t seed;
	int r;

	for (seed = 1; seed <= 4; seed++) {
		CU_ASSERT_FATAL(host_setup(&host) == 0);
		CU_ASSERT_EQUAL_FATAL(guest_setup(), 0);
		guest.options.timeout_ms = 200;
		host.hostile_seed = seed;
		host_start(&host, seed % 2 ? 0 : FRAMES);
		r = seed % 2 ? guest_send(&guest, FRAMES) : guest_receive(&guest, FRAMES);
		host_stop(&host);
		printf("\nhostile host seed %llu: guest %s after %llu frames (%s)",
		       (unsigned long long)seed, r ? "stopped" : "finished",
		       (unsigned long long)(guest.counters.frames_sent +
					    guest.counters.frames_received), guest.error);
		CU_ASSERT(r == 0 || r == -EPROTO || r == -ETIMEDOUT || r == -ENODEV);
		guest_free(&guest);
		host_teardown(&host);
	}
	printf("\n");
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "the guest reads the layout the host wrote", test_guest_reads_the_layout },
		{ "the guest refuses broken layouts", test_guest_refuses_broken_layouts },
		{ "a refused layout leaves the old one as it was", test_refused_layout_leaves_the_old_one },
		{ "send: every frame arrives, few notifications", test_send_every_frame_arrives },
		{ "receive: every frame verified, few notifications",
		  test_receive_every_frame_verified },
		{ "a corrupt frame from the host is counted", test_corrupt_frame_is_counted },
		{ "a host breaking the ring is refused", test_broken_host_ring_is_refused },
		{ "a removed device stops the guest", test_removed_device_stops_the_guest },
		{ "hostile: the host breaks, nothing crashes",
		  test_hostile_breaks_the_host_not_itself },
		{ "hostile without a verdict runs until the time is up",
		  test_hostile_runs_until_the_time },
		{ "the guest survives a host that writes garbage",
		  test_guest_survives_a_hostile_host },
	};

	return unit_run("testguest/venet-inmemory", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The shared region's layout is the one include/uapi/linux/vbus_ring.h
 * documents: every offset and size, the magics as bytes, and the rules
 * ioq_config_valid() enforces on a queue's geometry. */
#include <stddef.h>

#include "ring-fixture.h"
#include "unit.h"

#define AT(type, member, offset) CU_ASSERT_EQUAL(offsetof(struct type, member), offset)
#define SIZE(type, size) CU_ASSERT_EQUAL(sizeof(struct type), size)

static void test_region_header(void)
{
	SIZE(vbus_region_header, 256);
	AT(vbus_region_header, magic, 0);
	AT(vbus_region_header, version, 4);
	AT(vbus_region_header, size, 8);
	AT(vbus_region_header, state, 12);
	AT(vbus_region_header, device_offset, 16);
	AT(vbus_region_header, device_count, 20);
	AT(vbus_region_header, event_offset, 24);
	AT(vbus_region_header, event_count, 28);
	AT(vbus_region_header, event_entry_offset, 32);
	AT(vbus_region_header, data_offset, 36);
	AT(vbus_region_header, data_size, 40);
	AT(vbus_region_header, reset_done, 44);
	AT(vbus_region_header, reserved0, 48);
	AT(vbus_region_header, name, 64);
	AT(vbus_region_header, uuid, 96);
	AT(vbus_region_header, flags, 112);
	AT(vbus_region_header, reserved1, 116);
	AT(vbus_region_header, reset_request, 128);
	AT(vbus_region_header, reserved2, 132);
}

static void test_device_slot(void)
{
	SIZE(vbus_device_slot, 128);
	AT(vbus_device_slot, id, 0);
	AT(vbus_device_slot, type, 4);
	AT(vbus_device_slot, state, 8);
	AT(vbus_device_slot, generation, 12);
	AT(vbus_device_slot, queue_count, 16);
	AT(vbus_device_slot, queue, 24);
	AT(vbus_device_slot, config, 64);
	SIZE(vbus_slot_queue, 8);
	AT(vbus_slot_queue, offset, 0);
	AT(vbus_slot_queue, doorbell, 4);
	SIZE(vbus_slot_venet, 64);
	AT(vbus_slot_venet, mac, 0);
	AT(vbus_slot_venet, mtu, 8);
	AT(vbus_slot_venet, wmem, 12);
	AT(vbus_slot_venet, features, 16);
	AT(vbus_slot_venet, guest_features, 24);
	AT(vbus_slot_venet, tx_zerocopy, 32);
	AT(vbus_slot_venet, tx_copied, 40);
	CU_ASSERT_EQUAL(VBUS_DEVICE_QUEUES_MAX * sizeof(struct vbus_slot_queue), 32);
	CU_ASSERT_EQUAL(VBUS_SLOT_FREE, 0);
}

static void test_event_entry(void)
{
	SIZE(vbus_eventq_entry, 16);
	AT(vbus_eventq_entry, type, 0);
	AT(vbus_eventq_entry, queue, 2);
	AT(vbus_eventq_entry, slot, 4);
	AT(vbus_eventq_entry, device, 8);
	AT(vbus_eventq_entry, generation, 12);
	CU_ASSERT_EQUAL(VBUS_EVENTQ_NONE, 0);
}

static void test_ioq(void)
{
	SIZE(vbus_ioq_desc, 16);
	AT(vbus_ioq_desc, offset, 0);
	AT(vbus_ioq_desc, length, 4);
	AT(vbus_ioq_desc, cookie, 8);
	AT(vbus_ioq_desc, flags, 12);
	SIZE(vbus_ioq_word, 128);
	AT(vbus_ioq_word, value, 0);
	SIZE(vbus_ioq_ring, 640);
	AT(vbus_ioq_ring, magic, 0);
	AT(vbus_ioq_ring, count, 4);
	AT(vbus_ioq_ring, producer_index, 128);
	AT(vbus_ioq_ring, consumer_index, 256);
	AT(vbus_ioq_ring, producer_event, 384);
	AT(vbus_ioq_ring, consumer_event, 512);
	AT(vbus_ioq_ring, desc, 640);
	CU_ASSERT_EQUAL(ioq_ring_size(256), 640 + 256 * 16);
	CU_ASSERT_EQUAL(VBUS_RING_VERSION, 2);
}

/*
 * Each index and each event alone on its own 128-byte pair of lines (a line
 * and its adjacent-line prefetch partner), apart from the header and the
 * descriptors.
 */
static void test_indices_on_separate_lines(void)
{
	static const size_t words[] = {
		offsetof(struct vbus_ioq_ring, producer_index),
		offsetof(struct vbus_ioq_ring, consumer_index),
		offsetof(struct vbus_ioq_ring, producer_event),
		offsetof(struct vbus_ioq_ring, consumer_event),
	};
	size_t i, j;

	CU_ASSERT_EQUAL(VBUS_RING_ALIGN, 128);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(words[i] % VBUS_RING_ALIGN, 0);
		CU_ASSERT_NOT_EQUAL(words[i] / VBUS_RING_ALIGN, 0);
		CU_ASSERT_TRUE(words[i] + VBUS_RING_ALIGN <= offsetof(struct vbus_ioq_ring, desc));
		for (j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(words[i] / VBUS_RING_ALIGN, words[j] / VBUS_RING_ALIGN);
	}
	CU_ASSERT_EQUAL(offsetof(struct vbus_ioq_ring, desc) % VBUS_RING_ALIGN, 0);
}

static void test_magics_are_bytes(void)
{
	__le32 word;

	ioq_write_le32(&word, VBUS_REGION_MAGIC);
	CU_ASSERT_EQUAL(memcmp(&word, "VBUS", 4), 0);
	ioq_write_le32(&word, VBUS_IOQ_MAGIC);
	CU_ASSERT_EQUAL(memcmp(&word, "IOQR", 4), 0);
}

/*
 * ioq_format() writes the magic and count; indices and events start at 0
 * (each side asks for the first entry), the rest of the ring is zero.
 */
static void test_format(void)
{
	struct ring_fixture f;
	const __u8 *bytes;
	__u32 i;

	fixture_setup(&f, 64);
	memset((__u8 *)f.region + 8, 0xa5, ioq_ring_size(64) - 8);
	CU_ASSERT_EQUAL(ioq_format(&f.config), 0);
	bytes = f.region;
	CU_ASSERT_EQUAL(memcmp(bytes, "IOQR", 4), 0);
	CU_ASSERT_EQUAL(bytes[4] | bytes[5] << 8 | bytes[6] << 16 | bytes[7] << 24, 64);
	for (i = 8; i < ioq_ring_size(64); i++)
		if (bytes[i])
			break;
	CU_ASSERT_EQUAL(i, ioq_ring_size(64));
	fixture_teardown(&f);
}

/* A descriptor's fields land little-endian where the ABI says. */
static void test_descriptor_bytes(void)
{
	static const __u8 expected[16] = {
		0x00, 0x81, 0, 0,		/* offset 0x8100 */
		0x2a, 0, 0, 0,			/* length 42 */
		0x78, 0x56, 0x34, 0x12,		/* cookie */
		VBUS_IOQ_DESC_F_NEXT, 0,
		0, 0,
	};
	struct ioq_buffer buf = {
		.offset = 0x8100, .length = 42, .cookie = 0x12345678,
		.flags = VBUS_IOQ_DESC_F_NEXT,
	};
	struct ring_fixture f;

	fixture_setup(&f, 64);
	CU_ASSERT_EQUAL(ioq_produce_add(&f.producer, &buf), 0);
	CU_ASSERT_EQUAL(memcmp(&fixture_ring(&f)->desc[0], expected, sizeof(expected)), 0);
	fixture_teardown(&f);
}

static bool valid(__u32 ring_offset, __u32 count, __u32 buffer_start, __u32 buffer_end)
{
	static __u8 region[1 << 16] __attribute__((aligned(VBUS_RING_ALIGN)));
	struct ioq_config config = {
		.region = region, .region_size = sizeof(region), .ring_offset = ring_offset,
		.count = count, .buffer_start = buffer_start, .buffer_end = buffer_end,
	};

	return ioq_config_valid(&config);
}

static void test_geometry_rules(void)
{
	CU_ASSERT_TRUE(valid(0, 256, 8192, 65536));
	CU_ASSERT_TRUE(valid(8192, 1, 0, 8192));		/* window below the ring */
	CU_ASSERT_TRUE(valid(0, VBUS_IOQ_COUNT_MAX / 16, 0, 0));	/* empty window */
	CU_ASSERT_FALSE(valid(0, 0, 8192, 65536));		/* no descriptors */
	CU_ASSERT_FALSE(valid(0, 96, 8192, 65536));		/* not a power of two */
	CU_ASSERT_FALSE(valid(0, 2 * VBUS_IOQ_COUNT_MAX, 0, 0));
	CU_ASSERT_FALSE(valid(32, 64, 8192, 65536));		/* not on a cache line */
	CU_ASSERT_FALSE(valid(64, 64, 8192, 65536));		/* not on a line pair */
	CU_ASSERT_FALSE(valid(65536 - 128, 64, 0, 8192));	/* runs past the region */
	CU_ASSERT_FALSE(valid(0xffffff80, 64, 0, 8192));
	CU_ASSERT_FALSE(valid(0, 256, 4096, 65536));		/* window over descriptors */
	CU_ASSERT_FALSE(valid(0, 256, 8192, 65537));		/* window past the region */
	CU_ASSERT_FALSE(valid(0, 256, 9000, 8192));		/* window backwards */
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "region header offsets and size", test_region_header },
		{ "device slot offsets and size", test_device_slot },
		{ "event queue entry offsets and size", test_event_entry },
		{ "ioq ring v2: index and event words, descriptor offsets", test_ioq },
		{ "each index and event alone on its own 128-byte line pair",
		  test_indices_on_separate_lines },
		{ "the magics are the bytes VBUS and IOQR", test_magics_are_bytes },
		{ "format writes magic and count, zero indices and events", test_format },
		{ "a descriptor's bytes are little-endian at the ABI offsets",
		  test_descriptor_bytes },
		{ "a queue's geometry must fit the region and not overlap its window",
		  test_geometry_rules },
	};

	return unit_run("ring/layout", UNIT_TESTS(tests));
}

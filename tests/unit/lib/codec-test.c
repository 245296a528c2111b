/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of lib/codec.c: structs encode and decode back unchanged, and
 * truncated, oversized or malformed attributes are refused. */
#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "unit.h"

#define FAMILY 0x42

/* A message of the family as the kernel would start it. */
static struct nl_msg *message(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(genlmsg_put(msg, 0, 1, FAMILY, 0, 0, cmd, VBUS_GENL_VERSION));
	return msg;
}

static int parse(struct nl_msg *msg, struct nlattr **attrs)
{
	return vbus_parse_message(nlmsg_hdr(msg), attrs);
}

static struct vbus_bus_info sample_bus(void)
{
	struct vbus_bus_info bus = {
		.name = "vm1",
		.connector = VBUS_CONNECTOR_IVSHMEM,
		.region_size = 2U << 20,
		.domain = "guest-one",
		.has_uuid = true,
		.uuid = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
			  0x0f, 0xed, 0xcb, 0xa9, 0x87, 0x65, 0x43, 0x21 },
	};

	return bus;
}

static struct vbus_device_info sample_device(void)
{
	struct vbus_device_info device = {
		.name = "web0",
		.type = VBUS_DEVICE_TYPE_VENET,
		.venet = {
			.present = VBUS_VENET_F_ALL,
			.mac = { 0x02, 0, 0, 0, 0, 0x01 },
			.mtu = 9000,
			.zcthresh = 0,
			.wmem = 2U << 20,
			.txqlen = 500,
			.ifname = "vbt-web0",
		},
	};

	return device;
}

/* Field by field: struct padding is not part of what was sent. */
static void assert_bus_equal(const struct vbus_bus_info *a, const struct vbus_bus_info *b)
{
	CU_ASSERT_STRING_EQUAL(a->name, b->name);
	CU_ASSERT_EQUAL(a->connector, b->connector);
	CU_ASSERT_EQUAL(a->region_size, b->region_size);
	CU_ASSERT_STRING_EQUAL(a->domain, b->domain);
	CU_ASSERT_EQUAL(a->has_uuid, b->has_uuid);
	CU_ASSERT_EQUAL(memcmp(a->uuid, b->uuid, VBUS_UUID_LEN), 0);
	CU_ASSERT_EQUAL(a->state, b->state);
	CU_ASSERT_EQUAL(a->device_count, b->device_count);
}

static void assert_device_equal(const struct vbus_device_info *a,
				const struct vbus_device_info *b)
{
	CU_ASSERT_STRING_EQUAL(a->name, b->name);
	CU_ASSERT_EQUAL(a->id, b->id);
	CU_ASSERT_EQUAL(a->type, b->type);
	CU_ASSERT_STRING_EQUAL(a->bus, b->bus);
	CU_ASSERT_EQUAL(a->venet.present, b->venet.present);
	CU_ASSERT_EQUAL(memcmp(a->venet.mac, b->venet.mac, VBUS_MAC_LEN), 0);
	CU_ASSERT_EQUAL(a->venet.mtu, b->venet.mtu);
	CU_ASSERT_EQUAL(a->venet.zcthresh, b->venet.zcthresh);
	CU_ASSERT_EQUAL(a->venet.wmem, b->venet.wmem);
	CU_ASSERT_EQUAL(a->venet.txqlen, b->venet.txqlen);
	CU_ASSERT_STRING_EQUAL(a->venet.ifname, b->venet.ifname);
}

/* Appends the attributes only the kernel sends in a bus message. */
static void put_bus_reply_attributes(struct nl_msg *msg, uint32_t state, uint32_t count)
{
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_BUS_STATE, state), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_BUS_DEVICE_COUNT, count), 0);
}

/* Appends a stats nest as the kernel does (u64 values, a pad attribute). */
static void put_stats(struct nl_msg *msg, const struct vbus_stats *stats)
{
	const uint64_t values[] = {
		stats->tx_packets, stats->tx_bytes, stats->rx_packets, stats->rx_bytes,
		stats->drops, stats->doorbells, stats->interrupts, stats->suppressed,
		stats->tx_zerocopy, stats->tx_copied,
	};
	struct nlattr *nest = nla_nest_start(msg, VBUS_A_DEVICE_STATS);
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(nest);
	CU_ASSERT_EQUAL(nla_put(msg, VBUS_STATS_A_PAD, 0, NULL), 0);
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(nla_put_u64(msg, VBUS_STATS_A_TX_PACKETS + i, values[i]), 0);
	CU_ASSERT_EQUAL(nla_nest_end(msg, nest), 0);
}

static void test_bus_round_trip(void)
{
	struct vbus_bus_info sent = sample_bus(), received;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_BUS_NEW);

	CU_ASSERT_EQUAL(vbus_put_bus(msg, &sent), 0);
	put_bus_reply_attributes(msg, VBUS_BUS_STATE_BROKEN, 3);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL_FATAL(vbus_parse_bus(attrs, &received), 0);
	sent.state = VBUS_BUS_STATE_BROKEN;
	sent.device_count = 3;
	assert_bus_equal(&sent, &received);
	nlmsg_free(msg);
}

static void test_bus_defaults_are_not_sent(void)
{
	struct vbus_bus_info bus = { .name = "b" }, received;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_BUS_NEW);

	CU_ASSERT_EQUAL(vbus_put_bus(msg, &bus), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_PTR_NOT_NULL(attrs[VBUS_A_BUS_NAME]);
	CU_ASSERT_PTR_NOT_NULL(attrs[VBUS_A_BUS_CONNECTOR]);
	CU_ASSERT_PTR_NULL(attrs[VBUS_A_BUS_REGION_SIZE]);
	CU_ASSERT_PTR_NULL(attrs[VBUS_A_BUS_DOMAIN]);
	CU_ASSERT_PTR_NULL(attrs[VBUS_A_BUS_UUID]);
	CU_ASSERT_PTR_NULL(attrs[VBUS_A_BUS_STATE]);

	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_BUS_REGION_SIZE, VBUS_REGION_SIZE_DEFAULT), 0);
	put_bus_reply_attributes(msg, VBUS_BUS_STATE_OK, 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL_FATAL(vbus_parse_bus(attrs, &received), 0);
	CU_ASSERT_STRING_EQUAL(received.name, "b");
	CU_ASSERT_STRING_EQUAL(received.domain, "");
	CU_ASSERT_FALSE(received.has_uuid);
	CU_ASSERT_EQUAL(received.region_size, VBUS_REGION_SIZE_DEFAULT);
	nlmsg_free(msg);
}

static void test_device_round_trip(void)
{
	struct vbus_device_info sent = sample_device(), received;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_DEVICE_NEW);

	CU_ASSERT_EQUAL(vbus_put_device(msg, &sent), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_ID, 7), 0);
	CU_ASSERT_EQUAL(nla_put_string(msg, VBUS_A_BUS_NAME, "vm1"), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL_FATAL(vbus_parse_device(attrs, &received), 0);
	sent.id = 7;
	strcpy(sent.bus, "vm1");
	assert_device_equal(&sent, &received);
	CU_ASSERT_TRUE(nla_is_nested(attrs[VBUS_A_DEVICE_VENET]));
	nlmsg_free(msg);
}

static void test_venet_sends_only_present_fields(void)
{
	struct vbus_venet_config venet = {
		.present = VBUS_VENET_F_MTU | VBUS_VENET_F_IFNAME,
		.mtu = 1400, .zcthresh = 99, .wmem = 99, .txqlen = 99, .ifname = "eth-x",
	};
	struct vbus_device_info received;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_DEVICE_SET);

	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	CU_ASSERT_EQUAL(vbus_put_venet(msg, &venet), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_ID, 1), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_TYPE, VBUS_DEVICE_TYPE_VENET), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL_FATAL(vbus_parse_device(attrs, &received), 0);
	CU_ASSERT_EQUAL(received.venet.present, VBUS_VENET_F_MTU | VBUS_VENET_F_IFNAME);
	CU_ASSERT_EQUAL(received.venet.mtu, 1400);
	CU_ASSERT_EQUAL(received.venet.zcthresh, 0);
	CU_ASSERT_STRING_EQUAL(received.venet.ifname, "eth-x");
	CU_ASSERT_STRING_EQUAL(received.bus, "");
	nlmsg_free(msg);
}

static void test_venet_with_nothing_present_sends_no_nest(void)
{
	struct vbus_venet_config venet = { .present = 0, .mtu = 1500 };
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_DEVICE_SET);

	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	CU_ASSERT_EQUAL(vbus_put_venet(msg, &venet), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_PTR_NULL(attrs[VBUS_A_DEVICE_VENET]);
	nlmsg_free(msg);
}

static void test_stats_round_trip(void)
{
	struct vbus_stats sent = {
		.tx_packets = 1, .tx_bytes = 1ULL << 40, .rx_packets = 3, .rx_bytes = 4,
		.drops = 5, .doorbells = 6, .interrupts = 7, .suppressed = 8,
		.tx_zerocopy = 9, .tx_copied = UINT64_MAX,
	}, received;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_STATS_GET);
	char device[VBUS_NAME_MAX];

	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	put_stats(msg, &sent);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL_FATAL(vbus_parse_stats(attrs, device, &received), 0);
	CU_ASSERT_STRING_EQUAL(device, "web0");
	CU_ASSERT_EQUAL(memcmp(&sent, &received, sizeof(sent)), 0);
	nlmsg_free(msg);
}

static void test_version(void)
{
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_GET_VERSION);
	struct vbus_version version;

	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_VERSION, 1), 0);
	CU_ASSERT_EQUAL(nla_put_string(msg, VBUS_A_MODULE_VERSION, "0.1.0"), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL(vbus_parse_version(attrs, &version), 0);
	CU_ASSERT_EQUAL(version.genl_version, 1);
	CU_ASSERT_STRING_EQUAL(version.module_version, "0.1.0");
	nlmsg_free(msg);
}

static void test_events(void)
{
	struct vbus_bus_info bus = sample_bus();
	struct vbus_device_info device = sample_device();
	struct vbus_event event;
	struct nl_msg *msg;

	msg = message(VBUS_CMD_CONNECT);
	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	CU_ASSERT_EQUAL(vbus_put_bus_name(msg, "vm1"), 0);
	CU_ASSERT_EQUAL(vbus_parse_event(nlmsg_hdr(msg), &event), 0);
	CU_ASSERT_EQUAL(event.cmd, VBUS_CMD_CONNECT);
	CU_ASSERT_STRING_EQUAL(event.device.name, "web0");
	CU_ASSERT_STRING_EQUAL(event.device.bus, "vm1");
	CU_ASSERT_STRING_EQUAL(event.bus.name, "vm1");
	nlmsg_free(msg);

	msg = message(VBUS_CMD_DISCONNECT);
	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	CU_ASSERT_EQUAL(vbus_parse_event(nlmsg_hdr(msg), &event), -EPROTO);
	nlmsg_free(msg);

	msg = message(VBUS_CMD_BUS_DEL);
	CU_ASSERT_EQUAL(vbus_put_bus(msg, &bus), 0);
	put_bus_reply_attributes(msg, VBUS_BUS_STATE_OK, 0);
	CU_ASSERT_EQUAL(vbus_parse_event(nlmsg_hdr(msg), &event), 0);
	CU_ASSERT_EQUAL(event.cmd, VBUS_CMD_BUS_DEL);
	CU_ASSERT_STRING_EQUAL(event.bus.name, "vm1");
	CU_ASSERT_STRING_EQUAL(event.bus.domain, "guest-one");
	CU_ASSERT_STRING_EQUAL(event.device.name, "");
	nlmsg_free(msg);

	/* A bus's state changed (its guest broke it): BUS_GET. */
	msg = message(VBUS_CMD_BUS_GET);
	CU_ASSERT_EQUAL(vbus_put_bus(msg, &bus), 0);
	put_bus_reply_attributes(msg, VBUS_BUS_STATE_BROKEN, 1);
	CU_ASSERT_EQUAL(vbus_parse_event(nlmsg_hdr(msg), &event), 0);
	CU_ASSERT_EQUAL(event.cmd, VBUS_CMD_BUS_GET);
	CU_ASSERT_EQUAL(event.bus.state, VBUS_BUS_STATE_BROKEN);
	nlmsg_free(msg);

	msg = message(VBUS_CMD_DEVICE_SET);
	CU_ASSERT_EQUAL(vbus_put_device(msg, &device), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_ID, 3), 0);
	CU_ASSERT_EQUAL(vbus_parse_event(nlmsg_hdr(msg), &event), 0);
	CU_ASSERT_EQUAL(event.cmd, VBUS_CMD_DEVICE_SET);
	CU_ASSERT_EQUAL(event.device.id, 3);
	CU_ASSERT_EQUAL(event.device.venet.mtu, 9000);
	nlmsg_free(msg);

	msg = message(VBUS_CMD_GET_VERSION);
	CU_ASSERT_EQUAL(vbus_parse_event(nlmsg_hdr(msg), &event), -EOPNOTSUPP);
	nlmsg_free(msg);
	msg = message(VBUS_CMD_MAX + 1);
	CU_ASSERT_EQUAL(vbus_parse_event(nlmsg_hdr(msg), &event), -EOPNOTSUPP);
	nlmsg_free(msg);
}

static void test_missing_required_attributes(void)
{
	struct vbus_bus_info bus = sample_bus(), received_bus;
	struct vbus_device_info device = sample_device(), received_device;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct vbus_version version;
	struct vbus_stats stats;
	char name[VBUS_NAME_MAX];
	struct nl_msg *msg;

	msg = message(VBUS_CMD_BUS_GET);
	CU_ASSERT_EQUAL(vbus_put_bus(msg, &bus), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL(vbus_parse_bus(attrs, &received_bus), -EPROTO);
	nlmsg_free(msg);

	msg = message(VBUS_CMD_DEVICE_GET);
	CU_ASSERT_EQUAL(vbus_put_device(msg, &device), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL(vbus_parse_device(attrs, &received_device), -EPROTO);
	CU_ASSERT_EQUAL(vbus_parse_stats(attrs, name, &stats), -EPROTO);
	CU_ASSERT_EQUAL(vbus_parse_version(attrs, &version), -EPROTO);
	nlmsg_free(msg);
}

static void test_newer_attributes_are_ignored(void)
{
	struct vbus_device_info device = sample_device(), received;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_DEVICE_GET);
	struct nlattr *nest;

	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_ID, 1), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_TYPE, VBUS_DEVICE_TYPE_VENET), 0);
	CU_ASSERT_EQUAL(nla_put_u64(msg, VBUS_A_MAX + 5, 1), 0);
	nest = nla_nest_start(msg, VBUS_A_DEVICE_VENET);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_VENET_A_MTU, device.venet.mtu), 0);
	CU_ASSERT_EQUAL(nla_put_string(msg, VBUS_VENET_A_MAX + 1, "future"), 0);
	CU_ASSERT_EQUAL(nla_nest_end(msg, nest), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL(vbus_parse_device(attrs, &received), 0);
	CU_ASSERT_EQUAL(received.venet.present, VBUS_VENET_F_MTU);
	nlmsg_free(msg);
}

/* A device message whose attribute TYPE (top level, or in the venet nest
 * when NESTED) has LENGTH bytes of DATA. */
static struct nl_msg *device_with(bool nested, int type, int length, const void *data)
{
	struct nl_msg *msg = message(VBUS_CMD_DEVICE_GET);
	struct nlattr *nest;

	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_ID, 1), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_TYPE, VBUS_DEVICE_TYPE_VENET), 0);
	if (type != VBUS_A_DEVICE_NAME)
		CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	if (nested) {
		nest = nla_nest_start(msg, VBUS_A_DEVICE_VENET);
		CU_ASSERT_EQUAL(nla_put(msg, type, length, data), 0);
		CU_ASSERT_EQUAL(nla_nest_end(msg, nest), 0);
	} else {
		CU_ASSERT_EQUAL(nla_put(msg, type, length, data), 0);
	}
	return msg;
}

/* Parses a whole device message: the first error of either step. */
static int parse_device_message(struct nl_msg *msg)
{
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct vbus_device_info device;
	int r;

	r = parse(msg, attrs);
	if (r == 0)
		r = vbus_parse_device(attrs, &device);
	nlmsg_free(msg);
	return r;
}

static void test_wrong_sizes_are_refused(void)
{
	static const uint8_t bytes[64] = { 1 };
	char long_name[VBUS_NAME_MAX + 1];
	char ifname[VBUS_IFNAME_MAX + 1];

	memset(long_name, 'a', sizeof(long_name));
	long_name[VBUS_NAME_MAX] = '\0';
	memset(ifname, 'i', sizeof(ifname));
	ifname[VBUS_IFNAME_MAX] = '\0';

	/* sanity: the well-formed message parses */
	CU_ASSERT_EQUAL(parse_device_message(device_with(true, VBUS_VENET_A_MTU, 4, bytes)), 0);

	CU_ASSERT_EQUAL(parse_device_message(device_with(false, VBUS_A_DEVICE_NAME, 4, "web0")),
			-EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(false, VBUS_A_DEVICE_NAME, 0, NULL)),
			-EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(false, VBUS_A_DEVICE_NAME,
							 sizeof(long_name), long_name)), -EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(false, VBUS_A_DEVICE_ID, 2, bytes)),
			-EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(false, VBUS_A_DEVICE_ID, 8, bytes)),
			-EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(false, VBUS_A_BUS_UUID, 15, bytes)),
			-EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(false, VBUS_A_BUS_UUID, 17, bytes)),
			-EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(true, VBUS_VENET_A_MAC, 5, bytes)),
			-EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(true, VBUS_VENET_A_MTU, 3, bytes)),
			-EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(true, VBUS_VENET_A_IFNAME,
							 sizeof(ifname), ifname)), -EBADMSG);
	CU_ASSERT_EQUAL(parse_device_message(device_with(true, VBUS_VENET_A_IFNAME, 3, "eth")),
			-EBADMSG);
}

static void test_wrong_stats_sizes_are_refused(void)
{
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg = message(VBUS_CMD_STATS_GET);
	struct vbus_stats stats;
	char device[VBUS_NAME_MAX];
	struct nlattr *nest;

	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	nest = nla_nest_start(msg, VBUS_A_DEVICE_STATS);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_STATS_A_DROPS, 1), 0);
	CU_ASSERT_EQUAL(nla_nest_end(msg, nest), 0);
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL(vbus_parse_stats(attrs, device, &stats), -EBADMSG);
	nlmsg_free(msg);
}

static void test_truncated_messages_are_refused(void)
{
	struct vbus_device_info device = sample_device();
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct nl_msg *msg;
	struct nlmsghdr *nlh;
	struct nlattr *last;

	/* the last attribute cut short by the message length */
	msg = message(VBUS_CMD_DEVICE_GET);
	CU_ASSERT_EQUAL(vbus_put_device(msg, &device), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_ID, 1), 0);
	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_len -= 4;
	CU_ASSERT_EQUAL(parse(msg, attrs), -EBADMSG);
	nlmsg_free(msg);

	/* an attribute that claims more than the message holds */
	msg = message(VBUS_CMD_DEVICE_GET);
	last = nla_reserve(msg, VBUS_A_DEVICE_ID, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(last);
	last->nla_len = 64;
	CU_ASSERT_EQUAL(parse(msg, attrs), -EBADMSG);
	nlmsg_free(msg);

	/* trailing bytes that are no attribute */
	msg = message(VBUS_CMD_DEVICE_GET);
	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	CU_ASSERT_PTR_NOT_NULL(nlmsg_reserve(msg, 4, NLMSG_ALIGNTO));
	CU_ASSERT_EQUAL(parse(msg, attrs), -EBADMSG);
	nlmsg_free(msg);

	/* shorter than the generic netlink header */
	msg = message(VBUS_CMD_DEVICE_GET);
	nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 2;
	CU_ASSERT_EQUAL(parse(msg, attrs), -EBADMSG);
	nlmsg_free(msg);
}

static void test_truncated_nest_is_refused(void)
{
	struct nlattr *attrs[VBUS_A_MAX + 1];
	struct vbus_device_info received;
	struct nl_msg *msg = message(VBUS_CMD_DEVICE_GET);
	struct nlattr *nest, *mtu;

	CU_ASSERT_EQUAL(vbus_put_device_name(msg, "web0"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_ID, 1), 0);
	CU_ASSERT_EQUAL(nla_put_u32(msg, VBUS_A_DEVICE_TYPE, VBUS_DEVICE_TYPE_VENET), 0);
	nest = nla_nest_start(msg, VBUS_A_DEVICE_VENET);
	mtu = nla_reserve(msg, VBUS_VENET_A_MTU, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mtu);
	CU_ASSERT_EQUAL(nla_nest_end(msg, nest), 0);
	mtu->nla_len = 12;	/* runs past the end of its nest */
	CU_ASSERT_EQUAL_FATAL(parse(msg, attrs), 0);
	CU_ASSERT_EQUAL(vbus_parse_device(attrs, &received), -EBADMSG);
	nlmsg_free(msg);
}

static void test_unterminated_names_are_not_sent(void)
{
	struct vbus_device_info device = sample_device();
	struct vbus_bus_info bus = sample_bus();
	struct nl_msg *msg = message(VBUS_CMD_DEVICE_NEW);

	memset(device.name, 'a', sizeof(device.name));
	CU_ASSERT_EQUAL(vbus_put_device(msg, &device), -EINVAL);
	device = sample_device();
	memset(device.venet.ifname, 'a', sizeof(device.venet.ifname));
	CU_ASSERT_EQUAL(vbus_put_venet(msg, &device.venet), -EINVAL);
	memset(bus.domain, 'd', sizeof(bus.domain));
	CU_ASSERT_EQUAL(vbus_put_bus(msg, &bus), -EINVAL);
	nlmsg_free(msg);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "bus message round trip", test_bus_round_trip },
		{ "bus defaults are not sent", test_bus_defaults_are_not_sent },
		{ "device message round trip", test_device_round_trip },
		{ "venet sends only present fields", test_venet_sends_only_present_fields },
		{ "venet with nothing present sends no nest",
		  test_venet_with_nothing_present_sends_no_nest },
		{ "stats message round trip", test_stats_round_trip },
		{ "version reply", test_version },
		{ "events decode by command", test_events },
		{ "missing required attributes are refused", test_missing_required_attributes },
		{ "newer attributes are ignored", test_newer_attributes_are_ignored },
		{ "attributes of the wrong size are refused", test_wrong_sizes_are_refused },
		{ "stats of the wrong size are refused", test_wrong_stats_sizes_are_refused },
		{ "truncated messages are refused", test_truncated_messages_are_refused },
		{ "a truncated nest is refused", test_truncated_nest_is_refused },
		{ "unterminated names are not sent", test_unterminated_names_are_not_sent },
	};

	return unit_run("lib/codec", UNIT_TESTS(tests));
}

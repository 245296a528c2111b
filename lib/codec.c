/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The vbus family's messages to and from libvbus structs: attribute
 * building and strict parsing, with no socket I/O. */
#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "macro.h"

#define U32_ATTR { .type = NLA_U32, .maxlen = sizeof(uint32_t) }
#define U64_ATTR { .type = NLA_U64, .maxlen = sizeof(uint64_t) }
#define STRING_ATTR(size) { .type = NLA_STRING, .maxlen = (size) }
#define BINARY_ATTR(size) { .type = NLA_UNSPEC, .minlen = (size), .maxlen = (size) }

/*
 * What the kernel may send: strings NUL-terminated and no longer than the
 * structs hold, integers of their exact size, binaries of their exact size.
 */
static const struct nla_policy top_policy[VBUS_A_MAX + 1] = {
	[VBUS_A_VERSION] = U32_ATTR,
	[VBUS_A_MODULE_VERSION] = STRING_ATTR(sizeof(((struct vbus_version *)0)->module_version)),
	[VBUS_A_BUS_NAME] = STRING_ATTR(VBUS_NAME_MAX),
	[VBUS_A_BUS_CONNECTOR] = U32_ATTR,
	[VBUS_A_BUS_REGION_SIZE] = U32_ATTR,
	[VBUS_A_BUS_DOMAIN] = STRING_ATTR(VBUS_DOMAIN_MAX),
	[VBUS_A_BUS_UUID] = BINARY_ATTR(VBUS_UUID_LEN),
	[VBUS_A_BUS_STATE] = U32_ATTR,
	[VBUS_A_BUS_DEVICE_COUNT] = U32_ATTR,
	[VBUS_A_BUS_POLL_US] = U32_ATTR,
	[VBUS_A_BUS_POLL_WINDOWS] = U64_ATTR,
	[VBUS_A_BUS_POLL_HITS] = U64_ATTR,
	[VBUS_A_BUS_POLL_TIME_NS] = U64_ATTR,
	[VBUS_A_DEVICE_NAME] = STRING_ATTR(VBUS_NAME_MAX),
	[VBUS_A_DEVICE_ID] = U32_ATTR,
	[VBUS_A_DEVICE_TYPE] = U32_ATTR,
	[VBUS_A_DEVICE_VENET] = { .type = NLA_NESTED },
	[VBUS_A_DEVICE_STATS] = { .type = NLA_NESTED },
};

static const struct nla_policy venet_policy[VBUS_VENET_A_MAX + 1] = {
	[VBUS_VENET_A_MAC] = BINARY_ATTR(VBUS_MAC_LEN),
	[VBUS_VENET_A_MTU] = U32_ATTR,
	[VBUS_VENET_A_ZCTHRESH] = U32_ATTR,
	[VBUS_VENET_A_WMEM] = U32_ATTR,
	[VBUS_VENET_A_TXQLEN] = U32_ATTR,
	[VBUS_VENET_A_IFNAME] = STRING_ATTR(VBUS_IFNAME_MAX),
};

static const struct nla_policy stats_policy[VBUS_STATS_A_MAX + 1] = {
	[VBUS_STATS_A_TX_PACKETS] = U64_ATTR,
	[VBUS_STATS_A_TX_BYTES] = U64_ATTR,
	[VBUS_STATS_A_RX_PACKETS] = U64_ATTR,
	[VBUS_STATS_A_RX_BYTES] = U64_ATTR,
	[VBUS_STATS_A_DROPS] = U64_ATTR,
	[VBUS_STATS_A_DOORBELLS] = U64_ATTR,
	[VBUS_STATS_A_INTERRUPTS] = U64_ATTR,
	[VBUS_STATS_A_SUPPRESSED] = U64_ATTR,
	[VBUS_STATS_A_TX_ZEROCOPY] = U64_ATTR,
	[VBUS_STATS_A_TX_COPIED] = U64_ATTR,
};

/* Puts a string held in a SIZE-byte array; -EINVAL if it has no NUL there. */
static int put_string(struct nl_msg *msg, int type, const char *text, size_t size)
{
	size_t length = strnlen(text, size);

	if (length == size)
		return -EINVAL;
	return nla_put(msg, type, (int)length + 1, text) < 0 ? -EMSGSIZE : 0;
}

int vbus_put_bus_name(struct nl_msg *msg, const char *name)
{
	return nla_put_string(msg, VBUS_A_BUS_NAME, name) < 0 ? -EMSGSIZE : 0;
}

int vbus_put_device_name(struct nl_msg *msg, const char *name)
{
	return nla_put_string(msg, VBUS_A_DEVICE_NAME, name) < 0 ? -EMSGSIZE : 0;
}

int vbus_put_bus(struct nl_msg *msg, const struct vbus_bus_info *bus)
{
	int r;

	r = put_string(msg, VBUS_A_BUS_NAME, bus->name, sizeof(bus->name));
	if (r == 0 && nla_put_u32(msg, VBUS_A_BUS_CONNECTOR, bus->connector) < 0)
		r = -EMSGSIZE;
	if (r == 0 && bus->region_size &&
	    nla_put_u32(msg, VBUS_A_BUS_REGION_SIZE, bus->region_size) < 0)
		r = -EMSGSIZE;
	if (r == 0 && bus->domain[0])
		r = put_string(msg, VBUS_A_BUS_DOMAIN, bus->domain, sizeof(bus->domain));
	if (r == 0 && bus->has_uuid &&
	    nla_put(msg, VBUS_A_BUS_UUID, VBUS_UUID_LEN, bus->uuid) < 0)
		r = -EMSGSIZE;
	if (r == 0 && bus->has_poll_us &&
	    nla_put_u32(msg, VBUS_A_BUS_POLL_US, bus->poll_us) < 0)
		r = -EMSGSIZE;
	return r;
}

int vbus_put_device(struct nl_msg *msg, const struct vbus_device_info *device)
{
	int r;

	r = put_string(msg, VBUS_A_DEVICE_NAME, device->name, sizeof(device->name));
	if (r == 0 && nla_put_u32(msg, VBUS_A_DEVICE_TYPE, device->type) < 0)
		r = -EMSGSIZE;
	if (r == 0)
		r = vbus_put_venet(msg, &device->venet);
	return r;
}

static int put_venet_fields(struct nl_msg *msg, const struct vbus_venet_config *venet)
{
	const struct {
		uint32_t flag;
		int type;
		uint32_t value;
	} numbers[] = {
		{ VBUS_VENET_F_MTU, VBUS_VENET_A_MTU, venet->mtu },
		{ VBUS_VENET_F_ZCTHRESH, VBUS_VENET_A_ZCTHRESH, venet->zcthresh },
		{ VBUS_VENET_F_WMEM, VBUS_VENET_A_WMEM, venet->wmem },
		{ VBUS_VENET_F_TXQLEN, VBUS_VENET_A_TXQLEN, venet->txqlen },
	};
	size_t i;

	if ((venet->present & VBUS_VENET_F_MAC) &&
	    nla_put(msg, VBUS_VENET_A_MAC, VBUS_MAC_LEN, venet->mac) < 0)
		return -EMSGSIZE;
	for (i = 0; i < ELEMENTSOF(numbers); i++)
		if ((venet->present & numbers[i].flag) &&
		    nla_put_u32(msg, numbers[i].type, numbers[i].value) < 0)
			return -EMSGSIZE;
	if (venet->present & VBUS_VENET_F_IFNAME)
		return put_string(msg, VBUS_VENET_A_IFNAME, venet->ifname, sizeof(venet->ifname));
	return 0;
}

int vbus_put_venet(struct nl_msg *msg, const struct vbus_venet_config *venet)
{
	struct nlattr *nest;
	int r;

	if (!(venet->present & VBUS_VENET_F_ALL))
		return 0;
	nest = nla_nest_start(msg, VBUS_A_DEVICE_VENET);
	if (!nest)
		return -EMSGSIZE;
	r = put_venet_fields(msg, venet);
	if (r < 0) {
		nla_nest_cancel(msg, nest);
		return r;
	}
	return nla_nest_end(msg, nest) < 0 ? -EMSGSIZE : 0;
}

/*
 * libnl's nla_parse() stops quietly at a truncated attribute and ignores
 * trailing bytes; a message with either is refused here instead.
 */
static bool attributes_well_formed(struct nlattr *head, int length)
{
	struct nlattr *nla;
	int remaining;

	nla_for_each_attr(nla, head, length, remaining)
		continue;
	return remaining <= 0;
}

static int parse_attributes(struct nlattr **attrs, int max, struct nlattr *head, int length,
			    const struct nla_policy *policy)
{
	if (length < 0 || !attributes_well_formed(head, length))
		return -EBADMSG;
	return nla_parse(attrs, max, head, length, policy) < 0 ? -EBADMSG : 0;
}

int vbus_parse_message(struct nlmsghdr *nlh, struct nlattr **attrs)
{
	struct genlmsghdr *header;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	header = nlmsg_data(nlh);
	return parse_attributes(attrs, VBUS_A_MAX, genlmsg_attrdata(header, 0),
				genlmsg_attrlen(header, 0), top_policy);
}

static int parse_nest(struct nlattr **attrs, int max, struct nlattr *nest,
		      const struct nla_policy *policy)
{
	return parse_attributes(attrs, max, nla_data(nest), nla_len(nest), policy);
}

static bool all_present(struct nlattr **attrs, const int *types, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (!attrs[types[i]])
			return false;
	return true;
}

int vbus_parse_version(struct nlattr **attrs, struct vbus_version *version)
{
	static const int required[] = { VBUS_A_VERSION, VBUS_A_MODULE_VERSION };

	memset(version, 0, sizeof(*version));
	if (!all_present(attrs, required, ELEMENTSOF(required)))
		return -EPROTO;
	version->genl_version = nla_get_u32(attrs[VBUS_A_VERSION]);
	nla_strlcpy(version->module_version, attrs[VBUS_A_MODULE_VERSION],
		    sizeof(version->module_version));
	return 0;
}

int vbus_parse_bus(struct nlattr **attrs, struct vbus_bus_info *bus)
{
	static const int required[] = {
		VBUS_A_BUS_NAME, VBUS_A_BUS_CONNECTOR, VBUS_A_BUS_REGION_SIZE,
		VBUS_A_BUS_STATE, VBUS_A_BUS_DEVICE_COUNT,
	};

	memset(bus, 0, sizeof(*bus));
	if (!all_present(attrs, required, ELEMENTSOF(required)))
		return -EPROTO;
	nla_strlcpy(bus->name, attrs[VBUS_A_BUS_NAME], sizeof(bus->name));
	bus->connector = nla_get_u32(attrs[VBUS_A_BUS_CONNECTOR]);
	bus->region_size = nla_get_u32(attrs[VBUS_A_BUS_REGION_SIZE]);
	bus->state = nla_get_u32(attrs[VBUS_A_BUS_STATE]);
	bus->device_count = nla_get_u32(attrs[VBUS_A_BUS_DEVICE_COUNT]);
	if (attrs[VBUS_A_BUS_DOMAIN])
		nla_strlcpy(bus->domain, attrs[VBUS_A_BUS_DOMAIN], sizeof(bus->domain));
	if (attrs[VBUS_A_BUS_UUID]) {
		bus->has_uuid = true;
		memcpy(bus->uuid, nla_data(attrs[VBUS_A_BUS_UUID]), VBUS_UUID_LEN);
	}
	/* A module older than poll_us sends none: the bus never polls. */
	bus->has_poll_us = attrs[VBUS_A_BUS_POLL_US] != NULL;
	if (bus->has_poll_us)
		bus->poll_us = nla_get_u32(attrs[VBUS_A_BUS_POLL_US]);
	if (attrs[VBUS_A_BUS_POLL_WINDOWS])
		bus->poll_windows = nla_get_u64(attrs[VBUS_A_BUS_POLL_WINDOWS]);
	if (attrs[VBUS_A_BUS_POLL_HITS])
		bus->poll_hits = nla_get_u64(attrs[VBUS_A_BUS_POLL_HITS]);
	if (attrs[VBUS_A_BUS_POLL_TIME_NS])
		bus->poll_time_ns = nla_get_u64(attrs[VBUS_A_BUS_POLL_TIME_NS]);
	return 0;
}

static int parse_venet(struct nlattr *nest, struct vbus_venet_config *venet)
{
	struct nlattr *attrs[VBUS_VENET_A_MAX + 1];
	struct {
		int type;
		uint32_t *value;
	} numbers[] = {
		{ VBUS_VENET_A_MTU, &venet->mtu },
		{ VBUS_VENET_A_ZCTHRESH, &venet->zcthresh },
		{ VBUS_VENET_A_WMEM, &venet->wmem },
		{ VBUS_VENET_A_TXQLEN, &venet->txqlen },
	};
	size_t i;
	int r;

	r = parse_nest(attrs, VBUS_VENET_A_MAX, nest, venet_policy);
	if (r < 0)
		return r;
	if (attrs[VBUS_VENET_A_MAC]) {
		memcpy(venet->mac, nla_data(attrs[VBUS_VENET_A_MAC]), VBUS_MAC_LEN);
		venet->present |= VBUS_VENET_F_MAC;
	}
	for (i = 0; i < ELEMENTSOF(numbers); i++)
		if (attrs[numbers[i].type]) {
			*numbers[i].value = nla_get_u32(attrs[numbers[i].type]);
			venet->present |= 1U << numbers[i].type;
		}
	if (attrs[VBUS_VENET_A_IFNAME]) {
		nla_strlcpy(venet->ifname, attrs[VBUS_VENET_A_IFNAME], sizeof(venet->ifname));
		venet->present |= VBUS_VENET_F_IFNAME;
	}
	return 0;
}

int vbus_parse_device(struct nlattr **attrs, struct vbus_device_info *device)
{
	static const int required[] = { VBUS_A_DEVICE_NAME, VBUS_A_DEVICE_ID, VBUS_A_DEVICE_TYPE };

	memset(device, 0, sizeof(*device));
	if (!all_present(attrs, required, ELEMENTSOF(required)))
		return -EPROTO;
	nla_strlcpy(device->name, attrs[VBUS_A_DEVICE_NAME], sizeof(device->name));
	device->id = nla_get_u32(attrs[VBUS_A_DEVICE_ID]);
	device->type = nla_get_u32(attrs[VBUS_A_DEVICE_TYPE]);
	if (attrs[VBUS_A_BUS_NAME])
		nla_strlcpy(device->bus, attrs[VBUS_A_BUS_NAME], sizeof(device->bus));
	if (attrs[VBUS_A_DEVICE_VENET])
		return parse_venet(attrs[VBUS_A_DEVICE_VENET], &device->venet);
	return 0;
}

int vbus_parse_stats(struct nlattr **attrs, char device[VBUS_NAME_MAX], struct vbus_stats *stats)
{
	struct nlattr *values[VBUS_STATS_A_MAX + 1];
	struct {
		int type;
		uint64_t *value;
	} fields[] = {
		{ VBUS_STATS_A_TX_PACKETS, &stats->tx_packets },
		{ VBUS_STATS_A_TX_BYTES, &stats->tx_bytes },
		{ VBUS_STATS_A_RX_PACKETS, &stats->rx_packets },
		{ VBUS_STATS_A_RX_BYTES, &stats->rx_bytes },
		{ VBUS_STATS_A_DROPS, &stats->drops },
		{ VBUS_STATS_A_DOORBELLS, &stats->doorbells },
		{ VBUS_STATS_A_INTERRUPTS, &stats->interrupts },
		{ VBUS_STATS_A_SUPPRESSED, &stats->suppressed },
		{ VBUS_STATS_A_TX_ZEROCOPY, &stats->tx_zerocopy },
		{ VBUS_STATS_A_TX_COPIED, &stats->tx_copied },
	};
	size_t i;
	int r;

	memset(stats, 0, sizeof(*stats));
	memset(device, 0, VBUS_NAME_MAX);
	if (!attrs[VBUS_A_DEVICE_NAME] || !attrs[VBUS_A_DEVICE_STATS])
		return -EPROTO;
	r = parse_nest(values, VBUS_STATS_A_MAX, attrs[VBUS_A_DEVICE_STATS], stats_policy);
	if (r < 0)
		return r;
	nla_strlcpy(device, attrs[VBUS_A_DEVICE_NAME], VBUS_NAME_MAX);
	for (i = 0; i < ELEMENTSOF(fields); i++)
		if (values[fields[i].type])
			*fields[i].value = nla_get_u64(values[fields[i].type]);
	return 0;
}

static int parse_connection(struct nlattr **attrs, struct vbus_event *event)
{
	if (!attrs[VBUS_A_DEVICE_NAME] || !attrs[VBUS_A_BUS_NAME])
		return -EPROTO;
	nla_strlcpy(event->device.name, attrs[VBUS_A_DEVICE_NAME], sizeof(event->device.name));
	nla_strlcpy(event->device.bus, attrs[VBUS_A_BUS_NAME], sizeof(event->device.bus));
	nla_strlcpy(event->bus.name, attrs[VBUS_A_BUS_NAME], sizeof(event->bus.name));
	return 0;
}

int vbus_parse_event(struct nlmsghdr *nlh, struct vbus_event *event)
{
	struct nlattr *attrs[VBUS_A_MAX + 1];
	int r;

	memset(event, 0, sizeof(*event));
	r = vbus_parse_message(nlh, attrs);
	if (r < 0)
		return r;
	event->cmd = genlmsg_hdr(nlh)->cmd;
	switch (event->cmd) {
	case VBUS_CMD_BUS_NEW:
	case VBUS_CMD_BUS_DEL:
	case VBUS_CMD_BUS_GET:		/* the bus's state changed */
	case VBUS_CMD_BUS_SET:		/* its poll_us changed */
		return vbus_parse_bus(attrs, &event->bus);
	case VBUS_CMD_DEVICE_NEW:
	case VBUS_CMD_DEVICE_DEL:
	case VBUS_CMD_DEVICE_SET:
		return vbus_parse_device(attrs, &event->device);
	case VBUS_CMD_CONNECT:
	case VBUS_CMD_DISCONNECT:
		return parse_connection(attrs, event);
	default:
		return -EOPNOTSUPP;
	}
}

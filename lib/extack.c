/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel's extended ack as one line of text: its message, the attribute
 * it points at (resolved in the request we sent) and the policy's range. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vbus.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "extack.h"

/* The names of schemas/netlink for each attribute space of the family. */
static const char *const top_names[VBUS_A_MAX + 1] = {
	[VBUS_A_VERSION] = "version",
	[VBUS_A_MODULE_VERSION] = "module-version",
	[VBUS_A_BUS_NAME] = "bus-name",
	[VBUS_A_BUS_CONNECTOR] = "bus-connector",
	[VBUS_A_BUS_REGION_SIZE] = "bus-region-size",
	[VBUS_A_BUS_DOMAIN] = "bus-domain",
	[VBUS_A_BUS_UUID] = "bus-uuid",
	[VBUS_A_BUS_STATE] = "bus-state",
	[VBUS_A_BUS_DEVICE_COUNT] = "bus-device-count",
	[VBUS_A_DEVICE_NAME] = "device-name",
	[VBUS_A_DEVICE_ID] = "device-id",
	[VBUS_A_DEVICE_TYPE] = "device-type",
	[VBUS_A_DEVICE_VENET] = "device-venet",
	[VBUS_A_DEVICE_STATS] = "device-stats",
	[VBUS_A_BUS_POLL_US] = "bus-poll-us",
	[VBUS_A_BUS_POLL_WINDOWS] = "bus-poll-windows",
	[VBUS_A_BUS_POLL_HITS] = "bus-poll-hits",
	[VBUS_A_BUS_POLL_TIME_NS] = "bus-poll-time-ns",
	[VBUS_A_PAD] = "pad",
};

static const char *const venet_names[VBUS_VENET_A_MAX + 1] = {
	[VBUS_VENET_A_MAC] = "mac",
	[VBUS_VENET_A_MTU] = "mtu",
	[VBUS_VENET_A_ZCTHRESH] = "zcthresh",
	[VBUS_VENET_A_WMEM] = "wmem",
	[VBUS_VENET_A_TXQLEN] = "txqlen",
	[VBUS_VENET_A_IFNAME] = "ifname",
};

static const char *const stats_names[VBUS_STATS_A_MAX + 1] = {
	[VBUS_STATS_A_PAD] = "pad",
	[VBUS_STATS_A_TX_PACKETS] = "tx-packets",
	[VBUS_STATS_A_TX_BYTES] = "tx-bytes",
	[VBUS_STATS_A_RX_PACKETS] = "rx-packets",
	[VBUS_STATS_A_RX_BYTES] = "rx-bytes",
	[VBUS_STATS_A_DROPS] = "drops",
	[VBUS_STATS_A_DOORBELLS] = "doorbells",
	[VBUS_STATS_A_INTERRUPTS] = "interrupts",
	[VBUS_STATS_A_SUPPRESSED] = "suppressed",
	[VBUS_STATS_A_TX_ZEROCOPY] = "tx-zerocopy",
	[VBUS_STATS_A_TX_COPIED] = "tx-copied",
};

struct attribute_space {
	const char *const *names;
	int max;
};

static const struct attribute_space top_space = { top_names, VBUS_A_MAX };
static const struct attribute_space venet_space = { venet_names, VBUS_VENET_A_MAX };
static const struct attribute_space stats_space = { stats_names, VBUS_STATS_A_MAX };

/* The space of the attributes nested in a top-level attribute of TYPE. */
static const struct attribute_space *nested_space(int type)
{
	switch (type) {
	case VBUS_A_DEVICE_VENET:
		return &venet_space;
	case VBUS_A_DEVICE_STATS:
		return &stats_space;
	default:
		return NULL;
	}
}

/* An attribute the request holds: its name, and where its payload starts. */
struct located {
	char name[32];
	const struct nlattr *attribute;
	const struct attribute_space *space;
};

static void name_of(const struct attribute_space *space, int type, char *name, size_t size)
{
	if (type >= 0 && type <= space->max && space->names[type])
		snprintf(name, size, "%s", space->names[type]);
	else
		snprintf(name, size, "%d", type);
}

/* Finds the innermost attribute of the stream HEAD that contains byte
 * OFFSET of REQUEST; false when none does. */
static bool locate(const struct nlmsghdr *request, const struct nlattr *head, int length,
		   const struct attribute_space *space, uint32_t offset, struct located *found)
{
	const struct nlattr *nla;
	int remaining;

	nla_for_each_attr(nla, head, length, remaining) {
		size_t start = (size_t)((const char *)nla - (const char *)request);
		const struct attribute_space *inner;

		if (offset < start || offset >= start + nla->nla_len)
			continue;
		name_of(space, nla_type(nla), found->name, sizeof(found->name));
		found->attribute = nla;
		found->space = space;
		inner = space == &top_space ? nested_space(nla_type(nla)) : NULL;
		if (inner && offset >= start + NLA_HDRLEN)
			locate(request, nla_data(nla), nla_len(nla), inner, offset, found);
		return true;
	}
	return false;
}

static bool locate_in_request(const struct nlmsghdr *request, uint32_t offset,
			      struct located *found)
{
	size_t attributes = NLMSG_HDRLEN + GENL_HDRLEN;

	if (!request || request->nlmsg_len < attributes || offset >= request->nlmsg_len)
		return false;
	return locate(request, (const struct nlattr *)((const char *)request + attributes),
		      (int)(request->nlmsg_len - attributes), &top_space, offset, found);
}

/* The name of a missing attribute: TYPE at the top level, or inside the
 * nest at offset NEST of the request when the ack gives one. */
static bool missing_name(const struct nlmsghdr *request, struct nlattr **tlvs,
			 struct located *found)
{
	const struct attribute_space *space = &top_space;
	struct located nest = { .space = NULL };

	if (!tlvs[NLMSGERR_ATTR_MISS_TYPE] || nla_len(tlvs[NLMSGERR_ATTR_MISS_TYPE]) < 4)
		return false;
	if (tlvs[NLMSGERR_ATTR_MISS_NEST] && nla_len(tlvs[NLMSGERR_ATTR_MISS_NEST]) >= 4) {
		if (!locate_in_request(request, nla_get_u32(tlvs[NLMSGERR_ATTR_MISS_NEST]), &nest) ||
		    nest.space != &top_space || !nested_space(nla_type(nest.attribute)))
			return false;
		space = nested_space(nla_type(nest.attribute));
	}
	name_of(space, (int)nla_get_u32(tlvs[NLMSGERR_ATTR_MISS_TYPE]), found->name,
		sizeof(found->name));
	return true;
}

/* Where the TLVs start: after the error and the (capped or whole) request
 * it echoes, or after the errno of a DONE. */
static bool tlv_area(const struct nlmsghdr *reply, const struct nlattr **head, int *length)
{
	size_t payload;

	if (!(reply->nlmsg_flags & NLM_F_ACK_TLVS))
		return false;
	if (reply->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *error = NLMSG_DATA(reply);

		if (reply->nlmsg_len < NLMSG_LENGTH(sizeof(*error)))
			return false;
		payload = sizeof(*error);
		if (!(reply->nlmsg_flags & NLM_F_CAPPED)) {
			if (error->msg.nlmsg_len < NLMSG_HDRLEN)
				return false;
			payload += error->msg.nlmsg_len - NLMSG_HDRLEN;
		}
	} else if (reply->nlmsg_type == NLMSG_DONE) {
		payload = sizeof(int);
	} else {
		return false;
	}
	payload = NLMSG_HDRLEN + NLMSG_ALIGN(payload);
	if (payload > reply->nlmsg_len)
		return false;
	*head = (const struct nlattr *)((const char *)reply + payload);
	*length = (int)(reply->nlmsg_len - payload);
	return true;
}

static bool has_u32(struct nlattr **attrs, int type)
{
	return attrs[type] && nla_len(attrs[type]) >= 4;
}

static bool has_u64(struct nlattr **attrs, int type)
{
	return attrs[type] && nla_len(attrs[type]) >= 8;
}

/* " (valid MIN..MAX)" and/or " (length ...)" from a reported policy. */
static void format_policy(struct nlattr *policy, char *text, size_t size)
{
	struct nlattr *attrs[NL_POLICY_TYPE_ATTR_MAX + 1];
	size_t used = 0;

	text[0] = '\0';
	if (nla_parse_nested(attrs, NL_POLICY_TYPE_ATTR_MAX, policy, NULL) < 0)
		return;
	if (has_u64(attrs, NL_POLICY_TYPE_ATTR_MIN_VALUE_U) &&
	    has_u64(attrs, NL_POLICY_TYPE_ATTR_MAX_VALUE_U))
		used = snprintf(text, size, " (valid %" PRIu64 "..%" PRIu64 ")",
				(uint64_t)nla_get_u64(attrs[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]),
				(uint64_t)nla_get_u64(attrs[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]));
	else if (has_u64(attrs, NL_POLICY_TYPE_ATTR_MIN_VALUE_S) &&
		 has_u64(attrs, NL_POLICY_TYPE_ATTR_MAX_VALUE_S))
		used = snprintf(text, size, " (valid %" PRId64 "..%" PRId64 ")",
				(int64_t)nla_get_s64(attrs[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]),
				(int64_t)nla_get_s64(attrs[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]));
	if (used >= size)
		return;
	text += used;
	size -= used;
	if (has_u32(attrs, NL_POLICY_TYPE_ATTR_MIN_LENGTH) &&
	    has_u32(attrs, NL_POLICY_TYPE_ATTR_MAX_LENGTH)) {
		uint32_t min = nla_get_u32(attrs[NL_POLICY_TYPE_ATTR_MIN_LENGTH]);
		uint32_t max = nla_get_u32(attrs[NL_POLICY_TYPE_ATTR_MAX_LENGTH]);

		if (min == max)
			snprintf(text, size, " (length %u)", min);
		else
			snprintf(text, size, " (length %u..%u)", min, max);
	} else if (has_u32(attrs, NL_POLICY_TYPE_ATTR_MAX_LENGTH)) {
		snprintf(text, size, " (length at most %u)",
			 nla_get_u32(attrs[NL_POLICY_TYPE_ATTR_MAX_LENGTH]));
	} else if (has_u32(attrs, NL_POLICY_TYPE_ATTR_MIN_LENGTH)) {
		snprintf(text, size, " (length at least %u)",
			 nla_get_u32(attrs[NL_POLICY_TYPE_ATTR_MIN_LENGTH]));
	}
}

/* The kernel's message, if the TLV is a NUL-terminated string. */
static const char *message_of(struct nlattr **tlvs)
{
	struct nlattr *message = tlvs[NLMSGERR_ATTR_MSG];

	if (!message || nla_len(message) < 1 || ((char *)nla_data(message))[nla_len(message) - 1])
		return NULL;
	return nla_data(message);
}

/* Whether MESSAGE names NAME already ("mtu: 70000 is out of range"). */
static bool names_attribute(const char *message, const char *name)
{
	size_t length = strlen(name);

	return !strncmp(message, name, length) && (message[length] == ':' || message[length] == ' ');
}

void vbus_extack_format(const struct nlmsghdr *reply, const struct nlmsghdr *request,
			char *text, size_t size)
{
	struct nlattr *tlvs[NLMSGERR_ATTR_MAX + 1];
	const struct nlattr *head;
	struct located found = { .space = NULL };
	bool named = false, missing = false;
	const char *message;
	char range[96] = "";
	int length;

	if (!size)
		return;
	text[0] = '\0';
	if (!tlv_area(reply, &head, &length) ||
	    nla_parse(tlvs, NLMSGERR_ATTR_MAX, (struct nlattr *)head, length, NULL) < 0)
		return;
	message = message_of(tlvs);
	if (has_u32(tlvs, NLMSGERR_ATTR_OFFS))
		named = locate_in_request(request, nla_get_u32(tlvs[NLMSGERR_ATTR_OFFS]), &found);
	if (!named)
		named = missing = missing_name(request, tlvs, &found);
	if (tlvs[NLMSGERR_ATTR_POLICY])
		format_policy(tlvs[NLMSGERR_ATTR_POLICY], range, sizeof(range));

	if (named && !(message && names_attribute(message, found.name)))
		snprintf(text, size, "attribute %s: %s%s", found.name,
			 message ? message : missing ? "missing" : "invalid", range);
	else if (message)
		snprintf(text, size, "%s%s", message, range);
}

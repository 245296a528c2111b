/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of lib/extack.c on hand-built NLMSG_ERROR and NLMSG_DONE
 * messages: the kernel's message, the attribute its offset points at in
 * the request, a missing attribute, and the policy's range. */
#include <errno.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "extack.h"
#include "unit.h"

/* The request of every test: DEVICE_NEW web0, venet mtu 70000 and wmem. */
static struct nl_msg *request(void)
{
	struct vbus_device_info device = {
		.name = "web0",
		.type = VBUS_DEVICE_TYPE_VENET,
		.venet = {
			.present = VBUS_VENET_F_MTU | VBUS_VENET_F_WMEM,
			.mtu = 70000,
			.wmem = 1U << 20,
		},
	};
	struct nl_msg *msg = nlmsg_alloc();

	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(genlmsg_put(msg, 0, 7, 0x42, 0, NLM_F_ACK,
						 VBUS_CMD_DEVICE_NEW, VBUS_GENL_VERSION));
	CU_ASSERT_EQUAL_FATAL(vbus_put_device(msg, &device), 0);
	return msg;
}

/* Where attribute TYPE (inside the venet nest when NESTED) is in REQUEST. */
static uint32_t offset_of(struct nl_msg *request, bool nested, int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(request);
	struct genlmsghdr *header = nlmsg_data(nlh);
	struct nlattr *attr;

	attr = nla_find(genlmsg_attrdata(header, 0), genlmsg_attrlen(header, 0),
			nested ? VBUS_A_DEVICE_VENET : type);
	CU_ASSERT_PTR_NOT_NULL_FATAL(attr);
	if (nested) {
		attr = nla_find(nla_data(attr), nla_len(attr), type);
		CU_ASSERT_PTR_NOT_NULL_FATAL(attr);
	}
	return (uint32_t)((char *)attr - (char *)nlh);
}

/* An error ack for REQUEST with ERROR; CAPPED leaves out its payload. */
static struct nl_msg *error_ack(struct nl_msg *request, int error, bool capped)
{
	struct nlmsghdr *sent = nlmsg_hdr(request);
	int flags = NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0);
	struct nl_msg *ack = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	struct nlmsgerr header = { .error = error, .msg = *sent };

	CU_ASSERT_PTR_NOT_NULL_FATAL(ack);
	CU_ASSERT_EQUAL(nlmsg_append(ack, &header, sizeof(header), NLMSG_ALIGNTO), 0);
	if (!capped)
		CU_ASSERT_EQUAL(nlmsg_append(ack, nlmsg_data(sent), nlmsg_datalen(sent),
					     NLMSG_ALIGNTO), 0);
	return ack;
}

/* A policy TLV; zero-valued arguments are left out, signed ranges as such. */
static void put_policy(struct nl_msg *ack, uint32_t type, uint64_t min, uint64_t max,
		       uint32_t min_length, uint32_t max_length)
{
	struct nlattr *nest = nla_nest_start(ack, NLMSGERR_ATTR_POLICY);

	CU_ASSERT_PTR_NOT_NULL_FATAL(nest);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NL_POLICY_TYPE_ATTR_TYPE, type), 0);
	if (type == NL_ATTR_TYPE_S32) {
		CU_ASSERT_EQUAL(nla_put_s64(ack, NL_POLICY_TYPE_ATTR_MIN_VALUE_S, (int64_t)min), 0);
		CU_ASSERT_EQUAL(nla_put_s64(ack, NL_POLICY_TYPE_ATTR_MAX_VALUE_S, (int64_t)max), 0);
	} else if (min || max) {
		CU_ASSERT_EQUAL(nla_put_u64(ack, NL_POLICY_TYPE_ATTR_MIN_VALUE_U, min), 0);
		CU_ASSERT_EQUAL(nla_put_u64(ack, NL_POLICY_TYPE_ATTR_MAX_VALUE_U, max), 0);
	}
	if (min_length)
		CU_ASSERT_EQUAL(nla_put_u32(ack, NL_POLICY_TYPE_ATTR_MIN_LENGTH, min_length), 0);
	if (max_length)
		CU_ASSERT_EQUAL(nla_put_u32(ack, NL_POLICY_TYPE_ATTR_MAX_LENGTH, max_length), 0);
	CU_ASSERT_EQUAL(nla_nest_end(ack, nest), 0);
}

static const char *format(struct nl_msg *ack, struct nl_msg *sent)
{
	static char text[512];

	memset(text, 'x', sizeof(text));
	vbus_extack_format(nlmsg_hdr(ack), sent ? nlmsg_hdr(sent) : NULL, text, sizeof(text));
	return text;
}

static void test_range_error_names_attribute_and_range(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack = error_ack(sent, -ERANGE, true);

	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "integer out of range"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS,
				    offset_of(sent, true, VBUS_VENET_A_MTU)), 0);
	put_policy(ack, NL_ATTR_TYPE_U32, 68, 65535, 0, 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent),
			       "attribute mtu: integer out of range (valid 68..65535)");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_uncapped_ack_skips_the_echoed_request(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack = error_ack(sent, -ERANGE, false);

	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "integer out of range"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS,
				    offset_of(sent, true, VBUS_VENET_A_WMEM)), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "attribute wmem: integer out of range");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_top_level_attributes(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack = error_ack(sent, -EEXIST, true);

	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "name is taken"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS,
				    offset_of(sent, false, VBUS_A_DEVICE_NAME)), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "attribute device-name: name is taken");
	nlmsg_free(ack);

	/* an offset at the nest itself names the nest */
	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS,
				    offset_of(sent, false, VBUS_A_DEVICE_VENET)), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "attribute device-venet: invalid");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_message_alone(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack = error_ack(sent, -EBUSY, true);

	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "device is connected"), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "device is connected");
	CU_ASSERT_STRING_EQUAL(format(ack, NULL), "device is connected");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_message_naming_the_attribute_is_kept(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack = error_ack(sent, -ERANGE, true);

	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG,
				       "mtu: 70000 is out of range 68..65535"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS,
				    offset_of(sent, true, VBUS_VENET_A_MTU)), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "mtu: 70000 is out of range 68..65535");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_missing_attributes(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack = error_ack(sent, -EINVAL, true);

	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_MISS_TYPE, VBUS_A_BUS_NAME), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "attribute bus-name: missing");
	CU_ASSERT_STRING_EQUAL(format(ack, NULL), "attribute bus-name: missing");
	nlmsg_free(ack);

	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "venet needs a txqlen"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_MISS_TYPE, VBUS_VENET_A_TXQLEN), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_MISS_NEST,
				    offset_of(sent, false, VBUS_A_DEVICE_VENET)), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "attribute txqlen: venet needs a txqlen");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_policy_lengths_and_signed_ranges(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack;

	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "string too long"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS,
				    offset_of(sent, false, VBUS_A_DEVICE_NAME)), 0);
	put_policy(ack, NL_ATTR_TYPE_NUL_STRING, 0, 0, 0, 31);
	CU_ASSERT_STRING_EQUAL(format(ack, sent),
			       "attribute device-name: string too long (length at most 31)");
	nlmsg_free(ack);

	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "wrong length"), 0);
	put_policy(ack, NL_ATTR_TYPE_BINARY, 0, 0, 6, 6);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "wrong length (length 6)");
	nlmsg_free(ack);

	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "wrong length"), 0);
	put_policy(ack, NL_ATTR_TYPE_BINARY, 0, 0, 2, 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "wrong length (length at least 2)");
	nlmsg_free(ack);

	ack = error_ack(sent, -ERANGE, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "integer out of range"), 0);
	put_policy(ack, NL_ATTR_TYPE_S32, (uint64_t)-5, 5, 0, 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "integer out of range (valid -5..5)");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_unknown_attribute_named_by_number(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack;
	uint32_t offset = nlmsg_hdr(sent)->nlmsg_len;

	CU_ASSERT_EQUAL(nla_put_u32(sent, 99, 1), 0);
	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "Unknown attribute type"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS, offset), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "attribute 99: Unknown attribute type");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_offsets_outside_the_request(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack = error_ack(sent, -EINVAL, true);

	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "bad"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS, 100000), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "bad");
	CU_ASSERT_STRING_EQUAL(format(ack, NULL), "bad");
	nlmsg_free(ack);

	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "bad header"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS, 2), 0);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "bad header");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_done_of_a_failed_dump(void)
{
	struct nl_msg *done = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	int error = -EMSGSIZE;

	CU_ASSERT_PTR_NOT_NULL_FATAL(done);
	CU_ASSERT_EQUAL(nlmsg_append(done, &error, sizeof(error), NLMSG_ALIGNTO), 0);
	CU_ASSERT_EQUAL(nla_put_string(done, NLMSGERR_ATTR_MSG, "dump failed"), 0);
	CU_ASSERT_STRING_EQUAL(format(done, NULL), "dump failed");
	nlmsg_free(done);
}

static void test_acks_without_usable_tlvs(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack;
	struct nlattr *message;

	/* no NLM_F_ACK_TLVS */
	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "hidden"), 0);
	nlmsg_hdr(ack)->nlmsg_flags &= ~NLM_F_ACK_TLVS;
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "");
	nlmsg_free(ack);

	/* no TLVs at all */
	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "");
	nlmsg_free(ack);

	/* a message that is not NUL-terminated */
	ack = error_ack(sent, -EINVAL, true);
	message = nla_reserve(ack, NLMSGERR_ATTR_MSG, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(message);
	memcpy(nla_data(message), "abcd", 4);
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "");
	nlmsg_free(ack);

	/* truncated: shorter than its nlmsgerr */
	ack = error_ack(sent, -EINVAL, true);
	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "cut"), 0);
	nlmsg_hdr(ack)->nlmsg_len = NLMSG_HDRLEN + 8;
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "");
	nlmsg_free(ack);

	/* uncapped, echoing a request longer than the ack */
	ack = error_ack(sent, -EINVAL, true);
	nlmsg_hdr(ack)->nlmsg_flags &= ~NLM_F_CAPPED;
	((struct nlmsgerr *)nlmsg_data(nlmsg_hdr(ack)))->msg.nlmsg_len = 4096;
	CU_ASSERT_STRING_EQUAL(format(ack, sent), "");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

static void test_small_buffer(void)
{
	struct nl_msg *sent = request();
	struct nl_msg *ack = error_ack(sent, -ERANGE, true);
	char text[12];

	CU_ASSERT_EQUAL(nla_put_string(ack, NLMSGERR_ATTR_MSG, "integer out of range"), 0);
	CU_ASSERT_EQUAL(nla_put_u32(ack, NLMSGERR_ATTR_OFFS,
				    offset_of(sent, true, VBUS_VENET_A_MTU)), 0);
	vbus_extack_format(nlmsg_hdr(ack), nlmsg_hdr(sent), text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "attribute m");
	nlmsg_free(ack);
	nlmsg_free(sent);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "a range error names the attribute and the range",
		  test_range_error_names_attribute_and_range },
		{ "an uncapped ack skips the echoed request",
		  test_uncapped_ack_skips_the_echoed_request },
		{ "top-level attributes and nests are named", test_top_level_attributes },
		{ "a message alone is kept as it is", test_message_alone },
		{ "a message naming the attribute is not prefixed again",
		  test_message_naming_the_attribute_is_kept },
		{ "missing attributes, top level and nested", test_missing_attributes },
		{ "policy lengths and signed ranges", test_policy_lengths_and_signed_ranges },
		{ "an unknown attribute is named by its number",
		  test_unknown_attribute_named_by_number },
		{ "offsets outside the request's attributes name nothing",
		  test_offsets_outside_the_request },
		{ "the DONE of a failed dump", test_done_of_a_failed_dump },
		{ "acks without usable TLVs give no text", test_acks_without_usable_tlvs },
		{ "a small buffer is truncated", test_small_buffer },
	};

	return unit_run("lib/extack", UNIT_TESTS(tests));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sends vbus.ko requests that no well-behaved client would build (wrong
 * attribute types, oversize or unterminated strings, unknown and reply-only
 * attributes, truncated attributes, an unknown command) and prints, per
 * case, the errno and extended-ack text the kernel answered.
 * Output: "<case> <ERRNO> <text>", one line each. Exit 1 if any was accepted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netlink.h"
#include "macro.h"

struct malformed_case {
	const char *name;
	uint8_t cmd;
	int (*build)(struct nl_msg *msg);
};

static int put_name(struct nl_msg *msg, int attr, const char *name)
{
	return nla_put_string(msg, attr, name);
}

static int wrong_type(struct nl_msg *msg)
{
	return put_name(msg, VBUS_A_BUS_NAME, "vm1") ?:
	       nla_put_u8(msg, VBUS_A_BUS_CONNECTOR, 1);
}

static int oversize_string(struct nl_msg *msg)
{
	char name[100];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	return put_name(msg, VBUS_A_BUS_NAME, name);
}

static int oversize_domain(struct nl_msg *msg)
{
	char domain[VBUS_DOMAIN_MAX + 10];

	memset(domain, 'd', sizeof(domain) - 1);
	domain[sizeof(domain) - 1] = '\0';
	return put_name(msg, VBUS_A_BUS_NAME, "vm1") ?:
	       put_name(msg, VBUS_A_BUS_DOMAIN, domain);
}

static int unterminated_string(struct nl_msg *msg)
{
	return nla_put(msg, VBUS_A_BUS_NAME, 3, "vm1");
}

static int unknown_attribute(struct nl_msg *msg)
{
	return put_name(msg, VBUS_A_BUS_NAME, "vm1") ?:
	       nla_put_u32(msg, VBUS_A_MAX + 20, 7);
}

static int reply_only_attribute(struct nl_msg *msg)
{
	return put_name(msg, VBUS_A_DEVICE_NAME, "web0") ?:
	       nla_put_u32(msg, VBUS_A_DEVICE_TYPE, VBUS_DEVICE_TYPE_VENET) ?:
	       nla_put_u32(msg, VBUS_A_DEVICE_ID, 42);
}

static int wrong_uuid_length(struct nl_msg *msg)
{
	return put_name(msg, VBUS_A_BUS_NAME, "vm1") ?:
	       nla_put(msg, VBUS_A_BUS_UUID, 8, "12345678");
}

static int nested_wrong_type(struct nl_msg *msg)
{
	struct nlattr *nest;

	if (put_name(msg, VBUS_A_DEVICE_NAME, "web0") ||
	    nla_put_u32(msg, VBUS_A_DEVICE_TYPE, VBUS_DEVICE_TYPE_VENET))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, VBUS_A_DEVICE_VENET);
	if (!nest || nla_put_u16(msg, VBUS_VENET_A_MTU, 1500))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest);
}

static int nested_unknown(struct nl_msg *msg)
{
	struct nlattr *nest;

	if (put_name(msg, VBUS_A_DEVICE_NAME, "web0") ||
	    nla_put_u32(msg, VBUS_A_DEVICE_TYPE, VBUS_DEVICE_TYPE_VENET))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, VBUS_A_DEVICE_VENET);
	if (!nest || nla_put_u32(msg, VBUS_VENET_A_MAX + 5, 1))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest);
}

static int missing_type(struct nl_msg *msg)
{
	return put_name(msg, VBUS_A_DEVICE_NAME, "web0");
}

/* An attribute header that claims more bytes than the message has. */
static int truncated_attribute(struct nl_msg *msg)
{
	struct nlattr header = { .nla_len = 64, .nla_type = VBUS_A_BUS_NAME };

	return nlmsg_append(msg, &header, sizeof(header), NLMSG_ALIGNTO);
}

static int nothing(struct nl_msg *msg)
{
	(void)msg;
	return 0;
}

static const struct malformed_case cases[] = {
	{ "wrong-type", VBUS_CMD_BUS_NEW, wrong_type },
	{ "oversize-name", VBUS_CMD_BUS_NEW, oversize_string },
	{ "oversize-domain", VBUS_CMD_BUS_NEW, oversize_domain },
	{ "unterminated-string", VBUS_CMD_BUS_NEW, unterminated_string },
	{ "unknown-attribute", VBUS_CMD_BUS_NEW, unknown_attribute },
	{ "reply-only-attribute", VBUS_CMD_DEVICE_NEW, reply_only_attribute },
	{ "wrong-uuid-length", VBUS_CMD_BUS_NEW, wrong_uuid_length },
	{ "nested-wrong-type", VBUS_CMD_DEVICE_NEW, nested_wrong_type },
	{ "nested-unknown", VBUS_CMD_DEVICE_NEW, nested_unknown },
	{ "missing-type", VBUS_CMD_DEVICE_NEW, missing_type },
	{ "truncated-attribute", VBUS_CMD_BUS_NEW, truncated_attribute },
	{ "unknown-command", VBUS_CMD_MAX + 10, nothing },
};

int main(void)
{
	struct vbus_client *client;
	int accepted = 0, r;
	size_t i;

	r = vbus_client_open(&client);
	if (r < 0) {
		fprintf(stderr, "nl-malformed: cannot open the vbus family: %s\n", strerror(-r));
		return 1;
	}
	for (i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_(nlmsg_freep) struct nl_msg *msg = vbus_request_new(client, cases[i].cmd, 0);

		if (!msg || cases[i].build(msg) < 0) {
			fprintf(stderr, "nl-malformed: %s: cannot build the request\n", cases[i].name);
			return 1;
		}
		r = vbus_request_run(client, msg, NULL, NULL);
		if (r >= 0)
			accepted++;
		printf("%s %s %s\n", cases[i].name, r < 0 ? strerrorname_np(-r) : "ACCEPTED",
		       vbus_client_error(client));
	}
	vbus_client_close(client);
	return accepted ? 1 : 0;
}

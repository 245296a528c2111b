/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The client side of vbus.ko's generic netlink family, on libnl-3 genl.
 * Every request asks for an ack with extended-ack TLVs, so a failure comes
 * back as the kernel's errno plus its message naming the bad attribute.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "libvbus.h"
#include "macro.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct vbus_client {
	struct nl_sock *sock;
	int family;
	char error[256];
};

/* One request in flight: how to parse replies and how it ended. */
struct request {
	struct vbus_client *client;
	int (*parse)(struct nlattr **attrs, void *data);
	void *data;
	int result;
	bool done;
};

/* What a client accepts in replies; anything else fails to parse. */
static struct nla_policy reply_policy[VBUS_A_MAX + 1] = {
	[VBUS_A_VERSION] = { .type = NLA_U32 },
	[VBUS_A_MODULE_VERSION] = { .type = NLA_STRING },
};

DEFINE_CLEANUP_FUNC(struct nl_msg, nlmsg_free)
DEFINE_CLEANUP_FUNC(struct nl_cb, nl_cb_put)

static int nl_error_to_errno(int nl_error)
{
	switch (-nl_error) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	default:
		return -EIO;
	}
}

/* Copies the extack message that follows an error in an ack, if any. */
static void save_extack(struct vbus_client *client, struct nlmsgerr *err)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t payload = sizeof(*err);
	char *attrs;
	int len;

	client->error[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		payload += err->msg.nlmsg_len - NLMSG_HDRLEN;
	attrs = (char *)err + NLMSG_ALIGN(payload);
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)NLMSG_ALIGN(payload);
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)attrs, len, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(client->error, sizeof(client->error), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct request *request = arg;

	(void)nla;
	save_extack(request->client, err);
	request->result = err->error;
	request->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *request = arg;

	(void)msg;
	request->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *request = arg;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	int r;

	r = genlmsg_parse(nlmsg_hdr(msg), 0, attrs, VBUS_A_MAX, reply_policy);
	if (r < 0) {
		request->result = nl_error_to_errno(r);
		return NL_STOP;
	}
	if (request->parse) {
		r = request->parse(attrs, request->data);
		if (r < 0) {
			request->result = r;
			return NL_STOP;
		}
	}
	return NL_OK;
}

/* Sends a request with no attributes yet and collects its replies. */
static int request_run(struct vbus_client *client, uint8_t cmd, int flags,
		       int (*parse)(struct nlattr **attrs, void *data), void *data)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	_cleanup_(nl_cb_putp) struct nl_cb *cb = NULL;
	struct request request = { .client = client, .parse = parse, .data = data };
	int r;

	client->error[0] = '\0';
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, client->family, 0,
			 flags | NLM_F_ACK, cmd, VBUS_GENL_VERSION))
		return -ENOMEM;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &request);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &request);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &request);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &request);

	r = nl_send_auto(client->sock, msg);
	if (r < 0)
		return nl_error_to_errno(r);
	while (!request.done && request.result == 0) {
		r = nl_recvmsgs(client->sock, cb);
		if (r < 0 && request.result == 0)
			return nl_error_to_errno(r);
	}
	return request.result;
}

int vbus_client_open(struct vbus_client **ret)
{
	struct vbus_client *client;
	int one = 1, r;

	client = calloc(1, sizeof(*client));
	if (!client)
		return -ENOMEM;
	client->sock = nl_socket_alloc();
	if (!client->sock) {
		free(client);
		return -ENOMEM;
	}
	r = genl_connect(client->sock);
	if (r < 0)
		goto fail;
	(void)setsockopt(nl_socket_get_fd(client->sock), SOL_NETLINK,
			 NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(nl_socket_get_fd(client->sock), SOL_NETLINK,
			 NETLINK_CAP_ACK, &one, sizeof(one));
	r = genl_ctrl_resolve(client->sock, VBUS_GENL_NAME);
	if (r < 0)
		goto fail;
	client->family = r;
	*ret = client;
	return 0;

fail:
	vbus_client_close(client);
	return nl_error_to_errno(r);
}

void vbus_client_close(struct vbus_client *client)
{
	if (!client)
		return;
	nl_socket_free(client->sock);
	free(client);
}

const char *vbus_client_error(const struct vbus_client *client)
{
	return client->error;
}

static int parse_version(struct nlattr **attrs, void *data)
{
	struct vbus_version *version = data;

	if (!attrs[VBUS_A_VERSION] || !attrs[VBUS_A_MODULE_VERSION])
		return -EPROTO;
	version->genl_version = nla_get_u32(attrs[VBUS_A_VERSION]);
	snprintf(version->module_version, sizeof(version->module_version), "%s",
		 nla_get_string(attrs[VBUS_A_MODULE_VERSION]));
	return 0;
}

int vbus_get_version(struct vbus_client *client, struct vbus_version *version)
{
	memset(version, 0, sizeof(*version));
	return request_run(client, VBUS_CMD_GET_VERSION, 0, parse_version, version);
}

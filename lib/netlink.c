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

#include "codec.h"
#include "extack.h"
#include "netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* One request in flight: what was sent, how to parse replies, how it ended. */
struct request {
	struct vbus_client *client;
	struct nl_msg *sent;
	int (*reply)(struct nlattr **attrs, void *data);
	void *data;
	int result;
	bool done;
	bool interrupted;
};

DEFINE_CLEANUP_FUNC(struct nl_cb, nl_cb_put)

int vbus_errno_from_nl(int nl_error)
{
	switch (-nl_error) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_PERM:
		return -EPERM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_MSG_TRUNC:
	case NLE_MSG_TOOSHORT:
		return -EBADMSG;
	case NLE_SEQ_MISMATCH:
		return -EPROTO;
	case NLE_MSG_OVERFLOW:
		return -ENOBUFS;
	case NLE_BAD_SOCK:
		return -EBADF;
	default:
		return -EIO;
	}
}

/* Records the kernel's errno and the text of its extack, once. */
static void request_fail(struct request *request, int error, const struct nlmsghdr *reply)
{
	if (request->result)
		return;
	request->result = error < 0 ? error : -EPROTO;
	vbus_extack_format(reply, nlmsg_hdr(request->sent), request->client->error,
			   sizeof(request->client->error));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *error, void *arg)
{
	struct request *request = arg;

	(void)nla;
	request_fail(request, error->error,
		     (const struct nlmsghdr *)((char *)error - NLMSG_HDRLEN));
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

/* The end of a dump; it carries an errno (and extack) when the dump failed. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct request *request = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int error;

	request->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(error)) {
		memcpy(&error, nlmsg_data(nlh), sizeof(error));
		if (error < 0)
			request_fail(request, error, nlh);
	}
	return NL_STOP;
}

static int on_dump_interrupted(struct nl_msg *msg, void *arg)
{
	struct request *request = arg;

	(void)msg;
	request->interrupted = true;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *request = arg;
	struct nlattr *attrs[VBUS_A_MAX + 1];
	int r;

	if (request->result || !request->reply)
		return NL_SKIP;
	r = vbus_parse_message(nlmsg_hdr(msg), attrs);
	if (r == 0)
		r = request->reply(attrs, request->data);
	if (r < 0)
		request->result = r;
	return NL_OK;
}

struct nl_msg *vbus_request_new(struct vbus_client *client, uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	client->error[0] = '\0';
	msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, client->family, 0,
			 flags | NLM_F_ACK, cmd, VBUS_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int vbus_request_run(struct vbus_client *client, struct nl_msg *sent,
		     int (*reply)(struct nlattr **attrs, void *data), void *data)
{
	_cleanup_(nl_cb_putp) struct nl_cb *cb = NULL;
	struct request request = {
		.client = client, .sent = sent, .reply = reply, .data = data,
	};
	int r;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &request);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &request);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &request);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_interrupted, &request);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &request);

	r = nl_send_auto(client->sock, sent);
	if (r < 0)
		return vbus_errno_from_nl(r);
	while (!request.done) {
		r = nl_recvmsgs(client->sock, cb);
		if (r < 0 && !request.done)
			return request.result ? request.result : vbus_errno_from_nl(r);
	}
	if (request.result == 0 && request.interrupted)
		return -EINTR;
	return request.result;
}

/* Counts the replies of a request answered by one message. */
struct single {
	int (*reply)(struct nlattr **attrs, void *data);
	void *data;
	unsigned int count;
};

static int single_reply(struct nlattr **attrs, void *data)
{
	struct single *single = data;

	single->count++;
	return single->reply(attrs, single->data);
}

int vbus_request_one(struct vbus_client *client, struct nl_msg *sent,
		     int (*reply)(struct nlattr **attrs, void *data), void *data)
{
	struct single single = { .reply = reply, .data = data };
	int r;

	r = vbus_request_run(client, sent, single_reply, &single);
	if (r == 0 && single.count != 1)
		return -EPROTO;
	return r;
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
	/* The extack names the bad attribute by its offset in what we sent,
	 * which we keep: the kernel need not echo the request back. */
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
	return vbus_errno_from_nl(r);
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

static int version_reply(struct nlattr **attrs, void *data)
{
	return vbus_parse_version(attrs, data);
}

int vbus_get_version(struct vbus_client *client, struct vbus_version *version)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;

	memset(version, 0, sizeof(*version));
	msg = vbus_request_new(client, VBUS_CMD_GET_VERSION, 0);
	if (!msg)
		return -ENOMEM;
	return vbus_request_one(client, msg, version_reply, version);
}

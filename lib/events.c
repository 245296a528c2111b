/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The "events" multicast group: a socket of its own, decoded events queued
 * in order (one recv may bring several), taken one at a time. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "netlink.h"

/* Room for bursts (thousands of devices created at once) before the kernel
 * has to drop events; root may go past net.core.rmem_max. */
#define EVENTS_BUFFER_SIZE (8 << 20)

struct queued_event {
	struct queued_event *next;
	int result;				/* 0, or why it did not decode */
	struct vbus_event event;
};

struct vbus_events {
	struct nl_sock *sock;
	int family;
	int error;				/* of the last receive's callbacks */
	int failure;				/* of the last receive, once queued events are taken */
	struct queued_event *head, **tail;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct vbus_events *events = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct queued_event *queued;

	if (nlh->nlmsg_type != events->family)
		return NL_SKIP;
	queued = calloc(1, sizeof(*queued));
	if (!queued) {
		events->error = -ENOMEM;
		return NL_STOP;
	}
	queued->result = vbus_parse_event(nlh, &queued->event);
	if (queued->result == -EOPNOTSUPP) {
		/* A change this library does not know yet. */
		free(queued);
		return NL_OK;
	}
	if (queued->result < 0)
		queued->result = -EBADMSG;
	*events->tail = queued;
	events->tail = &queued->next;
	return NL_OK;
}

static void set_receive_buffer(int fd)
{
	int size = EVENTS_BUFFER_SIZE;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int events_subscribe(struct vbus_events *events)
{
	int group, r;

	r = genl_connect(events->sock);
	if (r < 0)
		return vbus_errno_from_nl(r);
	events->family = genl_ctrl_resolve(events->sock, VBUS_GENL_NAME);
	if (events->family < 0)
		return vbus_errno_from_nl(events->family);
	group = genl_ctrl_resolve_grp(events->sock, VBUS_GENL_NAME, VBUS_MCGRP_EVENTS);
	if (group < 0)
		return vbus_errno_from_nl(group);
	r = nl_socket_add_membership(events->sock, group);
	if (r < 0)
		return vbus_errno_from_nl(r);
	set_receive_buffer(nl_socket_get_fd(events->sock));
	/* Events are not replies: no sequence numbers to check. */
	nl_socket_disable_seq_check(events->sock);
	r = nl_socket_modify_cb(events->sock, NL_CB_VALID, NL_CB_CUSTOM, on_event, events);
	if (r < 0)
		return vbus_errno_from_nl(r);
	r = nl_socket_set_nonblocking(events->sock);
	return r < 0 ? vbus_errno_from_nl(r) : 0;
}

int vbus_events_open(struct vbus_events **ret)
{
	struct vbus_events *events;
	int r;

	events = calloc(1, sizeof(*events));
	if (!events)
		return -ENOMEM;
	events->tail = &events->head;
	events->sock = nl_socket_alloc();
	if (!events->sock) {
		free(events);
		return -ENOMEM;
	}
	r = events_subscribe(events);
	if (r < 0) {
		vbus_events_close(events);
		return r;
	}
	*ret = events;
	return 0;
}

void vbus_events_close(struct vbus_events *events)
{
	struct queued_event *queued;

	if (!events)
		return;
	while ((queued = events->head)) {
		events->head = queued->next;
		free(queued);
	}
	nl_socket_free(events->sock);
	free(events);
}

int vbus_events_fd(const struct vbus_events *events)
{
	return nl_socket_get_fd(events->sock);
}

/* Reads what the socket holds into the queue; 0 when it is drained. */
static int events_receive(struct vbus_events *events)
{
	int r;

	for (;;) {
		events->error = 0;
		errno = 0;
		r = nl_recvmsgs_default(events->sock);
		if (events->error < 0)
			return events->error;
		if (r == -NLE_AGAIN)
			return 0;
		/* libnl reports an overrun (recvmsg's ENOBUFS) as NLE_NOMEM. */
		if (r == -NLE_NOMEM && errno == ENOBUFS)
			return -ENOBUFS;
		if (r < 0)
			return vbus_errno_from_nl(r);
	}
}

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Waits until the socket is readable or the deadline (-1: none) passes. */
static int events_wait(struct vbus_events *events, int64_t deadline)
{
	struct pollfd pollfd = { .fd = vbus_events_fd(events), .events = POLLIN };
	int64_t left;
	int r;

	do {
		left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left < 0)
			left = 0;
		r = poll(&pollfd, 1, (int)left);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

static int events_pop(struct vbus_events *events, struct vbus_event *event)
{
	struct queued_event *queued = events->head;
	int result = queued->result;

	events->head = queued->next;
	if (!events->head)
		events->tail = &events->head;
	*event = queued->event;
	free(queued);
	return result;
}

int vbus_events_next(struct vbus_events *events, struct vbus_event *event, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int r;

	memset(event, 0, sizeof(*event));
	for (;;) {
		if (events->head)
			return events_pop(events, event);
		if (events->failure < 0) {
			r = events->failure;
			events->failure = 0;
			return r;
		}
		/* A failure comes after the events received before it. */
		events->failure = events_receive(events);
		if (events->head || events->failure < 0)
			continue;
		r = events_wait(events, deadline);
		if (r < 0)
			return r;
	}
}

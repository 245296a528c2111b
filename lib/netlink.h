/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside libvbus: the client and its request/reply exchange (lib/netlink.c),
 * used by the files of each object (bus.c, device.c, stats.c). */
#ifndef VBUS_NETLINK_H
#define VBUS_NETLINK_H

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "libvbus.h"
#include "macro.h"

DEFINE_CLEANUP_FUNC(struct nl_msg, nlmsg_free)

struct vbus_client {
	struct nl_sock *sock;
	int family;
	char error[512];
};

/* libnl's error codes as negative errnos. */
int vbus_errno_from_nl(int nl_error);

/*
 * Starts a request for CMD (FLAGS: 0 or NLM_F_DUMP) and clears the client's
 * last error; the caller appends the attributes. NULL when out of memory.
 */
struct nl_msg *vbus_request_new(struct vbus_client *client, uint8_t cmd, int flags);

/*
 * Sends REQUEST and reads until its ack or the end of its dump, calling
 * REPLY (unless NULL) with the top-level attributes of each reply message.
 * Returns 0; the kernel's negative errno, with the extack text in
 * client->error; the first negative return of REPLY (the remaining replies
 * are read and dropped); -EINTR for a dump the kernel marks inconsistent;
 * or the errno of a socket failure.
 */
int vbus_request_run(struct vbus_client *client, struct nl_msg *request,
		     int (*reply)(struct nlattr **attrs, void *data), void *data);

/* vbus_request_run() for a request answered by exactly one message:
 * -EPROTO when none (or more) came. */
int vbus_request_one(struct vbus_client *client, struct nl_msg *request,
		     int (*reply)(struct nlattr **attrs, void *data), void *data);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vbusd's host networking on libnl-route: one request socket that changes
 * links, one monitoring socket that reports link changes to the daemon. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "extack.h"
#include "host-link.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Asked for the monitoring socket; the kernel caps it at net.core.rmem_max.
 * A burst beyond it costs a resynchronisation (host_link_process), no loss. */
#define MONITOR_BUFFER (1 << 20)

struct host_link {
	struct nl_sock *sock;
	struct nl_sock *monitor;
	struct nl_cache *links;
	void (*changed)(const char *ifname, void *userdata);
	void *userdata;
	/* The raw errno and extack text of the last refused request: libnl
	 * itself only keeps a coarser NLE_* code. */
	int kernel_errno;
	char kernel_text[256];
};

DEFINE_CLEANUP_FUNC(struct rtnl_link, rtnl_link_put)

static int errno_from_nl(int nl_error)
{
	switch (-nl_error) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PERM:
		return -EPERM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BAD_SOCK:
		return -EBADF;
	default:
		return -EIO;
	}
}

static int on_refusal(struct sockaddr_nl *nla, struct nlmsgerr *error, void *arg)
{
	struct host_link *hl = arg;

	(void)nla;
	hl->kernel_errno = error->error;
	vbus_extack_format((const struct nlmsghdr *)((char *)error - NLMSG_HDRLEN), NULL,
			   hl->kernel_text, sizeof(hl->kernel_text));
	return NL_STOP;
}

/* The errno of a failed libnl request on the request socket. */
static int request_errno(struct host_link *hl, int nl_error)
{
	return hl->kernel_errno < 0 ? hl->kernel_errno : errno_from_nl(nl_error);
}

static void request_start(struct host_link *hl)
{
	hl->kernel_errno = 0;
	hl->kernel_text[0] = '\0';
}

static void notify(struct host_link *hl, const char *ifname)
{
	if (hl->changed && ifname && ifname[0])
		hl->changed(ifname, hl->userdata);
}

/*
 * One link message. Only AF_UNSPEC messages describe the link itself and
 * update the cache; AF_BRIDGE ones (a bridge port's state, and RTM_DELLINK
 * when a port merely leaves its bridge) are reported but cache nothing.
 */
static void on_link(struct nl_object *object, void *arg)
{
	struct host_link *hl = arg;
	struct rtnl_link *link = (struct rtnl_link *)object;
	_cleanup_(rtnl_link_putp) struct rtnl_link *cached = NULL;
	bool deleted = nl_object_get_msgtype(object) == RTM_DELLINK;
	char old_name[IFNAMSIZ] = "";

	if (rtnl_link_get_family(link) == AF_UNSPEC) {
		cached = rtnl_link_get(hl->links, rtnl_link_get_ifindex(link));
		if (cached) {
			snprintf(old_name, sizeof(old_name), "%s", rtnl_link_get_name(cached) ?: "");
			nl_cache_remove((struct nl_object *)cached);
		}
		if (!deleted)
			nl_cache_add(hl->links, object);
	}
	if (old_name[0] && rtnl_link_get_name(link) &&
	    strcmp(old_name, rtnl_link_get_name(link)) != 0)
		notify(hl, old_name);
	notify(hl, rtnl_link_get_name(link));
}

static int on_event(struct nl_msg *msg, void *arg)
{
	int type = nlmsg_hdr(msg)->nlmsg_type;

	if (type == RTM_NEWLINK || type == RTM_DELLINK)
		nl_msg_parse(msg, on_link, arg);
	return NL_OK;
}

static void notify_cached(struct nl_object *object, void *arg)
{
	notify(arg, rtnl_link_get_name((struct rtnl_link *)object));
}

/* Events were lost: report every link known before and after a refill. */
static int resynchronise(struct host_link *hl)
{
	int r;

	nl_cache_foreach(hl->links, notify_cached, hl);
	r = nl_cache_refill(hl->sock, hl->links);
	if (r < 0)
		return errno_from_nl(r);
	nl_cache_foreach(hl->links, notify_cached, hl);
	return 0;
}

void host_link_free(struct host_link *hl)
{
	if (!hl)
		return;
	nl_cache_free(hl->links);
	nl_socket_free(hl->monitor);
	nl_socket_free(hl->sock);
	free(hl);
}

static int monitor_open(struct host_link *hl)
{
	int r;

	hl->monitor = nl_socket_alloc();
	if (!hl->monitor)
		return -ENOMEM;
	nl_socket_disable_seq_check(hl->monitor);
	nl_socket_modify_cb(hl->monitor, NL_CB_VALID, NL_CB_CUSTOM, on_event, hl);
	r = nl_connect(hl->monitor, NETLINK_ROUTE);
	if (r < 0)
		return errno_from_nl(r);
	r = nl_socket_set_buffer_size(hl->monitor, MONITOR_BUFFER, 0);
	if (r < 0)
		return errno_from_nl(r);
	r = nl_socket_add_memberships(hl->monitor, RTNLGRP_LINK, 0);
	if (r < 0)
		return errno_from_nl(r);
	r = nl_socket_set_nonblocking(hl->monitor);
	return r < 0 ? errno_from_nl(r) : 0;
}

int host_link_new(struct host_link **ret)
{
	_cleanup_(host_link_freep) struct host_link *hl = NULL;
	int one = 1, r;

	hl = calloc(1, sizeof(*hl));
	if (!hl)
		return -ENOMEM;
	hl->sock = nl_socket_alloc();
	if (!hl->sock)
		return -ENOMEM;
	r = nl_connect(hl->sock, NETLINK_ROUTE);
	if (r < 0)
		return errno_from_nl(r);
	/* Refusals carry the kernel's reason ("mtu greater than device maximum"). */
	setsockopt(nl_socket_get_fd(hl->sock), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	nl_socket_modify_err_cb(hl->sock, NL_CB_CUSTOM, on_refusal, hl);

	/* Subscribe before the dump, so no change falls between the two. */
	r = monitor_open(hl);
	if (r < 0)
		return r;
	r = rtnl_link_alloc_cache(hl->sock, AF_UNSPEC, &hl->links);
	if (r < 0)
		return errno_from_nl(r);
	*ret = hl;
	hl = NULL;
	return 0;
}

int host_link_fd(struct host_link *hl)
{
	return nl_socket_get_fd(hl->monitor);
}

void host_link_set_callback(struct host_link *hl,
			    void (*changed)(const char *ifname, void *userdata),
			    void *userdata)
{
	hl->changed = changed;
	hl->userdata = userdata;
}

int host_link_process(struct host_link *hl)
{
	int r;

	for (;;) {
		r = nl_recvmsgs_default(hl->monitor);
		if (r == -NLE_AGAIN)
			return 0;
		/* libnl reports the socket's ENOBUFS (events dropped) as NLE_NOMEM. */
		if (r == -NLE_NOMEM) {
			r = resynchronise(hl);
			if (r < 0)
				return r;
			continue;
		}
		if (r < 0)
			return errno_from_nl(r);
	}
}

static int check_name(const char *what, const char *name, char *error, size_t size)
{
	if (name[0] && strlen(name) < IFNAMSIZ)
		return 0;
	snprintf(error, size, "%s name '%s' is not a valid interface name (1 to %d characters)",
		 what, name, IFNAMSIZ - 1);
	return -EINVAL;
}

/* The master index BRIDGE asks for: 0 for "", else a Linux bridge's. */
static int bridge_index(struct host_link *hl, const char *bridge, int *index,
			char *error, size_t size)
{
	_cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
	const char *kind;
	int r;

	*index = 0;
	if (!bridge[0])
		return 0;
	r = check_name("bridge", bridge, error, size);
	if (r < 0)
		return r;
	request_start(hl);
	r = rtnl_link_get_kernel(hl->sock, 0, bridge, &link);
	if (r < 0) {
		r = request_errno(hl, r);
		if (r == -ENODEV) {
			snprintf(error, size, "bridge %s does not exist", bridge);
			return -ENOENT;
		}
		snprintf(error, size, "bridge %s: cannot read it: %s", bridge, strerror(-r));
		return r;
	}
	kind = rtnl_link_get_type(link);
	if (!kind || strcmp(kind, "bridge") != 0) {
		snprintf(error, size, "%s is not a bridge (its kind is %s)", bridge,
			 kind ? kind : "none");
		return -EINVAL;
	}
	*index = rtnl_link_get_ifindex(link);
	return 0;
}

int host_link_check_bridge(struct host_link *hl, const char *bridge, char *error, size_t size)
{
	int index;

	return bridge_index(hl, bridge, &index, error, size);
}

/* "interface IFNAME: cannot WHAT[ OBJECT]: WHY", WHY the kernel's extack
 * message when it gave one. Returns the errno. */
static int refused(struct host_link *hl, int nl_error, const char *ifname, const char *what,
		   const char *object, char *error, size_t size)
{
	int r = request_errno(hl, nl_error);

	snprintf(error, size, "interface %s: cannot %s%s%s: %s", ifname, what, object[0] ? " " : "",
		 object, hl->kernel_text[0] ? hl->kernel_text : strerror(-r));
	return r;
}

int host_link_configure(struct host_link *hl, const char *ifname, uint32_t mtu,
			const char *bridge, char *error, size_t size)
{
	_cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
	_cleanup_(rtnl_link_putp) struct rtnl_link *change = NULL;
	char what[64] = "";
	int changed = 0, master = 0, r;

	error[0] = '\0';
	r = check_name("interface", ifname, error, size);
	if (r < 0)
		return r;
	request_start(hl);
	r = rtnl_link_get_kernel(hl->sock, 0, ifname, &link);
	if (r < 0) {
		r = request_errno(hl, r);
		if (r == -ENODEV)
			snprintf(error, size, "interface %s does not exist", ifname);
		else
			snprintf(error, size, "interface %s: cannot read it: %s", ifname,
				 strerror(-r));
		return r;
	}
	if (bridge) {
		r = bridge_index(hl, bridge, &master, error, size);
		if (r < 0)
			return r;
	}

	/* The master first, alone: when the kernel refuses it (a loop, a busy
	 * port), nothing has changed yet. Then MTU and flags in one request,
	 * which the kernel applies in that order: a link comes up configured. */
	if (bridge && rtnl_link_get_master(link) != master) {
		request_start(hl);
		r = master ? rtnl_link_enslave_ifindex(hl->sock, master, rtnl_link_get_ifindex(link))
			   : rtnl_link_release_ifindex(hl->sock, rtnl_link_get_ifindex(link));
		if (r < 0)
			return refused(hl, r, ifname, master ? "enslave it to" : "release it from its master",
				       master ? bridge : "", error, size);
		changed = 1;
	}

	change = rtnl_link_alloc();
	if (!change)
		return -ENOMEM;
	if (mtu && rtnl_link_get_mtu(link) != mtu) {
		rtnl_link_set_mtu(change, mtu);
		snprintf(what, sizeof(what), "set mtu %u", mtu);
	}
	if (!(rtnl_link_get_flags(link) & IFF_UP)) {
		rtnl_link_set_flags(change, IFF_UP);
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%sbring it up",
			 what[0] ? " and " : "");
	}
	if (!what[0])
		return changed;
	request_start(hl);
	r = rtnl_link_change(hl->sock, link, change, 0);
	if (r < 0)
		return refused(hl, r, ifname, what, "", error, size);
	return 1;
}

int host_link_get(struct host_link *hl, const char *ifname, struct host_link_info *info)
{
	_cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
	_cleanup_(rtnl_link_putp) struct rtnl_link *master = NULL;
	int index, r;

	memset(info, 0, sizeof(*info));
	if (!ifname[0] || strlen(ifname) >= IFNAMSIZ)
		return 0;
	request_start(hl);
	r = rtnl_link_get_kernel(hl->sock, 0, ifname, &link);
	if (r < 0) {
		r = request_errno(hl, r);
		return r == -ENODEV ? 0 : r;
	}
	info->present = true;
	info->up = rtnl_link_get_flags(link) & IFF_UP;
	info->running = rtnl_link_get_flags(link) & IFF_RUNNING;
	info->mtu = rtnl_link_get_mtu(link);
	index = rtnl_link_get_master(link);
	if (!index)
		return 0;
	request_start(hl);
	r = rtnl_link_get_kernel(hl->sock, index, NULL, &master);
	if (r < 0) {
		r = request_errno(hl, r);
		/* The master went away since: the link has none any more. */
		return r == -ENODEV ? 0 : r;
	}
	snprintf(info->master, sizeof(info->master), "%s", rtnl_link_get_name(master));
	return 0;
}

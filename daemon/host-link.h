/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vbusd's host networking over rtnetlink (libnl-route): bring a device's host
 * interface up, set its MTU, put it in a bridge, and hear when links change. */
#ifndef VBUS_HOST_LINK_H
#define VBUS_HOST_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

/* A request socket, a monitoring socket on RTNLGRP_LINK and a link cache
 * that maps interface indexes to names (to report renames and deletions). */
struct host_link;

struct host_link_info {
	bool present;
	bool up;                /* administratively: IFF_UP */
	bool running;           /* up with its carrier on: IFF_RUNNING */
	uint32_t mtu;
	char master[IFNAMSIZ];  /* "" when the link has none */
};

/* Opens both sockets and fills the cache. Negative errno on failure. */
int host_link_new(struct host_link **ret);
void host_link_free(struct host_link *hl);
DEFINE_CLEANUP_FUNC(struct host_link, host_link_free)

/* The monitoring socket (non-blocking), to watch for EPOLLIN. */
int host_link_fd(struct host_link *hl);

/*
 * Called once per RTM_NEWLINK/RTM_DELLINK with the name the link has (for a
 * rename, also once with the name it had). When the kernel dropped events
 * (socket overflow) it is called for every link before and after a refill
 * of the cache, so a caller never has to resynchronise by itself.
 */
void host_link_set_callback(struct host_link *hl,
			    void (*changed)(const char *ifname, void *userdata),
			    void *userdata);

/* Reads every pending event and calls the callback; call it when the fd is
 * readable. 0, or a negative errno (the socket failed). */
int host_link_process(struct host_link *hl);

/*
 * Brings IFNAME up, sets its MTU (0: leave it) and its master: BRIDGE, a
 * Linux bridge; "" releases it from any master; NULL leaves it as it is.
 * What already holds is not written again: returns 0 when nothing had to
 * change, 1 when the kernel acknowledged changes. The master is changed
 * first, alone (a refusal there changes nothing), then MTU and IFF_UP in
 * one request (so a link comes up configured).
 * Errors: -ENODEV IFNAME does not exist; -ENOENT BRIDGE does not exist;
 * -EINVAL BRIDGE is not a Linux bridge or a name is malformed; else the
 * kernel's errno. ERROR (SIZE bytes) then holds one line for people, e.g.
 * "bridge br0 does not exist", or "interface vbt-a: cannot enslave it to
 * br0: Can not enslave a bridge to a bridge" (the kernel's extack).
 */
int host_link_configure(struct host_link *hl, const char *ifname, uint32_t mtu,
			const char *bridge, char *error, size_t size);

/* Whether BRIDGE ("" is none) can be a master: 0 yes; -ENOENT it does not
 * exist (yet); -EINVAL it is not a Linux bridge or not a valid name; ERROR
 * says which in one line. */
int host_link_check_bridge(struct host_link *hl, const char *bridge, char *error, size_t size);

/* The kernel's current state of IFNAME (not the cache's): 0, with
 * present=false when it does not exist; a negative errno on failure. */
int host_link_get(struct host_link *hl, const char *ifname, struct host_link_info *info);

#endif

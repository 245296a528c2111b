/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host interfaces of devices (up, MTU, bridge port): vbusd's one door to
 * the host-link component, so that plugging it in changes only link.c. */
#ifndef VBUSD_LINK_H
#define VBUSD_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libvbus.h"

struct link;

struct link_state {
	bool present, up;
	char bridge[VBUS_IFNAME_MAX];	/* "" when on none */
};

/* *LINK is NULL when host networking is not available to vbusd. */
int link_new(struct link **link);
void link_free(struct link *link);
/* -EOPNOTSUPP without host networking, -ENODEV for an absent interface. */
int link_get(struct link *link, const char *ifname, struct link_state *state);
/* Brings IFNAME up and puts it on BRIDGE ("" = on none). */
int link_set_bridge(struct link *link, const char *ifname, const char *bridge, char *error,
		    size_t size);

#endif

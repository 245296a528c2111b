/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host interfaces of devices (up, MTU, bridge port): vbusd's one door to
 * host-link (rtnetlink), which only link.c calls. */
#ifndef VBUSD_LINK_H
#define VBUSD_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "libvbus.h"

struct link;

struct link_state {
	bool present, up;
	uint32_t mtu;
	char bridge[VBUS_IFNAME_MAX];	/* "" when on none */
};

/* *LINK is NULL when host networking is not available to vbusd (logged).
 * CHANGED is called from EVENT's loop with the name of every link that was
 * added, changed, renamed or removed. */
int link_new(sd_event *event, void (*changed)(const char *ifname, void *userdata),
	     void *userdata, struct link **link);
void link_free(struct link *link);
/* -EOPNOTSUPP without host networking, -ENODEV for an absent interface. */
int link_get(struct link *link, const char *ifname, struct link_state *state);
/* Brings IFNAME up and puts it on BRIDGE ("" = on none, NULL = leave its
 * master as it is). -ENODEV for an absent interface, -ENOENT for an absent
 * bridge; ERROR (SIZE bytes) then holds one line for people. */
/* host_link_check_bridge() through LINK (-EOPNOTSUPP without host networking). */
int link_check_bridge(struct link *link, const char *bridge, char *error, size_t size);

/* Whether a warning TEXT about IFNAME is new (to be logged): false while the
 * last one about IFNAME was the same. TEXT NULL: IFNAME is fine again (the
 * next warning is new). */
bool link_warn_once(struct link *link, const char *ifname, const char *text);

/* Sets IFNAME's MTU (0: leaves it) and master BRIDGE (NULL: leaves it), as
 * host_link_configure() does. */
int link_configure(struct link *link, const char *ifname, uint32_t mtu, const char *bridge,
		   char *error, size_t size);

int link_set_bridge(struct link *link, const char *ifname, const char *bridge, char *error,
		    size_t size);

#endif

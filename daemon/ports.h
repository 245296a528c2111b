/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Managed devices' host interfaces as bridge ports: configured when they or
 * their bridges appear, and what keeps them from their bridges. */
#ifndef VBUSD_PORTS_H
#define VBUSD_PORTS_H

#include "fabric.h"
#include "manager.h"

/* The host interface name of DEVICE (a desired device): the fabric's, else
 * the kernel's, else the default one. */
void ports_ifname(struct manager *manager, const struct fabric_device *device,
		  char ifname[VBUS_IFNAME_MAX]);

/* Brings DEVICE's interface up on its desired bridge (BRIDGE NULL: leave the
 * master alone). An absent interface is not an error: it appears while a
 * guest is attached, and ports_on_link_changed() configures it then. */
void ports_configure(struct manager *manager, const struct fabric_device *device,
		     const char *bridge);

/* host-link's callback: IFNAME is a managed device's interface or a bridge
 * managed devices want. */
void ports_on_link_changed(const char *ifname, void *userdata);

/* Adds "device web0: bridge br0 does not exist" to PROBLEMS for every
 * present interface whose desired bridge is missing. */
void ports_problems(struct manager *manager, struct fabric_errors *problems);

#endif

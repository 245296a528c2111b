/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Managed devices' host interfaces as bridge ports: configured when they or
 * their bridges appear, what keeps them from their bridges, and the bridges
 * a kernel fabric's devices are on. Stateless: the link and the fabrics are
 * passed in. */
#ifndef VBUSD_PORTS_H
#define VBUSD_PORTS_H

#include "fabric.h"
#include "link.h"

/* The host interface name of DEVICE (a desired device): the fabric's, else
 * the kernel's (as ACTUAL, which may be NULL, says), else the default one. */
void ports_ifname(const struct fabric *actual, const struct fabric_device *device,
		  char ifname[VBUS_IFNAME_MAX]);

/* Brings DEVICE's interface up on BRIDGE (NULL: leave the master alone),
 * and with RESTORE_MTU at the device's MTU (someone's "ip link set mtu" is
 * undone). An absent interface is not an error: it appears while a guest is
 * attached, and ports_link_changed() configures it then. Failures are logged
 * once per cause. */
void ports_configure(struct link *link, const struct fabric *actual,
		     const struct fabric_device *device, const char *bridge, bool restore_mtu);

/* Refuses what can be known to be wrong before an apply: a device of DESIRED
 * whose bridge is new (not so in CURRENT) and names an interface that is not
 * a Linux bridge. 0, or -EINVAL with ERROR "device D: bridge B: why". A
 * bridge that does not exist yet is fine (ports_problems() lists it). */
int ports_check(struct link *link, const struct fabric *desired, const struct fabric *current,
		char *error, size_t size);

/* IFNAME appeared or changed: configures the devices of DESIRED whose
 * interface or bridge it is. */
void ports_link_changed(struct link *link, const struct fabric *desired,
			const struct fabric *actual, const char *ifname, bool restore_mtu);

/* Adds to PROBLEMS, for every present interface of DESIRED's devices: "device
 * web0: bridge br0 does not exist" (or is not a bridge), and "device web0:
 * host interface vbt-web0 has mtu 1400, not 9000". */
void ports_problems(struct link *link, const struct fabric *desired, const struct fabric *actual,
		    struct fabric_errors *problems);

/* Sets the bridge of ACTUAL's devices: the interface's master when it is
 * there; else the one DESIRED wants, so that no plan tries to change what
 * nobody can see. */
void ports_observe(struct link *link, const struct fabric *desired, struct fabric *actual);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusctl domain: the verbs, and what they share with the hook: asking vbusd
 * to make or release a domain's bus and devices (never through libvirt). */
#ifndef VBUSCTL_DOMAIN_H
#define VBUSCTL_DOMAIN_H

#include "cli.h"
#include "domain-metadata.h"

/* Asks vbusd (Apply) for VBUS's bus (connector ivshmem) and devices, then
 * checks that the bus's socket exists: what QEMU connects to. DOMAIN names
 * the domain in messages. An exit code, failures reported. */
int domain_vbusd_apply(struct context *context, const char *domain, struct domain_vbus *vbus);
/* Disconnects DEVICE when persistent, else destroys it; if it exists. */
int domain_vbusd_release_device(struct context *context,
				const struct domain_vbus_device *device);
/* Waits (a few seconds at most) until QEMU has left BUS's socket, after its
 * device was unplugged; an exit code (a failure when it does not leave). */
int domain_vbusd_wait_unplugged(struct context *context, const char *bus);
/* Destroys BUS if it exists. */
int domain_vbusd_destroy_bus(struct context *context, const char *bus);

int command_domain_attach(struct context *context, int argc, char **argv);
int command_domain_detach(struct context *context, int argc, char **argv);
int command_domain_show(struct context *context, int argc, char **argv);

#endif

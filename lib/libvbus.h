/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvbus: the C library shared by vbusd and vbusctl: name validation and a
 * client for vbus.ko's generic netlink family. Functions return 0 or a
 * negative errno; a client keeps the kernel's extended-ack text of its last
 * failed request.
 */
#ifndef LIBVBUS_H
#define LIBVBUS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/vbus.h>

/* Whether NAME is a valid device or bus name: [a-z0-9][a-z0-9_.-]{0,31}. */
bool vbus_name_valid(const char *name);

struct vbus_client;

struct vbus_version {
	uint32_t genl_version;			/* the family's ABI version */
	char module_version[64];		/* the loaded vbus.ko's release */
};

/* Connects to the "vbus" family; -ENOENT when vbus.ko is not loaded. */
int vbus_client_open(struct vbus_client **client);
void vbus_client_close(struct vbus_client *client);
/* The kernel's extack message for the last failed request, or "". */
const char *vbus_client_error(const struct vbus_client *client);

int vbus_get_version(struct vbus_client *client, struct vbus_version *version);

#endif

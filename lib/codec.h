/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside libvbus: the family's messages to and from structs, without I/O
 * (lib/codec.c), so they can be tested without a kernel. */
#ifndef VBUS_CODEC_H
#define VBUS_CODEC_H

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "libvbus.h"

/*
 * Request attributes, appended to a message that has its generic netlink
 * header already. 0 or -EMSGSIZE.
 */
int vbus_put_bus_name(struct nl_msg *msg, const char *name);
int vbus_put_device_name(struct nl_msg *msg, const char *name);
/* BUS_NAME, BUS_CONNECTOR, and REGION_SIZE, DOMAIN, UUID when set. */
int vbus_put_bus(struct nl_msg *msg, const struct vbus_bus_info *bus);
/* DEVICE_NAME, DEVICE_TYPE and the venet nest (when anything is present). */
int vbus_put_device(struct nl_msg *msg, const struct vbus_device_info *device);
/* The venet nest with the present fields; nothing when none is. */
int vbus_put_venet(struct nl_msg *msg, const struct vbus_venet_config *venet);

/*
 * Checks a message of the family and indexes its top-level attributes into
 * ATTRS (VBUS_A_MAX + 1 entries): -EBADMSG when the headers or attributes
 * are truncated, have trailing bytes, or an attribute has the wrong size.
 * Attributes newer than this library are ignored.
 */
int vbus_parse_message(struct nlmsghdr *nlh, struct nlattr **attrs);

/* Messages to structs: -EBADMSG for malformed attributes, -EPROTO when a
 * required one is missing. */
int vbus_parse_version(struct nlattr **attrs, struct vbus_version *version);
int vbus_parse_bus(struct nlattr **attrs, struct vbus_bus_info *bus);
int vbus_parse_device(struct nlattr **attrs, struct vbus_device_info *device);
int vbus_parse_stats(struct nlattr **attrs, char device[VBUS_NAME_MAX], struct vbus_stats *stats);
/* A message of the events group; -EOPNOTSUPP for a command that is no event. */
int vbus_parse_event(struct nlmsghdr *nlh, struct vbus_event *event);

#endif

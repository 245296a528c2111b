/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside libvbus: the text of the kernel's extended ack (lib/extack.c),
 * without I/O, so it can be tested on hand-built messages. */
#ifndef VBUS_EXTACK_H
#define VBUS_EXTACK_H

#include <stddef.h>
#include <linux/netlink.h>

/*
 * Writes into TEXT what the extended-ack TLVs of REPLY (an NLMSG_ERROR, or
 * an NLMSG_DONE ending a failed dump) say: the kernel's message, prefixed
 * with "attribute NAME: " when it points at an attribute of REQUEST (the
 * message we sent, or NULL) or reports one missing, and followed by the
 * valid range or length of the policy it reports, e.g. "attribute mtu:
 * integer out of range (valid 68..65535)". "" when REPLY carries none.
 * Attribute names are those of schemas/netlink: the uapi enum name without
 * its prefix, lowercased, '_' as '-'.
 */
void vbus_extack_format(const struct nlmsghdr *reply, const struct nlmsghdr *request,
			char *text, size_t size);

#endif

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * vbus: a paravirtual I/O fabric for Linux virtualisation hosts.
 *
 * This header is the contract between vbus.ko and every userspace client
 * (libvbus, vbusd, vbusctl, the tests, the kernel's ynl CLI). Nothing else
 * describes the ABI; kmod/, guest/ and lib/ include it, never copy it.
 *
 * Generic netlink family VBUS_GENL_NAME, version VBUS_GENL_VERSION.
 *
 * Commands:
 *
 *   VBUS_CMD_GET_VERSION
 *     Request: no attributes. Reply: VBUS_A_VERSION (u32, the family
 *     version the module speaks) and VBUS_A_MODULE_VERSION (string, the
 *     vbus release of the loaded module). Unprivileged.
 *
 * Errors are negative errnos; a reply to a bad request carries an
 * extended-ack message that names the offending attribute.
 */
#ifndef _UAPI_LINUX_VBUS_H
#define _UAPI_LINUX_VBUS_H

#define VBUS_GENL_NAME		"vbus"
#define VBUS_GENL_VERSION	1

/* Names of devices and buses: [a-z0-9][a-z0-9_.-]{0,31} */
#define VBUS_NAME_MAX		32	/* including the terminating NUL */

enum vbus_cmd {
	VBUS_CMD_UNSPEC,
	VBUS_CMD_GET_VERSION,

	__VBUS_CMD_MAX,
	VBUS_CMD_MAX = __VBUS_CMD_MAX - 1
};

enum vbus_attr {
	VBUS_A_UNSPEC,
	VBUS_A_VERSION,			/* u32 */
	VBUS_A_MODULE_VERSION,		/* string */

	__VBUS_A_MAX,
	VBUS_A_MAX = __VBUS_A_MAX - 1
};

#endif /* _UAPI_LINUX_VBUS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences between the supported kernels
 * (Debian 12's 6.1 and the 6.12 series) are papered over. kmod/ and guest/
 * include it; no other file tests LINUX_VERSION_CODE.
 */
#ifndef VBUS_COMPAT_H
#define VBUS_COMPAT_H

#include <linux/version.h>

/* bus_type.match() takes a const struct device_driver since 6.11. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define VBUS_MATCH_DRIVER_CONST const
#else
#define VBUS_MATCH_DRIVER_CONST
#endif

#endif /* VBUS_COMPAT_H */

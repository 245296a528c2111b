/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the files of vbus.ko: each file owns one
 * concern (main.c module life, netlink.c the genl family, sysfs.c /sys/vbus).
 */
#ifndef VBUS_KMOD_VBUS_H
#define VBUS_KMOD_VBUS_H

#include <linux/vbus.h>

#ifndef VBUS_VERSION
#define VBUS_VERSION "unknown"
#endif

int vbus_sysfs_init(void);
void vbus_sysfs_exit(void);

int vbus_netlink_init(void);
void vbus_netlink_exit(void);

#endif /* VBUS_KMOD_VBUS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences between the supported kernels
 * (Debian 12's 6.1 and the 6.12 series) are papered over. kmod/ and guest/
 * include it; no other file tests LINUX_VERSION_CODE.
 */
#ifndef VBUS_COMPAT_H
#define VBUS_COMPAT_H

#include <linux/eventfd.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/version.h>

/*
 * An extended-ack message that names what it is about: formatted since
 * 6.2 (NL_SET_ERR_MSG_FMT), the plain text on 6.1.
 */
#ifdef NL_SET_ERR_MSG_FMT
#define VBUS_SET_ERR_MSG_FMT(extack, plain, fmt, args...)		\
	NL_SET_ERR_MSG_FMT(extack, fmt, ##args)
#else
#define VBUS_SET_ERR_MSG_FMT(extack, plain, fmt, args...)		\
	NL_SET_ERR_MSG(extack, plain)
#endif

/* bus_type.match() takes a const struct device_driver since 6.11. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define VBUS_MATCH_DRIVER_CONST const
#else
#define VBUS_MATCH_DRIVER_CONST
#endif

/* bus_type.uevent() takes a const struct device since 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define VBUS_UEVENT_DEVICE_CONST const
#else
#define VBUS_UEVENT_DEVICE_CONST
#endif

/* eventfd_signal() lost its count argument in 6.8. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define vbus_eventfd_signal(ctx) eventfd_signal(ctx)
#else
#define vbus_eventfd_signal(ctx) eventfd_signal(ctx, 1)
#endif

/*
 * A zero-copy skb's completion: struct ubuf_info had a callback until 6.9
 * and has a struct ubuf_info_ops since 6.10.
 */
typedef void (*vbus_ubuf_complete_t)(struct sk_buff *skb, struct ubuf_info *ubuf,
				     bool success);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define VBUS_UBUF_OPS(_name, _fn)					\
	static const struct ubuf_info_ops _name = { .complete = _fn }
#define vbus_ubuf_set_ops(_ubuf, _ops) ((_ubuf)->ops = &(_ops))
#else
#define VBUS_UBUF_OPS(_name, _fn)					\
	static const vbus_ubuf_complete_t _name = _fn
#define vbus_ubuf_set_ops(_ubuf, _ops) ((_ubuf)->callback = (_ops))
#endif

#endif /* VBUS_COMPAT_H */

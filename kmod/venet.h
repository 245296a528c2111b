/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The venet model between its two files: venet.c (attributes) and
 * venet-netdev.c (the host netdev vbt-* and its data path).
 */
#ifndef VBUS_KMOD_VENET_H
#define VBUS_KMOD_VENET_H

#include <linux/if_ether.h>
#include <linux/netdevice.h>

#include "vbus.h"

struct venet_config {
	u8 mac[ETH_ALEN];
	u32 mtu;
	u32 zcthresh;
	u32 wmem;
	u32 txqlen;
	char ifname[IFNAMSIZ];
	/*
	 * Under vbus_lock: the host netdev, while the device has a slot and
	 * within a guest reset, parked (datapath.h) for the plug after it.
	 */
	struct net_device *netdev;
	bool parked;
};

static inline struct venet_config *venet_config(struct vbus_device *dev)
{
	return vbus_device_priv(dev);
}

extern const struct vbus_datapath_ops venet_datapath_ops;

/*
 * Under vbus_lock: the mtu changed; tell the host netdev, if any. Returns
 * dev_set_mtu()'s refusal.
 */
int venet_mtu_changed(struct vbus_device *dev);

/* Under vbus_lock: the txqlen changed; the live netdev takes it. */
void venet_txqlen_changed(struct vbus_device *dev);

#endif /* VBUS_KMOD_VENET_H */

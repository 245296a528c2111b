// SPDX-License-Identifier: GPL-2.0
/*
 * venet: the guest's network interface on a vbus venet device. This is the
 * skeleton: the netdev, its MAC and MTU from the config block, its life
 * with the device (probe on hot-plug, unregistered on unplug), the config
 * block followed. The ring data path (NAPI receive, TX with reclaim, BQL,
 * offloads) waits for ring v2; until then the carrier stays off and
 * transmitted frames are dropped and counted.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "vbus_proxy.h"

#ifndef VBUS_VERSION
#define VBUS_VERSION "unknown"
#endif

struct venet {
	struct net_device *netdev;
	struct vbus_proxy_device *vdev;
	struct work_struct config_work;
};

static netdev_tx_t venet_start_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	/* No data path yet: counted as dropped. */
	dev_core_stats_tx_dropped_inc(netdev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops venet_netdev_ops = {
	.ndo_start_xmit = venet_start_xmit,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_set_mac_address = eth_mac_addr,
};

static void venet_get_drvinfo(struct net_device *netdev, struct ethtool_drvinfo *info)
{
	struct venet *venet = netdev_priv(netdev);

	strscpy(info->driver, "venet", sizeof(info->driver));
	strscpy(info->version, VBUS_VERSION, sizeof(info->version));
	strscpy(info->bus_info, dev_name(&venet->vdev->dev), sizeof(info->bus_info));
}

static const struct ethtool_ops venet_ethtool_ops = {
	.get_drvinfo = venet_get_drvinfo,
	.get_link = ethtool_op_get_link,
};

/* MAC and MTU from the checked config block. */
static void venet_apply_config(struct venet *venet, const struct vbus_region_venet *config)
{
	struct net_device *netdev = venet->netdev;

	if (is_valid_ether_addr(config->mac))
		eth_hw_addr_set(netdev, config->mac);
	else
		eth_hw_addr_random(netdev);
	netdev->min_mtu = VBUS_VENET_MTU_MIN;
	netdev->max_mtu = VBUS_VENET_MTU_MAX;
	netdev->mtu = config->mtu;
}

/* CONFIG_CHANGED, in process context: the MTU the host set. */
static void venet_config_work(struct work_struct *work)
{
	struct venet *venet = container_of(work, struct venet, config_work);
	struct vbus_region_slot slot;

	if (vbus_proxy_read_slot(venet->vdev, &slot))
		return;
	rtnl_lock();
	if (slot.venet.mtu != venet->netdev->mtu)
		dev_set_mtu(venet->netdev, slot.venet.mtu);
	rtnl_unlock();
}

static void venet_config_changed(struct vbus_proxy_device *vdev)
{
	struct venet *venet = dev_get_drvdata(&vdev->dev);

	schedule_work(&venet->config_work);
}

static int venet_probe(struct vbus_proxy_device *vdev)
{
	struct net_device *netdev;
	struct venet *venet;
	int err;

	netdev = alloc_etherdev(sizeof(*venet));
	if (!netdev)
		return -ENOMEM;
	venet = netdev_priv(netdev);
	venet->netdev = netdev;
	venet->vdev = vdev;
	INIT_WORK(&venet->config_work, venet_config_work);
	netdev->netdev_ops = &venet_netdev_ops;
	netdev->ethtool_ops = &venet_ethtool_ops;
	SET_NETDEV_DEV(netdev, &vdev->dev);
	venet_apply_config(venet, &vdev->slot.venet);
	netif_carrier_off(netdev);
	dev_set_drvdata(&vdev->dev, venet);
	err = register_netdev(netdev);
	if (err) {
		dev_err(&vdev->dev, "cannot register its netdev: %d\n", err);
		free_netdev(netdev);
		return err;
	}
	return 0;
}

static void venet_remove(struct vbus_proxy_device *vdev)
{
	struct venet *venet = dev_get_drvdata(&vdev->dev);

	cancel_work_sync(&venet->config_work);
	unregister_netdev(venet->netdev);
	free_netdev(venet->netdev);
}

static struct vbus_driver venet_driver = {
	.type = VBUS_DEVICE_TYPE_VENET,
	.probe = venet_probe,
	.remove = venet_remove,
	.config_changed = venet_config_changed,
	.driver.name = "venet",
};

static int __init venet_init(void)
{
	return vbus_driver_register(&venet_driver);
}

static void __exit venet_exit(void)
{
	vbus_driver_unregister(&venet_driver);
}

module_init(venet_init);
module_exit(venet_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vbus paravirtual I/O fabric: guest network interface");
MODULE_VERSION(VBUS_VERSION);
MODULE_ALIAS_VBUS("venet");

// SPDX-License-Identifier: GPL-2.0
/*
 * venet: the guest's network interface on a vbus venet device. This file is
 * the device: probe on hot-plug, remove on unplug (the netdev unregistered,
 * its part of the data window given back), the netdev's operations, and
 * the config block followed (MAC and MTU from the host, CONFIG_CHANGED).
 * The data path is venet-data.c.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "venet.h"

static ulong features = VENET_FEATURES;
module_param(features, ulong, 0444);
MODULE_PARM_DESC(features,
		 "the offered features venet may take: a mask of VBUS_VENET_FEATURE_* (default 0x17: per-frame header 0x10, scatter-gather 0x1, checksum 0x2, TSO 0x4; 0: none)");

static int venet_open(struct net_device *netdev)
{
	struct venet *venet = netdev_priv(netdev);

	napi_enable(&venet->napi);
	netif_start_queue(netdev);
	/* What came back while we were down. */
	local_bh_disable();
	napi_schedule(&venet->napi);
	local_bh_enable();
	return 0;
}

static int venet_stop(struct net_device *netdev)
{
	struct venet *venet = netdev_priv(netdev);

	netif_stop_queue(netdev);
	napi_disable(&venet->napi);
	return 0;
}

static void venet_get_stats64(struct net_device *netdev, struct rtnl_link_stats64 *stats)
{
	struct venet *venet = netdev_priv(netdev);
	u64 v[4];

	venet_stats_copy(&venet->tx_stats, v);
	stats->tx_packets = v[0];
	stats->tx_bytes = v[1];
	stats->tx_dropped = v[2];
	venet_stats_copy(&venet->rx_stats, v);
	stats->rx_packets = v[0];
	stats->rx_bytes = v[1];
	stats->rx_dropped = v[2];
}

/*
 * The host delivers every frame its side sends to this port (a bridge
 * port, or a routed interface): there is no filter to program, so every
 * mode (promiscuous, all-multicast, the multicast list) already holds.
 */
static void venet_set_rx_mode(struct net_device *netdev)
{
}

/* Up to what the posted buffers hold; the host's MTU is its own business. */
static int venet_change_mtu(struct net_device *netdev, int mtu)
{
	WRITE_ONCE(netdev->mtu, mtu);
	return 0;
}

/*
 * /sys/class/net/<if>/venet/: what the host's config block says that no
 * netdev attribute shows. vbus-guest-tune reads wmem (udev runs it when a
 * venet interface appears).
 */
static ssize_t wmem_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct venet *venet = netdev_priv(to_net_dev(dev));

	return sysfs_emit(buf, "%u\n", READ_ONCE(venet->wmem));
}
static DEVICE_ATTR_RO(wmem);

static ssize_t features_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct venet *venet = netdev_priv(to_net_dev(dev));

	return sysfs_emit(buf, "%#llx\n", venet->features);
}
static DEVICE_ATTR_RO(features);

static ssize_t features_offered_show(struct device *dev, struct device_attribute *attr,
				     char *buf)
{
	struct venet *venet = netdev_priv(to_net_dev(dev));

	return sysfs_emit(buf, "%#llx\n", venet->vdev->slot.venet.features);
}
static DEVICE_ATTR_RO(features_offered);

static struct attribute *venet_attrs[] = {
	&dev_attr_wmem.attr,
	&dev_attr_features.attr,
	&dev_attr_features_offered.attr,
	NULL,
};

static const struct attribute_group venet_group = {
	.name = "venet",
	.attrs = venet_attrs,
};

static const struct net_device_ops venet_netdev_ops = {
	.ndo_open = venet_open,
	.ndo_stop = venet_stop,
	.ndo_start_xmit = venet_xmit,
	.ndo_get_stats64 = venet_get_stats64,
	.ndo_set_rx_mode = venet_set_rx_mode,
	.ndo_change_mtu = venet_change_mtu,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_set_mac_address = eth_mac_addr,
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
	/* With SG a frame takes as many buffers as it needs. */
	netdev->max_mtu = venet->features & VBUS_VENET_FEATURE_SG ? VBUS_VENET_MTU_MAX :
			  venet->rx_bufs.size - VLAN_ETH_HLEN;
	netdev->mtu = min_t(u32, config->mtu, netdev->max_mtu);
}

/* CONFIG_CHANGED, in process context: the MTU the host set. */
static void venet_config_work(struct work_struct *work)
{
	struct venet *venet = container_of(work, struct venet, config_work);
	struct net_device *netdev = venet->netdev;
	struct vbus_region_slot slot;

	if (vbus_proxy_read_slot(venet->vdev, &slot))
		return;
	rtnl_lock();
	WRITE_ONCE(venet->wmem, slot.venet.wmem);
	if (slot.venet.mtu > netdev->max_mtu)
		netdev_warn(netdev,
			    "the host's MTU is now %u, above the %u this device's buffers hold: reload venet (or reset the bus) to take it\n",
			    slot.venet.mtu, netdev->max_mtu);
	else if (slot.venet.mtu != netdev->mtu)
		dev_set_mtu(netdev, slot.venet.mtu);
	rtnl_unlock();
}

static void venet_config_changed(struct vbus_proxy_device *vdev)
{
	struct venet *venet = dev_get_drvdata(&vdev->dev);

	schedule_work(&venet->config_work);
}

/*
 * Frames are copied into the region, so any skb will do (SG); checksum and
 * TCP segmentation are left to the host when it took them (ethtool -K
 * turns them off).
 */
static void venet_set_features(struct venet *venet)
{
	struct net_device *netdev = venet->netdev;
	netdev_features_t f = NETIF_F_SG | NETIF_F_HIGHDMA;

	if (venet->features & VBUS_VENET_FEATURE_CSUM)
		f |= NETIF_F_HW_CSUM | NETIF_F_RXCSUM;
	if (venet->features & VBUS_VENET_FEATURE_TSO)
		f |= NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN;
	netdev->hw_features = f;
	netdev->features = f;
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
	netif_napi_add(netdev, &venet->napi, venet_poll);
	err = venet_data_init(venet, features);
	if (err)
		goto err_napi;
	venet_set_features(venet);
	venet_apply_config(venet, &vdev->slot.venet);
	venet->wmem = vdev->slot.venet.wmem;
	netdev->sysfs_groups[0] = &venet_group;
	dev_set_drvdata(&vdev->dev, venet);
	/* Off until registered: turning it on then makes the operstate UP. */
	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err) {
		dev_err(&vdev->dev, "cannot register its netdev: %d\n", err);
		goto err_data;
	}
	/* Served from now on: the link is up while the device is there. */
	netif_carrier_on(netdev);
	netdev_info(netdev,
		    "venet device %u: %u+%u buffers of %u bytes in the bus's data window, features %#llx of %#llx\n",
		    vdev->slot.id, venet->tx_bufs.count, venet->rx_bufs.count, venet->tx_bufs.size,
		    venet->features, vdev->slot.venet.features);
	return 0;

err_data:
	venet_data_exit(venet);
err_napi:
	netif_napi_del(&venet->napi);
	free_netdev(netdev);
	return err;
}

/* Unplugged, or the bus broken or reset: no callback comes any more. */
static void venet_remove(struct vbus_proxy_device *vdev)
{
	struct venet *venet = dev_get_drvdata(&vdev->dev);

	netif_carrier_off(venet->netdev);
	cancel_work_sync(&venet->config_work);
	unregister_netdev(venet->netdev);
	netif_napi_del(&venet->napi);
	venet_data_exit(venet);
	free_netdev(venet->netdev);
}

static struct vbus_driver venet_driver = {
	.type = VBUS_DEVICE_TYPE_VENET,
	.probe = venet_probe,
	.remove = venet_remove,
	.queue_work = venet_queue_work,
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

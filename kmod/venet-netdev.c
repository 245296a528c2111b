// SPDX-License-Identifier: GPL-2.0
/*
 * venet's data path: the host netdev vbt-* of a device that has a slot on
 * an attached bus, and the worker's service of its two queues. Guest TX
 * frames go up the host stack, copied or (zcthresh) as fragments of the
 * region's pages given back when the skb is freed; host xmit fills the
 * buffers the guest posted in its RX queue, waits (byte queue limits) when
 * there are none, and drops for a guest that posts none for VENET_STALL.
 *
 * The netdev exists while the device has a slot: created when the bus is
 * attached or the device connected to an attached bus, removed at
 * disconnect or detach; its carrier is on while the guest is served. Guest
 * stats are the device's (sysfs stats/, STATS_GET); the netdev shows them
 * from the host's side (its rx is the guest's tx).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/dst.h>

#include "compat.h"
#include "datapath.h"
#include "venet.h"
#include "venet-host.h"

/* --- netdev -------------------------------------------------------------- */

static void venet_drop(struct venet_host *host, struct sk_buff *skb)
{
	atomic_long_inc(&host->dropped);
	kfree_skb(skb);
}

/*
 * A frame for the guest. It may wait for the guest's buffers, so it first
 * lets go of everything that is not its own (as tun does): zero-copy
 * fragments (another guest's TX buffers) are copied, the socket, conntrack
 * and route references dropped. A stalled guest loses its frames here.
 */
static netdev_tx_t venet_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct venet_host *host = netdev_priv(ndev);
	unsigned int len = skb->len;

	if (skb_orphan_frags_rx(skb, GFP_ATOMIC)) {
		venet_drop(host, skb);
		return NETDEV_TX_OK;
	}
	skb_orphan(skb);
	nf_reset_ct(skb);
	skb_dst_drop(skb);

	spin_lock(&host->lock);
	if (!host->port || host->stalled) {
		spin_unlock(&host->lock);
		venet_drop(host, skb);
		return NETDEV_TX_OK;
	}
	skb_queue_tail(&host->backlog, skb);
	netdev_sent_queue(ndev, len);
	if (skb_queue_len(&host->backlog) >= VENET_BACKLOG)
		netif_stop_queue(ndev);
	vbus_worker_kick(host->port->att);
	spin_unlock(&host->lock);
	return NETDEV_TX_OK;
}

/* Drops what waits for the guest; under host->lock. */
unsigned int venet_backlog_drop(struct venet_host *host)
{
	unsigned int n = skb_queue_len(&host->backlog);

	skb_queue_purge(&host->backlog);
	atomic_long_add(n, &host->dropped);
	netdev_reset_queue(host->ndev);
	return n;
}

/* The guest posted no buffer for VENET_STALL while frames waited. */
static void venet_stall_timer(struct timer_list *t)
{
	struct venet_host *host = from_timer(host, t, stall_timer);

	spin_lock(&host->lock);
	if (!host->port || !host->starved || host->stalled) {
		spin_unlock(&host->lock);
		return;
	}
	if (time_before(jiffies, host->starved_since + VENET_STALL)) {
		mod_timer(&host->stall_timer, host->starved_since + VENET_STALL);
		spin_unlock(&host->lock);
		return;
	}
	host->stalled = true;
	host->starved = false;
	venet_backlog_drop(host);
	spin_unlock(&host->lock);
	/*
	 * What the qdisc holds comes to xmit, and is dropped there: wake a
	 * queue we stopped, run one byte queue limits stopped (the reset
	 * cleared that stop without scheduling it).
	 */
	netif_wake_queue(host->ndev);
	netif_tx_schedule_all(host->ndev);
}

static int venet_open(struct net_device *ndev)
{
	netif_start_queue(ndev);
	return 0;
}

static int venet_stop(struct net_device *ndev)
{
	netif_stop_queue(ndev);
	return 0;
}

/* The guest's counters, seen from the host: a snapshot (the worker writes them). */
static void venet_get_stats64(struct net_device *ndev,
			      struct rtnl_link_stats64 *stats)
{
	struct venet_host *host = netdev_priv(ndev);
	struct vbus_device_stats s;

	vbus_device_stats_read(host->dev, &s);
	stats->rx_packets = s.tx_packets;
	stats->rx_bytes = s.tx_bytes;
	stats->tx_packets = s.rx_packets;
	stats->tx_bytes = s.rx_bytes;
	stats->tx_dropped = s.drops + atomic_long_read(&host->dropped);
}

u64 venet_guest_features(struct vbus_port *port)
{
	struct vbus_slot_venet *v = &vbus_port_slot(port)->config.venet;
	u64 f = le64_to_cpu(READ_ONCE(v->guest_features)) & VENET_OFFERED;

	if (!(f & VBUS_VENET_FEATURE_HDR))
		f &= ~(VBUS_VENET_FEATURE_SG | VBUS_VENET_FEATURE_CSUM | VBUS_VENET_FEATURE_TSO);
	if (!(f & VBUS_VENET_FEATURE_SG) || !(f & VBUS_VENET_FEATURE_CSUM))
		f &= ~VBUS_VENET_FEATURE_TSO;
	return f;
}

/*
 * What a frame for the guest may leave to it: checksums and TCP
 * segmentation only if the guest took them (as the worker last read it);
 * the stack does the rest in software before xmit. The worker checks again
 * per frame (a reset may have brought a guest that takes less).
 */
static netdev_features_t venet_features_check(struct sk_buff *skb, struct net_device *ndev,
					      netdev_features_t features)
{
	struct venet_host *host = netdev_priv(ndev);
	u64 guest = READ_ONCE(host->guest_features);

	if (!(guest & VBUS_VENET_FEATURE_CSUM))
		features &= ~(NETIF_F_CSUM_MASK | NETIF_F_GSO_MASK);
	if (!(guest & VBUS_VENET_FEATURE_TSO))
		features &= ~NETIF_F_GSO_MASK;
	return features;
}

static const struct net_device_ops venet_netdev_ops = {
	.ndo_open = venet_open,
	.ndo_stop = venet_stop,
	.ndo_start_xmit = venet_xmit,
	.ndo_features_check = venet_features_check,
	.ndo_get_stats64 = venet_get_stats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

int venet_mtu_changed(struct vbus_device *dev)
{
	struct venet_config *config = venet_config(dev);
	int err;

	lockdep_assert_held(&vbus_lock);
	if (!config->netdev)
		return 0;
	rtnl_lock();
	err = dev_set_mtu(config->netdev, config->mtu);
	rtnl_unlock();
	return err;
}

void venet_txqlen_changed(struct vbus_device *dev)
{
	struct venet_config *config = venet_config(dev);
	struct net_device *ndev = config->netdev;

	lockdep_assert_held(&vbus_lock);
	if (!ndev)
		return;
	rtnl_lock();
	/*
	 * As dev_change_tx_queue_len() (not exported) but for the qdisc: one
	 * created from now on (e.g. "tc qdisc replace") takes the new length.
	 */
	if (ndev->tx_queue_len != config->txqlen) {
		WRITE_ONCE(ndev->tx_queue_len, config->txqlen);
		call_netdevice_notifiers(NETDEV_CHANGE_TX_QUEUE_LEN, ndev);
		netdev_state_change(ndev);
	}
	rtnl_unlock();
}

static void venet_fill_config(struct vbus_device *dev, struct vbus_device_slot *slot)
{
	struct venet_config *config = venet_config(dev);
	struct vbus_slot_venet *v = &slot->config.venet;
	u64 features = VENET_OFFERED;

	if (config->zcthresh)
		features |= VBUS_VENET_FEATURE_ZEROCOPY;

	memcpy(v->mac, config->mac, ETH_ALEN);
	WRITE_ONCE(v->mtu, cpu_to_le32(config->mtu));
	WRITE_ONCE(v->wmem, cpu_to_le32(config->wmem));
	WRITE_ONCE(v->features, cpu_to_le64(features));
}

/*
 * After a guest reset: the parked netdev serves the port, the same
 * interface (namespace, addresses, counters, qdisc) for the new guest.
 */
static int venet_replug(struct vbus_port *port)
{
	struct venet_config *config = venet_config(port->dev);
	struct net_device *ndev = config->netdev;
	struct venet_host *host = netdev_priv(ndev);
	struct venet_zc_owner *owner = venet_zc_owner_new(port);

	if (!owner)
		return -ENOMEM;
	config->parked = false;
	port->priv = ndev;
	spin_lock_bh(&host->lock);
	host->zc_owner = owner;
	host->port = port->att->broken ? NULL : port;
	spin_unlock_bh(&host->lock);
	if (!host->port)
		return 0;
	netif_carrier_on(ndev);
	/* a queue the backlog or BQL stopped before the reset */
	if (netif_running(ndev))
		netif_wake_queue(ndev);
	return 0;
}

static int venet_plug(struct vbus_port *port)
{
	struct venet_config *config = venet_config(port->dev);
	struct venet_host *host;
	struct net_device *ndev;
	int err;

	if (config->parked)
		return venet_replug(port);
	ndev = alloc_netdev(sizeof(*host), config->ifname, NET_NAME_USER, ether_setup);
	if (!ndev)
		return -ENOMEM;
	host = netdev_priv(ndev);
	host->zc_owner = venet_zc_owner_new(port);
	if (!host->zc_owner) {
		free_netdev(ndev);
		return -ENOMEM;
	}
	host->dev = port->dev;
	host->ndev = ndev;
	/* Hot-plug onto a broken bus: a netdev without carrier, not served. */
	host->port = port->att->broken ? NULL : port;
	spin_lock_init(&host->lock);
	host->rx_need = 1;
	skb_queue_head_init(&host->backlog);
	timer_setup(&host->stall_timer, venet_stall_timer, 0);
	ndev->netdev_ops = &venet_netdev_ops;
	ndev->min_mtu = VBUS_VENET_MTU_MIN;
	ndev->max_mtu = VBUS_VENET_MTU_MAX;
	ndev->mtu = config->mtu;
	ndev->tx_queue_len = config->txqlen;
	/* A software port: its address can change while it is up (vbusd
	 * keeps managed ports up; a bridge or an admin may set the MAC).
	 */
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	/* xmit takes host->lock with BH, not IRQs, disabled. */
	ndev->priv_flags |= IFF_DISABLE_NETPOLL;
	/*
	 * Offloads towards the guest, which venet_features_check() narrows
	 * to what the guest took; the worker copies any skb.
	 */
	ndev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA |
			    NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_TSO_ECN;
	ndev->features = ndev->hw_features;
	eth_hw_addr_random(ndev);
	netif_carrier_off(ndev);
	err = register_netdev(ndev);
	if (err) {
		venet_zc_owner_detach(host->zc_owner);
		free_netdev(ndev);
		return err;
	}
	config->netdev = ndev;
	port->priv = ndev;
	if (host->port)
		netif_carrier_on(ndev);
	return 0;
}

/* Stops serving the host side (bus broken or device going). */
static void venet_stop_port(struct vbus_port *port)
{
	struct net_device *ndev = port->priv;
	struct venet_host *host = netdev_priv(ndev);

	spin_lock_bh(&host->lock);
	host->port = NULL;
	host->starved = false;
	venet_backlog_drop(host);
	spin_unlock_bh(&host->lock);
	timer_delete_sync(&host->stall_timer);
	netif_carrier_off(ndev);
}

/* The netdev goes; not served any more (venet_stop_port()). */
static void venet_free_netdev(struct vbus_device *dev, struct net_device *ndev)
{
	struct venet_host *host = netdev_priv(ndev);

	unregister_netdev(ndev);
	skb_queue_purge(&host->backlog);
	timer_shutdown_sync(&host->stall_timer);
	free_netdev(ndev);
	venet_config(dev)->netdev = NULL;
}

static void venet_unplug(struct vbus_port *port)
{
	struct net_device *ndev = port->priv;

	if (!ndev)
		return;
	venet_zc_owner_detach(((struct venet_host *)netdev_priv(ndev))->zc_owner);
	venet_stop_port(port);
	venet_free_netdev(port->dev, ndev);
	port->priv = NULL;
}

/*
 * A guest reset: the port goes, the netdev stays without carrier (frames
 * sent to it are dropped and counted) until venet_replug(). What the
 * worker kept of the old guest is forgotten.
 */
static void venet_park(struct vbus_port *port)
{
	struct net_device *ndev = port->priv;
	struct venet_host *host;

	if (!ndev)
		return;
	host = netdev_priv(ndev);
	venet_zc_owner_detach(host->zc_owner);
	venet_stop_port(port);
	spin_lock_bh(&host->lock);
	host->zc_owner = NULL;
	host->stalled = false;
	host->guest_features = 0;
	spin_unlock_bh(&host->lock);
	host->chain_len = 0;
	host->chain_bytes = 0;
	host->chain_bad = false;
	host->rx_need = 1;
	port->priv = NULL;
	venet_config(port->dev)->parked = true;
}

/* A parked netdev that no plug took back goes. */
static void venet_unpark(struct vbus_device *dev)
{
	struct venet_config *config = venet_config(dev);

	if (!config->parked)
		return;
	config->parked = false;
	venet_free_netdev(dev, config->netdev);
}

static int venet_pending(struct vbus_port *port)
{
	struct venet_host *host = netdev_priv((struct net_device *)port->priv);
	int r;

	r = ioq_consume_pending(&port->q[VBUS_VENET_QUEUE_TX].c);
	if (r || skb_queue_empty(&host->backlog))
		return r;
	return ioq_consume_pending(&port->q[VBUS_VENET_QUEUE_RX].c);
}

/*
 * Before the worker sleeps: a TX doorbell for the next frame. (The RX
 * doorbell is asked for by venet_rx(), only while frames wait.)
 */
static int venet_arm(struct vbus_port *port)
{
	return ioq_consume_enable_notify(&port->q[VBUS_VENET_QUEUE_TX].c);
}

/* What the guest sees of the host's counters (ethtool -S in the guest). */
static void venet_publish_counters(struct vbus_port *port)
{
	struct vbus_slot_venet *v = &vbus_port_slot(port)->config.venet;
	struct vbus_device_stats *stats = &port->dev->stats;

	WRITE_ONCE(v->tx_zerocopy, cpu_to_le64(stats->tx_zerocopy));
	WRITE_ONCE(v->tx_copied, cpu_to_le64(stats->tx_copied));
}

static int venet_service(struct vbus_port *port, int budget)
{
	struct venet_host *host = netdev_priv((struct net_device *)port->priv);
	int more, r;

	WRITE_ONCE(host->guest_features, venet_guest_features(port));
	more = venet_tx(port, budget);
	venet_publish_counters(port);
	if (more < 0)
		return more;
	r = venet_tx_reclaim(port);
	if (r < 0)
		return r;
	r = venet_rx(port, budget);
	if (r < 0)
		return r;
	return more | r;
}

const struct vbus_datapath_ops venet_datapath_ops = {
	.queue_count = 2,
	.fill_config = venet_fill_config,
	.plug = venet_plug,
	.unplug = venet_unplug,
	.park = venet_park,
	.unpark = venet_unpark,
	.stop = venet_stop_port,
	.service = venet_service,
	.pending = venet_pending,
	.arm = venet_arm,
};

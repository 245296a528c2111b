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

/*
 * Host frames waiting for the worker, at most: the queue stops beyond this,
 * and byte queue limits (BQL) stop it earlier when the guest keeps up.
 */
#define VENET_BACKLOG		256
/*
 * A guest that posts no RX buffer for this long while frames wait is
 * stalled: its waiting frames are dropped, and so are frames sent to it
 * until it posts one. Frames queued towards it then never wait longer.
 */
#define VENET_STALL		(HZ / 2)
/*
 * Bytes of a zero-copy frame copied into the skb head, at most; the copy
 * must hold every header up to the transport header's end, or the frame is
 * copied whole (see venet_tx_zerocopy()).
 */
#define VENET_ZC_HEAD		256

struct venet_host {
	struct vbus_device *dev;
	struct net_device *ndev;
	/* port, stalled, starved; BQL completions; against xmit and the timer */
	spinlock_t lock;
	struct vbus_port *port;		/* NULL: not served */
	struct sk_buff_head backlog;
	struct timer_list stall_timer;
	unsigned long starved_since;	/* jiffies, while starved */
	bool starved;			/* frames wait, the guest posted none */
	bool stalled;			/* starved for VENET_STALL: drop */
	atomic_long_t dropped;		/* not yet in the device's drops */
	struct venet_zc_owner *zc_owner;
};

/*
 * What zero-copy frames of one plugged port refer to, instead of the whole
 * attachment: the port while it is plugged, nothing after. So a frame
 * keeps only its own pages (and this, and the module for its callback),
 * and the region, memfd and ports go at detach.
 */
struct venet_zc_owner {
	refcount_t ref;			/* the port's, and one per frame */
	spinlock_t lock;		/* port, any context */
	struct vbus_port *port;		/* NULL once unplugged */
};

/* A guest TX buffer lent to the host stack. */
struct venet_zc {
	struct ubuf_info ubuf;
	struct venet_zc_owner *owner;	/* a reference */
	struct vbus_port_queue *q;
	u32 epoch;			/* the port's, when lent */
	u32 index;			/* in q->inflight */
};

static void venet_zc_complete(struct sk_buff *skb, struct ubuf_info *ubuf,
			      bool success);
VBUS_UBUF_OPS(venet_zc_ops, venet_zc_complete);

static struct venet_zc_owner *venet_zc_owner_new(struct vbus_port *port)
{
	struct venet_zc_owner *owner = kmalloc(sizeof(*owner), GFP_KERNEL);

	if (!owner)
		return NULL;
	refcount_set(&owner->ref, 1);
	spin_lock_init(&owner->lock);
	owner->port = port;
	/* Frames may outlive the attachment: their callback is ours. */
	__module_get(THIS_MODULE);
	return owner;
}

static void venet_zc_owner_put(struct venet_zc_owner *owner)
{
	if (!refcount_dec_and_test(&owner->ref))
		return;
	kfree(owner);
	module_put(THIS_MODULE);
}

/* At unplug: frames still out complete into nothing. */
static void venet_zc_owner_detach(struct venet_zc_owner *owner)
{
	unsigned long flags;

	spin_lock_irqsave(&owner->lock, flags);
	owner->port = NULL;
	spin_unlock_irqrestore(&owner->lock, flags);
	venet_zc_owner_put(owner);
}

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
static unsigned int venet_backlog_drop(struct venet_host *host)
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

static const struct net_device_ops venet_netdev_ops = {
	.ndo_open = venet_open,
	.ndo_stop = venet_stop,
	.ndo_start_xmit = venet_xmit,
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
	u64 features = config->zcthresh ? VBUS_VENET_FEATURE_ZEROCOPY : 0;

	memcpy(v->mac, config->mac, ETH_ALEN);
	WRITE_ONCE(v->mtu, cpu_to_le32(config->mtu));
	WRITE_ONCE(v->wmem, cpu_to_le32(config->wmem));
	WRITE_ONCE(v->features, cpu_to_le64(features));
}

static int venet_plug(struct vbus_port *port)
{
	struct venet_config *config = venet_config(port->dev);
	struct venet_host *host;
	struct net_device *ndev;
	int err;

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

static void venet_unplug(struct vbus_port *port)
{
	struct net_device *ndev = port->priv;

	if (!ndev)
		return;
	venet_zc_owner_detach(((struct venet_host *)netdev_priv(ndev))->zc_owner);
	venet_stop_port(port);
	unregister_netdev(ndev);
	skb_queue_purge(&((struct venet_host *)netdev_priv(ndev))->backlog);
	timer_shutdown_sync(&((struct venet_host *)netdev_priv(ndev))->stall_timer);
	free_netdev(ndev);
	port->priv = NULL;
	venet_config(port->dev)->netdev = NULL;
}

/* --- guest TX: frames to the host stack ---------------------------------- */

static void venet_zc_complete(struct sk_buff *skb, struct ubuf_info *ubuf,
			      bool success)
{
	struct venet_zc *zc = container_of(ubuf, struct venet_zc, ubuf);
	struct venet_zc_owner *owner = zc->owner;
	struct vbus_port *port;
	unsigned long flags;

	spin_lock_irqsave(&owner->lock, flags);
	port = owner->port;
	if (port) {
		struct vbus_attachment *att = port->att;

		spin_lock(&att->zc_lock);
		if (port->epoch == zc->epoch) {
			zc->q->inflight[zc->index].done = true;
			zc->q->zc_inflight--;
		}
		spin_unlock(&att->zc_lock);
		/* Give the buffer back even if the guest sends nothing more. */
		vbus_worker_kick(att);
	}
	spin_unlock_irqrestore(&owner->lock, flags);
	kfree(zc);
	venet_zc_owner_put(owner);
}

/*
 * The frame as an skb whose head holds a private copy of its first
 * VENET_ZC_HEAD bytes and whose fragments are the region's pages; NULL to
 * fall back to a copy. The guest can still write the fragments while the
 * host stack reads them: the copy holds every header the flow dissector
 * finds, through the transport header (TCP with its options), so filters
 * on those see what leaves. Headers it cannot find in the copy: no
 * zero-copy.
 */
static struct sk_buff *venet_tx_zerocopy(struct vbus_port *port,
					 struct vbus_port_queue *q,
					 const struct ioq_buffer *buf,
					 struct net_device *ndev)
{
	struct vbus_attachment *att = port->att;
	struct venet_zc_owner *owner =
		((struct venet_host *)netdev_priv(ndev))->zc_owner;
	u32 head = min_t(u32, buf->length, VENET_ZC_HEAD);
	u32 off = buf->offset + head, rest = buf->length - head;
	unsigned long flags;
	struct venet_zc *zc;
	struct sk_buff *skb;
	int i;

	if (!rest || (off + rest - 1) / PAGE_SIZE - off / PAGE_SIZE >= MAX_SKB_FRAGS)
		return NULL;
	skb = netdev_alloc_skb_ip_align(ndev, head);
	if (!skb)
		return NULL;
	skb_put_data(skb, buf->data, head);
	if (eth_get_headlen(ndev, skb->data, head) >= head) {
		kfree_skb(skb);
		return NULL;
	}
	zc = kmalloc(sizeof(*zc), GFP_ATOMIC);
	if (!zc) {
		kfree_skb(skb);
		return NULL;
	}
	for (i = 0; rest; i++) {
		struct page *page = att->pages[off >> PAGE_SHIFT];
		u32 chunk = min_t(u32, rest, PAGE_SIZE - offset_in_page(off));

		get_page(page);
		skb_fill_page_desc(skb, i, page, offset_in_page(off), chunk);
		skb->len += chunk;
		skb->data_len += chunk;
		skb->truesize += chunk;
		off += chunk;
		rest -= chunk;
	}

	refcount_inc(&owner->ref);
	zc->owner = owner;
	zc->q = q;
	zc->epoch = port->epoch;
	zc->index = buf->position & q->c.q.mask;
	vbus_ubuf_set_ops(&zc->ubuf, venet_zc_ops);
	zc->ubuf.flags = SKBFL_ZEROCOPY_FRAG;
	refcount_set(&zc->ubuf.refcnt, 1);
	spin_lock_irqsave(&att->zc_lock, flags);
	q->zc_inflight++;
	spin_unlock_irqrestore(&att->zc_lock, flags);
	skb_zcopy_init(skb, &zc->ubuf);
	return skb;
}

/* One guest frame up the host stack. Bad lengths are dropped, not fatal. */
static void venet_tx_frame(struct vbus_port *port, struct vbus_port_queue *q,
			   const struct ioq_buffer *buf)
{
	struct venet_config *config = venet_config(port->dev);
	struct vbus_device_stats *stats = &port->dev->stats;
	struct vbus_inflight *e = &q->inflight[buf->position & q->c.q.mask];
	u32 zcthresh = READ_ONCE(config->zcthresh);
	struct net_device *ndev = port->priv;
	struct sk_buff *skb = NULL;

	e->buf = *buf;
	e->done = false;
	/* Chains need VBUS_VENET_FEATURE_SG, which is not offered. */
	if (buf->flags & VBUS_IOQ_DESC_F_NEXT || buf->length < ETH_HLEN ||
	    buf->length > READ_ONCE(config->mtu) + VLAN_ETH_HLEN) {
		stats->drops++;
		e->done = true;
		return;
	}
	if (zcthresh && buf->length >= zcthresh &&
	    READ_ONCE(q->zc_inflight) < (q->c.q.mask + 1) / 2)
		skb = venet_tx_zerocopy(port, q, buf, ndev);
	if (skb) {
		stats->tx_zerocopy++;
	} else {
		e->done = true;
		skb = netdev_alloc_skb_ip_align(ndev, buf->length);
		if (!skb) {
			stats->drops++;
			return;
		}
		skb_put_data(skb, buf->data, buf->length);
		stats->tx_copied++;
	}
	stats->tx_packets++;
	stats->tx_bytes += buf->length;
	skb->protocol = eth_type_trans(skb, ndev);
	netif_rx(skb);
}

static int venet_tx(struct vbus_port *port, int budget)
{
	struct vbus_port_queue *q = &port->q[VBUS_VENET_QUEUE_TX];
	struct ioq_buffer buf;
	int n, r = 0;

	ioq_consume_disable_notify(&q->c);
	/* netif_rx() from process context: the softirq runs at the enable. */
	local_bh_disable();
	for (n = 0; n < budget; n++) {
		r = ioq_consume_get(&q->c, &buf);
		if (r <= 0)
			break;
		venet_tx_frame(port, q, &buf);
	}
	local_bh_enable();
	if (r < 0)
		return r;
	return n == budget;
}

/* Gives back, in order, the TX buffers the host is done with. */
static int venet_tx_reclaim(struct vbus_port *port)
{
	struct vbus_port_queue *q = &port->q[VBUS_VENET_QUEUE_TX];
	unsigned long flags;
	int r = 0;

	spin_lock_irqsave(&port->att->zc_lock, flags);
	while (q->c.completed != q->c.taken) {
		struct vbus_inflight *e = &q->inflight[q->c.completed & q->c.q.mask];

		if (!e->done)
			break;
		e->done = false;
		r = ioq_consume_put(&q->c, &e->buf, e->buf.length);
		if (r < 0)
			break;
	}
	spin_unlock_irqrestore(&port->att->zc_lock, flags);
	ioq_consume_publish(&q->c);
	vbus_port_queue_done(port, VBUS_VENET_QUEUE_TX);
	return r;
}

/* --- host xmit: frames into the guest's RX buffers ----------------------- */

/*
 * With no buffer posted, frames wait: byte queue limits stop the queue (the
 * host stack holds the rest in its qdisc, senders feel their socket buffers
 * fill) and the guest is asked to ring when it posts. A guest that posts
 * nothing for VENET_STALL is stalled (venet_stall_timer()). A frame larger
 * than the buffer it would go to is dropped.
 */
static int venet_rx(struct vbus_port *port, int budget)
{
	struct vbus_port_queue *q = &port->q[VBUS_VENET_QUEUE_RX];
	struct vbus_device_stats *stats = &port->dev->stats;
	struct net_device *ndev = port->priv;
	struct venet_host *host = netdev_priv(ndev);
	unsigned int pkts = 0, bytes = 0;
	bool starved = false, served = false, stalled;
	struct ioq_buffer buf;
	struct sk_buff *skb;
	int n, r = 0;

	ioq_consume_disable_notify(&q->c);
	for (n = 0; n < budget; n++) {
		/*
		 * Only this worker dequeues: a frame seen here is still there
		 * after the get. The descriptor is read once, by the get, and
		 * what the guest writes there afterwards is never read.
		 */
		if (skb_queue_empty(&host->backlog))
			break;
		r = ioq_consume_get(&q->c, &buf);
		if (r < 0)
			return r;
		if (!r) {
			starved = true;
			break;
		}
		/*
		 * A buffer: the guest is not starved (the stall timer must
		 * not purge what we dequeue) and, if stalled, is back.
		 */
		if (!served) {
			served = true;
			spin_lock_bh(&host->lock);
			host->starved = false;
			host->stalled = false;
			spin_unlock_bh(&host->lock);
		}
		skb = skb_dequeue(&host->backlog);
		if (!skb) {
			/* Purged by the stall timer meanwhile: given back unused. */
			r = ioq_consume_put(&q->c, &buf, 0);
			if (r < 0)
				return r;
			break;
		}
		pkts++;
		bytes += skb->len;
		if (skb->len > buf.length) {
			stats->drops++;
			kfree_skb(skb);
			r = ioq_consume_put(&q->c, &buf, 0);
			if (r < 0)
				return r;
			continue;
		}
		skb_copy_bits(skb, 0, buf.data, skb->len);
		stats->rx_packets++;
		stats->rx_bytes += skb->len;
		r = ioq_consume_put(&q->c, &buf, skb->len);
		consume_skb(skb);
		if (r < 0)
			return r;
	}
	ioq_consume_publish(&q->c);
	vbus_port_queue_done(port, VBUS_VENET_QUEUE_RX);
	stats->drops += atomic_long_xchg(&host->dropped, 0);

	/* BH off: waking the queue raises the TX softirq. */
	spin_lock_bh(&host->lock);
	if (pkts)
		netdev_completed_queue(ndev, pkts, bytes);
	if (starved && !host->starved && !host->stalled) {
		host->starved = true;
		host->starved_since = jiffies;
		if (!timer_pending(&host->stall_timer))
			mod_timer(&host->stall_timer, jiffies + VENET_STALL);
	} else if (!starved) {
		host->starved = false;
	}
	stalled = host->stalled;
	if (netif_queue_stopped(ndev) &&
	    skb_queue_len(&host->backlog) < VENET_BACKLOG / 2)
		netif_wake_queue(ndev);
	spin_unlock_bh(&host->lock);

	/* Waiting for buffers, or stalled: the guest rings when it posts. */
	if (starved || stalled) {
		r = ioq_consume_enable_notify(&q->c);
		if (r)
			return r;
	}
	return n == budget && !skb_queue_empty(&host->backlog);
}

/* While the worker polls: TX frames to send, or RX buffers frames wait for. */
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

static int venet_service(struct vbus_port *port, int budget)
{
	int more, r;

	more = venet_tx(port, budget);
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
	.stop = venet_stop_port,
	.service = venet_service,
	.pending = venet_pending,
	.arm = venet_arm,
};

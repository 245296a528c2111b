// SPDX-License-Identifier: GPL-2.0
/*
 * venet's host xmit side, in the worker: the frames the host netdev was
 * given wait in its backlog for the buffers the guest posts in its RX
 * queue. With VBUS_VENET_FEATURE_HDR each starts with a virtio_net_hdr_v1
 * (checksum state, and the GSO of a large frame the host stack made or
 * merged); with VBUS_VENET_FEATURE_SG a frame fills as many buffers as it
 * needs (num_buffers in the header).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>

#include "venet-host.h"

/* --- host xmit: frames into the guest's RX buffers ----------------------- */

/* Gives back the first buffer unused: the frame it was for is dropped. */
static int venet_rx_skip(struct vbus_port_queue *q, const struct ioq_buffer *first)
{
	int r = ioq_consume_take(&q->c, first);

	return r ?: ioq_consume_put(&q->c, first, 0);
}

/*
 * The offload state the guest can take: a GSO frame for a guest without
 * TSO, or a partial checksum for one without CSUM, is finished here (the
 * guest may have been reset since xmit looked). 0, or the frame is lost.
 */
static int venet_rx_fixup(struct sk_buff *skb, u64 features)
{
	if (skb_is_gso(skb) && !(features & VBUS_VENET_FEATURE_TSO))
		return -EINVAL;
	if (skb->ip_summed == CHECKSUM_PARTIAL && !(features & VBUS_VENET_FEATURE_CSUM))
		return skb_checksum_help(skb);
	return 0;
}

/*
 * Writes skb into the k buffers bufs (taken): the header first if hdr,
 * then the frame across them; each given back with the bytes it holds.
 */
static int venet_rx_fill(struct vbus_port_queue *q, struct sk_buff *skb,
			 const struct ioq_buffer *bufs, u32 k,
			 const struct virtio_net_hdr_mrg_rxbuf *hdr, u32 hdr_len)
{
	u32 i, at = 0;
	int r;

	for (i = 0; i < k; i++) {
		u8 *dst = bufs[i].data;
		u32 space = bufs[i].length, used = 0, chunk;

		if (!i && hdr_len) {
			memcpy(dst, hdr, hdr_len);
			used = hdr_len;
		}
		chunk = min(space - used, skb->len - at);
		skb_copy_bits(skb, at, dst + used, chunk);
		at += chunk;
		r = ioq_consume_put(&q->c, &bufs[i], used + chunk);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * One frame of the backlog into the guest's buffers, the first of which
 * (first, peeked, not taken) is there. 1: done with it (sent, or dropped
 * and counted); 0: it needs more buffers than are posted yet, and is back
 * at the head of the backlog; -EPROTO.
 */
static int venet_rx_frame(struct vbus_port *port, struct vbus_port_queue *q,
			  struct sk_buff *skb, const struct ioq_buffer *first, u64 features)
{
	struct venet_host *host = netdev_priv((struct net_device *)port->priv);
	struct vbus_device_stats *stats = &port->dev->stats;
	u32 hdr_len = features & VBUS_VENET_FEATURE_HDR ? VENET_HDR_LEN : 0;
	struct ioq_buffer *bufs = host->rx_chain;
	struct virtio_net_hdr_mrg_rxbuf hdr = {};
	u64 need, total = first->length;
	u32 k = 1, i;
	int avail, r;

	if (venet_rx_fixup(skb, features) || first->length < hdr_len)
		goto drop;
	need = hdr_len + (u64)skb->len;
	bufs[0] = *first;
	if (total < need && !(features & VBUS_VENET_FEATURE_SG))
		goto drop;
	avail = ioq_consume_available(&q->c);
	if (avail < 0)
		return avail;
	while (total < need && k < VBUS_VENET_CHAIN_MAX) {
		if (k >= avail) {
			r = ioq_consume_refresh(&q->c);
			if (r < 0)
				return r;
			avail = q->c.seen - q->c.taken;
		}
		if (k >= avail) {
			/* Not posted yet: wait for the buffer after these. */
			host->rx_need = k + 1;
			skb_queue_head(&host->backlog, skb);
			return 0;
		}
		r = ioq_consume_read(&q->c, q->c.taken + k, &bufs[k]);
		if (r < 0)
			return r;
		total += bufs[k++].length;
	}
	if (total < need)
		goto drop;
	if (hdr_len) {
		if (virtio_net_hdr_from_skb(skb, &hdr.hdr, true,
					    features & VBUS_VENET_FEATURE_CSUM, 0))
			goto drop;
		hdr.num_buffers = cpu_to_le16(k);
	}
	for (i = 0; i < k; i++) {
		r = ioq_consume_take(&q->c, &bufs[i]);
		if (r < 0)
			return r;
	}
	r = venet_rx_fill(q, skb, bufs, k, &hdr, hdr_len);
	if (r < 0)
		return r;
	stats->rx_packets++;
	stats->rx_bytes += skb->len;
	consume_skb(skb);
	return 1;
drop:
	stats->drops++;
	kfree_skb(skb);
	return venet_rx_skip(q, first) ?: 1;
}

/*
 * With no buffer posted, frames wait: byte queue limits stop the queue (the
 * host stack holds the rest in its qdisc, senders feel their socket buffers
 * fill) and the guest is asked to ring when it posts. A guest that posts
 * nothing for VENET_STALL is stalled (venet_stall_timer()). A frame larger
 * than the buffers it would go to is dropped.
 */
int venet_rx(struct vbus_port *port, int budget)
{
	struct vbus_port_queue *q = &port->q[VBUS_VENET_QUEUE_RX];
	struct vbus_device_stats *stats = &port->dev->stats;
	struct net_device *ndev = port->priv;
	struct venet_host *host = netdev_priv(ndev);
	u64 features = venet_guest_features(port);
	unsigned int pkts = 0, bytes = 0, len;
	bool starved = false, served = false, stalled;
	struct ioq_buffer buf;
	struct sk_buff *skb;
	int n, r = 0;

	ioq_consume_disable_notify(&q->c);
	/*
	 * A stalled guest is back as soon as it posts a buffer. Its doorbell
	 * brings us here with an empty backlog (xmit drops while stalled), so
	 * the ring itself is looked at: waiting for a frame to peek with would
	 * leave it stalled for good (a guest whose driver loads long after its
	 * bus came up, as a booting VM's does, never received a frame).
	 */
	if (READ_ONCE(host->stalled)) {
		r = ioq_consume_available(&q->c);
		if (r < 0)
			return r;
		if (r) {
			spin_lock_bh(&host->lock);
			host->stalled = false;
			host->starved = false;
			spin_unlock_bh(&host->lock);
		}
		r = 0;
	}
	for (n = 0; n < budget; n++) {
		/*
		 * Only this worker dequeues: a frame seen here is still there
		 * after the peek. Each descriptor is read once, when its frame
		 * takes it, and what the guest writes there afterwards is
		 * never read.
		 */
		if (skb_queue_empty(&host->backlog))
			break;
		r = ioq_consume_peek(&q->c, &buf);
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
		if (!skb)
			break;	/* purged by the stall timer meanwhile */
		len = skb->len;
		r = venet_rx_frame(port, q, skb, &buf, features);
		if (r < 0)
			return r;
		if (!r) {
			starved = true;
			break;
		}
		pkts++;
		bytes += len;
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

	/*
	 * Waiting for buffers, or stalled: the guest rings when it posts (as
	 * many as the frame at the head needs).
	 */
	if (starved || stalled) {
		r = ioq_consume_enable_at(&q->c, q->c.taken + host->rx_need - 1);
		host->rx_need = 1;
		if (r)
			return r;
	}
	return n == budget && !skb_queue_empty(&host->backlog);
}

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

/*
 * With no buffer posted, frames wait: byte queue limits stop the queue (the
 * host stack holds the rest in its qdisc, senders feel their socket buffers
 * fill) and the guest is asked to ring when it posts. A guest that posts
 * nothing for VENET_STALL is stalled (venet_stall_timer()). A frame larger
 * than the buffer it would go to is dropped.
 */
int venet_rx(struct vbus_port *port, int budget)
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
// SPDX-License-Identifier: GPL-2.0
/*
 * venet's guest TX: the frames a guest posts, up the host stack. A frame is
 * one descriptor, or with VBUS_VENET_FEATURE_SG a chain of them, which may
 * reach the host over several worker passes (the guest publishes in
 * batches); with VBUS_VENET_FEATURE_HDR it starts with a virtio_net_hdr_v1
 * whose checksum and segmentation requests go into the skb as tun does
 * (virtio_net_hdr_to_skb(), which checks them). A frame of one descriptor
 * of at least zcthresh bytes goes as fragments of the region's pages given
 * back when the skb is freed (zero-copy); the rest is copied.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "compat.h"
#include "venet-host.h"

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

struct venet_zc_owner *venet_zc_owner_new(struct vbus_port *port)
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
void venet_zc_owner_detach(struct venet_zc_owner *owner)
{
	unsigned long flags;

	spin_lock_irqsave(&owner->lock, flags);
	owner->port = NULL;
	spin_unlock_irqrestore(&owner->lock, flags);
	venet_zc_owner_put(owner);
}

/*
 * Runs wherever the stack frees the skb: a softirq, or a process such as
 * the worker tearing down a network namespace, on another CPU than an
 * rmmod. Its last owner_put() may drop the module's last reference, and
 * this function still has instructions to run: the RCU read section keeps
 * the module's text alive until they are done (free_module() waits for a
 * grace period before it frees it).
 */
static void venet_zc_complete(struct sk_buff *skb, struct ubuf_info *ubuf,
			      bool success)
{
	struct venet_zc *zc = container_of(ubuf, struct venet_zc, ubuf);
	struct venet_zc_owner *owner = zc->owner;
	struct vbus_port *port;
	unsigned long flags;

	rcu_read_lock();
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
	rcu_read_unlock();
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

/* The descriptors of a frame: done with them (their buffers go back). */
static void venet_tx_done(struct vbus_port_queue *q, u32 first, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++)
		q->inflight[(first + i) & q->c.q.mask].done = true;
}

/* The chain's bytes from offset skip on, into skb's len bytes. */
static void venet_tx_copy(struct vbus_port_queue *q, u32 first, u32 count, u32 skip,
			  struct sk_buff *skb)
{
	u32 i, at = 0;

	for (i = 0; i < count; i++) {
		const struct ioq_buffer *b = &q->inflight[(first + i) & q->c.q.mask].buf;
		u32 from = min(skip, b->length);

		skip -= from;
		if (b->length > from) {
			skb_store_bits(skb, at, (u8 *)b->data + from, b->length - from);
			at += b->length - from;
		}
	}
}

/*
 * The offload header, copied once out of the first buffer: only what the
 * guest acknowledged may be asked for. virtio_net_hdr_to_skb() checks the
 * rest against the frame.
 */
static bool venet_tx_hdr_ok(const struct virtio_net_hdr_mrg_rxbuf *hdr, u64 features)
{
	u8 gso = hdr->hdr.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if (hdr->hdr.flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return false;
	if (hdr->hdr.flags && !(features & VBUS_VENET_FEATURE_CSUM))
		return false;
	if (hdr->hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return true;
	return features & VBUS_VENET_FEATURE_TSO &&
	       (gso == VIRTIO_NET_HDR_GSO_TCPV4 || gso == VIRTIO_NET_HDR_GSO_TCPV6);
}

/* A copy of the frame: its head linear, the rest in page fragments. */
static struct sk_buff *venet_tx_copied(struct vbus_port_queue *q, u32 first, u32 count,
				       u32 skip, u32 len)
{
	u32 linear = min_t(u32, len, VENET_ZC_HEAD);
	struct sk_buff *skb;
	int err;

	skb = alloc_skb_with_frags(NET_SKB_PAD + NET_IP_ALIGN + linear, len - linear, 0, &err,
				   GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD + NET_IP_ALIGN);
	skb_put(skb, linear);
	/* The fragments are there, not yet counted (as tun_alloc_skb()). */
	skb->data_len = len - linear;
	skb->len += len - linear;
	venet_tx_copy(q, first, count, skip, skb);
	return skb;
}

/*
 * One guest frame (count descriptors from position first, bytes in all) up
 * the host stack. A bad frame is dropped, not fatal: the ring is fine.
 */
static void venet_tx_frame(struct vbus_port *port, struct vbus_port_queue *q, u32 first,
			   u32 count, u64 bytes, bool bad, u64 features)
{
	struct venet_config *config = venet_config(port->dev);
	struct vbus_device_stats *stats = &port->dev->stats;
	const struct ioq_buffer *head = &q->inflight[first & q->c.q.mask].buf;
	u32 hdr_len = features & VBUS_VENET_FEATURE_HDR ? VENET_HDR_LEN : 0;
	u64 limit = features & VBUS_VENET_FEATURE_TSO ? VENET_GSO_MAX :
		    READ_ONCE(config->mtu) + VLAN_ETH_HLEN;
	u32 zcthresh = READ_ONCE(config->zcthresh);
	struct net_device *ndev = port->priv;
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct sk_buff *skb = NULL;
	u32 len;

	if (bad || bytes < hdr_len + ETH_HLEN || bytes - hdr_len > limit || head->length < hdr_len)
		goto drop;
	len = bytes - hdr_len;
	if (hdr_len) {
		memcpy(&hdr, head->data, hdr_len);
		if (!venet_tx_hdr_ok(&hdr, features))
			goto drop;
	}
	if (count == 1 && zcthresh && len >= zcthresh &&
	    READ_ONCE(q->zc_inflight) < (q->c.q.mask + 1) / 2) {
		struct ioq_buffer frame = *head;

		frame.data = (u8 *)frame.data + hdr_len;
		frame.offset += hdr_len;
		frame.length = len;
		skb = venet_tx_zerocopy(port, q, &frame, ndev);
	}
	if (skb) {
		stats->tx_zerocopy++;
	} else {
		venet_tx_done(q, first, count);
		skb = venet_tx_copied(q, first, count, hdr_len, len);
		if (!skb) {
			stats->drops++;
			return;
		}
		stats->tx_copied++;
	}
	skb->dev = ndev;
	/* Its checks are tun's: a frame whose header does not fit is dropped. */
	if (hdr_len && virtio_net_hdr_to_skb(skb, &hdr.hdr, true)) {
		stats->drops++;
		kfree_skb(skb);
		return;
	}
	stats->tx_packets++;
	stats->tx_bytes += len;
	skb->protocol = eth_type_trans(skb, ndev);
	netif_rx(skb);
	return;
drop:
	stats->drops++;
	venet_tx_done(q, first, count);
}

/*
 * Guest frames, a budget of them. A chain is taken descriptor by
 * descriptor (each checked as taken, kept in q->inflight) and sent when
 * its last one is in; one the guest has not finished publishing waits in
 * host->chain for the next pass. A chain without SG, or longer than
 * VBUS_VENET_CHAIN_MAX, is dropped whole.
 */
int venet_tx(struct vbus_port *port, int budget)
{
	struct venet_host *host = netdev_priv((struct net_device *)port->priv);
	struct vbus_port_queue *q = &port->q[VBUS_VENET_QUEUE_TX];
	u64 features = venet_guest_features(port);
	struct ioq_buffer buf;
	int n = 0, r = 0;

	ioq_consume_disable_notify(&q->c);
	/* netif_rx() from process context: the softirq runs at the enable. */
	local_bh_disable();
	while (n < budget) {
		r = ioq_consume_get(&q->c, &buf);
		if (r <= 0)
			break;
		q->inflight[buf.position & q->c.q.mask].buf = buf;
		q->inflight[buf.position & q->c.q.mask].done = false;
		host->chain_len++;
		host->chain_bytes += buf.length;
		if (buf.flags & VBUS_IOQ_DESC_F_NEXT) {
			if (!(features & VBUS_VENET_FEATURE_SG) ||
			    host->chain_len >= VBUS_VENET_CHAIN_MAX)
				host->chain_bad = true;
			continue;
		}
		venet_tx_frame(port, q, buf.position + 1 - host->chain_len, host->chain_len,
			       host->chain_bytes, host->chain_bad, features);
		host->chain_len = 0;
		host->chain_bytes = 0;
		host->chain_bad = false;
		n++;
	}
	local_bh_enable();
	if (r < 0)
		return r;
	return n == budget;
}

/* Gives back, in order, the TX buffers the host is done with. */
int venet_tx_reclaim(struct vbus_port *port)
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

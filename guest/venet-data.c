// SPDX-License-Identifier: GPL-2.0
/*
 * venet's data path on its two ioqs (include/vbus/ioq.h), the guest being
 * the producer of both: TX posts frames, RX posts empty buffers.
 *
 * Notifications ("no doorbell while the host polls, no interrupt while the
 * guest drains"): a doorbell is rung only when the host's event index asks
 * for it (ioq_produce_should_notify()), once per batch of frames
 * (netdev_xmit_more()); completions come as QUEUE_WORK events of the bus's
 * event queue, which schedule NAPI. RX asks for one (its event index) only
 * when NAPI completes, with the re-check that closes the race; TX asks for
 * one only when its queue stops (ring full or byte queue limits), and then
 * delayed to three quarters of what is in flight. Otherwise TX buffers are
 * reclaimed at the next transmit or NAPI pass, and cost no interrupt.
 *
 * Offloads (vbus_ring.h "venet features"): with HDR every frame starts with
 * a virtio_net_hdr_v1, filled and read by the kernel's own helpers; with SG
 * a frame takes as many VENET_SG_BUFFER buffers as it needs (a chain on TX,
 * num_buffers on RX), so the MTU is not bounded by a buffer and a TSO
 * frame of 64 KiB goes as one; CSUM and TSO are netdev features then.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/virtio_net.h>

#include "venet.h"

/* Part of the free data window a device takes, at most: 1/VENET_SHARE. */
#define VENET_SHARE		2
/* Buffers per queue, at most (fewer if the ring or the window is smaller). */
#define VENET_BUFFERS_MAX	256

void venet_broken(struct venet *venet, const char *why)
{
	if (venet->broken)
		return;
	WRITE_ONCE(venet->broken, true);
	netif_carrier_off(venet->netdev);
	vbus_proxy_device_broken(venet->vdev, why);
}

static void venet_stats_add(struct venet_stats *stats, u64 packets, u64 bytes)
{
	u64_stats_update_begin(&stats->syncp);
	stats->packets += packets;
	stats->bytes += bytes;
	u64_stats_update_end(&stats->syncp);
}

static void venet_stats_inc(struct venet_stats *stats, u64 *field)
{
	u64_stats_update_begin(&stats->syncp);
	(*field)++;
	u64_stats_update_end(&stats->syncp);
}

/* --- TX: under the netdev's TX lock --------------------------------------- */

static u32 venet_tx_free(const struct venet *venet)
{
	return venet->tx_bufs.count - (venet->tx.head - venet->tx.reclaimed);
}

/* No room for the largest frame: stop before it comes. */
static bool venet_tx_full(const struct venet *venet)
{
	return venet_tx_free(venet) < venet->tx_chain_max;
}

/*
 * Takes back the buffers the host is done with; completes their frames
 * for BQL (the bytes posted, the header included, as venet_xmit counted).
 */
static void venet_tx_reclaim(struct venet *venet)
{
	unsigned int packets = 0, bytes = 0;
	struct ioq_buffer buf;
	int r;

	while ((r = ioq_produce_reclaim(&venet->tx, &buf)) > 0) {
		packets += !(buf.flags & VBUS_IOQ_DESC_F_NEXT);
		bytes += buf.length;
	}
	if (r < 0)
		venet_broken(venet, "TX ring: the host gave back what it was not given");
	if (packets)
		netdev_completed_queue(venet->netdev, packets, bytes);
}

/* Hands the frames over; a doorbell only if the host asked for one. */
static void venet_tx_kick(struct venet *venet)
{
	ioq_produce_publish(&venet->tx);
	if (ioq_produce_should_notify(&venet->tx)) {
		vbus_proxy_kick(venet->vdev, VBUS_VENET_QUEUE_TX);
		venet_stats_inc(&venet->tx_stats, &venet->tx_stats.doorbells);
	}
}

/*
 * The queue stopped (our ring, or byte queue limits): ask for a call once
 * most of what is in flight came back, and look once more.
 */
static void venet_tx_stopped(struct venet *venet)
{
	int r = ioq_produce_enable_notify_delayed(&venet->tx);

	if (r < 0) {
		venet_broken(venet, "TX ring: bad consumer index");
		return;
	}
	if (!r)
		return;
	venet_tx_reclaim(venet);
	if (!venet_tx_full(venet))
		netif_start_queue(venet->netdev);
}

/*
 * The frame, after its header if any, into k buffers from the ring's head
 * on, chained: 0, or an error of ours (nothing was added then, or the
 * checks below were wrong).
 */
static int venet_tx_post(struct venet *venet, struct sk_buff *skb,
			 const struct virtio_net_hdr_mrg_rxbuf *hdr, u32 k)
{
	u32 i, at = 0, hdr_len = venet->hdr_len;
	int r;

	for (i = 0; i < k; i++) {
		u32 index = venet->tx.head % venet->tx_bufs.count;
		struct ioq_buffer buf = {
			.offset = venet->tx_bufs.offset + index * venet->tx_bufs.size,
			.cookie = index,
			.flags = i + 1 < k ? VBUS_IOQ_DESC_F_NEXT : 0,
		};
		u8 *dst = vbus_proxy_data(venet->vdev, buf.offset);
		u32 used = 0, chunk;

		if (!i && hdr_len) {
			memcpy(dst, hdr, hdr_len);
			used = hdr_len;
		}
		chunk = min(venet->tx_bufs.size - used, skb->len - at);
		skb_copy_bits(skb, at, dst + used, chunk);
		at += chunk;
		buf.length = used + chunk;
		r = ioq_produce_add(&venet->tx, &buf);
		if (r)
			return r;
	}
	return 0;
}

netdev_tx_t venet_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct venet *venet = netdev_priv(netdev);
	bool kick = !netdev_xmit_more();
	struct virtio_net_hdr_mrg_rxbuf hdr = {};
	u32 total, k;

	if (unlikely(READ_ONCE(venet->broken)))
		goto drop;
	venet_tx_reclaim(venet);
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    !(venet->features & VBUS_VENET_FEATURE_CSUM) && skb_checksum_help(skb))
		goto drop;
	if (venet->hdr_len &&
	    virtio_net_hdr_from_skb(skb, &hdr.hdr, true, false, 0))
		goto drop;
	total = venet->hdr_len + skb->len;
	k = DIV_ROUND_UP(total, venet->tx_bufs.size);
	if (unlikely(k > venet->tx_chain_max))
		goto drop;
	if (unlikely(venet_tx_free(venet) < k)) {
		/* Stopped below when it filled: should not happen. */
		netif_stop_queue(netdev);
		venet_tx_stopped(venet);
		return NETDEV_TX_BUSY;
	}
	if (unlikely(venet_tx_post(venet, skb, &hdr, k)))
		goto drop;	/* our own bug: the checks above hold */
	netdev_sent_queue(netdev, total);
	venet_stats_add(&venet->tx_stats, 1, skb->len);
	dev_consume_skb_any(skb);

	if (venet_tx_full(venet))
		netif_stop_queue(netdev);
	if (netif_xmit_stopped(netdev_get_tx_queue(netdev, 0))) {
		kick = true;
		venet_tx_stopped(venet);
	}
	if (kick)
		venet_tx_kick(venet);
	return NETDEV_TX_OK;

drop:
	venet_stats_inc(&venet->tx_stats, &venet->tx_stats.drops);
	dev_kfree_skb_any(skb);
	if (kick && !READ_ONCE(venet->broken))
		venet_tx_kick(venet);
	return NETDEV_TX_OK;
}

/* --- RX: in NAPI ---------------------------------------------------------- */

static int venet_rx_post(struct venet *venet, u32 offset, u32 cookie)
{
	struct ioq_buffer buf = {
		.offset = offset,
		.length = venet->rx_bufs.size,
		.cookie = cookie,
	};

	return ioq_produce_add(&venet->rx, &buf);
}

static void venet_rx_kick(struct venet *venet)
{
	ioq_produce_publish(&venet->rx);
	if (ioq_produce_should_notify(&venet->rx)) {
		vbus_proxy_kick(venet->vdev, VBUS_VENET_QUEUE_RX);
		venet_stats_inc(&venet->rx_stats, &venet->rx_stats.doorbells);
	}
}

/* Where venet_rx_copy() is in a frame's buffers. */
struct venet_rx_cursor {
	const struct ioq_buffer *bufs;
	u32 n;
	u32 index;		/* the buffer */
	u32 offset;		/* in it */
};

/* The next len bytes of the frame into dst (the caller counted them). */
static void venet_rx_copy(struct venet_rx_cursor *c, u8 *dst, u32 len)
{
	while (len && c->index < c->n) {
		const struct ioq_buffer *b = &c->bufs[c->index];
		u32 chunk = min(len, b->used - c->offset);

		memcpy(dst, (const u8 *)b->data + c->offset, chunk);
		dst += chunk;
		len -= chunk;
		c->offset += chunk;
		if (c->offset == b->used) {
			c->index++;
			c->offset = 0;
		}
	}
}

/*
 * The frame in n given-back buffers into an skb: its first bytes (the
 * headers GRO reads) in the linear part, the rest in pages. Copied once:
 * the host could still write the buffers, what the stack sees is the copy.
 */
static struct sk_buff *venet_rx_skb(struct venet *venet, const struct ioq_buffer *bufs,
				    u32 n, u32 len)
{
	struct venet_rx_cursor c = { .bufs = bufs, .n = n, .offset = venet->hdr_len };
	u32 linear = min_t(u32, len, 256), rest = len - linear;
	struct sk_buff *skb;
	int i;

	if (DIV_ROUND_UP(rest, PAGE_SIZE) > MAX_SKB_FRAGS)
		return NULL;
	skb = napi_alloc_skb(&venet->napi, linear);
	if (unlikely(!skb))
		return NULL;
	venet_rx_copy(&c, skb_put(skb, linear), linear);
	for (i = 0; rest; i++) {
		u32 chunk = min_t(u32, rest, PAGE_SIZE);
		struct page *page = dev_alloc_page();

		if (unlikely(!page)) {
			kfree_skb(skb);
			return NULL;
		}
		venet_rx_copy(&c, page_address(page), chunk);
		skb_add_rx_frag(skb, i, page, 0, chunk, PAGE_SIZE);
		rest -= chunk;
	}
	return skb;
}

/*
 * A frame the host gave back in n buffers. Length 0 is the host's
 * "dropped, did not fit"; with HDR the header's offloads go into the skb
 * through the same checks tun makes (virtio_net_hdr_to_skb()).
 */
static void venet_rx_frame(struct venet *venet, const struct ioq_buffer *bufs, u32 n,
			   const struct virtio_net_hdr_mrg_rxbuf *hdr)
{
	struct virtio_net_hdr h = hdr->hdr;
	struct sk_buff *skb;
	u64 bytes = 0;
	u32 i;

	for (i = 0; i < n; i++)
		bytes += bufs[i].used;
	if (bytes < venet->hdr_len + ETH_HLEN)
		goto drop;
	bytes -= venet->hdr_len;
	if ((h.gso_type != VIRTIO_NET_HDR_GSO_NONE &&
	     !(venet->features & VBUS_VENET_FEATURE_TSO)) ||
	    (h.flags && !(venet->features & VBUS_VENET_FEATURE_CSUM)))
		goto drop;
	skb = venet_rx_skb(venet, bufs, n, bytes);
	if (unlikely(!skb))
		goto drop;
	if (h.flags & VIRTIO_NET_HDR_F_DATA_VALID)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	h.flags &= VIRTIO_NET_HDR_F_NEEDS_CSUM;
	if (venet->hdr_len && virtio_net_hdr_to_skb(skb, &h, true)) {
		kfree_skb(skb);
		goto drop;
	}
	skb->protocol = eth_type_trans(skb, venet->netdev);
	venet_stats_add(&venet->rx_stats, 1, bytes);
	napi_gro_receive(&venet->napi, skb);
	return;
drop:
	venet_stats_inc(&venet->rx_stats, &venet->rx_stats.drops);
}

/*
 * How many buffers the next frame takes: 1, or with HDR and SG the first
 * one's num_buffers (read from our copy of the header); 0 and the header
 * in hdr, or -EPROTO for a count out of range.
 */
static int venet_rx_next(struct venet *venet, struct virtio_net_hdr_mrg_rxbuf *hdr,
			 const char **why)
{
	struct ioq_buffer first;
	int r;

	memset(hdr, 0, sizeof(*hdr));
	venet->rx_wait = 1;
	if (!venet->hdr_len)
		return 0;
	r = ioq_produce_read(&venet->rx, venet->rx.reclaimed, &first);
	if (r < 0) {
		*why = "RX ring: a buffer given back longer than it is";
		return r;
	}
	if (first.used < venet->hdr_len)
		return 0;	/* dropped by the host, or too short: a drop */
	memcpy(hdr, first.data, venet->hdr_len);
	if (!(venet->features & VBUS_VENET_FEATURE_SG))
		return 0;
	r = le16_to_cpu(hdr->num_buffers);
	if (r < 1 || r > VBUS_VENET_CHAIN_MAX) {
		*why = "RX frame: num_buffers out of range";
		return -EPROTO;
	}
	venet->rx_wait = r;
	return 0;
}

/* TX completions too, if the TX lock is free (else xmit reclaims). */
static void venet_poll_tx(struct venet *venet)
{
	struct netdev_queue *txq = netdev_get_tx_queue(venet->netdev, 0);

	if (!__netif_tx_trylock(txq))
		return;
	venet_tx_reclaim(venet);
	if (netif_tx_queue_stopped(txq) && !venet_tx_full(venet))
		netif_tx_wake_queue(txq);
	__netif_tx_unlock(txq);
}

int venet_poll(struct napi_struct *napi, int budget)
{
	struct venet *venet = container_of(napi, struct venet, napi);
	struct ioq_buffer *bufs = venet->rx_chain;
	const char *why = "RX ring: the host gave back what it was not given";
	struct virtio_net_hdr_mrg_rxbuf hdr;
	int done = 0, r = 0, i, n;

	if (unlikely(READ_ONCE(venet->broken))) {
		napi_complete(napi);
		return 0;
	}
	venet_poll_tx(venet);
	ioq_produce_disable_notify(&venet->rx);
	while (done < budget) {
		r = ioq_produce_completed(&venet->rx);
		if (r <= 0)
			break;
		r = venet_rx_next(venet, &hdr, &why);
		if (r < 0)
			break;
		/* A frame in several buffers waits until all came back. */
		if (venet->rx_wait > 1 && ioq_produce_completed(&venet->rx) < venet->rx_wait) {
			r = ioq_produce_refresh(&venet->rx);
			if (r < 0 || (u32)ioq_produce_completed(&venet->rx) < venet->rx_wait)
				break;
		}
		n = ioq_produce_reclaim_batch(&venet->rx, bufs, venet->rx_wait);
		r = n;
		if (n < 0)
			break;
		venet_rx_frame(venet, bufs, n, &hdr);
		for (i = 0; i < n && r >= 0; i++)
			r = venet_rx_post(venet, bufs[i].offset, bufs[i].cookie);
		if (r < 0)
			break;
		venet->rx_wait = 1;
		done++;
	}
	if (r < 0) {
		venet_broken(venet, why);
		napi_complete(napi);
		return done;
	}
	venet_rx_kick(venet);
	if (done < budget && napi_complete_done(napi, done)) {
		/* Called when the whole next frame is back, not a part of it. */
		r = ioq_produce_enable_at(&venet->rx, venet->rx.reclaimed + venet->rx_wait - 1);
		if (r < 0)
			venet_broken(venet, "RX ring: bad consumer index");
		else if (r)
			napi_schedule(napi);
	}
	return done;
}

/* A QUEUE_WORK event: buffers came back on TX or RX. BH is disabled. */
void venet_queue_work(struct vbus_proxy_device *vdev, u16 queue)
{
	struct venet *venet = dev_get_drvdata(&vdev->dev);

	atomic64_inc(&venet->interrupts);
	napi_schedule(&venet->napi);
}

/* --- set-up --------------------------------------------------------------- */

static int venet_queue_init(struct venet *venet, unsigned int queue,
			    struct ioq_producer *p, struct ioq_shadow **shadow)
{
	struct ioq_config config;
	int err;

	err = vbus_proxy_queue_config(venet->vdev, queue, &config);
	if (err)
		return err;
	*shadow = kvcalloc(config.count, sizeof(**shadow), GFP_KERNEL);
	if (!*shadow)
		return -ENOMEM;
	err = ioq_producer_init(p, &config, *shadow);
	if (err)
		return err;
	return 0;
}

/*
 * Buffers the largest frame takes: with SG a TSO frame or one of the
 * largest MTU (the buffer does not bound it), else one buffer.
 */
static u32 venet_chain_max(const struct venet *venet, u32 size)
{
	if (!(venet->features & VBUS_VENET_FEATURE_SG))
		return 1;
	return DIV_ROUND_UP(venet->hdr_len + max(65536, VBUS_VENET_MTU_MAX) + VLAN_ETH_HLEN, size);
}

/*
 * Our part of the data window: buffers of VENET_SG_BUFFER bytes with SG,
 * else of one frame of the host's MTU (at least 1500); as many per queue
 * as the rings hold, up to VENET_BUFFERS_MAX, and as fit in 1/VENET_SHARE
 * of what is free (other devices of the bus need theirs), at least
 * VENET_BUFFERS_MIN. SG (and TSO with it) is taken only if two of the
 * largest frames fit; else the buffers are made for the MTU.
 */
static int venet_data_take(struct venet *venet, u32 mtu)
{
	u32 avail = vbus_proxy_data_avail(venet->vdev);
	u32 ring = min3(venet->tx.q.mask + 1, venet->rx.q.mask + 1, (u32)VENET_BUFFERS_MAX);
	u32 size, count;
	u64 need;

	for (;;) {
		size = venet->features & VBUS_VENET_FEATURE_SG ? VENET_SG_BUFFER :
		       ALIGN(max_t(u32, mtu, ETH_DATA_LEN) + VLAN_ETH_HLEN, VBUS_RING_ALIGN);
		count = min_t(u64, ring, avail / VENET_SHARE / (2ULL * size));
		count = max_t(u32, count, VENET_BUFFERS_MIN);
		if (!(venet->features & VBUS_VENET_FEATURE_SG) ||
		    count >= 2 * venet_chain_max(venet, size))
			break;
		dev_info(&venet->vdev->dev,
			 "%u buffers of %u bytes hold too few 64 KiB frames: no scatter-gather or TSO (give the bus a larger region_size)\n",
			 count, size);
		venet->features &= ~(VBUS_VENET_FEATURE_SG | VBUS_VENET_FEATURE_TSO);
	}
	need = 2ULL * count * size;
	if (need > U32_MAX || vbus_proxy_data_alloc(venet->vdev, need, &venet->data_offset)) {
		dev_err(&venet->vdev->dev,
			"the bus's data window has %u bytes free, %llu needed for %u buffers of %u bytes: give the bus a larger region_size\n",
			avail, need, 2 * count, size);
		return -ENOSPC;
	}
	venet->data_size = need;
	venet->tx_bufs = (struct venet_buffers) { venet->data_offset, size, count };
	venet->rx_bufs = (struct venet_buffers) {
		venet->data_offset + count * size, size, count
	};
	venet->tx_chain_max = venet_chain_max(venet, size);
	return 0;
}

/*
 * The features taken (what the host offers of VENET_FEATURES, the
 * offloads parameter permitting), the rings and buffers, the features
 * acknowledged, every RX buffer posted.
 */
int venet_data_init(struct venet *venet, u64 wanted)
{
	u64 offered = venet->vdev->slot.venet.features;
	u32 i;
	int err;

	venet->features = offered & wanted & VENET_FEATURES;
	if (!(venet->features & VBUS_VENET_FEATURE_HDR))
		venet->features = 0;
	if (!(venet->features & VBUS_VENET_FEATURE_SG) ||
	    !(venet->features & VBUS_VENET_FEATURE_CSUM))
		venet->features &= ~VBUS_VENET_FEATURE_TSO;
	venet->hdr_len = venet->features & VBUS_VENET_FEATURE_HDR ?
			 sizeof(struct virtio_net_hdr_mrg_rxbuf) : 0;
	venet->rx_wait = 1;
	u64_stats_init(&venet->tx_stats.syncp);
	u64_stats_init(&venet->rx_stats.syncp);
	err = venet_queue_init(venet, VBUS_VENET_QUEUE_TX, &venet->tx, &venet->tx_shadow);
	if (!err)
		err = venet_queue_init(venet, VBUS_VENET_QUEUE_RX, &venet->rx, &venet->rx_shadow);
	if (!err)
		err = venet_data_take(venet, venet->vdev->slot.venet.mtu);
	if (err)
		goto err;
	/* Before the first buffer: its publication orders this before it. */
	vbus_proxy_ack_venet(venet->vdev, venet->features);
	for (i = 0; i < venet->rx_bufs.count; i++) {
		err = venet_rx_post(venet, venet->rx_bufs.offset + i * venet->rx_bufs.size, i);
		if (err)
			goto err;
	}
	venet_rx_kick(venet);
	return 0;
err:
	venet_data_exit(venet);
	return err;
}

void venet_data_exit(struct venet *venet)
{
	if (venet->data_size)
		vbus_proxy_data_free(venet->vdev, venet->data_offset, venet->data_size);
	venet->data_size = 0;
	kvfree(venet->tx_shadow);
	kvfree(venet->rx_shadow);
	venet->tx_shadow = NULL;
	venet->rx_shadow = NULL;
}

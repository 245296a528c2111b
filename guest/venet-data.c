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
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

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

static bool venet_tx_full(const struct venet *venet)
{
	return venet->tx.head - venet->tx.reclaimed >= venet->tx_bufs.count;
}

/* Takes back the buffers the host is done with; completes them for BQL. */
static void venet_tx_reclaim(struct venet *venet)
{
	unsigned int packets = 0, bytes = 0;
	struct ioq_buffer buf;
	int r;

	while ((r = ioq_produce_reclaim(&venet->tx, &buf)) > 0) {
		packets++;
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

netdev_tx_t venet_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct venet *venet = netdev_priv(netdev);
	bool kick = !netdev_xmit_more();
	struct ioq_buffer buf = {};
	unsigned int len = skb->len;
	u32 index;

	if (unlikely(READ_ONCE(venet->broken)))
		goto drop;
	venet_tx_reclaim(venet);
	if (unlikely(venet_tx_full(venet))) {
		/* Stopped below when it filled: should not happen. */
		netif_stop_queue(netdev);
		venet_tx_stopped(venet);
		return NETDEV_TX_BUSY;
	}
	if (unlikely(len > venet->tx_bufs.size))
		goto drop;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop;

	index = venet->tx.head % venet->tx_bufs.count;
	buf.offset = venet->tx_bufs.offset + index * venet->tx_bufs.size;
	buf.length = len;
	buf.cookie = index;
	skb_copy_bits(skb, 0, vbus_proxy_data(venet->vdev, buf.offset), len);
	if (unlikely(ioq_produce_add(&venet->tx, &buf)))
		goto drop;	/* our own bug: the checks above hold */
	netdev_sent_queue(netdev, len);
	venet_stats_add(&venet->tx_stats, 1, len);
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

/*
 * A filled buffer into an skb. Copied once: the host could still write
 * the buffer, what the stack sees is the copy. Length 0 is the host's
 * "dropped, did not fit".
 */
static void venet_rx_frame(struct venet *venet, const struct ioq_buffer *buf)
{
	struct net_device *netdev = venet->netdev;
	struct sk_buff *skb;

	if (buf->used < ETH_HLEN) {
		venet_stats_inc(&venet->rx_stats, &venet->rx_stats.drops);
		return;
	}
	skb = napi_alloc_skb(&venet->napi, buf->used);
	if (unlikely(!skb)) {
		venet_stats_inc(&venet->rx_stats, &venet->rx_stats.drops);
		return;
	}
	skb_put_data(skb, buf->data, buf->used);
	skb->protocol = eth_type_trans(skb, netdev);
	venet_stats_add(&venet->rx_stats, 1, buf->used);
	napi_gro_receive(&venet->napi, skb);
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
	struct ioq_buffer buf;
	int done = 0, r = 0;

	if (unlikely(READ_ONCE(venet->broken))) {
		napi_complete(napi);
		return 0;
	}
	venet_poll_tx(venet);
	ioq_produce_disable_notify(&venet->rx);
	while (done < budget) {
		r = ioq_produce_reclaim(&venet->rx, &buf);
		if (r <= 0)
			break;
		venet_rx_frame(venet, &buf);
		r = venet_rx_post(venet, buf.offset, buf.cookie);
		if (r < 0)
			break;
		done++;
	}
	if (r < 0) {
		venet_broken(venet, "RX ring: the host gave back what it was not given");
		napi_complete(napi);
		return done;
	}
	venet_rx_kick(venet);
	if (done < budget && napi_complete_done(napi, done)) {
		r = ioq_produce_enable_notify(&venet->rx);
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
 * Our part of the data window: buffers of one frame of the largest MTU we
 * accept (the host's, at least 1500) each, as many per queue as the rings
 * hold, up to VENET_BUFFERS_MAX, halved until they fit in 1/VENET_SHARE of
 * what is free (other devices of the bus need theirs), down to
 * VENET_BUFFERS_MIN.
 */
static int venet_data_take(struct venet *venet, u32 mtu)
{
	u32 size = ALIGN(max_t(u32, mtu, ETH_DATA_LEN) + VLAN_ETH_HLEN, VBUS_RING_ALIGN);
	u32 count = min3(venet->tx.q.mask + 1, venet->rx.q.mask + 1, (u32)VENET_BUFFERS_MAX);
	u32 avail = vbus_proxy_data_avail(venet->vdev);
	u64 need;

	for (;;) {
		need = 2ULL * count * size;
		if (need <= avail / VENET_SHARE || count <= VENET_BUFFERS_MIN)
			break;
		count /= 2;
	}
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
	return 0;
}

/* The rings and buffers, every RX buffer posted. */
int venet_data_init(struct venet *venet)
{
	u32 i;
	int err;

	u64_stats_init(&venet->tx_stats.syncp);
	u64_stats_init(&venet->rx_stats.syncp);
	err = venet_queue_init(venet, VBUS_VENET_QUEUE_TX, &venet->tx, &venet->tx_shadow);
	if (!err)
		err = venet_queue_init(venet, VBUS_VENET_QUEUE_RX, &venet->rx, &venet->rx_shadow);
	if (!err)
		err = venet_data_take(venet, venet->vdev->slot.venet.mtu);
	if (err)
		goto err;
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

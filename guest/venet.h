/* SPDX-License-Identifier: GPL-2.0 */
/*
 * venet, the guest's network interface on a vbus venet device, between its
 * files: venet-main.c (the device: probe, remove, netdev, config block),
 * venet-data.c (the data path on the two ioqs) and venet-ethtool.c.
 *
 * Buffers live in the bus's data window (the region is all the host can
 * see): venet takes its part of it at probe and cuts it into fixed-size
 * buffers, one set for TX and one for RX. TX copies each frame into the
 * buffer of its ring position (buffers come back in order, so position
 * modulo the number of buffers is free while fewer are in flight); RX
 * posts every buffer, copies a filled one into an skb and posts it again.
 */
#ifndef VBUS_GUEST_VENET_H
#define VBUS_GUEST_VENET_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>

#include "vbus_proxy.h"

/* Buffers per queue: fewer than this and the device is not worth having. */
#define VENET_BUFFERS_MIN	16
/* A buffer, with VBUS_VENET_FEATURE_SG (a frame takes as many as it needs). */
#define VENET_SG_BUFFER		4096
/* The features venet takes when the host offers them. */
#define VENET_FEATURES		(VBUS_VENET_FEATURE_HDR | VBUS_VENET_FEATURE_SG | \
				 VBUS_VENET_FEATURE_CSUM | VBUS_VENET_FEATURE_TSO)

/* One queue's buffers: count buffers of size bytes from offset on. */
struct venet_buffers {
	u32 offset;
	u32 size;
	u32 count;
};

struct venet_stats {
	struct u64_stats_sync syncp;
	u64 packets;
	u64 bytes;
	u64 drops;
	u64 doorbells;		/* kicks rung for this queue */
};

struct venet {
	struct net_device *netdev;
	struct vbus_proxy_device *vdev;
	struct napi_struct napi;
	struct work_struct config_work;
	u32 data_offset;	/* our part of the data window */
	u32 data_size;
	bool broken;		/* the host broke the protocol: touch nothing */
	u64 features;		/* VBUS_VENET_FEATURE_* taken (acknowledged) */
	u32 hdr_len;		/* the per-frame header: 0 without HDR */
	u32 wmem;		/* the host's send buffer hint, bytes */
	atomic64_t interrupts;	/* QUEUE_WORK events for us */

	/* TX: under the netdev's TX lock. */
	struct ioq_producer tx ____cacheline_aligned_in_smp;
	struct ioq_shadow *tx_shadow;
	struct venet_buffers tx_bufs;
	u32 tx_chain_max;	/* buffers the largest frame takes */
	struct venet_stats tx_stats;

	/* RX: in NAPI. */
	struct ioq_producer rx ____cacheline_aligned_in_smp;
	struct ioq_shadow *rx_shadow;
	struct venet_buffers rx_bufs;
	u32 rx_wait;		/* buffers the next frame needs given back */
	struct venet_stats rx_stats;
	/* The frame being reclaimed (1 KiB: not on NAPI's stack). */
	struct ioq_buffer rx_chain[VBUS_VENET_CHAIN_MAX];
};

/* venet-data.c */
int venet_data_init(struct venet *venet, u64 wanted);
void venet_data_exit(struct venet *venet);
netdev_tx_t venet_xmit(struct sk_buff *skb, struct net_device *netdev);
int venet_poll(struct napi_struct *napi, int budget);
void venet_queue_work(struct vbus_proxy_device *vdev, u16 queue);
/* The host broke the protocol on our queues. */
void venet_broken(struct venet *venet, const char *why);

/* venet-ethtool.c */
extern const struct ethtool_ops venet_ethtool_ops;
void venet_stats_copy(const struct venet_stats *stats, u64 *out);

#endif /* VBUS_GUEST_VENET_H */

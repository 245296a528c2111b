/* SPDX-License-Identifier: GPL-2.0 */
/*
 * venet's host data path between its files: venet-netdev.c (the host
 * netdev vbt-*, plug and unplug, the worker's service), venet-tx.c (guest
 * frames up the host stack, copied or zero-copy) and venet-rx.c (host
 * frames into the guest's RX buffers), and the offload header they share.
 */
#ifndef VBUS_KMOD_VENET_HOST_H
#define VBUS_KMOD_VENET_HOST_H

#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

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

	/* The worker's: the guest's TX chain taken so far (venet-tx.c). */
	u32 chain_len;
	u64 chain_bytes;
	bool chain_bad;
	/* The worker's: RX buffers the frame at the backlog's head waits for. */
	u32 rx_need;
	/* The worker's: the buffers one frame fills (1 KiB: not on its stack). */
	struct ioq_buffer rx_chain[VBUS_VENET_CHAIN_MAX];
	/* The worker's last reading of venet_guest_features(), for xmit. */
	u64 guest_features;
};

/* What the host offers every guest (and ZEROCOPY with a zcthresh). */
#define VENET_OFFERED	(VBUS_VENET_FEATURE_HDR | VBUS_VENET_FEATURE_SG | \
			 VBUS_VENET_FEATURE_CSUM | VBUS_VENET_FEATURE_TSO)
/* The per-frame header of VBUS_VENET_FEATURE_HDR. */
#define VENET_HDR_LEN	sizeof(struct virtio_net_hdr_mrg_rxbuf)
/* A TSO frame's limit: 64 KiB of IP packet and its Ethernet header. */
#define VENET_GSO_MAX	(65536 + VLAN_ETH_HLEN)

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

/* venet-netdev.c */
unsigned int venet_backlog_drop(struct venet_host *host);
/*
 * The features the guest acknowledged that it may use: offered, with
 * their dependencies (vbus_ring.h). Read from the slot once per call.
 */
u64 venet_guest_features(struct vbus_port *port);

/* venet-tx.c */
struct venet_zc_owner *venet_zc_owner_new(struct vbus_port *port);
void venet_zc_owner_detach(struct venet_zc_owner *owner);
int venet_tx(struct vbus_port *port, int budget);
int venet_tx_reclaim(struct vbus_port *port);

/* venet-rx.c */
int venet_rx(struct vbus_port *port, int budget);

#endif /* VBUS_KMOD_VENET_HOST_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * venet's ethtool operations: "ethtool -i" names the driver and its vbus
 * device, "ethtool -S" counts what the issue of paravirtual I/O is about:
 * doorbells rung (exits on a KVM host), interrupts taken and the
 * notifications the event indices spared, with packets, bytes and drops,
 * and the host's count of the guest frames it sent without a copy and
 * copied (its zcthresh decides).
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "venet.h"

struct venet_stat {
	char name[ETH_GSTRING_LEN];
};

static const struct venet_stat venet_stat_names[] = {
	{ "rx_packets" }, { "rx_bytes" }, { "rx_drops" }, { "rx_doorbells" },
	{ "rx_notifications_suppressed" },
	{ "tx_packets" }, { "tx_bytes" }, { "tx_drops" }, { "tx_doorbells" },
	{ "tx_notifications_suppressed" },
	{ "interrupts" },
	{ "host_tx_zerocopy" }, { "host_tx_copied" },
};

#define VENET_STATS	ARRAY_SIZE(venet_stat_names)

static void venet_get_drvinfo(struct net_device *netdev, struct ethtool_drvinfo *info)
{
	struct venet *venet = netdev_priv(netdev);

	strscpy(info->driver, "venet", sizeof(info->driver));
	strscpy(info->version, VBUS_VERSION, sizeof(info->version));
	strscpy(info->bus_info, dev_name(&venet->vdev->dev), sizeof(info->bus_info));
	info->n_stats = VENET_STATS;
}

static int venet_get_sset_count(struct net_device *netdev, int sset)
{
	return sset == ETH_SS_STATS ? VENET_STATS : -EOPNOTSUPP;
}

static void venet_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, venet_stat_names, sizeof(venet_stat_names));
}

/* A consistent copy of one queue's counters: packets, bytes, drops, doorbells. */
void venet_stats_copy(const struct venet_stats *stats, u64 *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&stats->syncp);
		out[0] = stats->packets;
		out[1] = stats->bytes;
		out[2] = stats->drops;
		out[3] = stats->doorbells;
	} while (u64_stats_fetch_retry(&stats->syncp, start));
}

static void venet_get_ethtool_stats(struct net_device *netdev, struct ethtool_stats *stats,
				    u64 *data)
{
	struct venet *venet = netdev_priv(netdev);

	venet_stats_copy(&venet->rx_stats, data);
	/* Written by their side only; a racy read of a counter is fine. */
	data[4] = READ_ONCE(venet->rx.q.stats.suppressed);
	venet_stats_copy(&venet->tx_stats, data + 5);
	data[9] = READ_ONCE(venet->tx.q.stats.suppressed);
	data[10] = atomic64_read(&venet->interrupts);
	vbus_proxy_venet_counters(venet->vdev, &data[11], &data[12]);
}

const struct ethtool_ops venet_ethtool_ops = {
	.get_drvinfo = venet_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = venet_get_sset_count,
	.get_strings = venet_get_strings,
	.get_ethtool_stats = venet_get_ethtool_stats,
};

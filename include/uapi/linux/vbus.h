/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * vbus: a paravirtual I/O fabric for Linux virtualisation hosts.
 *
 * This header is the contract between vbus.ko and every userspace client
 * (libvbus, vbusd, vbusctl, the tests, the kernel's ynl CLI through
 * schemas/netlink/vbus.yaml, which a test keeps identical to it). Nothing
 * else describes the ABI; kmod/, guest/ and lib/ include it, never copy it.
 *
 * Objects
 * -------
 * bus:        one per VM. A name, a connector (how a guest reaches it), the
 *             size of its shared region, optionally the libvirt domain (name
 *             and UUID) it belongs to, a state (ok, or broken when its
 *             guest corrupted the shared region), and poll_us: how long its
 *             host worker busy-polls the rings for more work before it asks
 *             the guest for a doorbell and sleeps (0: never).
 * device:     an instance of a device model (VBUS_DEVICE_TYPE_*), by name.
 *             Model attributes travel in a nest of their own (venet:
 *             VBUS_A_DEVICE_VENET). A device is on at most one bus.
 * connection: device <-> bus, made by CONNECT and undone by DISCONNECT.
 *
 * Names of buses and devices: [a-z0-9][a-z0-9_.-]{0,30}.
 *
 * Generic netlink family VBUS_GENL_NAME, version VBUS_GENL_VERSION, in the
 * initial network namespace. Every attribute has a strict policy: unknown
 * attributes, wrong types, oversize strings and out-of-range integers are
 * refused with an extended-ack message naming the attribute. Commands marked
 * [admin] need CAP_NET_ADMIN (else -EPERM).
 *
 * Commands (request attributes; "->" reply)
 * --------
 * GET_VERSION   -> VERSION, MODULE_VERSION.
 * Mutating commands answer with an ack only; GET the object to see it.
 *
 * BUS_NEW       [admin] BUS_NAME; optional BUS_CONNECTOR (default none),
 *               BUS_REGION_SIZE (default VBUS_REGION_SIZE_DEFAULT), BUS_DOMAIN,
 *               BUS_UUID, BUS_POLL_US (default VBUS_BUS_POLL_US_DEFAULT).
 *               -EEXIST if the name is taken, -ENOSPC past VBUS_MAX_BUSES.
 * BUS_SET       [admin] BUS_NAME and what to change: BUS_POLL_US (the only
 *               attribute a bus may change; it applies at the worker's next
 *               idle moment). Any other bus attribute is refused.
 * BUS_DEL       [admin] BUS_NAME. -ENOENT if absent, -EBUSY while devices are
 *               connected.
 * BUS_GET       BUS_NAME -> a bus message. Dump (NLM_F_DUMP, no attributes):
 *               one bus message per bus.
 *               A bus message: BUS_NAME, BUS_CONNECTOR, BUS_REGION_SIZE,
 *               BUS_STATE, BUS_DEVICE_COUNT, BUS_POLL_US, the polling
 *               statistics BUS_POLL_WINDOWS, BUS_POLL_HITS, BUS_POLL_TIME_NS
 *               (since the bus was created), and BUS_DOMAIN, BUS_UUID if set.
 * DEVICE_NEW    [admin] DEVICE_NAME, DEVICE_TYPE; optional model nest
 *               (DEVICE_VENET). -EEXIST (also when the venet host interface
 *               name, given or default, is another device's), -EOPNOTSUPP
 *               for an unknown type, -ENOSPC past VBUS_MAX_DEVICES.
 * DEVICE_DEL    [admin] DEVICE_NAME. -EBUSY while connected.
 * DEVICE_GET    DEVICE_NAME -> a device message. Dump: every device.
 *               A device message: DEVICE_NAME, DEVICE_ID, DEVICE_TYPE, the
 *               model nest with every model attribute, and BUS_NAME when
 *               connected.
 * DEVICE_SET    [admin] DEVICE_NAME and the model nest with the attributes
 *               to change; the others keep their values. -EEXIST for an
 *               ifname another device has; the host interface's own refusal
 *               of an mtu (e.g. -EBUSY for a team port), and nothing changes.
 * CONNECT       [admin] DEVICE_NAME, BUS_NAME. -EBUSY if the device is on a
 *               bus already, -ENOSPC if the bus has VBUS_BUS_MAX_DEVICES.
 * DISCONNECT    [admin] DEVICE_NAME. -ENOTCONN if it is on no bus.
 * STATS_GET     DEVICE_NAME -> DEVICE_NAME, DEVICE_STATS. Dump: every device.
 *
 * Events
 * ------
 * Multicast group VBUS_MCGRP_EVENTS announces every change, whether made
 * over netlink or through sysfs, in the order the changes happened. An event
 * uses the command of the change: BUS_NEW / BUS_DEL / BUS_SET carry the bus
 * message (BUS_SET: after the change),
 * DEVICE_NEW / DEVICE_DEL / DEVICE_SET the device message (after the change;
 * for DEL, before it), CONNECT / DISCONNECT carry DEVICE_NAME and BUS_NAME.
 * A bus whose state changes (broken by its guest, ok again at the next
 * attach through /dev/vbus) is announced with BUS_GET and the bus message;
 * the region header, VBUS_DEV_GET_INFO, sysfs and BUS_GET agree once the
 * event is sent.
 *
 * Who may listen: anyone (no CAP_NET_ADMIN), by decision. The events carry
 * libvirt domain names, UUIDs and MACs, but nothing a local user cannot read
 * already: BUS_GET/DEVICE_GET and their dumps are open to everyone, as are
 * /sys/vbus/buses/<bus>/{domain,uuid} and /sys/vbus/devices/<device>/mac,
 * and QEMU's command line (-name, -uuid, the NICs' mac=) is in every
 * user's /proc. Restricting only the events would hide nothing and would
 * cost unprivileged monitors (as rtnetlink's link group is open to all).
 * A host that must hide tenant metadata from its local users has to
 * restrict all of these together (hidepid=, sysfs and netlink policy).
 *
 * Dumps in several parts are consistent or flagged: a part made after any
 * change since the dump started carries NLM_F_DUMP_INTR (libnl:
 * NLE_DUMP_INTR), and the reader dumps again.
 *
 * sysfs
 * -----
 * /sys/vbus/version; /sys/vbus/devices/<device>/{type,id,bus,stats/} plus
 * the model's files (venet: mac, ifname, and mtu, zcthresh, wmem, txqlen,
 * which CAP_NET_ADMIN may write: a write is a DEVICE_SET and raises the same
 * event; out of range is -ERANGE with the valid range in the kernel log);
 * /sys/vbus/buses/<bus>/{connector,region_size,state,domain,uuid,
 * poll_us (CAP_NET_ADMIN may write it: a BUS_SET, same event),
 * poll_windows, poll_hits, poll_time_ns, devices/<device> -> the device's
 * directory}.
 */
#ifndef _UAPI_LINUX_VBUS_H
#define _UAPI_LINUX_VBUS_H

#define VBUS_GENL_NAME		"vbus"
#define VBUS_GENL_VERSION	1
#define VBUS_MCGRP_EVENTS	"events"

#define VBUS_NAME_MAX		32	/* names, including the NUL */
#define VBUS_DOMAIN_MAX		256	/* libvirt domain names, including the NUL */
#define VBUS_UUID_LEN		16
#define VBUS_IFNAME_MAX		16	/* IFNAMSIZ, including the NUL */
#define VBUS_MAC_LEN		6

#define VBUS_MAX_BUSES		4096
#define VBUS_MAX_DEVICES	65536
#define VBUS_BUS_MAX_DEVICES	256

/*
 * Shared region of a bus: a multiple of the host's page size (4096 bytes on
 * x86-64; -EINVAL otherwise) in this range.
 */
#define VBUS_REGION_SIZE_MIN		(64U << 10)
#define VBUS_REGION_SIZE_MAX		(1U << 30)
#define VBUS_REGION_SIZE_DEFAULT	(1U << 20)

/*
 * A bus's busy-poll window, microseconds (vhost-net's busyloop_timeout,
 * per bus). The default is measured: see README.md, "Ring benchmark".
 */
#define VBUS_BUS_POLL_US_MAX		10000
#define VBUS_BUS_POLL_US_DEFAULT	50

/* venet ranges and defaults. */
#define VBUS_VENET_MTU_MIN		68
#define VBUS_VENET_MTU_MAX		65535
#define VBUS_VENET_MTU_DEFAULT		1500
#define VBUS_VENET_ZCTHRESH_MAX		65536	/* 0: zero-copy off */
#define VBUS_VENET_ZCTHRESH_DEFAULT	256
#define VBUS_VENET_WMEM_MIN		4096
#define VBUS_VENET_WMEM_MAX		(64U << 20)
#define VBUS_VENET_WMEM_DEFAULT		(1U << 20)
#define VBUS_VENET_TXQLEN_MIN		1
#define VBUS_VENET_TXQLEN_MAX		65536
#define VBUS_VENET_TXQLEN_DEFAULT	1000

enum vbus_connector {
	VBUS_CONNECTOR_NONE,		/* no guest yet */
	VBUS_CONNECTOR_LOOP,		/* the guest stack in the host kernel */
	VBUS_CONNECTOR_IVSHMEM,		/* a QEMU ivshmem-doorbell device */

	__VBUS_CONNECTOR_MAX,
	VBUS_CONNECTOR_MAX = __VBUS_CONNECTOR_MAX - 1
};

enum vbus_bus_state {
	VBUS_BUS_STATE_OK,
	VBUS_BUS_STATE_BROKEN,		/* the guest corrupted the region */
};

enum vbus_device_type {
	VBUS_DEVICE_TYPE_UNSPEC,
	VBUS_DEVICE_TYPE_VENET,		/* a virtual Ethernet device */

	__VBUS_DEVICE_TYPE_MAX,
	VBUS_DEVICE_TYPE_MAX = __VBUS_DEVICE_TYPE_MAX - 1
};

enum vbus_cmd {
	VBUS_CMD_UNSPEC,
	VBUS_CMD_GET_VERSION,
	VBUS_CMD_BUS_NEW,
	VBUS_CMD_BUS_DEL,
	VBUS_CMD_BUS_GET,
	VBUS_CMD_DEVICE_NEW,
	VBUS_CMD_DEVICE_DEL,
	VBUS_CMD_DEVICE_GET,
	VBUS_CMD_DEVICE_SET,
	VBUS_CMD_CONNECT,
	VBUS_CMD_DISCONNECT,
	VBUS_CMD_STATS_GET,
	VBUS_CMD_BUS_SET,

	__VBUS_CMD_MAX,
	VBUS_CMD_MAX = __VBUS_CMD_MAX - 1
};

enum vbus_attr {
	VBUS_A_UNSPEC,
	VBUS_A_VERSION,			/* u32, reply */
	VBUS_A_MODULE_VERSION,		/* string, reply */
	VBUS_A_BUS_NAME,		/* string */
	VBUS_A_BUS_CONNECTOR,		/* u32, enum vbus_connector */
	VBUS_A_BUS_REGION_SIZE,		/* u32, bytes */
	VBUS_A_BUS_DOMAIN,		/* string, libvirt domain name */
	VBUS_A_BUS_UUID,		/* binary, VBUS_UUID_LEN bytes */
	VBUS_A_BUS_STATE,		/* u32, enum vbus_bus_state, reply */
	VBUS_A_BUS_DEVICE_COUNT,	/* u32, reply */
	VBUS_A_DEVICE_NAME,		/* string */
	VBUS_A_DEVICE_ID,		/* u32, reply */
	VBUS_A_DEVICE_TYPE,		/* u32, enum vbus_device_type */
	VBUS_A_DEVICE_VENET,		/* nest, enum vbus_venet_attr */
	VBUS_A_DEVICE_STATS,		/* nest, enum vbus_stats_attr, reply */
	VBUS_A_BUS_POLL_US,		/* u32, microseconds, <= VBUS_BUS_POLL_US_MAX */
	VBUS_A_BUS_POLL_WINDOWS,	/* u64, reply: idle moments it polled */
	VBUS_A_BUS_POLL_HITS,		/* u64, reply: polls that found work */
	VBUS_A_BUS_POLL_TIME_NS,	/* u64, reply: time spent polling */
	VBUS_A_PAD,			/* alignment of the u64 attributes */

	__VBUS_A_MAX,
	VBUS_A_MAX = __VBUS_A_MAX - 1
};

/* The venet model's attributes (VBUS_A_DEVICE_VENET). */
enum vbus_venet_attr {
	VBUS_VENET_A_UNSPEC,
	VBUS_VENET_A_MAC,		/* binary, VBUS_MAC_LEN, non-zero unicast;
					 * default random, locally administered
					 */
	VBUS_VENET_A_MTU,		/* u32 */
	VBUS_VENET_A_ZCTHRESH,		/* u32, bytes; 0 = always copy */
	VBUS_VENET_A_WMEM,		/* u32, bytes: the guest send buffer */
	VBUS_VENET_A_TXQLEN,		/* u32, packets */
	VBUS_VENET_A_IFNAME,		/* string, host netdev; default vbt-<name>
					 * cut to VBUS_IFNAME_MAX - 1 characters;
					 * unique among devices
					 */

	__VBUS_VENET_A_MAX,
	VBUS_VENET_A_MAX = __VBUS_VENET_A_MAX - 1
};

/*
 * Device statistics (VBUS_A_DEVICE_STATS), all u64, seen from the guest:
 * tx is guest -> host, rx is host -> guest.
 */
enum vbus_stats_attr {
	VBUS_STATS_A_UNSPEC,
	VBUS_STATS_A_PAD,
	VBUS_STATS_A_TX_PACKETS,
	VBUS_STATS_A_TX_BYTES,
	VBUS_STATS_A_RX_PACKETS,
	VBUS_STATS_A_RX_BYTES,
	VBUS_STATS_A_DROPS,
	VBUS_STATS_A_DOORBELLS,		/* guest -> host notifications taken */
	VBUS_STATS_A_INTERRUPTS,	/* host -> guest interrupts raised */
	VBUS_STATS_A_SUPPRESSED,	/* notifications avoided by shm-signal */
	VBUS_STATS_A_TX_ZEROCOPY,	/* guest frames sent without a copy */
	VBUS_STATS_A_TX_COPIED,		/* guest frames copied */

	__VBUS_STATS_A_MAX,
	VBUS_STATS_A_MAX = __VBUS_STATS_A_MAX - 1
};

#endif /* _UAPI_LINUX_VBUS_H */

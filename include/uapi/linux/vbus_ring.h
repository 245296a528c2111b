/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * vbus shared region: the memory one bus shares with its guest, and the ioq
 * ring every queue in it is made of.
 *
 * This header is the contract between vbus.ko (the host), the guest drivers
 * (vbus_proxy, venet), the userspace test guest and the ring benchmark.
 * include/vbus/ioq.h is the one implementation of the ring; everything else
 * reaches the ring through it. Device types and limits come from
 * <linux/vbus.h>.
 *
 * Every field is little-endian and fixed-width; every structure is padded
 * explicitly; include/vbus/ioq.h pins every offset and size below with
 * static asserts. Offsets are in bytes from the start of the region.
 * VBUS_RING_ALIGN is 128 bytes, a cache line and the one the adjacent-line
 * prefetcher pairs with it: values two sides write, and values one side
 * writes often and the other reads often, are kept VBUS_RING_ALIGN apart.
 *
 * Who writes what, and who trusts what
 * ------------------------------------
 * The host lays the region out once, when the guest attaches, and keeps its
 * own private copy of that layout: it never reads back a size, an offset or
 * a count it wrote. The guest can write any byte of the region at any time,
 * so every index, offset and length the host reads from the region is read
 * exactly once into private memory, checked there, and only the checked copy
 * is used. A value that breaks the rules below is a protocol error: the host
 * marks the bus broken (VBUS_BUS_STATE_BROKEN, announced as an event) and
 * stops serving it. It is never an out-of-bounds access. The guest applies
 * the same checks (the code is shared), so a broken host cannot make the
 * guest access memory outside the region either.
 *
 * Region layout
 * -------------
 *   0                    struct vbus_region_header (256 bytes)
 *   device_offset        device table: device_count struct vbus_device_slot
 *   event_offset         the event queue: an ioq of event_count descriptors
 *   event_entry_offset   event_count struct vbus_eventq_entry
 *   (per device queue)   an ioq each, where the slot's queue[] says
 *   data_offset          data_size bytes of buffers, owned by the guest
 * Every structure starts on a VBUS_RING_ALIGN boundary; region sizes and
 * limits are those of <linux/vbus.h> (VBUS_REGION_SIZE_*, at most
 * VBUS_BUS_MAX_DEVICES slots). The header starts with VBUS_REGION_MAGIC, the
 * bytes "VBUS", which is how a guest bridge recognises a vbus region (the
 * guest's vbus_ivshmem driver claims an ivshmem BAR2 only if it starts so).
 *
 * Region header
 * -------------
 * Two VBUS_RING_ALIGN pairs of cache lines. The first pair is the host's:
 * its first line holds the layout (where each structure is, as above) and
 * the bus state, its second the bus's identity: its
 * name (NUL-terminated, the netlink VBUS_A_BUS_NAME) and, when the bus has
 * one (VBUS_REGION_F_UUID in flags), the UUID of the VM it belongs to, so
 * that a guest with several buses can tell them apart. The host writes
 * both. The second pair is the guest's: the only bytes of the header it
 * writes (reset_request).
 *
 * Reset
 * -----
 * A guest that reboots, or unloads and reloads its drivers, starts again
 * from a clean region without the host detaching (QEMU keeps the memory
 * and the eventfds across a guest reboot):
 *   1. The guest stops using every queue, reads reset_done, writes
 *      reset_request = reset_done + 1 (any value other than reset_done is
 *      a request), issues a full barrier and rings VBUS_DEV_EVENTQ_VECTOR.
 *   2. The host reads reset_request at every doorbell. When it differs
 *      from the last request it served, the host quiesces the bus's
 *      worker, takes every device off the bus (their queues stop), lays
 *      the region out again (every byte before the data area rewritten but
 *      reset_request; magic last), clears a broken state, gives every
 *      device on the bus its slot again with a DEVICE_ADDED event, then
 *      stores reset_done = the request it served (release) and raises the
 *      bus interrupt.
 *   3. The guest waits (on the interrupt, with a timeout) until
 *      reset_done equals its request (acquire), then reads the header and
 *      the device table afresh; its old ring handles are void.
 * Until reset_done answers, the guest must not touch the region besides
 * its line. A bus the host marked broken (VBUS_BUS_STATE_BROKEN) is served
 * again after such a reset: a rebooted guest gets a working bus. The
 * device table slots and event queue after a reset are those of a fresh
 * attachment. A new attachment (VBUS_DEV_ATTACH) zeroes the whole header,
 * the guest's line included.
 *
 * Device table
 * ------------
 * One slot per connected device. A free slot has state VBUS_SLOT_FREE and
 * type VBUS_DEVICE_TYPE_UNSPEC. A present slot holds the device's id (the
 * netlink VBUS_A_DEVICE_ID), its type, its queues (the offset of each ioq
 * and the doorbell vector the guest rings for it) and a per-type config
 * block. The host changes a config block under a sequence count: it makes
 * generation odd, writes the block, makes it even, then posts
 * VBUS_EVENTQ_CONFIG_CHANGED; the guest reads generation, the block, and
 * generation again, and retries until both are equal and even.
 *
 * venet: queue VBUS_VENET_QUEUE_TX carries frames from the guest to the
 * host; queue VBUS_VENET_QUEUE_RX carries empty buffers the guest posts,
 * which the host fills with received frames and gives back with their
 * length (0: the frame did not fit and was dropped). A frame is an Ethernet
 * frame from the destination MAC on, without FCS; a TX frame shorter than
 * ETH_HLEN or longer than mtu + 18 (the Ethernet header and one VLAN tag)
 * is dropped and given back. Host frames
 * wait for RX buffers, in a bounded backlog under byte queue limits: while
 * the guest keeps posting buffers, the host stack is flow-controlled and
 * loses nothing; the host asks for the RX doorbell (its consumer signal)
 * only while frames wait, so posting buffers rarely rings. A guest that
 * posts no buffer for half a second while frames wait is stalled: the
 * frames waiting for it are dropped, and so is every frame sent to it
 * until it posts a buffer again, each counted in the device's drops (and
 * the host netdev's tx_dropped). A frame waiting for a guest holds only
 * memory of its own: zero-copy fragments of another guest are copied
 * first, so a stalled guest never holds up another's transmit or region.
 * A frame larger than the buffers it would go to is dropped and a buffer
 * given back with length 0. The guest is the producer of both queues. The
 * config block holds the MAC, the MTU, the features the host offers
 * (VBUS_VENET_FEATURE_*) and wmem, the socket send buffer size the guest
 * tools apply (larger with zero-copy transmit, whose buffers come back
 * later). The link (the guest's carrier) is up while the slot is present.
 *
 * venet features. The host offers features in the config block's
 * features; the guest acknowledges the ones it uses in guest_features, the
 * one field of a slot the guest writes, before it posts its first buffer
 * (after every reset: a fresh slot's guest_features is 0). The host reads
 * guest_features once per frame and uses only bits it offered whose
 * dependencies are acknowledged too; a guest that acknowledges nothing
 * (an older guest) gets the plain frames above. Acknowledged:
 *  - VBUS_VENET_FEATURE_HDR: every frame, both directions, starts with a
 *    struct virtio_net_hdr_v1 (include/uapi/linux/virtio_net.h, 12 bytes,
 *    little-endian, as VIRTIO 1.0), counted in the descriptor's length but
 *    not in the frame limits above. Its flags and gso_* carry checksum and
 *    segmentation offload, each only when acknowledged below (else 0, and
 *    a frame that asks for one anyway is dropped); num_buffers is as
 *    under SG, and 0 on TX.
 *  - VBUS_VENET_FEATURE_SG (with HDR): a TX frame may be a chain of up to
 *    VBUS_VENET_CHAIN_MAX descriptors, VBUS_IOQ_DESC_F_NEXT on all but the
 *    last (the header at the start of the first); an RX frame may fill
 *    several consecutive RX buffers, the first one's header saying how
 *    many (num_buffers, 1 to VBUS_VENET_CHAIN_MAX), each given back with
 *    the bytes used in it. Frame limits then count the whole chain.
 *  - VBUS_VENET_FEATURE_CSUM (with HDR): VIRTIO_NET_HDR_F_NEEDS_CSUM
 *    (csum_start, csum_offset) both ways, and VIRTIO_NET_HDR_F_DATA_VALID
 *    from the host for a frame whose checksum it verified.
 *  - VBUS_VENET_FEATURE_TSO (with SG and CSUM): gso_type TCPV4 or TCPV6
 *    (optionally | ECN) with gso_size and hdr_len, both ways: the guest
 *    sends a TCP segment of up to 64 KiB, the host gives the guest the
 *    large frames its GRO made (the receive reassembly AlacrityVM called
 *    L4RO). The frame limit is then 64 KiB + headers, not the MTU.
 * VBUS_VENET_FEATURE_ZEROCOPY only informs (see below and wmem).
 *
 * The host keeps two counters in the config block outside the sequence
 * count, written as it goes: tx_zerocopy and tx_copied, the guest frames it
 * sent from the guest's buffers and those it copied (ethtool -S).
 *
 * Zero-copy transmit (VBUS_VENET_FEATURE_ZEROCOPY, frames of at least the
 * device's zcthresh bytes): the host copies the frame's first 256 bytes and
 * sends the rest from the guest's buffer, which the guest must not reuse
 * until the host gives it back. The copy holds every header the host's
 * flow dissector parses (Ethernet, VLAN tags, IPv4/IPv6 with extension
 * headers, the transport header: TCP with its options, UDP, ...), else the
 * frame is copied whole; so what host filters read in those headers is
 * what leaves. The rest, the payload and anything the dissector does not
 * parse as a header (e.g. the inner frame of a UDP tunnel), is read from
 * guest memory while the frame is in the host: a guest that writes its
 * buffer before getting it back can make a filter that matches on it (an
 * nftables payload or string match beyond the transport header) see one
 * value and the wire another. Set zcthresh 0 where such filters matter.
 *
 * Event queue
 * -----------
 * One per bus, host to guest, and the only source of host-to-guest
 * interrupts: "NAPI for interrupts". The host is its producer: it writes a
 * struct vbus_eventq_entry into the entry its descriptor points at and
 * publishes the descriptor; the guest consumes, reads the entry, and gives
 * the descriptor back. Events: a device queue has work for the guest
 * (buffers given back), a device was added or removed, a device's config
 * changed. Events name the slot and the device id, so an event for a slot
 * reused since is recognised and dropped. Where a device queue's shm-signal
 * says "notify the guest", the host posts VBUS_EVENTQ_QUEUE_WORK instead of
 * raising an interrupt: at most one per guest request (the queue's event
 * index, below), and the bus interrupt is raised only when the event
 * queue's own shm-signal allows it, so while the guest drains the event
 * queue the host raises nothing.
 *
 * ioq (version 2)
 * ----------------
 * A single-producer single-consumer ring of count descriptors (a power of
 * two, at most VBUS_IOQ_COUNT_MAX), in this layout, every part on its own
 * VBUS_RING_ALIGN (128-byte) pair of cache lines:
 *   0     ring header: magic VBUS_IOQ_MAGIC and count (written once by the
 *         host; each side uses its own copy afterwards)
 *   128   producer index: written by the producer only
 *   256   consumer index: written by the consumer only
 *   384   producer event: written by the producer only (its shm-signal)
 *   512   consumer event: written by the consumer only (its shm-signal)
 *   640   count struct vbus_ioq_desc
 * Each index is alone on its lines, so publishing moves one line pair to
 * the other side's CPU and nothing else.
 *
 * Indices count descriptors from 0 and wrap at 2^32; descriptor i is
 * desc[i & (count - 1)]. The indices alone say who owns a descriptor: those
 * in [consumer index, producer index) are the consumer's, the others the
 * producer's. The producer fills descriptors at its index, then stores the
 * index (release). The consumer reads the producer index once (acquire);
 * it must lie no more than count ahead of the consumer index and never
 * move back. The consumer reads each descriptor once: no flag but
 * VBUS_IOQ_DESC_F_NEXT may be set, and [offset, offset + length) must lie
 * inside the queue's buffer window (the data area for device queues, the
 * entries for the event queue). It may write up to length bytes there (rx)
 * or read them (tx), then writes the number of bytes used into length, and
 * stores its own index (release). The producer reclaims descriptors in
 * order: the consumer index may only move forward and never past what was
 * published, and the used length, read once, may not exceed the length it
 * posted, which it takes from its private copy. The producer reads nothing
 * else back: offset, cookie and flags come from its private copy. The
 * cookie is the producer's; the consumer may read it. VBUS_IOQ_DESC_F_NEXT
 * marks a buffer continued by the next descriptor (scatter-gather); what a
 * chain means is the device type's business.
 *
 * Publishing is batched: a side stores its index every VBUS_IOQ_BATCH
 * entries (fewer on small rings), at once when the other side has caught
 * up with what it published (it would otherwise wait for the batch), and
 * always before it waits or returns; an index store is a line transfer to
 * the other CPU, and publishing per entry made both index lines and the
 * descriptors bounce on every message.
 *
 * shm-signal
 * ----------
 * Notification suppression is an event index per direction, written only
 * by the side that receives the notification, so a notifier never writes a
 * line the other side owns. The consumer's event E means "kick me when
 * your producer index passes E"; the producer's event E means "call me when
 * your consumer index passes E". A side that has just moved its index from
 * old to new (since its last decision) notifies if and only if E lies in
 * [old, new), as virtio's event index: (u32)(new - E - 1) < (u32)(new - old).
 * After publishing it issues a full barrier, reads the other side's event
 * once, and decides. A receiver that is busy leaves its event where it was,
 * so it is notified at most once per time it asked; before it sleeps it
 * writes its event (the index it has seen up to), issues a full barrier
 * and checks its ring once more: either the notifier read the new event,
 * or the receiver sees the work published before it. Nothing is lost. The
 * producer may ask for a delayed call: an event three quarters of the way
 * into what it has outstanding, so one interrupt completes many buffers
 * (as virtqueue_enable_cb_delayed()). A hostile event value costs at most
 * one notification per publish, which the notifier would have sent with an
 * eager receiver anyway; it is never used for anything but that decision.
 * A receiver that would rather spin than sleep polls the ring for a
 * bounded window before it writes its event (the bus's poll_us): a busy
 * peer is then never notified at all.
 */
#ifndef _UAPI_LINUX_VBUS_RING_H
#define _UAPI_LINUX_VBUS_RING_H

#include <linux/types.h>
#include <linux/vbus.h>

#define VBUS_REGION_MAGIC	0x53554256	/* "VBUS" as little-endian u32 */
#define VBUS_RING_VERSION	2
#define VBUS_RING_ALIGN		128	/* a line and its prefetch pair */

#define VBUS_IOQ_MAGIC		0x52514f49	/* "IOQR" as little-endian u32 */
#define VBUS_IOQ_COUNT_MAX	32768
#define VBUS_IOQ_BATCH		32	/* entries per index store, at most */

#define VBUS_DEVICE_QUEUES_MAX	4

/*
 * The ivshmem connector: QEMU's ivshmem-doorbell device (PCI 1af4:1110),
 * served by vbusd (QEMU's ivshmem server protocol). BAR2 is the region
 * (the guest's vbus_ivshmem claims a device only if it starts with
 * VBUS_REGION_MAGIC); the host is peer VBUS_IVSHMEM_HOST_PEER. A bus needs
 * VBUS_IVSHMEM_VECTORS vectors, so a domain's device has exactly that many
 * (libvirt: <msi vectors='2' ioeventfd='on'/>; QEMU refuses a server that
 * sends more eventfds than the device has vectors). The host raises the
 * guest's vector 0, the bus interrupt (MSI-X). The guest rings doorbell
 * vector d by writing (VBUS_IVSHMEM_HOST_PEER << 16 | v) to BAR0's Doorbell
 * register (offset 12), v = d below VBUS_IVSHMEM_VECTORS, else
 * 1 + (d - 1) % (VBUS_IVSHMEM_VECTORS - 1): vector 0 is the event queue's
 * (VBUS_DEV_EVENTQ_VECTOR), the others the device queues' (a kick makes the
 * host look at every queue of the bus, so sharing one costs nothing).
 */
#define VBUS_IVSHMEM_HOST_PEER		0
#define VBUS_IVSHMEM_VECTORS		2

/* vbus_region_header.flags */
#define VBUS_REGION_F_UUID	(1U << 0)	/* uuid is the bus's VM UUID */

/*
 * The region header, at offset 0: two pairs of lines, the first written by
 * the host, the second by the guest.
 */
struct vbus_region_header {
	/* The layout. */
	__le32 magic;			/* VBUS_REGION_MAGIC */
	__le32 version;			/* VBUS_RING_VERSION */
	__le32 size;			/* bytes in the region */
	__le32 state;			/* enum vbus_bus_state */
	__le32 device_offset;		/* the device table */
	__le32 device_count;		/* slots in it */
	__le32 event_offset;		/* the event queue's ioq */
	__le32 event_count;		/* its descriptors and entries */
	__le32 event_entry_offset;	/* event_count struct vbus_eventq_entry */
	__le32 data_offset;		/* the buffer area */
	__le32 data_size;
	__le32 reset_done;		/* the last reset_request served */
	__le32 reserved0[4];
	/* The bus's identity. */
	char name[VBUS_NAME_MAX];	/* NUL-terminated */
	__u8 uuid[VBUS_UUID_LEN];	/* with VBUS_REGION_F_UUID */
	__le32 flags;			/* VBUS_REGION_F_* */
	__u8 reserved1[12];
	/* The guest's line. */
	__le32 reset_request;		/* see "Reset" above */
	__u8 reserved2[VBUS_RING_ALIGN - 4];
};

enum vbus_slot_state {
	VBUS_SLOT_FREE,
	VBUS_SLOT_PRESENT,
};

/* One queue of a device. */
struct vbus_slot_queue {
	__le32 offset;			/* the queue's ioq; 0 when absent */
	__le16 doorbell;		/* vector the guest rings for it */
	__le16 reserved;
};

/* venet: queue numbers and the features the host offers. */
#define VBUS_VENET_QUEUE_TX	0	/* guest -> host frames */
#define VBUS_VENET_QUEUE_RX	1	/* guest posts buffers, host fills */

#define VBUS_VENET_FEATURE_SG		(1U << 0)	/* frames in chains */
#define VBUS_VENET_FEATURE_CSUM		(1U << 1)	/* checksum offload */
#define VBUS_VENET_FEATURE_TSO		(1U << 2)	/* TCP segmentation offload */
#define VBUS_VENET_FEATURE_ZEROCOPY	(1U << 3)	/* tx is zero-copy: see wmem */
#define VBUS_VENET_FEATURE_HDR		(1U << 4)	/* a virtio_net_hdr_v1 per frame */

#define VBUS_VENET_CHAIN_MAX		32	/* descriptors of one frame, at most */

struct vbus_slot_venet {
	__u8 mac[VBUS_MAC_LEN];
	__le16 reserved0;
	__le32 mtu;
	__le32 wmem;			/* guest send buffer hint, bytes */
	__le64 features;		/* VBUS_VENET_FEATURE_*, offered */
	__le64 guest_features;		/* written by the guest: acknowledged */
	__le64 tx_zerocopy;		/* host counters, outside the generation */
	__le64 tx_copied;
	__u8 reserved[16];
};

/* A device table slot. */
struct vbus_device_slot {
	__le32 id;			/* VBUS_A_DEVICE_ID */
	__le32 type;			/* enum vbus_device_type */
	__le32 state;			/* enum vbus_slot_state */
	__le32 generation;		/* config sequence count */
	__le32 queue_count;
	__le32 reserved0;
	struct vbus_slot_queue queue[VBUS_DEVICE_QUEUES_MAX];
	__u8 reserved1[8];
	union {
		struct vbus_slot_venet venet;
		__u8 raw[64];
	} config;
};

enum vbus_eventq_type {
	VBUS_EVENTQ_NONE,
	VBUS_EVENTQ_QUEUE_WORK,		/* slot's queue has completions */
	VBUS_EVENTQ_DEVICE_ADDED,
	VBUS_EVENTQ_DEVICE_REMOVED,
	VBUS_EVENTQ_CONFIG_CHANGED,	/* re-read the slot's config block */
};

/* An event queue entry. */
struct vbus_eventq_entry {
	__le16 type;			/* enum vbus_eventq_type */
	__le16 queue;			/* QUEUE_WORK: index in the slot */
	__le16 slot;			/* device table slot */
	__le16 reserved;
	__le32 device;			/* the device's id */
	__le32 generation;		/* CONFIG_CHANGED: the new one */
};

/* Descriptor flags; any other bit is a protocol error. */
#define VBUS_IOQ_DESC_F_NEXT	(1U << 1)	/* chain continues */

struct vbus_ioq_desc {
	__le32 offset;			/* buffer, in the region */
	__le32 length;			/* posted: size; given back: bytes used */
	__le32 cookie;			/* the producer's tag */
	__le16 flags;			/* VBUS_IOQ_DESC_F_* */
	__le16 reserved;
};

/* One value one side writes, alone on a pair of cache lines. */
struct vbus_ioq_word {
	__le32 value;
	__u8 reserved[VBUS_RING_ALIGN - 4];
};

struct vbus_ioq_ring {
	__le32 magic;			/* VBUS_IOQ_MAGIC */
	__le32 count;			/* descriptors, a power of two */
	__u8 reserved[VBUS_RING_ALIGN - 8];
	struct vbus_ioq_word producer_index;	/* entries published */
	struct vbus_ioq_word consumer_index;	/* entries given back */
	struct vbus_ioq_word producer_event;	/* call me past this */
	struct vbus_ioq_word consumer_event;	/* kick me past this */
	struct vbus_ioq_desc desc[];
};

#endif /* _UAPI_LINUX_VBUS_RING_H */

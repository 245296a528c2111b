/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note OR MIT */
/*
 * /dev/vbus: how a guest side (today the userspace test guest, later the
 * QEMU ivshmem glue) attaches to a bus and shares its region with vbus.ko.
 *
 * This header is the contract between vbus.ko and whoever opens /dev/vbus.
 * The region it shares is laid out as include/uapi/linux/vbus_ring.h says;
 * bus names and limits come from <linux/vbus.h>.
 *
 * The device
 * ----------
 * A misc character device, /dev/vbus, mode 0600 (root). One open file is
 * one would-be attachment: it attaches to at most one bus, and a bus has at
 * most one attachment. Closing the file detaches: the bus's worker stops,
 * its devices' queues are torn down and the region's pages are unpinned
 * at once: a zero-copy frame still in the host stack keeps only the pages
 * it covers (at most 64 KiB each), not the region, until it is freed, and
 * keeps the module loaded (its completion is module code). While a file
 * is attached it holds a reference on the module.
 *
 * Attaching
 * ---------
 * VBUS_DEV_ATTACH names the bus and passes a memfd holding the region. The
 * host writes the region for as long as it is attached, so the memfd must:
 *  - be a memfd (shmem), else -EBADF;
 *  - be open for reading and writing (O_RDWR), else -EACCES: a read-only
 *    file does not give the right to write its pages;
 *  - be exactly the bus's region_size (VBUS_A_BUS_REGION_SIZE, a multiple
 *    of the page size), else -EINVAL;
 *  - be sealed with F_SEAL_SHRINK | F_SEAL_GROW (its pages cannot go away
 *    under the host) and F_SEAL_SEAL (no seal can be added once attached),
 *    else -EINVAL;
 *  - not be sealed with F_SEAL_WRITE or F_SEAL_FUTURE_WRITE, else -EINVAL:
 *    those promise that nobody writes it, and the host does.
 * The pinned pages are locked memory, charged to the attaching process as
 * io_uring charges its registered buffers: without CAP_IPC_LOCK, the pages
 * of every region its user has attached must fit in its RLIMIT_MEMLOCK,
 * else -ENOMEM; with or without, they show as its VmPin. The charge ends
 * when the last page is unpinned (after the close, see above).
 * The host pins the pages, lays the region
 * out (header, device table with a slot for each device connected now and
 * spare slots for hot-plug, event queue, a TX and an RX ioq per venet
 * device, the data window given to the guest), and posts a DEVICE_ADDED
 * event per device. A device connected or disconnected while the bus is
 * attached is hot-plugged: its slot is filled or freed and DEVICE_ADDED /
 * DEVICE_REMOVED is posted. Errors: -ENOENT unknown bus, -EBUSY the bus or
 * this file is attached already (or being attached), -EINVAL bad flags,
 * size or seals, -EACCES not read-write, -EBADF the fd is not an open
 * memfd, -ENOMEM above RLIMIT_MEMLOCK, -ENOSPC the region cannot hold the
 * layout, -EEXIST a device's host interface name is taken by another
 * interface. The bus is served only once the attach has succeeded.
 *
 * Doorbells and the interrupt
 * ---------------------------
 * The host writes a doorbell vector into every slot queue's doorbell field;
 * vectors are below VBUS_DEV_VECTORS_MAX (VBUS_DEV_GET_INFO says how many
 * are in use). The guest rings vector v by writing 1 to the eventfd set
 * with VBUS_DEV_SET_KICK for v. Vector VBUS_DEV_EVENTQ_VECTOR (0) is rung
 * when the guest gives event queue descriptors back and the event queue's
 * producer signal asks for it; a vector may be shared by several queues,
 * and a kick makes the host look at every queue of the bus. The host has
 * one interrupt per bus: the eventfd set with VBUS_DEV_SET_CALL (vector
 * 0), written when the event queue's shm-signal asks for it. Eventfds may
 * be set or replaced (fd -1 removes) at any time after VBUS_DEV_ATTACH,
 * before or after the guest starts; -EINVAL for a bad vector, -EBADF for
 * an fd that is not an eventfd, -ENOTCONN before attaching.
 *
 * A guest that breaks the ring protocol gets its bus marked broken
 * (VBUS_BUS_STATE_BROKEN in the region header, the bus's state in sysfs and
 * netlink, a BUS event): the host stops serving it until it detaches.
 */
#ifndef _UAPI_LINUX_VBUS_DEV_H
#define _UAPI_LINUX_VBUS_DEV_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vbus.h>

#define VBUS_DEV_NAME		"vbus"		/* /dev/vbus */
#define VBUS_DEV_IOCTL_MAGIC	0xB5

#define VBUS_DEV_VECTORS_MAX	64	/* doorbell vectors of one bus */
#define VBUS_DEV_EVENTQ_VECTOR	0	/* the event queue's doorbell */

struct vbus_dev_attach {
	char bus[VBUS_NAME_MAX];	/* NUL-terminated */
	__s32 memfd;			/* the region, sealed, region_size bytes */
	__u32 flags;			/* 0 */
};

struct vbus_dev_eventfd {
	__u32 vector;			/* KICK: < VBUS_DEV_VECTORS_MAX; CALL: 0 */
	__s32 fd;			/* an eventfd; -1 removes */
};

struct vbus_dev_info {
	__u32 region_size;		/* bytes */
	__u32 slot_count;		/* device table slots */
	__u32 device_count;		/* present slots */
	__u32 vectors;			/* doorbell vectors in use: 0..vectors-1 */
	__u32 state;			/* enum vbus_bus_state */
	__u32 reserved[3];
};

#define VBUS_DEV_ATTACH		_IOW(VBUS_DEV_IOCTL_MAGIC, 0x00, struct vbus_dev_attach)
#define VBUS_DEV_SET_KICK	_IOW(VBUS_DEV_IOCTL_MAGIC, 0x01, struct vbus_dev_eventfd)
#define VBUS_DEV_SET_CALL	_IOW(VBUS_DEV_IOCTL_MAGIC, 0x02, struct vbus_dev_eventfd)
#define VBUS_DEV_GET_INFO	_IOR(VBUS_DEV_IOCTL_MAGIC, 0x03, struct vbus_dev_info)

#endif /* _UAPI_LINUX_VBUS_DEV_H */

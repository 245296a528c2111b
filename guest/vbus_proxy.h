/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbus_proxy: the guest bus. Two interfaces: one for bridges (vbus_loop,
 * vbus_ivshmem), which bring a region, a way to ring doorbells and the bus
 * interrupt; one for device drivers (venet, ...), which bind to the devices
 * found in the region's device table by their type.
 */
#ifndef VBUS_GUEST_PROXY_H
#define VBUS_GUEST_PROXY_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <vbus/region.h>

struct vbus_bridge;
struct vbus_proxy_bus;

/* What a bridge provides. */
struct vbus_bridge_ops {
	/* Rings doorbell vector; any context. */
	void (*kick)(struct vbus_bridge *bridge, u16 vector);
};

/*
 * A bridge's region, filled by the bridge before vbus_proxy_add(). The
 * bridge calls vbus_proxy_interrupt() for every bus interrupt, from any
 * context, and keeps the region mapped until vbus_proxy_remove() returns.
 */
struct vbus_bridge {
	struct device *parent;		/* the bridge's device; NULL: none */
	void *region;			/* VBUS_RING_ALIGN aligned */
	u32 size;
	const struct vbus_bridge_ops *ops;
	struct vbus_proxy_bus *bus;	/* vbus_proxy's, while added */
};

int vbus_proxy_add(struct vbus_bridge *bridge);
void vbus_proxy_remove(struct vbus_bridge *bridge);
void vbus_proxy_interrupt(struct vbus_bridge *bridge);

/* A device of the region's device table, on the vbus-proxy bus. */
struct vbus_proxy_device {
	struct device dev;
	struct vbus_proxy_bus *bus;
	struct vbus_region_slot slot;	/* as read when it appeared; checked */
	/* Set before remove runs: no more callbacks into the driver. */
	bool removed;
	/*
	 * A driver was bound: its queues are used, and a ring cannot start
	 * again from scratch. Another probe waits for the bus's reset.
	 */
	bool used;
};

#define to_vbus_proxy_device(d) container_of(d, struct vbus_proxy_device, dev)

/*
 * A device driver: binds to devices of its type (enum vbus_device_type).
 * Callbacks other than probe and remove run from the bus's event work, in
 * process context, one at a time per bus, and must not sleep long.
 */
struct vbus_driver {
	u32 type;
	int (*probe)(struct vbus_proxy_device *vdev);
	void (*remove)(struct vbus_proxy_device *vdev);
	/* The host gave back buffers on queue (a QUEUE_WORK event). */
	void (*queue_work)(struct vbus_proxy_device *vdev, u16 queue);
	/* The config block changed; vbus_proxy_read_slot() has the new one. */
	void (*config_changed)(struct vbus_proxy_device *vdev);
	struct device_driver driver;
};

#define to_vbus_driver(d) container_of(d, struct vbus_driver, driver)

int __vbus_driver_register(struct vbus_driver *drv, struct module *owner);
#define vbus_driver_register(drv) __vbus_driver_register(drv, THIS_MODULE)
void vbus_driver_unregister(struct vbus_driver *drv);

/* "vbus:<type name>", the MODALIAS of a device: its driver module says so. */
#define MODULE_ALIAS_VBUS(type_name) MODULE_ALIAS("vbus:" type_name)

/* The ioq_config of the device's queue, from the checked slot. */
int vbus_proxy_queue_config(struct vbus_proxy_device *vdev, unsigned int queue,
			    struct ioq_config *config);
/* Rings the doorbell of the device's queue. */
void vbus_proxy_kick(struct vbus_proxy_device *vdev, unsigned int queue);
/* Reads the device's slot again (its config block): 0 or -EPROTO. */
int vbus_proxy_read_slot(struct vbus_proxy_device *vdev, struct vbus_region_slot *slot);

/*
 * The bus's data window (where every buffer a driver posts must lie) is
 * shared by the devices of the bus: a driver takes its part at probe and
 * gives it back at remove. Offsets are from the region's start, aligned on
 * VBUS_RING_ALIGN. vbus_proxy_data_alloc() returns 0 or -ENOSPC;
 * vbus_proxy_data_avail() says how many bytes are free now.
 */
int vbus_proxy_data_alloc(struct vbus_proxy_device *vdev, u32 size, u32 *offset);
void vbus_proxy_data_free(struct vbus_proxy_device *vdev, u32 offset, u32 size);
u32 vbus_proxy_data_avail(struct vbus_proxy_device *vdev);
/* The region's address of offset (inside the data window). */
void *vbus_proxy_data(struct vbus_proxy_device *vdev, u32 offset);

/* venet: the features the guest takes (before its first buffer). */
void vbus_proxy_ack_venet(struct vbus_proxy_device *vdev, u64 features);
/* venet: the host's tx_zerocopy and tx_copied counters. */
void vbus_proxy_venet_counters(struct vbus_proxy_device *vdev, u64 *zerocopy, u64 *copied);

/*
 * A driver found the host breaking the protocol on the device's queues
 * (an ioq call returned -EPROTO): the bus is marked broken (every device
 * removed) from a work item. Any context; why is a string literal.
 */
void vbus_proxy_device_broken(struct vbus_proxy_device *vdev, const char *why);

#endif /* VBUS_GUEST_PROXY_H */

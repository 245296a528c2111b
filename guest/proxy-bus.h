/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbus_proxy's internals: one struct vbus_proxy_bus per region a bridge
 * added, shared by proxy.c (bus type, drivers, devices, sysfs) and
 * eventq.c (reset, enumeration, the event queue).
 */
#ifndef VBUS_GUEST_PROXY_BUS_H
#define VBUS_GUEST_PROXY_BUS_H

#include <linux/genalloc.h>
#include <linux/spinlock.h>

#include "vbus_proxy.h"

/* Events handled per pass of the event work, as NAPI's weight. */
#define VBUS_PROXY_BUDGET	64

struct vbus_proxy_bus {
	struct device dev;		/* "vbus-<name>": name, uuid, state, reset */
	struct vbus_bridge *bridge;
	/*
	 * lock: the layout, the event queue handle, devices[] and broken.
	 * Held by the event work, reset and removal; device probe and remove
	 * run under it (they must not take it: the vbus_proxy_* calls for
	 * drivers do not).
	 */
	struct mutex lock;
	struct vbus_region_layout layout;
	struct ioq_consumer events ____cacheline_aligned_in_smp;
	struct vbus_proxy_device *devices[VBUS_BUS_MAX_DEVICES];
	bool broken;			/* the host broke the protocol */
	/* The data window's allocator, made anew at every reset. */
	struct gen_pool *data;
	/* A driver's report of a broken protocol, acted on by break_work. */
	struct work_struct break_work;
	const char *break_why;
	/* A driver let go of a device that stays: the bus starts again. */
	struct work_struct reset_work;
	bool dead;			/* being removed: no more work */
	/*
	 * dispatch_lock: each device's driver as callbacks see it, set after
	 * probe, cleared before remove; callbacks run under it.
	 */
	spinlock_t dispatch_lock;
	struct vbus_driver *bound[VBUS_BUS_MAX_DEVICES];
	struct work_struct work;
	wait_queue_head_t reset_wait;
	atomic64_t interrupts;
	u64 events_handled;
};

#define to_vbus_proxy_bus(d) container_of(d, struct vbus_proxy_bus, dev)

extern struct bus_type vbus_proxy_bus_type;
extern const struct attribute_group *vbus_proxy_bus_groups[];

/* proxy.c; under the bus's lock. */
int vbus_proxy_device_add(struct vbus_proxy_bus *bus, const struct vbus_region_slot *slot);
void vbus_proxy_device_remove(struct vbus_proxy_bus *bus, u32 index);
void vbus_proxy_remove_all(struct vbus_proxy_bus *bus);

/* eventq.c */
int vbus_proxy_eventq_init(void);
void vbus_proxy_eventq_exit(void);
void vbus_proxy_event_work(struct work_struct *work);
int vbus_proxy_reset(struct vbus_proxy_bus *bus);
void vbus_proxy_break(struct vbus_proxy_bus *bus, const char *why);
void vbus_proxy_schedule_reset(struct vbus_proxy_bus *bus);

#endif /* VBUS_GUEST_PROXY_BUS_H */

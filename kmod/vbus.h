/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the files of vbus.ko. Each file owns one
 * concern: main.c module life, bus.c buses, device.c devices and the model
 * registry, connection.c device <-> bus, venet.c the venet model,
 * netlink.c the genl family, events.c its multicast events, sysfs.c /sys/vbus.
 * The data path (chardev.c, region.c, worker.c, venet-netdev.c) has its
 * own header, datapath.h.
 */
#ifndef VBUS_KMOD_VBUS_H
#define VBUS_KMOD_VBUS_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/vbus.h>
#include <net/netlink.h>

#ifndef VBUS_VERSION
#define VBUS_VERSION "unknown"
#endif

/*
 * vbus_lock serialises every change to the control-plane objects: the bus
 * and device tables, each object's attributes, connection and sysfs
 * entries, and the emission of events (so listeners see changes in the
 * order they happened). An object is removed from sysfs under the lock, so
 * its name is free as soon as the deletion returns. Removing a kobject waits
 * for its running sysfs handlers: those must never sleep on vbus_lock, but
 * take it with vbus_sysfs_trylock(), which restarts the syscall when busy.
 */
extern struct mutex vbus_lock;

/*
 * Device statistics, seen from the guest (see enum vbus_stats_attr). Only
 * its bus's worker writes them, inside u64_stats_update_begin/end on the
 * device's stats_sync; readers take a vbus_device_stats_read() snapshot.
 */
struct vbus_device_stats {
	u64 tx_packets;
	u64 tx_bytes;
	u64 rx_packets;
	u64 rx_bytes;
	u64 drops;
	u64 doorbells;
	u64 interrupts;
	u64 suppressed;
	u64 tx_zerocopy;
	u64 tx_copied;
};

struct vbus_bus {
	struct kobject kobj;		/* /sys/vbus/buses/<name>; owns the bus */
	struct kobject *devices_dir;	/* /sys/vbus/buses/<name>/devices */
	struct hlist_node name_node;
	u32 id;
	char name[VBUS_NAME_MAX];
	u32 connector;
	u32 region_size;
	char domain[VBUS_DOMAIN_MAX];
	bool has_uuid;
	u8 uuid[VBUS_UUID_LEN];
	u32 poll_us;			/* busy-poll window; READ_ONCE in the worker */
	/* Written by the worker only, read anywhere: */
	atomic64_t poll_windows;	/* idle moments it polled */
	atomic64_t poll_hits;		/* polls that found work */
	atomic64_t poll_time_ns;	/* time spent polling */
	/* Under vbus_lock: */
	u32 state;			/* written by vbus_bus_set_state() only */
	struct list_head devices;
	u32 device_count;
	struct vbus_attachment *attach;	/* its /dev/vbus attachment */
	bool attaching;			/* an attach is pinning its region */
};

struct vbus_device;
struct vbus_attachment;
struct vbus_datapath_ops;

/*
 * A device model: what a device type adds to the core. A second type is one
 * more file with one of these, a policy for its nest and a registration.
 */
struct vbus_device_model {
	u32 type;				/* enum vbus_device_type */
	const char *name;			/* as shown in sysfs "type" */
	int nest_attr;				/* its VBUS_A_DEVICE_* nest */
	size_t priv_size;			/* model state after the device */
	const struct attribute_group **groups;	/* its sysfs files */
	/* Under vbus_lock. nest may be NULL. */
	int (*init)(struct vbus_device *dev, const struct nlattr *nest,
		    struct netlink_ext_ack *extack);
	int (*set)(struct vbus_device *dev, const struct nlattr *nest,
		   struct netlink_ext_ack *extack);
	/* Puts the model's nest with every attribute. */
	int (*fill)(struct vbus_device *dev, struct sk_buff *skb);
	/* Its data path on an attached bus (datapath.h); NULL: none. */
	const struct vbus_datapath_ops *datapath;
};

struct vbus_device {
	struct kobject kobj;		/* /sys/vbus/devices/<name>; owns it */
	struct hlist_node name_node;
	u32 id;
	char name[VBUS_NAME_MAX];
	const struct vbus_device_model *model;
	struct vbus_device_stats stats;
	struct u64_stats_sync stats_sync;
	/* Under vbus_lock: */
	struct vbus_bus *bus;		/* NULL when not connected */
	struct list_head bus_node;
	unsigned long priv[];		/* model_priv() */
};

static inline void *vbus_device_priv(struct vbus_device *dev)
{
	return dev->priv;
}

static inline struct vbus_device *kobj_to_vbus_device(struct kobject *kobj)
{
	return container_of(kobj, struct vbus_device, kobj);
}

static inline struct vbus_bus *kobj_to_vbus_bus(struct kobject *kobj)
{
	return container_of(kobj, struct vbus_bus, kobj);
}

bool vbus_name_valid(const char *name);

/*
 * bus.c and device.c check what depends on the tables (names taken, limits);
 * the form of names and the region size are checked where requests are
 * parsed (netlink.c), which names the attribute at fault.
 */

/* bus.c; all under vbus_lock except vbus_bus_destroy_all(). */
struct vbus_bus_params {
	const char *name;
	u32 connector;
	u32 region_size;
	const char *domain;		/* NULL: none */
	const u8 *uuid;			/* NULL: none */
	u32 poll_us;
};

struct vbus_bus *vbus_bus_find(const char *name);
struct vbus_bus *vbus_bus_next(unsigned long *id);
int vbus_bus_create(const struct vbus_bus_params *params,
		    struct vbus_bus **bus, struct netlink_ext_ack *extack);
int vbus_bus_destroy(struct vbus_bus *bus, struct netlink_ext_ack *extack);
void vbus_bus_destroy_all(void);
void vbus_bus_set_state(struct vbus_bus *bus, u32 state);
void vbus_bus_set_poll_us(struct vbus_bus *bus, u32 poll_us);

/* device.c */
int vbus_model_register(const struct vbus_device_model *model);
void vbus_model_unregister(const struct vbus_device_model *model);
const struct vbus_device_model *vbus_model_find(u32 type);

struct vbus_device *vbus_device_find(const char *name);
struct vbus_device *vbus_device_next(unsigned long *id);
int vbus_device_create(const char *name, const struct vbus_device_model *model,
		       const struct nlattr *nest, struct vbus_device **dev,
		       struct netlink_ext_ack *extack);
int vbus_device_destroy(struct vbus_device *dev, struct netlink_ext_ack *extack);
void vbus_device_stats_read(struct vbus_device *dev, struct vbus_device_stats *stats);
void vbus_device_destroy_all(void);

/* connection.c; under vbus_lock. */
int vbus_connect(struct vbus_device *dev, struct vbus_bus *bus,
		 struct netlink_ext_ack *extack);
int vbus_disconnect(struct vbus_device *dev, struct netlink_ext_ack *extack);

/* Data path hooks (chardev.c, region.c); under vbus_lock. */
int vbus_chardev_init(void);
void vbus_chardev_exit(void);
int vbus_region_plug(struct vbus_attachment *att, struct vbus_device *dev);
void vbus_region_unplug(struct vbus_attachment *att, struct vbus_device *dev);
void vbus_region_park(struct vbus_attachment *att, struct vbus_device *dev);
void vbus_region_config_changed(struct vbus_attachment *att, struct vbus_device *dev);

/* venet.c */
int vbus_venet_init(void);
void vbus_venet_exit(void);
extern const struct nla_policy vbus_venet_policy[VBUS_VENET_A_MAX + 1];

/* netlink.c */
int vbus_netlink_init(void);
void vbus_netlink_exit(void);
int vbus_fill_bus(struct sk_buff *skb, struct vbus_bus *bus);
int vbus_fill_device(struct sk_buff *skb, struct vbus_device *dev);
int vbus_fill_connection(struct sk_buff *skb, struct vbus_device *dev,
			 struct vbus_bus *bus);
void *vbus_genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		       u8 cmd);
void vbus_multicast(struct sk_buff *skb);
bool vbus_has_listeners(void);

/* events.c; under vbus_lock. */
u32 vbus_generation_get(void);
void vbus_event_bus(u8 cmd, struct vbus_bus *bus);
void vbus_event_device(u8 cmd, struct vbus_device *dev);
void vbus_event_connection(u8 cmd, struct vbus_device *dev,
			   struct vbus_bus *bus);

/* sysfs.c */
int vbus_sysfs_trylock(void);
int vbus_sysfs_init(void);
void vbus_sysfs_exit(void);
int vbus_sysfs_add_bus(struct vbus_bus *bus);
int vbus_sysfs_add_device(struct vbus_device *dev);
void vbus_sysfs_init_bus(struct vbus_bus *bus);
void vbus_sysfs_init_device(struct vbus_device *dev);
int vbus_sysfs_link(struct vbus_device *dev, struct vbus_bus *bus);
void vbus_sysfs_unlink(struct vbus_device *dev, struct vbus_bus *bus);
void vbus_sysfs_del_bus(struct vbus_bus *bus);
void vbus_sysfs_del_device(struct vbus_device *dev);

#endif /* VBUS_KMOD_VBUS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of vbus.ko's data path: the attachment of a bus to an
 * open /dev/vbus (chardev.c), its region and slots (region.c), its worker,
 * doorbells, interrupt and event queue (worker.c), and the device models'
 * per-slot service (venet-netdev.c).
 */
#ifndef VBUS_KMOD_DATAPATH_H
#define VBUS_KMOD_DATAPATH_H

#include <linux/eventfd.h>
#include <linux/kref.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/vbus_dev.h>
#include <linux/vbus_ring.h>
#include <linux/workqueue.h>
#include <vbus/ioq.h>

#include "vbus.h"

/* Frames or buffers one queue handles per worker pass, as NAPI's weight. */
#define VBUS_WORKER_BUDGET	64

/*
 * The host's private copy of the region's layout: what it wrote into the
 * header, never read back from the region.
 */
struct vbus_layout {
	u32 size;
	u32 slot_count;
	u32 device_offset;
	u32 event_offset;
	u32 event_count;
	u32 event_entry_offset;
	u32 queue_offset;		/* the first device ioq */
	u32 queue_count;		/* descriptors in each device ioq */
	u32 queue_stride;		/* bytes between two device ioqs */
	u32 data_offset;
	u32 data_size;
	u32 vectors;			/* doorbell vectors in use */
};

/* A taken TX buffer, until the host is done with it (zero-copy: later). */
struct vbus_inflight {
	struct ioq_buffer buf;
	bool done;			/* under the attachment's zc_lock */
};

/* One device queue; the host is its consumer. */
struct vbus_port_queue {
	struct ioq_consumer c ____cacheline_aligned_in_smp;
	u32 offset;
	struct vbus_inflight *inflight;	/* queue_count entries */
	unsigned int zc_inflight;	/* under the attachment's zc_lock */
};

/* Events a slot has waiting for room in the event queue. */
enum {
	VBUS_PORT_EV_REMOVED,
	VBUS_PORT_EV_ADDED,
	VBUS_PORT_EV_CONFIG,
	VBUS_PORT_EV_WORK,		/* + queue index */
};

/* A device table slot as the host sees it, and its device when present. */
struct vbus_port {
	struct vbus_attachment *att;
	struct vbus_device *dev;	/* NULL: the slot is free */
	u32 index;
	u32 id;				/* the device's id while present */
	u32 removed_id;			/* for a pending DEVICE_REMOVED */
	u32 generation;			/* config block sequence count */
	u32 epoch;			/* bumped at every plug and unplug */
	u16 vector;
	unsigned long events;		/* VBUS_PORT_EV_* bits, to post */
	void *priv;			/* the model's, while present */
	bool in_batch;			/* an event posted since the last call */
	struct vbus_port_queue q[VBUS_DEVICE_QUEUES_MAX];
};

/* A doorbell: an eventfd polled with a wait queue entry, as vhost_poll. */
struct vbus_kick {
	struct vbus_attachment *att;
	struct file *file;
	wait_queue_entry_t wait;
	wait_queue_head_t *wqh;
	poll_table pt;
	atomic_long_t count;		/* rings not yet counted in stats */
};

/*
 * A bus attached to an open /dev/vbus. Freed when the file is closed and
 * the worker's broken_work is done (kref); zero-copy frames refer to their
 * port through the model's own small object, not to the attachment.
 */
struct vbus_attachment {
	struct kref ref;
	struct vbus_bus *bus;		/* holds a reference to its kobject */
	struct file *memfd;
	struct page **pages;
	unsigned long npages;
	struct user_struct *user;	/* charged for npages, or NULL */
	struct mm_struct *mm;		/* its pinned_vm charged, grabbed */
	u8 *region;			/* vmap of pages */
	struct vbus_layout layout;

	/*
	 * lock: serialises the worker with hot-plug, eventfd changes and
	 * detach. Taken after vbus_lock, never the other way round.
	 */
	struct mutex lock;
	bool started;			/* attach completed: serve */
	bool stopped;			/* detached or attach failed: serve nothing */
	bool broken;			/* protocol error: serve nothing */
	bool resetting;			/* reset_work queued: serve nothing */
	u32 reset_served;		/* the last reset_request taken */
	struct work_struct work;
	struct work_struct broken_work;
	struct work_struct reset_work;
	struct work_struct release_work;
	struct eventfd_ctx *call;
	/* The loop connector's interrupt, instead of call (loop.c). */
	void (*interrupt)(void *context);
	void *interrupt_context;
	struct vbus_kick kicks[VBUS_DEV_VECTORS_MAX];
	spinlock_t zc_lock;		/* zero-copy completions, any context */

	struct ioq_producer evq ____cacheline_aligned_in_smp;
	struct ioq_shadow *evq_shadow;
	struct vbus_port *ports;	/* layout.slot_count */
};

/* The data path a device model provides (see struct vbus_device_model). */
struct vbus_datapath_ops {
	u32 queue_count;
	/* Under vbus_lock: writes the slot's config block. */
	void (*fill_config)(struct vbus_device *dev, struct vbus_device_slot *slot);
	/*
	 * Under vbus_lock and the attachment's lock. stop: the bus broke,
	 * serve the device no more (unplug follows at detach).
	 */
	int (*plug)(struct vbus_port *port);
	void (*stop)(struct vbus_port *port);
	void (*unplug)(struct vbus_port *port);
	/*
	 * Optional. A guest reset takes each device off its slot with park
	 * (under both locks) instead of unplug, and puts it back with plug:
	 * what the host sees of the device (venet: its netdev, with its
	 * namespace, addresses and counters) outlives the guest's reset, as
	 * a tap outlives its VM's reboot. Then, under vbus_lock, unpark lets
	 * go of what plug did not take back (the device did not come back).
	 */
	void (*park)(struct vbus_port *port);
	void (*unpark)(struct vbus_device *dev);
	/*
	 * The worker, under the attachment's lock. service: serve up to
	 * budget buffers per queue with the guest's doorbells left off: >0 if
	 * more work is left, 0 if none, -EPROTO. pending: a cheap look, while
	 * the worker busy-polls: >0 if service has work, 0, or -EPROTO. arm:
	 * before the worker sleeps, ask the guest for doorbells and re-check
	 * (the ioq enable-then-recheck): >0 if work arrived, 0, or -EPROTO.
	 */
	int (*service)(struct vbus_port *port, int budget);
	int (*pending)(struct vbus_port *port);
	int (*arm)(struct vbus_port *port);
};

extern struct workqueue_struct *vbus_wq;

/* chardev.c (and vbus.h) */
void vbus_attachment_put(struct vbus_attachment *att);
int vbus_attach(const char *name, bool loop, struct file *memfd,
		struct vbus_attachment **ret);
void vbus_detach(struct vbus_attachment *att);

/* region.c (and vbus.h) */
struct file *vbus_region_shmem(u32 size);
int vbus_region_pin(struct vbus_attachment *att, struct file *memfd, u32 size);
void vbus_region_unpin(struct vbus_attachment *att);
void vbus_region_free(struct vbus_attachment *att);
int vbus_region_layout(struct vbus_attachment *att, u32 devices);
int vbus_region_format(struct vbus_attachment *att);
void vbus_region_set_state(struct vbus_attachment *att, u32 state);
struct vbus_port *vbus_region_find_port(struct vbus_attachment *att,
					struct vbus_device *dev);
/* The port's slot in the region (shared memory: read what it says once). */
struct vbus_device_slot *vbus_port_slot(struct vbus_port *port);

/* worker.c */
void vbus_worker_init(struct vbus_attachment *att);
void vbus_worker_kick(struct vbus_attachment *att);
void vbus_worker_start(struct vbus_attachment *att);
void vbus_worker_stop(struct vbus_attachment *att);
int vbus_worker_set_kick(struct vbus_attachment *att, u32 vector, int fd);
int vbus_worker_set_call(struct vbus_attachment *att, int fd);
void vbus_worker_clear_eventfds(struct vbus_attachment *att);
void vbus_port_post(struct vbus_port *port, unsigned int event);
void vbus_port_queue_done(struct vbus_port *port, unsigned int queue);
void vbus_worker_raise(struct vbus_attachment *att);

/* reset.c */
void vbus_reset_init(struct vbus_attachment *att);
bool vbus_reset_check(struct vbus_attachment *att);

#endif /* VBUS_KMOD_DATAPATH_H */

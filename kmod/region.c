// SPDX-License-Identifier: GPL-2.0
/*
 * The shared region of an attached bus: pins the memfd's pages and maps
 * them for the kernel, lays the region out (include/uapi/linux/vbus_ring.h)
 * and fills and frees device table slots as devices come and go.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/log2.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "datapath.h"

/*
 * What a memfd must be sealed with (include/uapi/linux/vbus_dev.h): its
 * pages cannot go away under us, and no seal can be added later.
 */
#define VBUS_REGION_SEALS	(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
/* What it must not be sealed with: the host writes the region. */
#define VBUS_REGION_NO_SEALS	(F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/* Slots beyond the devices present at attach, for hot-plug. */
#define VBUS_REGION_SPARE_SLOTS	8
#define VBUS_REGION_QUEUE_COUNT	256	/* descriptors per device ioq, at most */
#define VBUS_REGION_QUEUE_MIN	16
/* The queues that any device model has at most; venet has two. */
#define VBUS_REGION_PORT_QUEUES	2

/*
 * Charges the region's pages to the attaching process as io_uring charges
 * its registered buffers: to its user's locked memory against its
 * RLIMIT_MEMLOCK unless it has CAP_IPC_LOCK, and always to its mm's
 * pinned_vm (VmPin in /proc/PID/status).
 */
static int vbus_region_account(struct vbus_attachment *att)
{
	unsigned long limit, cur, new;

	if (!capable(CAP_IPC_LOCK)) {
		struct user_struct *user = current_user();

		limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
		cur = atomic_long_read(&user->locked_vm);
		do {
			new = cur + att->npages;
			if (new > limit || new < cur)
				return -ENOMEM;
		} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, new));
		att->user = get_uid(user);
	}
	att->mm = current->mm;
	if (att->mm) {
		mmgrab(att->mm);
		atomic64_add(att->npages, &att->mm->pinned_vm);
	}
	return 0;
}

static void vbus_region_unaccount(struct vbus_attachment *att)
{
	if (att->user) {
		atomic_long_sub(att->npages, &att->user->locked_vm);
		free_uid(att->user);
	}
	if (att->mm) {
		atomic64_sub(att->npages, &att->mm->pinned_vm);
		mmdrop(att->mm);
	}
}

/*
 * A memfd's equivalent for a region made in the kernel (the loop
 * connector): shmem of size bytes, sealed as vbus_region_pin() requires.
 */
struct file *vbus_region_shmem(u32 size)
{
	struct file *file = shmem_file_setup("vbus-loop", size, VM_NORESERVE);

	if (!IS_ERR(file))
		SHMEM_I(file_inode(file))->seals |= VBUS_REGION_SEALS;
	return file;
}

/*
 * Takes a reference on every page of the memfd, as udmabuf does, and maps
 * them contiguously. Only shmem memfds: their seals live in the inode.
 * The rules and their errors are those of vbus_dev.h.
 */
int vbus_region_pin(struct vbus_attachment *att, struct file *memfd, u32 size)
{
	struct inode *inode = file_inode(memfd);
	unsigned long i;
	unsigned int seals;
	int err;

	if (inode->i_sb->s_magic != TMPFS_MAGIC)
		return -EBADF;
	if ((memfd->f_mode & (FMODE_READ | FMODE_WRITE)) != (FMODE_READ | FMODE_WRITE))
		return -EACCES;
	/* With F_SEAL_SEAL, what is read here cannot change any more. */
	seals = READ_ONCE(SHMEM_I(inode)->seals);
	if ((seals & VBUS_REGION_SEALS) != VBUS_REGION_SEALS ||
	    (seals & VBUS_REGION_NO_SEALS))
		return -EINVAL;
	if (i_size_read(inode) != size || !size || !PAGE_ALIGNED(size))
		return -EINVAL;

	att->npages = size >> PAGE_SHIFT;
	err = vbus_region_account(att);
	if (err)
		return err;
	att->pages = kvcalloc(att->npages, sizeof(*att->pages), GFP_KERNEL);
	if (!att->pages) {
		vbus_region_unaccount(att);
		return -ENOMEM;
	}
	for (i = 0; i < att->npages; i++) {
		struct page *page = shmem_read_mapping_page(memfd->f_mapping, i);

		if (IS_ERR(page)) {
			err = PTR_ERR(page);
			goto err_put;
		}
		att->pages[i] = page;
	}
	att->region = vmap(att->pages, att->npages, VM_MAP, PAGE_KERNEL);
	if (!att->region) {
		err = -ENOMEM;
		goto err_put;
	}
	att->memfd = get_file(memfd);
	return 0;

err_put:
	while (i--)
		put_page(att->pages[i]);
	kvfree(att->pages);
	att->pages = NULL;
	vbus_region_unaccount(att);
	return err;
}

/* Zero-copy frames still in the stack hold their own page references. */
void vbus_region_unpin(struct vbus_attachment *att)
{
	unsigned long i;

	if (!att->pages)
		return;
	vunmap(att->region);
	for (i = 0; i < att->npages; i++)
		put_page(att->pages[i]);
	kvfree(att->pages);
	fput(att->memfd);
	vbus_region_unaccount(att);
}

/* Where everything goes, for slot_count slots and queue_count per ioq. */
static u32 vbus_layout_compute(struct vbus_layout *l, u32 slot_count,
			       u32 queue_count)
{
	u32 off = ALIGN(sizeof(struct vbus_region_header), VBUS_RING_ALIGN);

	l->slot_count = slot_count;
	l->queue_count = queue_count;
	l->device_offset = off;
	off += ALIGN(slot_count * sizeof(struct vbus_device_slot), VBUS_RING_ALIGN);
	l->event_count = max_t(u32, 32, roundup_pow_of_two(slot_count * 4));
	l->event_offset = off;
	off += ALIGN(ioq_ring_size(l->event_count), VBUS_RING_ALIGN);
	l->event_entry_offset = off;
	off += ALIGN(l->event_count * sizeof(struct vbus_eventq_entry), VBUS_RING_ALIGN);
	l->queue_stride = ALIGN(ioq_ring_size(queue_count), VBUS_RING_ALIGN);
	l->queue_offset = off;
	off += slot_count * VBUS_REGION_PORT_QUEUES * l->queue_stride;
	l->data_offset = ALIGN(off, PAGE_SIZE);
	l->vectors = 1 + min_t(u32, slot_count, VBUS_DEV_VECTORS_MAX - 1);
	return l->data_offset;
}

static struct ioq_config vbus_queue_config(struct vbus_attachment *att, u32 offset)
{
	const struct vbus_layout *l = &att->layout;

	return (struct ioq_config) {
		.region = att->region,
		.region_size = l->size,
		.ring_offset = offset,
		.count = l->queue_count,
		.buffer_start = l->data_offset,
		.buffer_end = l->size,
	};
}

static int vbus_ports_alloc(struct vbus_attachment *att)
{
	const struct vbus_layout *l = &att->layout;
	u32 i, j;

	att->ports = kvcalloc(l->slot_count, sizeof(*att->ports), GFP_KERNEL);
	if (!att->ports)
		return -ENOMEM;
	for (i = 0; i < l->slot_count; i++) {
		struct vbus_port *port = &att->ports[i];

		port->att = att;
		port->index = i;
		port->vector = 1 + i % (VBUS_DEV_VECTORS_MAX - 1);
		for (j = 0; j < VBUS_REGION_PORT_QUEUES; j++) {
			port->q[j].offset = l->queue_offset +
				(i * VBUS_REGION_PORT_QUEUES + j) * l->queue_stride;
			port->q[j].inflight = kvcalloc(l->queue_count,
						       sizeof(*port->q[j].inflight),
						       GFP_KERNEL);
			if (!port->q[j].inflight)
				return -ENOMEM;
		}
	}
	return 0;
}

void vbus_region_free(struct vbus_attachment *att)
{
	u32 i, j;

	if (att->ports) {
		for (i = 0; i < att->layout.slot_count; i++)
			for (j = 0; j < VBUS_REGION_PORT_QUEUES; j++)
				kvfree(att->ports[i].q[j].inflight);
		kvfree(att->ports);
	}
	kvfree(att->evq_shadow);
}

/*
 * Writes an empty region in the layout computed: every byte before the data
 * area but the guest's line of the header (a reset request must survive the
 * reset it asked for), the event queue formatted and attached, the header
 * with the bus's identity, the magic last. Under the attachment's lock, or
 * before anyone else sees the attachment.
 */
int vbus_region_format(struct vbus_attachment *att)
{
	const struct vbus_layout *l = &att->layout;
	struct vbus_region_header *hdr = (void *)att->region;
	const struct vbus_bus *bus = att->bus;
	struct ioq_config evq;
	int err;

	memset(att->region, 0, offsetof(struct vbus_region_header, reset_request));
	memset(att->region + sizeof(*hdr), 0, l->data_offset - sizeof(*hdr));
	evq = (struct ioq_config) {
		.region = att->region,
		.region_size = l->size,
		.ring_offset = l->event_offset,
		.count = l->event_count,
		.buffer_start = l->event_entry_offset,
		.buffer_end = l->event_entry_offset +
			      l->event_count * sizeof(struct vbus_eventq_entry),
	};
	err = ioq_format(&evq);
	if (!err)
		err = ioq_producer_init(&att->evq, &evq, att->evq_shadow);
	if (err)
		return err;
	/* The guest rings for given-back events only when we ask (queue full). */
	ioq_produce_disable_notify(&att->evq);

	hdr->version = cpu_to_le32(VBUS_RING_VERSION);
	hdr->size = cpu_to_le32(l->size);
	hdr->state = cpu_to_le32(VBUS_BUS_STATE_OK);
	hdr->device_offset = cpu_to_le32(l->device_offset);
	hdr->device_count = cpu_to_le32(l->slot_count);
	hdr->event_offset = cpu_to_le32(l->event_offset);
	hdr->event_count = cpu_to_le32(l->event_count);
	hdr->event_entry_offset = cpu_to_le32(l->event_entry_offset);
	hdr->data_offset = cpu_to_le32(l->data_offset);
	hdr->data_size = cpu_to_le32(l->data_size);
	hdr->reset_done = cpu_to_le32(att->reset_served);
	strscpy(hdr->name, bus->name, sizeof(hdr->name));
	if (bus->has_uuid) {
		memcpy(hdr->uuid, bus->uuid, VBUS_UUID_LEN);
		hdr->flags = cpu_to_le32(VBUS_REGION_F_UUID);
	}
	/* The magic last: a region that has it is complete. */
	smp_store_release(&hdr->magic, cpu_to_le32(VBUS_REGION_MAGIC));
	return 0;
}

/*
 * Lays the region out for the devices on the bus now plus spare slots:
 * device ioqs shrink (down to VBUS_REGION_QUEUE_MIN descriptors) until the
 * metadata takes at most half the region; the rest is the data window,
 * page-aligned so that zero-copy frames map onto whole pages. A new
 * attachment starts with the whole header zeroed, the guest's line too.
 */
int vbus_region_layout(struct vbus_attachment *att, u32 devices)
{
	struct vbus_layout *l = &att->layout;
	u32 slots, count;
	int err;

	slots = min_t(u32, VBUS_BUS_MAX_DEVICES, devices + VBUS_REGION_SPARE_SLOTS);
	l->size = att->npages << PAGE_SHIFT;
	for (count = VBUS_REGION_QUEUE_COUNT;
	     vbus_layout_compute(l, slots, count) > l->size / 2; count /= 2)
		if (count == VBUS_REGION_QUEUE_MIN)
			return -ENOSPC;
	l->data_size = l->size - l->data_offset;

	err = vbus_ports_alloc(att);
	if (err)
		return err;
	att->evq_shadow = kvcalloc(l->event_count, sizeof(*att->evq_shadow), GFP_KERNEL);
	if (!att->evq_shadow)
		return -ENOMEM;
	memset(att->region, 0, sizeof(struct vbus_region_header));
	att->reset_served = 0;
	return vbus_region_format(att);
}

void vbus_region_set_state(struct vbus_attachment *att, u32 state)
{
	struct vbus_region_header *hdr = (void *)att->region;

	WRITE_ONCE(hdr->state, cpu_to_le32(state));
}

static struct vbus_device_slot *vbus_slot(struct vbus_attachment *att, u32 index)
{
	return (struct vbus_device_slot *)(att->region + att->layout.device_offset) + index;
}

struct vbus_device_slot *vbus_port_slot(struct vbus_port *port)
{
	return vbus_slot(port->att, port->index);
}

struct vbus_port *vbus_region_find_port(struct vbus_attachment *att,
					struct vbus_device *dev)
{
	u32 i;

	for (i = 0; i < att->layout.slot_count; i++)
		if (att->ports[i].dev == dev)
			return &att->ports[i];
	return NULL;
}

/* A free slot, preferably one with no DEVICE_REMOVED still to post. */
static struct vbus_port *vbus_region_free_port(struct vbus_attachment *att)
{
	struct vbus_port *fallback = NULL;
	u32 i;

	for (i = 0; i < att->layout.slot_count; i++) {
		struct vbus_port *port = &att->ports[i];

		if (port->dev)
			continue;
		if (!port->events)
			return port;
		fallback = fallback ?: port;
	}
	return fallback;
}

/*
 * Gives a device a slot: formats its queues, writes the slot (state last),
 * lets the model start its data path, and posts DEVICE_ADDED. Under
 * vbus_lock.
 */
int vbus_region_plug(struct vbus_attachment *att, struct vbus_device *dev)
{
	const struct vbus_datapath_ops *ops = dev->model->datapath;
	struct vbus_device_slot *slot;
	struct vbus_port *port;
	unsigned long flags;
	u32 i;
	int err;

	lockdep_assert_held(&vbus_lock);
	if (!ops)
		return 0;
	mutex_lock(&att->lock);
	port = vbus_region_free_port(att);
	err = -ENOSPC;
	if (!port)
		goto out;

	slot = vbus_slot(att, port->index);
	memset(slot, 0, sizeof(*slot));
	slot->id = cpu_to_le32(dev->id);
	slot->type = cpu_to_le32(dev->model->type);
	slot->generation = cpu_to_le32(port->generation);
	slot->queue_count = cpu_to_le32(ops->queue_count);
	spin_lock_irqsave(&att->zc_lock, flags);
	port->epoch++;
	spin_unlock_irqrestore(&att->zc_lock, flags);
	for (i = 0; i < ops->queue_count; i++) {
		struct ioq_config config = vbus_queue_config(att, port->q[i].offset);

		err = ioq_format(&config);
		if (!err)
			err = ioq_consumer_init(&port->q[i].c, &config);
		if (err)
			goto out;
		port->q[i].zc_inflight = 0;
		memset(port->q[i].inflight, 0,
		       att->layout.queue_count * sizeof(*port->q[i].inflight));
		slot->queue[i].offset = cpu_to_le32(port->q[i].offset);
		slot->queue[i].doorbell = cpu_to_le16(port->vector);
	}
	ops->fill_config(dev, slot);

	port->dev = dev;
	port->id = dev->id;
	err = ops->plug(port);
	if (err) {
		port->dev = NULL;
		goto out;
	}
	/* Release: the guest that sees the slot present sees it whole. */
	smp_store_release(&slot->state, cpu_to_le32(VBUS_SLOT_PRESENT));
	vbus_port_post(port, VBUS_PORT_EV_ADDED);
out:
	mutex_unlock(&att->lock);
	return err;
}

/* Frees a device's slot and posts DEVICE_REMOVED. Under vbus_lock. */
static void vbus_region_take_off(struct vbus_attachment *att, struct vbus_device *dev,
				 bool park)
{
	const struct vbus_datapath_ops *ops = dev->model->datapath;
	struct vbus_device_slot *slot;
	struct vbus_port *port;
	unsigned long flags;

	lockdep_assert_held(&vbus_lock);
	mutex_lock(&att->lock);
	port = vbus_region_find_port(att, dev);
	if (!port)
		goto out;
	if (park && ops->park)
		ops->park(port);
	else
		ops->unplug(port);
	slot = vbus_slot(att, port->index);
	WRITE_ONCE(slot->state, cpu_to_le32(VBUS_SLOT_FREE));
	WRITE_ONCE(slot->type, cpu_to_le32(VBUS_DEVICE_TYPE_UNSPEC));
	spin_lock_irqsave(&att->zc_lock, flags);
	port->epoch++;
	spin_unlock_irqrestore(&att->zc_lock, flags);
	port->dev = NULL;
	/*
	 * The device's own events go with it. A DEVICE_REMOVED still waiting
	 * is the previous device's of a reused slot: it stays, and stands for
	 * this one too, which the guest was never told of (its ADDED comes
	 * after that REMOVED and waited too).
	 */
	port->events &= BIT(VBUS_PORT_EV_REMOVED);
	if (!port->events) {
		port->removed_id = port->id;
		vbus_port_post(port, VBUS_PORT_EV_REMOVED);
	}
out:
	mutex_unlock(&att->lock);
}

void vbus_region_unplug(struct vbus_attachment *att, struct vbus_device *dev)
{
	vbus_region_take_off(att, dev, false);
}

/* As unplug, for a guest reset: the device parks (datapath.h). */
void vbus_region_park(struct vbus_attachment *att, struct vbus_device *dev)
{
	vbus_region_take_off(att, dev, true);
}

/*
 * Rewrites a present device's config block under its sequence count and
 * posts CONFIG_CHANGED. Under vbus_lock.
 */
void vbus_region_config_changed(struct vbus_attachment *att, struct vbus_device *dev)
{
	struct vbus_device_slot *slot;
	struct vbus_port *port;

	lockdep_assert_held(&vbus_lock);
	mutex_lock(&att->lock);
	port = vbus_region_find_port(att, dev);
	if (!port)
		goto out;
	slot = vbus_slot(att, port->index);
	WRITE_ONCE(slot->generation, cpu_to_le32(port->generation + 1));
	/* The odd count before the block; pairs with the guest's re-read. */
	smp_wmb();
	dev->model->datapath->fill_config(dev, slot);
	port->generation += 2;
	/* Release: the block before the even count. */
	smp_store_release(&slot->generation, cpu_to_le32(port->generation));
	vbus_port_post(port, VBUS_PORT_EV_CONFIG);
out:
	mutex_unlock(&att->lock);
}

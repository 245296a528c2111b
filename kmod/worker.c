// SPDX-License-Identifier: GPL-2.0
/*
 * The per-bus worker: takes doorbells (kick eventfds), lets each present
 * device serve its queues, posts events into the event queue and raises the
 * bus interrupt (the call eventfd) only when the event queue's shm-signal
 * allows it. A guest that breaks the protocol gets its bus marked broken.
 *
 * Why a work item on an unbound workqueue rather than a kthread per bus (as
 * vhost has per device): vhost's thread runs in its owner's mm and cgroups;
 * ours needs neither, the region being pinned and mapped in the kernel. A
 * bus costs no idle thread (up to VBUS_MAX_BUSES of them), queue_work() is
 * an idempotent wakeup that coalesces doorbells for free, and a work item
 * never runs on two CPUs at once, so the rings keep one host-side user.
 * Each pass serves at most VBUS_WORKER_BUDGET buffers per queue and
 * requeues itself when work is left, so busy buses share the workers
 * fairly, as NAPI polls do.
 *
 * The signaled/polled hybrid: with no work left, the worker busy-polls the
 * rings for up to the bus's poll_us before it asks the guest for doorbells
 * (ioq enable-then-recheck) and sleeps, as vhost-net's busyloop_timeout. A
 * guest that sends again within the window costs no doorbell (no exit in a
 * VM) and no wakeup; the window ends early when the scheduler wants the
 * CPU. The time it costs is counted per bus (poll_time_ns).
 */
#include <linux/file.h>
#include <linux/module.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>

#include "compat.h"
#include "datapath.h"

struct workqueue_struct *vbus_wq;

void vbus_worker_kick(struct vbus_attachment *att)
{
	queue_work(vbus_wq, &att->work);
}

/*
 * Sets an event to post; the worker posts it on its next pass. While the
 * attach is plugging its devices the worker is not started: the events
 * wait for vbus_worker_start().
 */
void vbus_port_post(struct vbus_port *port, unsigned int event)
{
	lockdep_assert_held(&port->att->lock);
	__set_bit(event, &port->events);
	if (port->att->started)
		vbus_worker_kick(port->att);
}

/*
 * After a device queue published given-back buffers: where its shm-signal
 * says "notify the guest", a QUEUE_WORK event instead of an interrupt. The
 * signal's pending flag keeps it to one per queue on its way.
 */
void vbus_port_queue_done(struct vbus_port *port, unsigned int queue)
{
	struct ioq_consumer *c = &port->q[queue].c;
	u64 suppressed = c->q.stats.suppressed;

	if (ioq_consume_should_notify(c))
		__set_bit(VBUS_PORT_EV_WORK + queue, &port->events);
	else
		port->dev->stats.suppressed += c->q.stats.suppressed - suppressed;
}

/*
 * Raises the bus interrupt: the call eventfd, or the loop connector's
 * function. Under the attachment's lock; never once detached.
 */
void vbus_worker_raise(struct vbus_attachment *att)
{
	lockdep_assert_held(&att->lock);
	if (att->stopped)
		return;
	if (att->call)
		vbus_eventfd_signal(att->call);
	else if (att->interrupt)
		att->interrupt(att->interrupt_context);
}

/* --- event queue --------------------------------------------------------- */

static int vbus_eventq_reclaim(struct vbus_attachment *att)
{
	struct ioq_buffer bufs[16];
	int r;

	do {
		r = ioq_produce_reclaim_batch(&att->evq, bufs, ARRAY_SIZE(bufs));
	} while (r == ARRAY_SIZE(bufs));
	return r < 0 ? r : 0;
}

static int vbus_eventq_add(struct vbus_attachment *att, struct vbus_port *port,
			   unsigned int event)
{
	const struct vbus_layout *l = &att->layout;
	struct vbus_eventq_entry *entry;
	struct ioq_buffer buf = {};
	u32 index;
	u16 type;

	if (!ioq_produce_space(&att->evq))
		return -ENOSPC;
	index = att->evq.head & att->evq.q.mask;
	buf.offset = l->event_entry_offset + index * sizeof(*entry);
	buf.length = sizeof(*entry);
	buf.cookie = index;
	entry = (struct vbus_eventq_entry *)(att->region + buf.offset);

	switch (event) {
	case VBUS_PORT_EV_REMOVED:
		type = VBUS_EVENTQ_DEVICE_REMOVED;
		break;
	case VBUS_PORT_EV_ADDED:
		type = VBUS_EVENTQ_DEVICE_ADDED;
		break;
	case VBUS_PORT_EV_CONFIG:
		type = VBUS_EVENTQ_CONFIG_CHANGED;
		break;
	default:
		type = VBUS_EVENTQ_QUEUE_WORK;
		break;
	}
	ioq_write_le16(&entry->type, type);
	ioq_write_le16(&entry->queue, type == VBUS_EVENTQ_QUEUE_WORK ?
		       event - VBUS_PORT_EV_WORK : 0);
	ioq_write_le16(&entry->slot, port->index);
	ioq_write_le16(&entry->reserved, 0);
	ioq_write_le32(&entry->device, event == VBUS_PORT_EV_REMOVED ?
		       port->removed_id : port->id);
	ioq_write_le32(&entry->generation, port->generation);
	port->in_batch = true;
	return ioq_produce_add(&att->evq, &buf);
}

/* Posts what ports have waiting: 0, or 1 if the event queue is full. */
static int vbus_eventq_flush(struct vbus_attachment *att)
{
	u32 i;

	for (i = 0; i < att->layout.slot_count; i++) {
		struct vbus_port *port = &att->ports[i];
		unsigned int event;

		for_each_set_bit(event, &port->events, BITS_PER_LONG) {
			if (vbus_eventq_add(att, port, event))
				return 1;
			__clear_bit(event, &port->events);
		}
	}
	return 0;
}

/* Publishes the events and raises the interrupt if the guest wants one. */
static void vbus_eventq_signal(struct vbus_attachment *att)
{
	u64 suppressed = att->evq.q.stats.suppressed;
	bool notify;
	u32 i;

	ioq_produce_publish(&att->evq);
	/* No interrupt to raise yet: decide when there is (set_call kicks). */
	if (!att->call && !att->interrupt)
		return;
	notify = ioq_produce_should_notify(&att->evq);
	if (notify)
		vbus_worker_raise(att);
	for (i = 0; i < att->layout.slot_count; i++) {
		struct vbus_port *port = &att->ports[i];

		if (!port->in_batch)
			continue;
		port->in_batch = false;
		if (!port->dev)
			continue;
		if (notify)
			port->dev->stats.interrupts++;
		else if (att->evq.q.stats.suppressed != suppressed)
			port->dev->stats.suppressed++;
	}
}

/* --- the worker ---------------------------------------------------------- */

/* Doorbells rung since the last pass, to the devices on each vector. */
static void vbus_worker_count_kicks(struct vbus_attachment *att)
{
	u32 v, i;

	for (v = 1; v < att->layout.vectors; v++) {
		long n = atomic_long_xchg(&att->kicks[v].count, 0);

		if (!n)
			continue;
		for (i = v - 1; i < att->layout.slot_count; i += VBUS_DEV_VECTORS_MAX - 1)
			if (att->ports[i].dev)
				att->ports[i].dev->stats.doorbells += n;
	}
}

/* The present devices' stats are written inside this, by the pass only. */
static void vbus_worker_stats_update(struct vbus_attachment *att, bool begin)
{
	u32 i;

	for (i = 0; i < att->layout.slot_count; i++) {
		struct vbus_device *dev = att->ports[i].dev;

		if (!dev)
			continue;
		if (begin)
			u64_stats_update_begin(&dev->stats_sync);
		else
			u64_stats_update_end(&dev->stats_sync);
	}
}

/* One pass: >0 if work is left, 0 if none, or -EPROTO. */
static int vbus_worker_pass(struct vbus_attachment *att)
{
	int more = 0, r;
	u32 i;

	r = vbus_eventq_reclaim(att);
	if (r < 0)
		return r;
	vbus_worker_count_kicks(att);
	for (i = 0; i < att->layout.slot_count; i++) {
		struct vbus_port *port = &att->ports[i];

		if (!port->dev)
			continue;
		r = port->dev->model->datapath->service(port, VBUS_WORKER_BUDGET);
		if (r < 0)
			return r;
		more |= r;
	}
	r = vbus_eventq_flush(att);
	vbus_eventq_signal(att);
	if (r) {
		/* Full: the guest rings VBUS_DEV_EVENTQ_VECTOR when it gives some back. */
		r = ioq_produce_enable_notify(&att->evq);
		if (r < 0)
			return r;
		if (r)
			ioq_produce_disable_notify(&att->evq);
		more |= r;
	} else {
		ioq_produce_disable_notify(&att->evq);
	}
	return more;
}

/*
 * The guest broke the protocol: stop serving and say so in the region
 * header (GET_INFO reads att->broken) at once; the bus state, its event and
 * the devices' links change in vbus_broken_work(), under vbus_lock. The
 * worker runs only between vbus_worker_start() and vbus_worker_stop(), and
 * the attachment's last reference is dropped only after the stop: the
 * reference taken here is never taken on zero.
 */
static void vbus_worker_break(struct vbus_attachment *att)
{
	att->broken = true;
	vbus_region_set_state(att, VBUS_BUS_STATE_BROKEN);
	pr_warn_ratelimited("vbus: bus %s: protocol error from the guest: bus broken\n",
			    att->bus->name);
	kref_get(&att->ref);
	if (!queue_work(vbus_wq, &att->broken_work))
		vbus_attachment_put(att);
}

static void vbus_broken_work(struct work_struct *work)
{
	struct vbus_attachment *att =
		container_of(work, struct vbus_attachment, broken_work);
	struct vbus_bus *bus = att->bus;
	u32 i;

	mutex_lock(&vbus_lock);
	mutex_lock(&att->lock);
	/* Not broken any more: a guest reset came first and re-plugged them. */
	if (!att->stopped && att->broken)
		for (i = 0; i < att->layout.slot_count; i++)
			if (att->ports[i].dev)
				att->ports[i].dev->model->datapath->stop(&att->ports[i]);
	mutex_unlock(&att->lock);
	/*
	 * The bus is broken while this attachment is its own, and stays so
	 * after it detaches; a newer attachment has a state of its own.
	 */
	if (vbus_bus_find(bus->name) == bus &&
	    (bus->attach == att || (!bus->attach && !bus->attaching)))
		vbus_bus_set_state(bus, VBUS_BUS_STATE_BROKEN);
	mutex_unlock(&vbus_lock);
	vbus_attachment_put(att);
}

/* Whether any device has work for service(): >0, 0, or -EPROTO. */
static int vbus_worker_pending(struct vbus_attachment *att)
{
	int r;
	u32 i;

	for (i = 0; i < att->layout.slot_count; i++) {
		struct vbus_port *port = &att->ports[i];

		if (!port->dev)
			continue;
		r = port->dev->model->datapath->pending(port);
		if (r)
			return r;
	}
	return 0;
}

/*
 * No work left: busy-poll for up to poll_us microseconds (preemption off,
 * as vhost's busy loop; it ends early when the scheduler wants the CPU).
 * >0 if work came, 0, or -EPROTO.
 */
static int vbus_worker_poll(struct vbus_attachment *att, u32 poll_us)
{
	struct vbus_bus *bus = att->bus;
	u64 start, end, now;
	int r;

	/*
	 * ktime_get_ns(), not local_clock(): local_clock() runs through
	 * static branches that the kernel re-patches when it finds the TSC
	 * unstable, and a CPU spinning through text being patched is what
	 * TCG (the VM tier) gets wrong ("Oops: int3" in sched_clock_cpu).
	 */
	preempt_disable();
	start = ktime_get_ns();
	end = start + (u64)poll_us * NSEC_PER_USEC;
	do {
		r = vbus_worker_pending(att);
		if (r)
			break;
		cpu_relax();
		now = ktime_get_ns();
	} while (now < end && !need_resched());
	now = ktime_get_ns();
	preempt_enable();
	atomic64_inc(&bus->poll_windows);
	atomic64_add(now - start, &bus->poll_time_ns);
	if (r > 0)
		atomic64_inc(&bus->poll_hits);
	return r;
}

/* Before sleeping: ask every device for doorbells; >0 if work came. */
static int vbus_worker_arm(struct vbus_attachment *att)
{
	int more = 0, r;
	u32 i;

	for (i = 0; i < att->layout.slot_count; i++) {
		struct vbus_port *port = &att->ports[i];

		if (!port->dev)
			continue;
		r = port->dev->model->datapath->arm(port);
		if (r < 0)
			return r;
		more |= r;
	}
	return more;
}

/* No work left: poll, then arm. >0 if work came meanwhile, 0, -EPROTO. */
static int vbus_worker_idle(struct vbus_attachment *att)
{
	u32 poll_us = READ_ONCE(att->bus->poll_us);
	int r;

	if (poll_us) {
		r = vbus_worker_poll(att, poll_us);
		if (r)
			return r;
	}
	return vbus_worker_arm(att);
}

static void vbus_worker_fn(struct work_struct *work)
{
	struct vbus_attachment *att = container_of(work, struct vbus_attachment, work);
	int r;

	mutex_lock(&att->lock);
	/* A reset request is served even on a broken bus: that is its way back. */
	if (!att->started || att->stopped || vbus_reset_check(att) || att->broken)
		goto out;
	vbus_worker_stats_update(att, true);
	r = vbus_worker_pass(att);
	vbus_worker_stats_update(att, false);
	if (!r)
		r = vbus_worker_idle(att);
	if (r < 0)
		vbus_worker_break(att);
	else if (r)
		vbus_worker_kick(att);
out:
	mutex_unlock(&att->lock);
}

void vbus_worker_init(struct vbus_attachment *att)
{
	u32 v;

	INIT_WORK(&att->work, vbus_worker_fn);
	INIT_WORK(&att->broken_work, vbus_broken_work);
	vbus_reset_init(att);
	for (v = 0; v < VBUS_DEV_VECTORS_MAX; v++)
		att->kicks[v].att = att;
}

/* The attach is complete: serve the bus, starting with what was posted. */
void vbus_worker_start(struct vbus_attachment *att)
{
	mutex_lock(&att->lock);
	att->started = true;
	mutex_unlock(&att->lock);
	vbus_worker_kick(att);
}

/* Serves nothing more; returns with the worker idle. */
void vbus_worker_stop(struct vbus_attachment *att)
{
	mutex_lock(&att->lock);
	att->stopped = true;
	mutex_unlock(&att->lock);
	cancel_work_sync(&att->work);
}

/* --- doorbells and the interrupt ----------------------------------------- */

static int vbus_kick_wake(wait_queue_entry_t *wait, unsigned int mode, int sync,
			  void *key)
{
	struct vbus_kick *kick = container_of(wait, struct vbus_kick, wait);

	if (!(key_to_poll(key) & EPOLLIN))
		return 0;
	atomic_long_inc(&kick->count);
	vbus_worker_kick(kick->att);
	return 0;
}

static void vbus_kick_queue(struct file *file, wait_queue_head_t *wqh,
			    poll_table *pt)
{
	struct vbus_kick *kick = container_of(pt, struct vbus_kick, pt);

	kick->wqh = wqh;
	add_wait_queue(wqh, &kick->wait);
}

static void vbus_kick_stop(struct vbus_kick *kick)
{
	if (!kick->file)
		return;
	if (kick->wqh)
		remove_wait_queue(kick->wqh, &kick->wait);
	kick->wqh = NULL;
	fput(kick->file);
	kick->file = NULL;
}

/* fd: an eventfd, or -1 to remove the vector's. */
int vbus_worker_set_kick(struct vbus_attachment *att, u32 vector, int fd)
{
	struct vbus_kick *kick;
	struct file *file = NULL;
	__poll_t mask;

	if (vector >= VBUS_DEV_VECTORS_MAX)
		return -EINVAL;
	if (fd >= 0) {
		file = eventfd_fget(fd);
		if (IS_ERR(file))
			return -EBADF;
	} else if (fd != -1) {
		return -EBADF;
	}

	kick = &att->kicks[vector];
	mutex_lock(&att->lock);
	vbus_kick_stop(kick);
	if (file) {
		kick->file = file;
		init_waitqueue_func_entry(&kick->wait, vbus_kick_wake);
		init_poll_funcptr(&kick->pt, vbus_kick_queue);
		mask = vfs_poll(file, &kick->pt);
		/* Rung before we listened: serve it. */
		if (mask & EPOLLIN)
			vbus_worker_kick(att);
	}
	mutex_unlock(&att->lock);
	return 0;
}

int vbus_worker_set_call(struct vbus_attachment *att, int fd)
{
	struct eventfd_ctx *ctx = NULL, *old;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return -EBADF;
	} else if (fd != -1) {
		return -EBADF;
	}
	mutex_lock(&att->lock);
	old = att->call;
	att->call = ctx;
	mutex_unlock(&att->lock);
	if (old)
		eventfd_ctx_put(old);
	/* Events may have been posted before anyone listened. */
	if (ctx)
		vbus_worker_kick(att);
	return 0;
}

void vbus_worker_clear_eventfds(struct vbus_attachment *att)
{
	u32 v;

	mutex_lock(&att->lock);
	for (v = 0; v < VBUS_DEV_VECTORS_MAX; v++)
		vbus_kick_stop(&att->kicks[v]);
	if (att->call)
		eventfd_ctx_put(att->call);
	att->call = NULL;
	mutex_unlock(&att->lock);
}

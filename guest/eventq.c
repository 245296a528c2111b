// SPDX-License-Identifier: GPL-2.0
/*
 * vbus_proxy's reading of a region (include/vbus/region.h): the reset
 * handshake a bus starts with, the device table, and the event queue that
 * carries the one bus interrupt to every device ("NAPI for interrupts": the
 * work drains with the queue's signal disabled, a budget per pass, and
 * re-enables it with a re-check that closes the race with the host).
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "proxy-bus.h"

/* How long a bus waits for the host to serve its reset request. */
#define VBUS_PROXY_RESET_TIMEOUT	(5 * HZ)
#define VBUS_PROXY_RESET_POLL		(HZ / 10)

static struct workqueue_struct *vbus_proxy_wq;

/*
 * The host broke the protocol: say why once, take every device off (their
 * drivers stop touching the region) and serve nothing until a reset.
 */
void vbus_proxy_break(struct vbus_proxy_bus *bus, const char *why)
{
	lockdep_assert_held(&bus->lock);
	if (bus->broken)
		return;
	WRITE_ONCE(bus->broken, true);
	dev_err(&bus->dev, "the host broke the region protocol: %s; bus stopped until a reset\n",
		why);
	vbus_proxy_remove_all(bus);
}

/* A device for every present slot; one already there is kept. */
static int vbus_proxy_scan_slot(struct vbus_proxy_bus *bus, u32 index)
{
	struct vbus_proxy_device *vdev = bus->devices[index];
	struct vbus_region_slot slot;
	const char *why;
	int r;

	r = vbus_region_read_slot(&bus->layout, index, &slot, &why);
	if (r < 0) {
		vbus_proxy_break(bus, why);
		return r;
	}
	if (vdev && r && vdev->slot.id == slot.id && vdev->slot.type != slot.type) {
		vbus_proxy_break(bus, "a present device changed its type");
		return -EPROTO;
	}
	if (vdev && (!r || vdev->slot.id != slot.id))
		vbus_proxy_device_remove(bus, index);
	else if (vdev)
		return 0;
	if (!r)
		return 0;
	/* A device that cannot be added is logged; the others go on. */
	vbus_proxy_device_add(bus, &slot);
	return 0;
}

/*
 * The data window's allocator for the layout just read: every device is
 * gone (and gave its part back), so the old one can go.
 */
static int vbus_proxy_data_init(struct vbus_proxy_bus *bus)
{
	struct gen_pool *pool;
	int err;

	if (bus->data)
		gen_pool_destroy(bus->data);
	bus->data = NULL;
	pool = gen_pool_create(ilog2(VBUS_RING_ALIGN), -1);
	if (!pool)
		return -ENOMEM;
	/* The window is page-aligned and never at 0 (the header is). */
	err = gen_pool_add(pool, bus->layout.data_offset, bus->layout.data_size, -1);
	if (err) {
		gen_pool_destroy(pool);
		return err;
	}
	bus->data = pool;
	return 0;
}

/* Asks the host for a reset and waits for its answer. */
static int vbus_proxy_reset_handshake(struct vbus_proxy_bus *bus)
{
	struct vbus_bridge *bridge = bus->bridge;
	unsigned long deadline = jiffies + VBUS_PROXY_RESET_TIMEOUT;
	u32 request;

	request = vbus_region_reset_ask(bridge->region);
	bridge->ops->kick(bridge, VBUS_DEV_EVENTQ_VECTOR);
	/* Woken by the bus interrupt; polled too, should it come early. */
	while (!vbus_region_reset_done(bridge->region, request)) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		wait_event_timeout(bus->reset_wait,
				   vbus_region_reset_done(bridge->region, request),
				   VBUS_PROXY_RESET_POLL);
	}
	return 0;
}

/*
 * Starts the bus again from a clean region: every device goes, the host
 * lays the region out again, the layout and the device table are read
 * afresh. Under the bus's lock.
 */
int vbus_proxy_reset(struct vbus_proxy_bus *bus)
{
	struct vbus_bridge *bridge = bus->bridge;
	struct ioq_config config;
	const char *why;
	u32 i;
	int err;

	lockdep_assert_held(&bus->lock);
	vbus_proxy_remove_all(bus);
	WRITE_ONCE(bus->broken, true);
	err = vbus_proxy_reset_handshake(bus);
	if (err) {
		dev_err(&bus->dev, "the host did not answer the reset request\n");
		return err;
	}
	err = vbus_region_read_layout(bridge->region, bridge->size, &bus->layout, &why);
	if (err) {
		dev_err(&bus->dev, "region after the reset: %s\n", why);
		return err;
	}
	config = vbus_region_event_config(&bus->layout);
	err = ioq_consumer_init(&bus->events, &config);
	if (err)
		return err;
	err = vbus_proxy_data_init(bus);
	if (err)
		return err;
	/* Draining now: the host raises nothing until the work re-enables. */
	ioq_consume_disable_notify(&bus->events);
	WRITE_ONCE(bus->broken, false);
	WRITE_ONCE(bus->break_why, NULL);
	for (i = 0; i < bus->layout.device_count; i++)
		if (vbus_proxy_scan_slot(bus, i) < 0)
			return -EPROTO;
	queue_work(vbus_proxy_wq, &bus->work);
	return 0;
}

/* --- events ------------------------------------------------------------- */

/* Calls a device's driver, if one is bound; never after its remove. */
static void vbus_proxy_dispatch(struct vbus_proxy_bus *bus, const struct vbus_region_event *event)
{
	struct vbus_proxy_device *vdev = bus->devices[event->slot];
	struct vbus_driver *drv;

	if (!vdev || vdev->slot.id != event->device)
		return;		/* for a device gone since */
	spin_lock_bh(&bus->dispatch_lock);
	drv = bus->bound[event->slot];
	if (drv && event->type == VBUS_EVENTQ_QUEUE_WORK && drv->queue_work)
		drv->queue_work(vdev, event->queue);
	else if (drv && event->type == VBUS_EVENTQ_CONFIG_CHANGED && drv->config_changed)
		drv->config_changed(vdev);
	spin_unlock_bh(&bus->dispatch_lock);
}

static void vbus_proxy_handle(struct vbus_proxy_bus *bus, const struct vbus_region_event *event)
{
	struct vbus_proxy_device *vdev = bus->devices[event->slot];

	bus->events_handled++;
	switch (event->type) {
	case VBUS_EVENTQ_DEVICE_ADDED:
		vbus_proxy_scan_slot(bus, event->slot);
		break;
	case VBUS_EVENTQ_DEVICE_REMOVED:
		if (vdev && vdev->slot.id == event->device)
			vbus_proxy_device_remove(bus, event->slot);
		break;
	case VBUS_EVENTQ_QUEUE_WORK:
	case VBUS_EVENTQ_CONFIG_CHANGED:
		vbus_proxy_dispatch(bus, event);
		break;
	default:
		break;		/* a newer host's: ignored */
	}
}

/* Up to budget events: their number, or -EPROTO (broken). */
static int vbus_proxy_drain(struct vbus_proxy_bus *bus, int budget)
{
	struct vbus_region_event event;
	struct ioq_buffer buf;
	const char *why = NULL;
	int done, r = 0;

	for (done = 0; done < budget && !bus->broken; done++) {
		r = ioq_consume_get(&bus->events, &buf);
		if (r <= 0) {
			why = "event queue ring";
			break;
		}
		r = vbus_region_read_event(&bus->layout, &buf, &event, &why);
		if (r < 0)
			break;
		/* A slot that breaks the rules breaks the bus in there. */
		vbus_proxy_handle(bus, &event);
		r = ioq_consume_put(&bus->events, &buf, sizeof(struct vbus_eventq_entry));
		if (r < 0) {
			why = "event queue given back out of order";
			break;
		}
	}
	if (r < 0)
		vbus_proxy_break(bus, why);
	if (bus->broken)
		return -EPROTO;
	ioq_consume_publish(&bus->events);
	if (ioq_consume_should_notify(&bus->events))
		bus->bridge->ops->kick(bus->bridge, VBUS_DEV_EVENTQ_VECTOR);
	return done;
}

/*
 * The bus's event work: a budget per pass, then requeued while events are
 * left; signals stay disabled until a pass finds the queue empty, which
 * re-enables them and checks once more.
 */
void vbus_proxy_event_work(struct work_struct *work)
{
	struct vbus_proxy_bus *bus = container_of(work, struct vbus_proxy_bus, work);
	int r;

	mutex_lock(&bus->lock);
	if (bus->dead || bus->broken)
		goto out;
	ioq_consume_disable_notify(&bus->events);
	r = vbus_proxy_drain(bus, VBUS_PROXY_BUDGET);
	if (r < 0)
		goto out;
	if (r < VBUS_PROXY_BUDGET) {
		r = ioq_consume_enable_notify(&bus->events);
		if (r < 0) {
			vbus_proxy_break(bus, "event queue index");
			goto out;
		}
		if (!r)
			goto out;
	}
	queue_work(vbus_proxy_wq, &bus->work);
out:
	mutex_unlock(&bus->lock);
}

/* A driver's report (vbus_proxy_device_broken()), in process context. */
static void vbus_proxy_break_work(struct work_struct *work)
{
	struct vbus_proxy_bus *bus = container_of(work, struct vbus_proxy_bus, break_work);

	mutex_lock(&bus->lock);
	if (!bus->dead)
		vbus_proxy_break(bus, READ_ONCE(bus->break_why));
	mutex_unlock(&bus->lock);
}

/* A reset asked for from a context that cannot take the bus's lock. */
static void vbus_proxy_reset_work(struct work_struct *work)
{
	struct vbus_proxy_bus *bus = container_of(work, struct vbus_proxy_bus, reset_work);

	mutex_lock(&bus->lock);
	if (!bus->dead && !bus->broken && vbus_proxy_reset(bus))
		dev_err(&bus->dev, "the reset after a driver let go of a device failed\n");
	mutex_unlock(&bus->lock);
}

void vbus_proxy_schedule_reset(struct vbus_proxy_bus *bus)
{
	queue_work(vbus_proxy_wq, &bus->reset_work);
}

void vbus_proxy_device_broken(struct vbus_proxy_device *vdev, const char *why)
{
	struct vbus_proxy_bus *bus = vdev->bus;

	if (!cmpxchg(&bus->break_why, NULL, why))
		queue_work(vbus_proxy_wq, &bus->break_work);
}
EXPORT_SYMBOL_GPL(vbus_proxy_device_broken);

/* --- bridges ------------------------------------------------------------ */

void vbus_proxy_interrupt(struct vbus_bridge *bridge)
{
	struct vbus_proxy_bus *bus;

	/* vbus_proxy_remove() waits for this section before it frees. */
	rcu_read_lock();
	bus = READ_ONCE(bridge->bus);
	if (bus) {
		atomic64_inc(&bus->interrupts);
		wake_up(&bus->reset_wait);
		queue_work(vbus_proxy_wq, &bus->work);
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(vbus_proxy_interrupt);

static void vbus_proxy_bus_release(struct device *dev)
{
	kfree(to_vbus_proxy_bus(dev));
}

/*
 * A bridge found a region: reset it (the host may have served a guest
 * before us: a reboot, a reload), read it, and add its devices under the
 * bus device "vbus-<name>".
 */
int vbus_proxy_add(struct vbus_bridge *bridge)
{
	struct vbus_proxy_bus *bus;
	const char *why;
	int err;

	bus = kzalloc(sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return -ENOMEM;
	bus->bridge = bridge;
	mutex_init(&bus->lock);
	spin_lock_init(&bus->dispatch_lock);
	init_waitqueue_head(&bus->reset_wait);
	INIT_WORK(&bus->work, vbus_proxy_event_work);
	INIT_WORK(&bus->break_work, vbus_proxy_break_work);
	INIT_WORK(&bus->reset_work, vbus_proxy_reset_work);
	bus->dev.parent = bridge->parent;
	bus->dev.groups = vbus_proxy_bus_groups;
	bus->dev.release = vbus_proxy_bus_release;
	device_initialize(&bus->dev);

	/* The name comes from the region: read it before the reset too. */
	err = vbus_region_read_layout(bridge->region, bridge->size, &bus->layout, &why);
	if (err) {
		pr_err("vbus_proxy: region unusable: %s\n", why);
		goto err_put;
	}
	err = dev_set_name(&bus->dev, "vbus-%s", bus->layout.name);
	if (err)
		goto err_put;
	err = device_add(&bus->dev);
	if (err)
		goto err_put;
	WRITE_ONCE(bridge->bus, bus);
	mutex_lock(&bus->lock);
	err = vbus_proxy_reset(bus);
	mutex_unlock(&bus->lock);
	if (err)
		goto err_del;
	dev_info(&bus->dev, "bus %s: %u slots, %u-byte region\n", bus->layout.name,
		 bus->layout.device_count, bus->layout.size);
	return 0;

err_del:
	vbus_proxy_remove(bridge);
	return err;
err_put:
	put_device(&bus->dev);
	return err;
}
EXPORT_SYMBOL_GPL(vbus_proxy_add);

/* Every device goes (drivers' remove runs); no work runs afterwards. */
void vbus_proxy_remove(struct vbus_bridge *bridge)
{
	struct vbus_proxy_bus *bus = bridge->bus;

	if (!bus)
		return;
	mutex_lock(&bus->lock);
	bus->dead = true;
	vbus_proxy_remove_all(bus);
	mutex_unlock(&bus->lock);
	WRITE_ONCE(bridge->bus, NULL);
	synchronize_rcu();
	cancel_work_sync(&bus->work);
	cancel_work_sync(&bus->break_work);
	cancel_work_sync(&bus->reset_work);
	if (bus->data)
		gen_pool_destroy(bus->data);
	bus->data = NULL;
	device_unregister(&bus->dev);
}
EXPORT_SYMBOL_GPL(vbus_proxy_remove);

int vbus_proxy_eventq_init(void)
{
	vbus_proxy_wq = alloc_workqueue("vbus_proxy", WQ_UNBOUND, 0);
	return vbus_proxy_wq ? 0 : -ENOMEM;
}

void vbus_proxy_eventq_exit(void)
{
	destroy_workqueue(vbus_proxy_wq);
}

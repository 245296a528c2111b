// SPDX-License-Identifier: GPL-2.0
/*
 * The host side of the loop connector: a bus whose connector is loop is
 * attached, as /dev/vbus attaches a VM's, to a region made here, for the
 * guest bridge vbus_loop.ko in this same kernel (as the vdpa simulator
 * serves virtio_net). The region is a sealed shmem file pinned and laid
 * out by region.c, served by the same worker; only the delivery differs:
 * a doorbell is a call instead of an eventfd write, the bus interrupt a
 * callback instead of an eventfd signal.
 */
#include <linux/module.h>

#include "datapath.h"
#include "vbus_loop.h"

/*
 * Up to max names (of VBUS_NAME_MAX bytes each) of the loop buses nobody is
 * attached to: their number.
 */
int vbus_loop_buses(char *names, int max)
{
	struct vbus_bus *bus;
	unsigned long id = 0;
	int n = 0;

	mutex_lock(&vbus_lock);
	for (; n < max && (bus = vbus_bus_next(&id)); id++)
		if (bus->connector == VBUS_CONNECTOR_LOOP && !bus->attach)
			strscpy(names + VBUS_NAME_MAX * n++, bus->name, VBUS_NAME_MAX);
	mutex_unlock(&vbus_lock);
	return n;
}
EXPORT_SYMBOL_GPL(vbus_loop_buses);

/*
 * Attaches the loop bus name: the region in *region (size bytes), the bus
 * interrupt delivered by calling interrupt(context) from the bus's worker.
 */
struct vbus_attachment *vbus_loop_attach(const char *name, void (*interrupt)(void *context),
					 void *context, void **region, u32 *size)
{
	struct vbus_attachment *att;
	int err;

	err = vbus_attach(name, true, NULL, &att);
	if (err)
		return ERR_PTR(err);
	mutex_lock(&att->lock);
	att->interrupt = interrupt;
	att->interrupt_context = context;
	mutex_unlock(&att->lock);
	*region = att->region;
	*size = att->layout.size;
	vbus_worker_start(att);
	return att;
}
EXPORT_SYMBOL_GPL(vbus_loop_attach);

/* A doorbell on vector: what an eventfd's wakeup does (worker.c). */
void vbus_loop_kick(struct vbus_attachment *att, u16 vector)
{
	if (vector >= VBUS_DEV_VECTORS_MAX)
		return;
	atomic_long_inc(&att->kicks[vector].count);
	vbus_worker_kick(att);
}
EXPORT_SYMBOL_GPL(vbus_loop_kick);

/* As closing /dev/vbus: no interrupt is delivered once this returns. */
void vbus_loop_detach(struct vbus_attachment *att)
{
	vbus_detach(att);
}
EXPORT_SYMBOL_GPL(vbus_loop_detach);

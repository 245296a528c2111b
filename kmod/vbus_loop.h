/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What vbus.ko exports for the loop connector's guest bridge, vbus_loop.ko
 * (guest/loop.c), in the same kernel: attach a loop bus, ring its doorbells,
 * detach. See kmod/loop.c.
 */
#ifndef VBUS_KMOD_LOOP_H
#define VBUS_KMOD_LOOP_H

#include <linux/types.h>
#include <linux/vbus.h>

struct vbus_attachment;

/* names: max names of VBUS_NAME_MAX bytes each. */
int vbus_loop_buses(char *names, int max);
struct vbus_attachment *vbus_loop_attach(const char *name, void (*interrupt)(void *context),
					 void *context, void **region, u32 *size);
void vbus_loop_kick(struct vbus_attachment *att, u16 vector);
void vbus_loop_detach(struct vbus_attachment *att);

#endif /* VBUS_KMOD_LOOP_H */

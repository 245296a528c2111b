/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bus's data-path attachment through /dev/vbus (include/uapi/linux/
 * vbus_dev.h): the region's sealed memfd, the doorbell (kick) eventfds and
 * the interrupt (call) eventfd handed to vbus.ko. Closing detaches. */
#ifndef VBUSD_ATTACHMENT_H
#define VBUSD_ATTACHMENT_H

#include <stdint.h>

struct attachment;

/* A new region: a memfd of SIZE bytes sealed as vbus.ko wants it. */
int region_memfd_new(uint32_t size);
/* Attaches BUS with its region MEMFD (vbus.ko takes its own reference) through DEVICE
 * ("/dev/vbus"). The errors of VBUS_DEV_ATTACH: -ENOENT no such bus, -EBUSY
 * attached already, -EINVAL a size the bus does not have; -ENOENT too when
 * DEVICE is missing (vbus.ko not loaded). */
int attachment_new(const char *device, const char *bus, int memfd,
		   struct attachment **attachment);
/* An attachment around FD, an open /dev/vbus inherited from an earlier vbusd
 * (systemd's fd store): taken (and owned) only when vbus.ko still has it
 * attached to a bus of REGION_SIZE (VBUS_DEV_GET_INFO), else the error
 * (-EINVAL a bus of another size; -ENOTTY not /dev/vbus) and FD is the
 * caller's still. */
int attachment_adopt(int fd, uint32_t region_size, struct attachment **attachment);
/* The open /dev/vbus: parked in systemd's fd store, it keeps the bus
 * attached across a restart of vbusd. */
int attachment_fd(const struct attachment *attachment);
/* Detaches (when this was the last reference to the file). */
void attachment_free(struct attachment *attachment);
/* Doorbell VECTOR is rung through FD (-1: none). */
int attachment_set_kick(struct attachment *attachment, unsigned int vector, int fd);
/* The bus interrupts its guest through FD (-1: none). */
int attachment_set_call(struct attachment *attachment, int fd);

#endif

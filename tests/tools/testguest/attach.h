/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Attaching to a bus through /dev/vbus: the sealed memfd region, the
 * doorbell eventfds and the bus interrupt's eventfd. */
#ifndef VBUS_TESTGUEST_ATTACH_H
#define VBUS_TESTGUEST_ATTACH_H

#include <stdint.h>
#include <linux/vbus_dev.h>

struct attachment {
	int dev;			/* /dev/vbus, attached */
	int memfd;
	void *region;
	uint32_t size;
	int kick[VBUS_DEV_VECTORS_MAX];
	int call;
	struct vbus_dev_info info;
};

/* 0, or a negative errno with what failed in error. */
int attach(const char *bus, struct attachment *a, char *error, size_t error_size);

/* For guest.host_broken: 1 if the host marked the bus broken, 0 if not. */
int attach_broken(void *attachment);

/* Detaches (closing /dev/vbus) and frees everything. */
void attach_close(struct attachment *a);

#endif

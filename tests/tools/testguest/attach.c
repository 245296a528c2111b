/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Attaches the test guest to a bus as the DATAPATH contract says: a memfd
 * of the bus's region size, sealed, mapped, handed to /dev/vbus, then one
 * eventfd per doorbell vector and one for the bus interrupt. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "attach.h"

static int fail(char *error, size_t size, int r, const char *what, const char *hint)
{
	snprintf(error, size, "%s: %s%s%s", what, strerror(-r), hint ? ": " : "",
		 hint ? hint : "");
	return r;
}

static int region_size(const char *bus, uint32_t *size)
{
	char path[128];
	unsigned long value;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/vbus/buses/%s/region_size", bus);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fscanf(f, "%lu", &value);
	fclose(f);
	if (n != 1 || !value || value > UINT32_MAX)
		return -EINVAL;
	*size = value;
	return 0;
}

static int set_eventfd(int dev, unsigned long request, uint32_t vector, int *fd)
{
	struct vbus_dev_eventfd arg = { .vector = vector };

	*fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*fd < 0)
		return -errno;
	arg.fd = *fd;
	return ioctl(dev, request, &arg) < 0 ? -errno : 0;
}

static int make_region(struct attachment *a)
{
	a->memfd = memfd_create("vbus-test-guest", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (a->memfd < 0)
		return -errno;
	if (ftruncate(a->memfd, a->size) < 0 ||
	    fcntl(a->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		return -errno;
	a->region = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_SHARED, a->memfd, 0);
	if (a->region == MAP_FAILED) {
		a->region = NULL;
		return -errno;
	}
	return 0;
}

int attach(const char *bus, struct attachment *a, char *error, size_t error_size)
{
	struct vbus_dev_attach request = { 0 };
	uint32_t vector;
	int r;

	memset(a, 0, sizeof(*a));
	a->dev = a->memfd = a->call = -1;
	for (vector = 0; vector < VBUS_DEV_VECTORS_MAX; vector++)
		a->kick[vector] = -1;
	if (strlen(bus) >= sizeof(request.bus))
		return fail(error, error_size, -EINVAL, bus, "bus name too long");
	r = region_size(bus, &a->size);
	if (r < 0)
		return fail(error, error_size, r, "cannot read the bus's region_size",
			    "is vbus.ko loaded and the bus created?");
	r = make_region(a);
	if (r < 0)
		return fail(error, error_size, r, "cannot make the sealed memfd region", NULL);
	a->dev = open("/dev/" VBUS_DEV_NAME, O_RDWR | O_CLOEXEC);
	if (a->dev < 0)
		return fail(error, error_size, -errno, "cannot open /dev/" VBUS_DEV_NAME,
			    "is vbus.ko loaded, and are we root?");
	strcpy(request.bus, bus);
	request.memfd = a->memfd;
	if (ioctl(a->dev, VBUS_DEV_ATTACH, &request) < 0)
		return fail(error, error_size, -errno, "VBUS_DEV_ATTACH", NULL);
	if (ioctl(a->dev, VBUS_DEV_GET_INFO, &a->info) < 0)
		return fail(error, error_size, -errno, "VBUS_DEV_GET_INFO", NULL);
	/* Every vector, so that a hot-plugged device's doorbell works too. */
	for (vector = 0; vector < VBUS_DEV_VECTORS_MAX; vector++) {
		r = set_eventfd(a->dev, VBUS_DEV_SET_KICK, vector, &a->kick[vector]);
		if (r < 0)
			return fail(error, error_size, r, "VBUS_DEV_SET_KICK", NULL);
	}
	r = set_eventfd(a->dev, VBUS_DEV_SET_CALL, 0, &a->call);
	if (r < 0)
		return fail(error, error_size, r, "VBUS_DEV_SET_CALL", NULL);
	return 0;
}

int attach_broken(void *attachment)
{
	struct attachment *a = attachment;
	struct vbus_dev_info info;

	if (ioctl(a->dev, VBUS_DEV_GET_INFO, &info) < 0)
		return -errno;
	return info.state == VBUS_BUS_STATE_BROKEN;
}

void attach_close(struct attachment *a)
{
	uint32_t vector;

	if (a->dev >= 0)
		close(a->dev);
	if (a->region)
		munmap(a->region, a->size);
	if (a->memfd >= 0)
		close(a->memfd);
	for (vector = 0; vector < VBUS_DEV_VECTORS_MAX; vector++)
		if (a->kick[vector] >= 0)
			close(a->kick[vector]);
	if (a->call >= 0)
		close(a->call);
	a->dev = a->memfd = a->call = -1;
	a->region = NULL;
}

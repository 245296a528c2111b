/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bus's data-path attachment through /dev/vbus: the sealed region memfd
 * and the ioctls of include/uapi/linux/vbus_dev.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vbus_dev.h>

#include "attachment.h"
#include "macro.h"

struct attachment {
	int device;		/* the open /dev/vbus: closing it detaches */
};

int region_memfd_new(uint32_t size)
{
	_cleanup_close_ int fd = -1;

	fd = memfd_create("vbus-region", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, size) < 0)
		return -errno;
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		return -errno;
	return take_fd(&fd);
}

int attachment_new(const char *device, const char *bus, int memfd, struct attachment **result)
{
	_cleanup_close_ int dev = -1;
	struct vbus_dev_attach request = { .flags = 0 };
	struct attachment *attachment;

	*result = NULL;
	if (snprintf(request.bus, sizeof(request.bus), "%s", bus) >= (int)sizeof(request.bus))
		return -ENAMETOOLONG;
	dev = open(device, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	request.memfd = memfd;
	if (ioctl(dev, VBUS_DEV_ATTACH, &request) < 0)
		return -errno;
	attachment = calloc(1, sizeof(*attachment));
	if (!attachment)
		return -ENOMEM;
	attachment->device = take_fd(&dev);
	*result = attachment;
	return 0;
}

int attachment_adopt(int fd, uint32_t region_size, struct attachment **result)
{
	struct vbus_dev_info info = { .region_size = 0 };
	struct attachment *attachment;

	*result = NULL;
	if (ioctl(fd, VBUS_DEV_GET_INFO, &info) < 0)
		return -errno;
	if (info.region_size != region_size)
		return -EINVAL;
	attachment = calloc(1, sizeof(*attachment));
	if (!attachment)
		return -ENOMEM;
	attachment->device = fd;
	*result = attachment;
	return 0;
}

int attachment_fd(const struct attachment *attachment)
{
	return attachment->device;
}

void attachment_free(struct attachment *attachment)
{
	if (!attachment)
		return;
	close(attachment->device);
	free(attachment);
}

static int set_eventfd(struct attachment *attachment, unsigned long command,
		       unsigned int vector, int fd)
{
	struct vbus_dev_eventfd request = { .vector = vector, .fd = fd };

	return ioctl(attachment->device, command, &request) < 0 ? -errno : 0;
}

int attachment_set_kick(struct attachment *attachment, unsigned int vector, int fd)
{
	return set_eventfd(attachment, VBUS_DEV_SET_KICK, vector, fd);
}

int attachment_set_call(struct attachment *attachment, int fd)
{
	return set_eventfd(attachment, VBUS_DEV_SET_CALL, VBUS_DEV_EVENTQ_VECTOR, fd);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by libvbus, vbusd and vbusctl: cleanup attributes,
 * the number of elements of an array. */
#ifndef VBUS_MACRO_H
#define VBUS_MACRO_H

#include <stdlib.h>
#include <unistd.h>

/* The number of elements of ARRAY (an array, not a pointer). */
#define ELEMENTSOF(array) (sizeof(array) / sizeof((array)[0]))

#define _cleanup_(f) __attribute__((cleanup(f)))

/* DEFINE_CLEANUP_FUNC(type, free_fn): type##_freep() for _cleanup_(). */
#define DEFINE_CLEANUP_FUNC(type, func)                 \
	static inline void func##p(type **p)            \
	{                                               \
		if (*p)                                 \
			func(*p);                       \
	}

static inline void freep(void *p)
{
	free(*(void **)p);
}

#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_close_ _cleanup_(closep)

/* The value of *FD, leaving -1 behind: hands an fd out of a _cleanup_close_. */
static inline int take_fd(int *fd)
{
	int value = *fd;

	*fd = -1;
	return value;
}

#endif

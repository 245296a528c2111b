/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The few primitives include/vbus/ioq.h is built on, taken from the kernel
 * when it is compiled into a module and from C11 otherwise, so the one ring
 * implementation compiles unchanged in vbus.ko, the guest drivers and
 * userspace.
 */
#ifndef _VBUS_IOQ_PLATFORM_H
#define _VBUS_IOQ_PLATFORM_H

#ifdef __KERNEL__

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/byteorder.h>

#define ioq_likely(x)		likely(x)
#define ioq_unlikely(x)		unlikely(x)

static inline __u8 ioq_read_u8(const __u8 *p)
{
	return READ_ONCE(*p);
}

static inline void ioq_write_u8(__u8 *p, __u8 value)
{
	WRITE_ONCE(*p, value);
}

static inline __u8 ioq_load_acquire_u8(const __u8 *p)
{
	/* Later loads and stores stay after this load. */
	return smp_load_acquire(p);
}

static inline void ioq_store_release_u8(__u8 *p, __u8 value)
{
	/* Earlier loads and stores stay before this store. */
	smp_store_release(p, value);
}

static inline __u16 ioq_read_le16(const __le16 *p)
{
	return le16_to_cpu(READ_ONCE(*p));
}

static inline void ioq_write_le16(__le16 *p, __u16 value)
{
	WRITE_ONCE(*p, cpu_to_le16(value));
}

static inline __u32 ioq_read_le32(const __le32 *p)
{
	return le32_to_cpu(READ_ONCE(*p));
}

static inline void ioq_write_le32(__le32 *p, __u32 value)
{
	WRITE_ONCE(*p, cpu_to_le32(value));
}

static inline __u32 ioq_load_acquire_le32(const __le32 *p)
{
	/* Later loads and stores stay after this load. */
	return le32_to_cpu(smp_load_acquire(p));
}

static inline void ioq_store_release_le32(__le32 *p, __u32 value)
{
	/* Earlier loads and stores stay before this store. */
	smp_store_release(p, cpu_to_le32(value));
}

static inline void ioq_full_barrier(void)
{
	/* A store before it is visible before any load after it. */
	smp_mb();
}

#else /* !__KERNEL__ */

#include <assert.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#define ioq_likely(x)		__builtin_expect(!!(x), 1)
#define ioq_unlikely(x)		__builtin_expect(!!(x), 0)

/*
 * Byte order from the compiler rather than <endian.h>, whose ioq_le32() a
 * strict -std=c11 build does not declare.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ioq_le16(x)		((__u16)(x))
#define ioq_le32(x)		((__u32)(x))
#else
#define ioq_le16(x)		__builtin_bswap16(x)
#define ioq_le32(x)		__builtin_bswap32(x)
#endif

/*
 * The shared structures are plain __le32 and __u8, not _Atomic, because
 * their layout is an ABI. C11's atomic_load_explicit() takes only _Atomic
 * objects; GCC's and Clang's __atomic builtins are the same operations on
 * plain objects, so every shared access below is an atomic access in the
 * C11 memory model (no data race, no tearing, never merged or re-read),
 * which is what READ_ONCE/WRITE_ONCE give the kernel.
 */
static inline __u8 ioq_read_u8(const __u8 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void ioq_write_u8(__u8 *p, __u8 value)
{
	__atomic_store_n(p, value, __ATOMIC_RELAXED);
}

static inline __u8 ioq_load_acquire_u8(const __u8 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void ioq_store_release_u8(__u8 *p, __u8 value)
{
	__atomic_store_n(p, value, __ATOMIC_RELEASE);
}

static inline __u16 ioq_read_le16(const __le16 *p)
{
	return ioq_le16(__atomic_load_n(p, __ATOMIC_RELAXED));
}

static inline void ioq_write_le16(__le16 *p, __u16 value)
{
	__atomic_store_n(p, ioq_le16(value), __ATOMIC_RELAXED);
}

static inline __u32 ioq_read_le32(const __le32 *p)
{
	return ioq_le32(__atomic_load_n(p, __ATOMIC_RELAXED));
}

static inline void ioq_write_le32(__le32 *p, __u32 value)
{
	__atomic_store_n(p, ioq_le32(value), __ATOMIC_RELAXED);
}

static inline __u32 ioq_load_acquire_le32(const __le32 *p)
{
	return ioq_le32(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

static inline void ioq_store_release_le32(__le32 *p, __u32 value)
{
	__atomic_store_n(p, ioq_le32(value), __ATOMIC_RELEASE);
}

static inline void ioq_full_barrier(void)
{
	/* A store before it is visible before any load after it. */
	atomic_thread_fence(memory_order_seq_cst);
}

#endif /* __KERNEL__ */

#endif /* _VBUS_IOQ_PLATFORM_H */

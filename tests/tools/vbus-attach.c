/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbus-attach: the VM tests' minimal /dev/vbus client: the attach rules and
 * their refusals (check), an attachment held until stdin closes (hold), a
 * few frames each way through the first venet slot (traffic), a guest
 * that corrupts its TX ring (hostile) and the locked-memory accounting of
 * regions (memlock). The full
 * test guest is tests/guest; this one only proves the kernel side. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/vbus_dev.h>
#include <vbus/region.h>

#include "macro.h"

static int failures;

#define CHECK(cond, ...) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "vbus-attach: FAIL: " __VA_ARGS__);		\
		fputc('\n', stderr);						\
		failures++;							\
	}									\
} while (0)

static int memfd_new(size_t size, unsigned int seals)
{
	int fd = memfd_create("vbus-region", MFD_ALLOW_SEALING | MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, size) < 0 || (seals && fcntl(fd, F_ADD_SEALS, seals) < 0)) {
		perror("vbus-attach: memfd");
		exit(1);
	}
	return fd;
}

static int dev_open(void)
{
	int fd = open("/dev/vbus", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("vbus-attach: /dev/vbus");
		exit(1);
	}
	return fd;
}

/* 0, or the errno of the attach. */
static int attach(int dev, const char *bus, int memfd, unsigned int flags)
{
	struct vbus_dev_attach req = { .memfd = memfd, .flags = flags };

	snprintf(req.bus, sizeof(req.bus), "%s", bus);
	return ioctl(dev, VBUS_DEV_ATTACH, &req) < 0 ? errno : 0;
}

static int set_eventfd(int dev, unsigned long cmd, unsigned int vector, int fd)
{
	struct vbus_dev_eventfd req = { .vector = vector, .fd = fd };

	return ioctl(dev, cmd, &req) < 0 ? errno : 0;
}

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/* What vbus_dev.h requires of a region. */
#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* The same memfd reopened read-only (memfds can be reopened by path). */
static int reopen_readonly(int fd)
{
	char path[64];
	int ro;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	if (ro < 0) {
		perror("vbus-attach: reopen");
		exit(1);
	}
	return ro;
}

static int cmd_check(const char *bus, size_t size)
{
	_cleanup_close_ int dev = dev_open(), other = dev_open();
	_cleanup_close_ int sealed = memfd_new(size, SEALS);
	_cleanup_close_ int unsealed = memfd_new(size, 0);
	_cleanup_close_ int shrinkonly = memfd_new(size, F_SEAL_SHRINK | F_SEAL_SEAL);
	_cleanup_close_ int noseal = memfd_new(size, F_SEAL_SHRINK | F_SEAL_GROW);
	_cleanup_close_ int writeseal = memfd_new(size, SEALS | F_SEAL_WRITE);
	_cleanup_close_ int futurewrite = memfd_new(size, SEALS | F_SEAL_FUTURE_WRITE);
	_cleanup_close_ int readonly = reopen_readonly(sealed);
	_cleanup_close_ int small = memfd_new(size / 2, SEALS);
	_cleanup_close_ int efd = eventfd(0, EFD_CLOEXEC);
	_cleanup_close_ int notmem = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	struct vbus_dev_info info;
	struct vbus_region_header *hdr;
	int r;

	CHECK((r = attach(dev, bus, unsealed, 0)) == EINVAL, "unsealed memfd: %s", strerror(r));
	CHECK((r = attach(dev, bus, shrinkonly, 0)) == EINVAL, "F_SEAL_SHRINK only: %s",
	      strerror(r));
	CHECK((r = attach(dev, bus, noseal, 0)) == EINVAL, "without F_SEAL_SEAL: %s",
	      strerror(r));
	CHECK((r = attach(dev, bus, writeseal, 0)) == EINVAL, "with F_SEAL_WRITE: %s",
	      strerror(r));
	CHECK((r = attach(dev, bus, futurewrite, 0)) == EINVAL, "with F_SEAL_FUTURE_WRITE: %s",
	      strerror(r));
	CHECK((r = attach(dev, bus, readonly, 0)) == EACCES, "read-only memfd: %s",
	      strerror(r));
	CHECK((r = attach(dev, bus, small, 0)) == EINVAL, "wrong size: %s", strerror(r));
	CHECK((r = attach(dev, bus, notmem, 0)) == EBADF, "not a memfd: %s", strerror(r));
	CHECK((r = attach(dev, bus, -1, 0)) == EBADF, "fd -1: %s", strerror(r));
	CHECK((r = attach(dev, bus, sealed, 1)) == EINVAL, "flags 1: %s", strerror(r));
	CHECK((r = attach(dev, "no-such-bus", sealed, 0)) == ENOENT, "unknown bus: %s",
	      strerror(r));
	CHECK((r = set_eventfd(dev, VBUS_DEV_SET_KICK, 1, efd)) == ENOTCONN,
	      "kick before attach: %s", strerror(r));
	CHECK(ioctl(dev, VBUS_DEV_GET_INFO, &info) < 0 && errno == ENOTCONN,
	      "info before attach");

	CHECK((r = attach(dev, bus, sealed, 0)) == 0, "attach: %s", strerror(r));
	CHECK((r = attach(other, bus, sealed, 0)) == EBUSY, "second attach: %s", strerror(r));
	CHECK((r = attach(dev, bus, sealed, 0)) == EBUSY, "same file again: %s", strerror(r));
	CHECK((r = set_eventfd(dev, VBUS_DEV_SET_KICK, VBUS_DEV_VECTORS_MAX, efd)) == EINVAL,
	      "kick vector out of range: %s", strerror(r));
	CHECK((r = set_eventfd(dev, VBUS_DEV_SET_KICK, 1, notmem)) == EBADF,
	      "kick not an eventfd: %s", strerror(r));
	CHECK((r = set_eventfd(dev, VBUS_DEV_SET_CALL, 1, efd)) == EINVAL,
	      "call vector 1: %s", strerror(r));
	CHECK((r = set_eventfd(dev, VBUS_DEV_SET_KICK, 1, efd)) == 0, "kick: %s", strerror(r));
	CHECK((r = set_eventfd(dev, VBUS_DEV_SET_KICK, 1, -1)) == 0, "kick removed: %s",
	      strerror(r));
	CHECK((r = set_eventfd(dev, VBUS_DEV_SET_CALL, 0, efd)) == 0, "call: %s", strerror(r));
	CHECK(ioctl(dev, VBUS_DEV_GET_INFO, &info) == 0, "info: %m");
	CHECK(info.region_size == size, "info region_size %u", info.region_size);
	printf("info region_size=%u slots=%u devices=%u vectors=%u state=%u\n",
	       info.region_size, info.slot_count, info.device_count, info.vectors, info.state);

	hdr = mmap(NULL, size, PROT_READ, MAP_SHARED, sealed, 0);
	CHECK(hdr != MAP_FAILED, "mmap: %m");
	if (hdr != MAP_FAILED) {
		CHECK(hdr->magic == VBUS_REGION_MAGIC, "magic %#x", hdr->magic);
		CHECK(hdr->size == size, "header size %u", hdr->size);
		CHECK(hdr->device_count == info.slot_count, "header slots %u", hdr->device_count);
		CHECK(hdr->data_offset + hdr->data_size == size, "data window %u+%u",
		      hdr->data_offset, hdr->data_size);
		printf("region data_offset=%u data_size=%u event_count=%u\n",
		       hdr->data_offset, hdr->data_size, hdr->event_count);
		munmap(hdr, size);
	}

	/* Closing detaches: the bus takes another attachment. */
	close(dev);
	dev = -1;
	CHECK((r = attach(other, bus, sealed, 0)) == 0, "attach after close: %s", strerror(r));
	printf("check: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}

/* Attaches with eventfds, says "attached", detaches when stdin closes. */
static int cmd_hold(const char *bus, size_t size)
{
	_cleanup_close_ int dev = dev_open();
	_cleanup_close_ int memfd = memfd_new(size, SEALS);
	_cleanup_close_ int efd = eventfd(0, EFD_CLOEXEC);
	char line[64];
	int r;

	if ((r = attach(dev, bus, memfd, 0))) {
		fprintf(stderr, "vbus-attach: %s: attach: %s\n", bus, strerror(r));
		return 1;
	}
	set_eventfd(dev, VBUS_DEV_SET_CALL, 0, efd);
	printf("attached\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	return 0;
}

/* --- memlock: the region's pages count as locked memory ------------------ */

static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	unsigned int word = CAP_IPC_LOCK / 32, bit = 1U << (CAP_IPC_LOCK % 32);

	if (syscall(SYS_capget, &header, data) < 0)
		return -errno;
	data[word].effective &= ~bit;
	data[word].permitted &= ~bit;
	data[word].inheritable &= ~bit;
	return syscall(SYS_capset, &header, data) < 0 ? -errno : 0;
}

/* VmPin of this process in kB, or -1. */
static long vm_pinned_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static const char *result_name(int r)
{
	return r ? strerrorname_np(r) : "ok";
}

/*
 * Without CAP_IPC_LOCK (unless LIMIT is "cap") and with RLIMIT_MEMLOCK at
 * LIMIT bytes, attaches BUS then BUS2 (same size) and says what each gave
 * and this process's VmPin after each.
 */
static int cmd_memlock(const char *bus, size_t size, const char *bus2, const char *limit)
{
	_cleanup_close_ int dev = dev_open(), dev2 = dev_open();
	_cleanup_close_ int memfd = memfd_new(size, SEALS), memfd2 = memfd_new(size, SEALS);
	long pinned0 = vm_pinned_kb(), pinned1, pinned2;
	int r1, r2;

	if (strcmp(limit, "cap")) {
		struct rlimit rl;

		rl.rlim_cur = rl.rlim_max = strtoul(limit, NULL, 0);
		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0 || drop_ipc_lock() < 0) {
			perror("vbus-attach: memlock limits");
			return 1;
		}
	}
	r1 = attach(dev, bus, memfd, 0);
	pinned1 = vm_pinned_kb();
	r2 = attach(dev2, bus2, memfd2, 0);
	pinned2 = vm_pinned_kb();
	printf("memlock first=%s pinned_kb=%ld second=%s pinned_kb=%ld\n", result_name(r1),
	       pinned1 - pinned0, result_name(r2), pinned2 - pinned0);
	return 0;
}

/* --- traffic: a tiny guest on the first present venet slot --------------- */

struct guest {
	uint8_t *region;
	struct vbus_region_layout layout;	/* read once and checked */
	struct ioq_consumer evq;
	struct ioq_producer tx, rx;
	struct ioq_shadow tx_shadow[VBUS_IOQ_COUNT_MAX], rx_shadow[VBUS_IOQ_COUNT_MAX];
	int call, kick;
	unsigned int events, tx_done, rx_frames;
};

static int queue_init(struct guest *g, struct ioq_producer *p, struct ioq_shadow *shadow,
		      const struct vbus_region_queue *queue)
{
	struct ioq_config config = vbus_region_queue_config(&g->layout, queue);

	return ioq_producer_init(p, &config, shadow);
}

/* The first present venet slot: 1 and the slot, 0 if none, or -EPROTO. */
static int find_venet(struct guest *g, struct vbus_region_slot *slot)
{
	const char *why;
	uint32_t i;
	int r;

	for (i = 0; i < g->layout.device_count; i++) {
		r = vbus_region_read_slot(&g->layout, i, slot, &why);
		if (r < 0) {
			fprintf(stderr, "vbus-attach: slot %u: %s\n", i, why);
			return r;
		}
		if (r && slot->type == VBUS_DEVICE_TYPE_VENET)
			return 1;
	}
	return 0;
}

static int guest_poll(struct guest *g)
{
	struct ioq_buffer buf;
	int r;

	while ((r = ioq_consume_get(&g->evq, &buf)) > 0) {
		g->events++;
		ioq_consume_put(&g->evq, &buf, 0);
	}
	ioq_consume_publish(&g->evq);
	if (r < 0)
		return r;
	while ((r = ioq_produce_reclaim(&g->tx, &buf)) > 0)
		g->tx_done++;
	if (r < 0)
		return r;
	while ((r = ioq_produce_reclaim(&g->rx, &buf)) > 0) {
		if (buf.used)
			g->rx_frames++;
		buf.used = 0;
		ioq_produce_add(&g->rx, &buf);
	}
	ioq_produce_publish(&g->rx);
	return r;
}

/* Waits for the interrupt after re-enabling every signal: 1 if more work. */
static int guest_wait(struct guest *g, int timeout_ms)
{
	struct pollfd pfd = { .fd = g->call, .events = POLLIN };
	uint64_t n;

	if (ioq_consume_enable_notify(&g->evq) || ioq_produce_enable_notify(&g->tx) ||
	    ioq_produce_enable_notify(&g->rx))
		return 1;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	if (read(g->call, &n, sizeof(n)) < 0)
		return 0;
	return 1;
}

static int cmd_traffic(const char *bus, size_t size, unsigned int frames, unsigned int length,
		       unsigned int rx_want)
{
	_cleanup_close_ int dev = dev_open();
	_cleanup_close_ int memfd = memfd_new(size, SEALS);
	_cleanup_free_ struct guest *g = calloc(1, sizeof(*g));
	struct vbus_region_slot slot;
	struct ioq_config evq;
	struct timespec start, now;
	const char *why;
	unsigned int i;
	int r;

	if (!g || (r = attach(dev, bus, memfd, 0))) {
		fprintf(stderr, "vbus-attach: %s: attach failed\n", bus);
		return 1;
	}
	g->region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (g->region == MAP_FAILED)
		return 1;
	if (vbus_region_read_layout(g->region, size, &g->layout, &why) < 0) {
		fprintf(stderr, "vbus-attach: bad layout: %s\n", why);
		return 1;
	}
	if (find_venet(g, &slot) <= 0) {
		fprintf(stderr, "vbus-attach: no venet slot\n");
		return 1;
	}
	evq = vbus_region_event_config(&g->layout);
	if (ioq_consumer_init(&g->evq, &evq) ||
	    queue_init(g, &g->tx, g->tx_shadow, &slot.queue[VBUS_VENET_QUEUE_TX]) ||
	    queue_init(g, &g->rx, g->rx_shadow, &slot.queue[VBUS_VENET_QUEUE_RX])) {
		fprintf(stderr, "vbus-attach: bad layout\n");
		return 1;
	}
	g->call = eventfd(0, EFD_CLOEXEC);
	g->kick = eventfd(0, EFD_CLOEXEC);
	set_eventfd(dev, VBUS_DEV_SET_CALL, 0, g->call);
	set_eventfd(dev, VBUS_DEV_SET_KICK, slot.queue[0].doorbell, g->kick);

	/* RX buffers first (second half of the data window), then frames. */
	for (i = 0; i < 16 && ioq_produce_space(&g->rx); i++) {
		struct ioq_buffer buf = {
			.offset = g->layout.data_offset + g->layout.data_size / 2 + i * 2048,
			.length = 2048,
		};
		ioq_produce_add(&g->rx, &buf);
	}
	ioq_produce_publish(&g->rx);
	for (i = 0; i < frames && ioq_produce_space(&g->tx); i++) {
		uint32_t offset = g->layout.data_offset + i * 2048;
		uint8_t *frame = g->region + offset;
		struct ioq_buffer buf = { .offset = offset, .length = length };

		memset(frame, 0xff, 6);				/* broadcast */
		memcpy(frame + 6, slot.venet.mac, 6);
		frame[12] = 0x88;				/* local experimental */
		frame[13] = 0xb5;
		memset(frame + 14, i, length - 14);
		ioq_produce_add(&g->tx, &buf);
	}
	frames = i;
	ioq_produce_publish(&g->tx);
	if (ioq_produce_should_notify(&g->tx)) {
		uint64_t one = 1;

		if (write(g->kick, &one, sizeof(one)) < 0)
			return 1;
	}
	printf("sent\n");
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		if (guest_poll(g) < 0) {
			fprintf(stderr, "vbus-attach: the host broke the ring protocol\n");
			return 1;
		}
		if (g->tx_done >= frames && g->rx_frames >= rx_want)
			break;
		guest_wait(g, 200);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < 30);
	printf("traffic tx_sent=%u tx_done=%u rx_frames=%u events=%u\n", frames, g->tx_done,
	       g->rx_frames, g->events);
	return g->tx_done >= frames && g->rx_frames >= rx_want ? 0 : 1;
}

/*
 * A hostile guest: moves the first venet slot's TX producer index further
 * ahead than the ring holds and rings; says "corrupted", then waits for
 * stdin to close and reports the state GET_INFO gives.
 */
static int cmd_hostile(const char *bus, size_t size)
{
	_cleanup_close_ int dev = dev_open();
	_cleanup_close_ int memfd = memfd_new(size, SEALS);
	_cleanup_close_ int kick = eventfd(0, EFD_CLOEXEC);
	const struct vbus_region_header *hdr;
	const struct vbus_device_slot *slot;
	struct vbus_ioq_ring *ring;
	struct vbus_dev_info info;
	uint64_t one = 1;
	uint8_t *region;
	char line[64];
	int r;

	if ((r = attach(dev, bus, memfd, 0))) {
		fprintf(stderr, "vbus-attach: %s: attach: %s\n", bus, strerror(r));
		return 1;
	}
	region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (region == MAP_FAILED)
		return 1;
	hdr = (void *)region;
	slot = (void *)(region + hdr->device_offset);
	if (slot->state != VBUS_SLOT_PRESENT)
		return 1;
	ring = (void *)(region + slot->queue[VBUS_VENET_QUEUE_TX].offset);
	set_eventfd(dev, VBUS_DEV_SET_KICK, slot->queue[0].doorbell, kick);
	__atomic_store_n(&ring->producer_index.value, ring->count * 2 + 1, __ATOMIC_RELEASE);
	if (write(kick, &one, sizeof(one)) < 0)
		return 1;
	printf("corrupted\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	if (ioctl(dev, VBUS_DEV_GET_INFO, &info) < 0)
		return 1;
	printf("hostile info_state=%u header_state=%u\n", info.state, hdr->state);
	return 0;
}

int main(int argc, char **argv)
{
	size_t size;

	if (argc < 4) {
		fprintf(stderr, "usage: vbus-attach check|hold|hostile BUS REGION_SIZE\n"
			"       vbus-attach traffic BUS REGION_SIZE FRAMES LENGTH RX_FRAMES\n"
			"       vbus-attach memlock BUS REGION_SIZE BUS2 LIMIT|cap\n");
		return 2;
	}
	size = strtoul(argv[3], NULL, 0);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argv[2], size);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argv[2], size);
	if (!strcmp(argv[1], "hostile"))
		return cmd_hostile(argv[2], size);
	if (!strcmp(argv[1], "memlock") && argc == 6)
		return cmd_memlock(argv[2], size, argv[4], argv[5]);
	if (!strcmp(argv[1], "traffic") && argc == 7)
		return cmd_traffic(argv[2], size, atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
	fprintf(stderr, "vbus-attach: unknown command %s\n", argv[1]);
	return 2;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbus-attach-race: /dev/vbus clients that race the host, for the VM tests
 * of the attachment's life and the bus state (issue 10 items 3, 4, 6):
 *   fail-loop BUS SIZE N       N attaches that must fail (a host interface
 *                              name taken) while a thread scribbles the
 *                              event queue's consumer index;
 *   hostile-attach BUS SIZE    an attach during which a thread corrupts the
 *                              first slot's TX ring as soon as it appears;
 *                              says the state GET_INFO and the header give
 *                              once the bus broke, then holds until stdin
 *                              closes;
 *   events BUS SIZE            an attachment whose guest takes no event
 *                              until told: stdin lines "pending" (say how
 *                              many events wait in the ring) and "drain"
 *                              (take every event, print it, give it back,
 *                              until the host has posted everything). */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vbus_dev.h>
#include <vbus/ioq.h>

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

static int memfd_new(size_t size)
{
	int fd = memfd_create("vbus-region", MFD_ALLOW_SEALING | MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, size) < 0 || fcntl(fd, F_ADD_SEALS, SEALS) < 0) {
		perror("vbus-attach-race: memfd");
		exit(1);
	}
	return fd;
}

static int dev_open(void)
{
	int fd = open("/dev/vbus", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("vbus-attach-race: /dev/vbus");
		exit(1);
	}
	return fd;
}

static int attach(int dev, const char *bus, int memfd)
{
	struct vbus_dev_attach req = { .memfd = memfd };

	snprintf(req.bus, sizeof(req.bus), "%s", bus);
	return ioctl(dev, VBUS_DEV_ATTACH, &req) < 0 ? errno : 0;
}

static int set_eventfd(int dev, unsigned long cmd, unsigned int vector, int fd)
{
	struct vbus_dev_eventfd req = { .vector = vector, .fd = fd };

	return ioctl(dev, cmd, &req) < 0 ? errno : 0;
}

static uint8_t *map(int memfd, size_t size)
{
	uint8_t *region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);

	if (region == MAP_FAILED) {
		perror("vbus-attach-race: mmap");
		exit(1);
	}
	return region;
}

static uint32_t le32(const volatile __le32 *p)
{
	return le32toh(*p);
}

struct scribbler {
	pthread_t thread;
	volatile uint8_t *region;
	size_t size;
	atomic_bool stop;
	unsigned long writes;
};

/* The header's field, or 0 when it is out of the region. */
static uint32_t header_offset(struct scribbler *s, const volatile __le32 *field, size_t room)
{
	uint32_t offset = le32(field);

	return offset && offset + room <= s->size ? offset : 0;
}

/* Writes garbage into the event queue's consumer index, whatever attach does. */
static void *scribble_evq(void *arg)
{
	struct scribbler *s = arg;
	volatile struct vbus_region_header *hdr = (void *)s->region;
	unsigned int seed = 1;

	while (!atomic_load(&s->stop)) {
		uint32_t offset;
		volatile struct vbus_ioq_ring *ring;

		if (le32(&hdr->magic) != VBUS_REGION_MAGIC)
			continue;
		offset = header_offset(s, &hdr->event_offset, sizeof(*ring));
		if (!offset)
			continue;
		ring = (void *)(s->region + offset);
		ring->consumer_index.value = htole32(rand_r(&seed) | 0x40000000);
		s->writes++;
	}
	return NULL;
}

/* Moves the first slot's TX producer index past the ring once it is present. */
static void *scribble_tx(void *arg)
{
	struct scribbler *s = arg;
	volatile struct vbus_region_header *hdr = (void *)s->region;

	while (!atomic_load(&s->stop)) {
		volatile struct vbus_device_slot *slot;
		volatile struct vbus_ioq_ring *ring;
		uint32_t offset;

		if (le32(&hdr->magic) != VBUS_REGION_MAGIC)
			continue;
		offset = header_offset(s, &hdr->device_offset, sizeof(*slot));
		if (!offset)
			continue;
		slot = (void *)(s->region + offset);
		if (le32(&slot->state) != VBUS_SLOT_PRESENT)
			continue;
		offset = le32(&slot->queue[VBUS_VENET_QUEUE_TX].offset);
		if (!offset || offset + sizeof(*ring) > s->size)
			continue;
		ring = (void *)(s->region + offset);
		if (le32(&ring->magic) != VBUS_IOQ_MAGIC || !le32(&ring->count))
			continue;
		ring->producer_index.value = htole32(le32(&ring->count) * 2 + 1);
		s->writes++;
	}
	return NULL;
}

static void scribbler_start(struct scribbler *s, void *(*fn)(void *), uint8_t *region,
			    size_t size)
{
	s->region = region;
	s->size = size;
	atomic_store(&s->stop, false);
	if (pthread_create(&s->thread, NULL, fn, s)) {
		fprintf(stderr, "vbus-attach-race: cannot start a thread\n");
		exit(1);
	}
}

static void scribbler_stop(struct scribbler *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
}

static int cmd_fail_loop(const char *bus, size_t size, unsigned int n)
{
	int dev = dev_open(), memfd = memfd_new(size);
	struct scribbler s;
	unsigned int i, failed = 0, attached = 0;
	int first = 0, r;

	scribbler_start(&s, scribble_evq, map(memfd, size), size);
	for (i = 0; i < n; i++) {
		r = attach(dev, bus, memfd);
		if (!r) {
			/* Not what the test set up: detach and say so. */
			attached++;
			close(dev);
			dev = dev_open();
			continue;
		}
		if (!first)
			first = r;
		if (r == first)
			failed++;
	}
	scribbler_stop(&s);
	printf("fail-loop attempts=%u failed=%u attached=%u errno=%s scribbles=%lu\n", n,
	       failed, attached, first ? strerrorname_np(first) : "0", s.writes);
	return failed == n ? 0 : 1;
}

static int info_state(int dev, uint32_t *state)
{
	struct vbus_dev_info info;

	if (ioctl(dev, VBUS_DEV_GET_INFO, &info) < 0)
		return -errno;
	*state = info.state;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int cmd_hostile_attach(const char *bus, size_t size)
{
	int dev = dev_open(), memfd = memfd_new(size);
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	uint8_t *region = map(memfd, size);
	struct vbus_region_header *hdr = (void *)region;
	struct vbus_device_slot *slot;
	struct scribbler s;
	int64_t deadline;
	int kick;
	uint32_t state = 0;
	char line[64];
	int r;

	scribbler_start(&s, scribble_tx, region, size);
	r = attach(dev, bus, memfd);
	if (r) {
		scribbler_stop(&s);
		fprintf(stderr, "vbus-attach-race: %s: attach: %s\n", bus, strerror(r));
		return 1;
	}
	/*
	 * The worker breaks the bus on the first pass that sees the corrupt
	 * ring; if its first pass came before the scribbler, the guest's
	 * doorbell (slot 0's vector) brings another: ring it while waiting,
	 * a bounded wait.
	 */
	slot = (void *)(region + le32(&hdr->device_offset));
	kick = eventfd(0, EFD_CLOEXEC);
	if (kick < 0 || set_eventfd(dev, VBUS_DEV_SET_KICK,
				    le16toh(slot->queue[VBUS_VENET_QUEUE_TX].doorbell), kick)) {
		perror("vbus-attach-race: kick");
		return 1;
	}
	deadline = now_ms() + 30000;
	while (!(r = info_state(dev, &state)) && state != VBUS_BUS_STATE_BROKEN &&
	       now_ms() < deadline) {
		if (write(kick, &(uint64_t){ 1 }, sizeof(uint64_t)) < 0)
			break;
		nanosleep(&tick, NULL);
	}
	scribbler_stop(&s);
	if (r) {
		fprintf(stderr, "vbus-attach-race: GET_INFO: %s\n", strerror(-r));
		return 1;
	}
	printf("hostile-attach info_state=%u header_state=%u\n", state, le32(&hdr->state));
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	return 0;
}

/* --- events: a guest that takes events only when told -------------------- */

struct evguest {
	uint8_t *region;
	struct vbus_region_header hdr;
	struct ioq_consumer evq;
	struct vbus_ioq_ring *ring;
	uint32_t taken;
	int call, kick;
};

static void evguest_print(struct evguest *g, const struct ioq_buffer *buf)
{
	const struct vbus_eventq_entry *e = (void *)(g->region + buf->offset);

	printf("event type=%u slot=%u device=%u\n", le16toh(e->type), le16toh(e->slot),
	       le32toh(e->device));
}

/* Takes everything the host has posted; 0 when the host stays quiet. */
static int evguest_drain(struct evguest *g)
{
	struct pollfd pfd = { .fd = g->call, .events = POLLIN };
	struct ioq_buffer buf;
	uint64_t n;
	int r;

	for (;;) {
		while ((r = ioq_consume_get(&g->evq, &buf)) > 0) {
			evguest_print(g, &buf);
			g->taken++;
			ioq_consume_put(&g->evq, &buf, 0);
		}
		if (r < 0)
			return r;
		ioq_consume_publish(&g->evq);
		if (ioq_consume_should_notify(&g->evq) &&
		    write(g->kick, &(uint64_t){ 1 }, sizeof(uint64_t)) < 0)
			return -errno;
		r = ioq_consume_enable_notify(&g->evq);
		if (r < 0)
			return r;
		if (r)
			continue;
		/* The host answers a give-back with what it had waiting. */
		if (poll(&pfd, 1, 2000) <= 0)
			return 0;
		if (read(g->call, &n, sizeof(n)) < 0)
			return -errno;
	}
}

static int cmd_events(const char *bus, size_t size)
{
	int dev = dev_open(), memfd = memfd_new(size);
	struct evguest g = { .region = map(memfd, size) };
	struct ioq_config evq;
	char line[64];
	int r;

	r = attach(dev, bus, memfd);
	if (r) {
		fprintf(stderr, "vbus-attach-race: %s: attach: %s\n", bus, strerror(r));
		return 1;
	}
	memcpy(&g.hdr, g.region, sizeof(g.hdr));
	evq = (struct ioq_config) {
		.region = g.region, .region_size = g.hdr.size,
		.ring_offset = g.hdr.event_offset, .count = g.hdr.event_count,
		.buffer_start = g.hdr.event_entry_offset,
		.buffer_end = g.hdr.event_entry_offset +
			      g.hdr.event_count * sizeof(struct vbus_eventq_entry),
	};
	if (ioq_consumer_init(&g.evq, &evq)) {
		fprintf(stderr, "vbus-attach-race: bad event queue\n");
		return 1;
	}
	g.ring = (void *)(g.region + g.hdr.event_offset);
	g.call = eventfd(0, EFD_CLOEXEC);
	g.kick = eventfd(0, EFD_CLOEXEC);
	if (set_eventfd(dev, VBUS_DEV_SET_CALL, 0, g.call) ||
	    set_eventfd(dev, VBUS_DEV_SET_KICK, VBUS_DEV_EVENTQ_VECTOR, g.kick)) {
		fprintf(stderr, "vbus-attach-race: eventfds: %m\n");
		return 1;
	}
	printf("attached slots=%u events=%u\n", g.hdr.device_count, g.hdr.event_count);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, "pending\n")) {
			uint32_t produced = le32toh(__atomic_load_n(&g.ring->producer_index.value,
								    __ATOMIC_ACQUIRE));

			printf("pending %u\n", produced - g.taken);
		} else if (!strcmp(line, "drain\n")) {
			r = evguest_drain(&g);
			if (r < 0) {
				fprintf(stderr, "vbus-attach-race: event queue: %s\n",
					strerror(-r));
				return 1;
			}
			printf("drained %u\n", g.taken);
		} else {
			fprintf(stderr, "vbus-attach-race: unknown command %s", line);
			return 1;
		}
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t size;

	if (argc < 4) {
		fprintf(stderr, "usage: vbus-attach-race fail-loop BUS REGION_SIZE N\n"
			"       vbus-attach-race hostile-attach|events BUS REGION_SIZE\n");
		return 2;
	}
	size = strtoul(argv[3], NULL, 0);
	if (!strcmp(argv[1], "fail-loop") && argc == 5)
		return cmd_fail_loop(argv[2], size, strtoul(argv[4], NULL, 0));
	if (!strcmp(argv[1], "hostile-attach"))
		return cmd_hostile_attach(argv[2], size);
	if (!strcmp(argv[1], "events"))
		return cmd_events(argv[2], size);
	fprintf(stderr, "vbus-attach-race: unknown command %s\n", argv[1]);
	return 2;
}

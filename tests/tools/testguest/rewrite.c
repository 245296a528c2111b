/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rewrite: the copy-vs-filter race of a zero-copy frame, made deterministic.
 * Sends one frame given as bytes (FILE.a), says "sent", waits for a line on
 * stdin (the test holds the frame in a qdisc after the host's filters saw
 * it), then overwrites the same TX buffer with FILE.b (same length) — what a
 * hostile guest can do to its own pages at any time — says "rewritten", and
 * waits until the host gives the buffer back. What leaves the host must be
 * what its filters checked: the headers must not come from guest memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

/* Reads PREFIX.SUFFIX into buffer: its length, or a negative errno. */
static long read_frame(struct guest *g, const char *prefix, const char *suffix, uint8_t *buffer,
		       size_t size)
{
	char path[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s.%s", prefix, suffix);
	f = fopen(path, "re");
	if (!f)
		return guest_fail(g, -errno, "%s: cannot open: %s", path, strerror(errno));
	n = fread(buffer, 1, size, f);
	fclose(f);
	if (!n || n == size)
		return guest_fail(g, -EINVAL, "%s: a frame of 1..%zu bytes expected", path,
				  size - 1);
	return n;
}

static void say(const char *what)
{
	char line[16];

	printf("%s\n", what);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		clearerr(stdin);
}

int guest_rewrite(struct guest *g, const char *prefix)
{
	struct guest_queue *q = &g->tx;
	static uint8_t a[FRAME_MAX + 1], b[FRAME_MAX + 1];
	struct ioq_buffer buf;
	long length, other;
	int reclaimed;
	uint8_t *where;
	int r;

	length = read_frame(g, prefix, "a", a, sizeof(a));
	if (length < 0)
		return length;
	other = read_frame(g, prefix, "b", b, sizeof(b));
	if (other < 0)
		return other;
	if (other != length || (uint32_t)length > q->buffer_size)
		return guest_fail(g, -EINVAL, "the frames must have one length, at most %u bytes",
				  q->buffer_size);
	guest_ready(g);
	buf = (struct ioq_buffer) {
		.offset = q->buffer_offset + q->producer.head % q->buffers * q->buffer_size,
		.length = length,
	};
	where = (uint8_t *)g->layout.region + buf.offset;
	memcpy(where, a, length);
	r = ioq_produce_add(&q->producer, &buf);
	if (r < 0)
		return guest_fail(g, r, "TX: cannot add a buffer");
	ioq_produce_publish(&q->producer);
	r = guest_kick(g, q->where.doorbell);
	if (r < 0)
		return r;
	g->counters.frames_sent++;
	g->counters.bytes_sent += length;
	say("sent");
	memcpy(where, b, length);
	printf("rewritten\n");
	fflush(stdout);
	/* The buffer comes back once the frame is gone (sent or dropped). */
	for (reclaimed = 0; !reclaimed; reclaimed += r) {
		r = guest_poll_events(g);
		if (r >= 0)
			r = guest_tx_reclaim(g);
		if (r < 0)
			return r;
		if (!r) {
			r = guest_wait(g, true, false);
			if (r < 0)
				return r;
			r = 0;
		}
	}
	return 0;
}

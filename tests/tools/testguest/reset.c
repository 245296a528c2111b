/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test guest's side of the reset handshake (vbus_ring.h "Reset"): ask
 * through the region, wait for the host's answer, start again from the
 * fresh layout and wait for the device to be announced again. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

#define RESET_POLL_MS	100

/* Sleeps on the bus interrupt for at most RESET_POLL_MS, and takes it. */
static void wait_interrupt(struct guest *g)
{
	struct pollfd pfd = { .fd = g->call, .events = POLLIN };
	uint64_t value;

	if (poll(&pfd, 1, RESET_POLL_MS) > 0 &&
	    read(g->call, &value, sizeof(value)) == sizeof(value)) {
		g->counters.interrupts++;
		g->counters.interrupt_signals += value;
	}
}

/* The host announces every device again: wait for ours. */
static int wait_announced(struct guest *g, uint64_t added_before, double deadline)
{
	int r;

	for (;;) {
		r = guest_poll_events(g);
		if (r < 0)
			return r;
		if (g->counters.events_added > added_before)
			return 0;
		if (guest_now() > deadline)
			return guest_fail(g, -ETIMEDOUT, "no DEVICE_ADDED after the reset");
		wait_interrupt(g);
	}
}

int guest_reset(struct guest *g)
{
	struct guest_counters counters = g->counters;
	struct guest_options options = g->options;
	int (*host_broken)(void *context) = g->host_broken;
	void *host_context = g->host_context;
	void *region = g->layout.region;
	uint32_t size = g->layout.size, request;
	int kick[VBUS_REGION_VECTORS_MAX];
	double deadline = guest_now() + g->options.timeout_ms / 1000.0;
	int call = g->call, r;

	memcpy(kick, g->kick, sizeof(kick));
	request = vbus_region_reset_ask(region);
	r = guest_kick(g, VBUS_DEV_EVENTQ_VECTOR);
	if (r < 0)
		return r;
	counters.doorbells = g->counters.doorbells;
	while (!vbus_region_reset_done(region, request)) {
		if (guest_now() > deadline)
			return guest_fail(g, -ETIMEDOUT, "the host did not serve reset request %u",
					  request);
		wait_interrupt(g);
	}
	counters.interrupts = g->counters.interrupts;
	counters.interrupt_signals = g->counters.interrupt_signals;
	/* The old handles are void: everything again from the new layout. */
	guest_free(g);
	r = guest_init(g, region, size, kick, call, &options);
	g->counters = counters;
	g->counters.resets++;
	g->host_broken = host_broken;
	g->host_context = host_context;
	if (r < 0)
		return r;
	return wait_announced(g, counters.events_added, deadline);
}

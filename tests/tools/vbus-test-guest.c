/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbus-test-guest: a process that is the guest of one bus through /dev/vbus:
 * sends or receives verified frames on a venet device, or attacks the host
 * as a hostile guest; prints its counters. See the usage text. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "testguest/attach.h"
#include "testguest/guest.h"
#include "testguest/report.h"
#include "macro.h"

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
};

/* A broken bus gets the time for one more try at the end of hostile mode. */
#define HOSTILE_GRACE	20.0

struct invocation {
	const char *bus;
	bool json;
	uint64_t seed;
	bool also, no_rx;		/* stream: also_mac set; sink: post nothing */
	uint8_t also_mac[6];
	struct guest_options options;
	struct attachment *attachment;
};

struct command {
	const char *name;
	int (*run)(struct guest *g, const char *argument, const struct invocation *invocation);
	const char *argument;
	const char *help;
};

static int parse_u64(const char *text, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 0);
	return errno || end == text || *end || *text == '-' ? -EINVAL : 0;
}

static int run_send(struct guest *g, const char *argument, const struct invocation *invocation)
{
	uint64_t count;

	(void)invocation;
	if (parse_u64(argument, &count) < 0)
		return -EINVAL;
	return guest_send(g, count);
}

static int run_receive(struct guest *g, const char *argument, const struct invocation *invocation)
{
	uint64_t count;

	(void)invocation;
	if (parse_u64(argument, &count) < 0)
		return -EINVAL;
	return guest_receive(g, count);
}

static int run_stream(struct guest *g, const char *argument, const struct invocation *inv)
{
	uint64_t seconds;

	if (parse_u64(argument, &seconds) < 0 || !seconds)
		return -EINVAL;
	return guest_stream(g, seconds, inv->also ? inv->also_mac : NULL);
}

static int run_sink(struct guest *g, const char *argument, const struct invocation *inv)
{
	(void)argument;
	return guest_sink(g, !inv->no_rx);
}

/* Attaches again after the host broke the bus: a fresh layout to attack. */
static int reattach(struct guest *g, const struct invocation *inv)
{
	struct attachment *a = inv->attachment;
	char error[256];
	int r;

	attach_close(a);
	r = attach(inv->bus, a, error, sizeof(error));
	if (r < 0)
		return guest_fail(g, r, "attach again: %s", error);
	r = guest_init(g, a->region, a->size, a->kick, a->call, &inv->options);
	if (r < 0)
		return r;
	g->host_broken = attach_broken;
	g->host_context = a;
	return 0;
}

/*
 * Rounds of attack, each until the host breaks the bus, then detach and
 * attach again, for the given seconds; the last round runs on (up to
 * HOSTILE_GRACE) until the bus is broken, so that a run ends broken.
 */
static int run_hostile(struct guest *g, const char *argument, const struct invocation *inv)
{
	struct guest_counters total = { 0 };
	uint64_t seconds, state = inv->seed;
	double end;
	int r;

	if (parse_u64(argument, &seconds) < 0)
		return -EINVAL;
	g->host_broken = attach_broken;
	g->host_context = inv->attachment;
	guest_ready(g);
	end = guest_now() + seconds;
	for (;;) {
		r = guest_hostile(g, guest_now() < end ? end : end + HOSTILE_GRACE, &state);
		g->counters.rounds = 1;
		g->counters.breaks = r;
		report_add(&total, &g->counters);
		if (guest_now() >= end && (r || guest_now() >= end + HOSTILE_GRACE))
			break;
		if (r) {
			r = reattach(g, inv);
			if (r < 0)
				break;
		}
	}
	g->counters = total;
	return r < 0 ? r : 0;
}

/* Asks for a reset, then sends N frames through the fresh layout. */
static int run_reset(struct guest *g, const char *argument, const struct invocation *inv)
{
	uint64_t count;
	int r;

	(void)inv;
	if (parse_u64(argument, &count) < 0)
		return -EINVAL;
	r = guest_reset(g);
	return r < 0 ? r : guest_send(g, count);
}

/*
 * Attacks until the host breaks the bus, then asks for a reset without
 * detaching and sends N frames: a broken bus works again after its guest
 * reset.
 */
static int run_recover(struct guest *g, const char *argument, const struct invocation *inv)
{
	uint64_t count, state = inv->seed;
	int r;

	if (parse_u64(argument, &count) < 0)
		return -EINVAL;
	g->host_broken = attach_broken;
	g->host_context = inv->attachment;
	r = guest_hostile(g, guest_now() + HOSTILE_GRACE, &state);
	g->counters.rounds = 1;
	g->counters.breaks = r;
	if (!r)
		return guest_fail(g, -ETIMEDOUT, "the host did not break the bus in %.0f s",
				  HOSTILE_GRACE);
	r = guest_reset(g);
	if (r < 0)
		return r;
	if (attach_broken(inv->attachment))
		return guest_fail(g, -EPROTO, "the bus is still broken after the reset");
	return guest_send(g, count);
}

static int run_rewrite(struct guest *g, const char *argument, const struct invocation *inv)
{
	(void)inv;
	return guest_rewrite(g, argument);
}

static int run_info(struct guest *g, const char *argument, const struct invocation *invocation)
{
	(void)argument;
	(void)invocation;
	printf("bus_name %s\n", g->layout.name);
	if (g->layout.has_uuid)
		printf("bus_uuid %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		       "%02x%02x%02x%02x%02x%02x\n", g->layout.uuid[0], g->layout.uuid[1],
		       g->layout.uuid[2], g->layout.uuid[3], g->layout.uuid[4], g->layout.uuid[5],
		       g->layout.uuid[6], g->layout.uuid[7], g->layout.uuid[8], g->layout.uuid[9],
		       g->layout.uuid[10], g->layout.uuid[11], g->layout.uuid[12],
		       g->layout.uuid[13], g->layout.uuid[14], g->layout.uuid[15]);
	printf("region_size %u\ndevice_count %u\nevent_count %u\ndata_offset %u\ndata_size %u\n"
	       "slot %u\ndevice_id %u\nmac %02x:%02x:%02x:%02x:%02x:%02x\nmtu %u\n"
	       "tx_count %u\nrx_count %u\ntx_doorbell %u\nrx_doorbell %u\nbuffers %u\n",
	       g->layout.size, g->layout.device_count, g->layout.event_count,
	       g->layout.data_offset, g->layout.data_size, g->slot.index, g->slot.id,
	       g->slot.venet.mac[0], g->slot.venet.mac[1], g->slot.venet.mac[2], g->slot.venet.mac[3], g->slot.venet.mac[4],
	       g->slot.venet.mac[5], g->slot.venet.mtu, g->tx.where.count, g->rx.where.count,
	       g->tx.where.doorbell, g->rx.where.doorbell, g->tx.buffers);
	return 0;
}

static const struct command commands[] = {
	{ "send", run_send, "N", "send N frames to the host, wait until all came back" },
	{ "receive", run_receive, "N", "receive and verify N frames from the host" },
	{ "hostile", run_hostile, "SECONDS",
	  "corrupt the region while sending, ring doorbells; re-attach when broken" },
	{ "stream", run_stream, "SECONDS",
	  "send to the host for SECONDS (and to --also-mac), report the slowest second" },
	{ "sink", run_sink, "", "drain received frames (--no-rx: post no buffer) until stdin speaks" },
	{ "reset", run_reset, "N", "ask the host for a reset, then send N frames" },
	{ "recover", run_recover, "N",
	  "corrupt the region until the bus breaks, reset, then send N frames" },
	{ "rewrite", run_rewrite, "PREFIX",
	  "send the frame PREFIX.a; after a line on stdin, rewrite its buffer with PREFIX.b" },
	{ "info", run_info, "", "print the layout the host wrote" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: vbus-test-guest [OPTIONS] BUS COMMAND [ARGUMENT]\n\nCommands:\n");
	for (i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(out, "  %-8s %-8s %s\n", commands[i].name, commands[i].argument,
			commands[i].help);
	fprintf(out,
		"\nOptions:\n"
		"  -j, --json             print the counters as JSON\n"
		"  --device ID            drive the venet device with this id (default: the first)\n"
		"  --size BYTES           frame size on the wire for send (default 128)\n"
		"  --dst-mac MAC          destination MAC of sent frames (default broadcast)\n"
		"  --guest-ip A, --host-ip A, --port P   the frames' UDP/IPv4 endpoints\n"
		"                         (default 10.77.0.2, 10.77.0.1, %u)\n"
		"  --timeout-ms MS        give up after MS without progress (default %u)\n"
		"  --poll-us N            poll this many microseconds before sleeping, 0 never\n"
		"                         (default %u, the bus default)\n"
		"  --window N             at most N TX buffers in flight (default: a ring's worth)\n"
		"  --seed S               hostile: the random seed (default 1)\n"
		"  --also-mac MAC         stream: every other frame to MAC instead of the host\n"
		"  --no-rx                sink: never post a receive buffer (a hung guest)\n"
		"  --ready                print \"ready\" once attached (receive: buffers posted),\n"
		"                         then wait for a line on stdin before moving frames\n"
		"\nExit status: 0 success, 1 failure, 2 usage error.\n",
		FRAME_PORT_DEFAULT, GUEST_TIMEOUT_DEFAULT, GUEST_POLL_US_DEFAULT);
}

static int usage_error(const char *what, const char *value)
{
	fprintf(stderr, "vbus-test-guest: %s%s%s\n", what, value ? ": " : "", value ? value : "");
	usage(stderr);
	return EXIT_USAGE;
}

static int parse_ip(const char *text, struct in_addr *a, struct in_addr *b)
{
	if (inet_pton(AF_INET, text, a) != 1)
		return -EINVAL;
	*b = *a;
	return 0;
}

static int parse_options(int argc, char **argv, struct invocation *inv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "size", required_argument, NULL, 's' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "guest-ip", required_argument, NULL, 'g' },
		{ "host-ip", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "poll-us", required_argument, NULL, 'S' },
		{ "window", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 'r' },
		{ "ready", no_argument, NULL, 'R' },
		{ "also-mac", required_argument, NULL, 'A' },
		{ "no-rx", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct guest_options *o = &inv->options;
	uint64_t value = 0;
	int c, r = 0;

	while ((c = getopt_long(argc, argv, "jh", options, NULL)) != -1) {
		if (strchr("dstpSrw", c) && parse_u64(optarg, &value) < 0)
			return usage_error("not a number", optarg);
		switch (c) {
		case 'j': inv->json = true; break;
		case 'd': o->device_id = value; break;
		case 's': o->frame_size = value; break;
		case 'm': r = frame_parse_mac(optarg, o->to_host.destination_mac); break;
		case 'g': r = parse_ip(optarg, &o->to_host.source_ip, &o->from_host.destination_ip);
			break;
		case 'H': r = parse_ip(optarg, &o->to_host.destination_ip, &o->from_host.source_ip);
			break;
		case 'p': o->to_host.port = o->from_host.port = value; break;
		case 't': o->timeout_ms = value; break;
		case 'S': o->poll_us = value; break;
		case 'w': o->window = value; break;
		case 'r': inv->seed = value; break;
		case 'R': o->announce = true; break;
		case 'A': r = frame_parse_mac(optarg, inv->also_mac); inv->also = true; break;
		case 'N': inv->no_rx = true; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		default: return EXIT_USAGE;
		}
		if (r < 0)
			return usage_error("bad value", optarg);
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct invocation inv = { .seed = 1 };
	const struct command *command = NULL;
	static struct guest guest;
	struct attachment a;
	char error[256];
	size_t i;
	int r;

	inv.options.device_id = -1;
	inv.options.poll_us = GUEST_POLL_US_DEFAULT;
	frame_endpoints_default(&inv.options.to_host, true);
	frame_endpoints_default(&inv.options.from_host, false);
	r = parse_options(argc, argv, &inv);
	if (r != EXIT_OK)
		return r;
	if (argc - optind < 2)
		return usage_error("missing BUS or COMMAND", NULL);
	inv.bus = argv[optind];
	for (i = 0; i < ELEMENTSOF(commands); i++)
		if (!strcmp(argv[optind + 1], commands[i].name))
			command = &commands[i];
	if (!command)
		return usage_error("unknown command", argv[optind + 1]);
	if ((*command->argument != 0) != (argc - optind == 3))
		return usage_error(*command->argument ? "missing argument" : "extra argument",
				   command->name);

	inv.attachment = &a;
	r = attach(inv.bus, &a, error, sizeof(error));
	if (r < 0) {
		fprintf(stderr, "vbus-test-guest: %s: attach failed: %s\n", inv.bus, error);
		attach_close(&a);
		return EXIT_FAILED;
	}
	r = guest_init(&guest, a.region, a.size, a.kick, a.call, &inv.options);
	if (r < 0) {
		fprintf(stderr, "vbus-test-guest: %s: the host's layout is unusable: %s\n", inv.bus,
			guest.error);
		attach_close(&a);
		return EXIT_FAILED;
	}
	r = command->run(&guest, argv[optind + 2], &inv);
	if (r == -EINVAL && !*guest.error) {
		attach_close(&a);
		return usage_error("not a number", argv[optind + 2]);
	}
	if (command->run != run_info) {
		guest.counters.doorbells_suppressed = guest.tx.producer.q.stats.suppressed +
						      guest.rx.producer.q.stats.suppressed;
		report_print(command->name, &guest, inv.json);
	}
	if (r < 0)
		fprintf(stderr, "vbus-test-guest: %s: %s failed: %s\n", inv.bus, command->name,
			guest.error);
	guest_free(&guest);
	attach_close(&a);
	return r < 0 ? EXIT_FAILED : EXIT_OK;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbus-frames: the host side of the test guest's traffic. "send" writes
 * test frames out of a vbt-* interface with AF_PACKET; "receive" counts and
 * verifies the guest's frames on a UDP socket. Same frame code as the guest. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "testguest/frame.h"

#define SEND_BUFFER	(256 << 10)	/* frames queued at once: well under txqlen */
#define RECEIVE_BUFFER	(64 << 20)
#define BATCH		64

struct settings {
	struct frame_endpoints endpoints;
	uint32_t size;
	int timeout_ms;
	bool until_idle;		/* receive: N is a bound, stop when idle */
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int fail(const char *what, int error)
{
	fprintf(stderr, "vbus-frames: %s: %s\n", what, strerror(error));
	return 1;
}

/*
 * A small send buffer is the flow control: a blocking send waits until the
 * device has taken earlier frames, so the qdisc never overflows and every
 * frame that is lost is lost by the device.
 */
static int command_send(const char *ifname, uint64_t count, const struct settings *s)
{
	struct sockaddr_ll address = { .sll_family = AF_PACKET, .sll_halen = 6 };
	int fd, buffer = SEND_BUFFER;
	uint8_t frame[FRAME_MAX];
	uint64_t sequence;
	double start;

	address.sll_ifindex = if_nametoindex(ifname);
	if (!address.sll_ifindex)
		return fail(ifname, errno);
	memcpy(address.sll_addr, s->endpoints.destination_mac, 6);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("AF_PACKET socket", errno);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
	start = now();
	for (sequence = 0; sequence < count; sequence++) {
		frame_build(frame, s->size, &s->endpoints, sequence);
		while (sendto(fd, frame, s->size, 0, (struct sockaddr *)&address,
			      sizeof(address)) < 0) {
			if (errno != ENOBUFS && errno != EINTR)
				return fail("sendto", errno);
			/* The qdisc refused it (it should not): wait for room. */
			poll(NULL, 0, 1);
		}
	}
	printf("sent %llu frames in %.3f s\n", (unsigned long long)count, now() - start);
	close(fd);
	return 0;
}

struct tally {
	uint64_t received, bad, foreign, duplicate;
	uint8_t *seen;
};

static void tally_payload(struct tally *t, const uint8_t *payload, uint32_t length,
			  uint64_t count)
{
	uint64_t sequence;
	int r = frame_payload_check(payload, length, &sequence);

	if (r == -ENOMSG)
		t->foreign++;
	else if (r < 0 || sequence >= count)
		t->bad++;
	else if (t->seen[sequence / 8] & 1 << sequence % 8)
		t->duplicate++;
	else {
		t->seen[sequence / 8] |= 1 << sequence % 8;
		t->received++;
	}
}

static int command_receive(uint64_t count, const struct settings *s)
{
	struct sockaddr_in address = {
		.sin_family = AF_INET,
		.sin_addr = s->endpoints.destination_ip,
		.sin_port = htons(s->endpoints.port),
	};
	static uint8_t buffers[BATCH][FRAME_MAX];
	struct mmsghdr messages[BATCH];
	struct iovec iov[BATCH];
	struct tally t = { 0 };
	struct pollfd pfd;
	int fd, n, i, buffer = RECEIVE_BUFFER;
	double start = 0;

	t.seen = calloc(count / 8 + 1, 1);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!t.seen || fd < 0)
		return fail("UDP socket", errno);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
	if (bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		return fail("bind", errno);
	printf("ready\n");
	fflush(stdout);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (t.received < count) {
		n = poll(&pfd, 1, s->timeout_ms);
		if (n == 0)
			break;
		for (i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ buffers[i], FRAME_MAX };
			messages[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i],
								     .msg_iovlen = 1 } };
		}
		n = recvmmsg(fd, messages, BATCH, MSG_DONTWAIT, NULL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return fail("recvmmsg", errno);
		if (n > 0 && !start)
			start = now();
		for (i = 0; i < n; i++)
			tally_payload(&t, buffers[i], messages[i].msg_len, count);
	}
	printf("received %llu bad %llu foreign %llu duplicate %llu seconds %.3f\n",
	       (unsigned long long)t.received, (unsigned long long)t.bad,
	       (unsigned long long)t.foreign, (unsigned long long)t.duplicate,
	       start ? now() - start : 0);
	close(fd);
	free(t.seen);
	return (t.received == count || s->until_idle) && !t.bad && !t.duplicate ? 0 : 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vbus-frames [OPTIONS] send IFNAME N   send N test frames out of IFNAME\n"
		"       vbus-frames [OPTIONS] receive N       receive N on UDP, verify, print\n"
		"Options: --size BYTES (default 128), --dst-mac MAC, --src-mac MAC,\n"
		"  --guest-ip A (10.77.0.2), --host-ip A (10.77.0.1), --port P (%u),\n"
		"  --timeout-ms MS (receive: give up after MS without a frame; 10000),\n"
		"  --until-idle (receive: sequences below N, as many as come until MS\n"
		"  without a frame; none may be bad or duplicate)\n"
		"Exit status: 0 every frame arrived intact, 1 otherwise, 2 usage error.\n",
		FRAME_PORT_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "size", required_argument, NULL, 's' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "src-mac", required_argument, NULL, 'M' },
		{ "guest-ip", required_argument, NULL, 'g' },
		{ "host-ip", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "until-idle", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct settings s = { .size = 128, .timeout_ms = 10000 };
	struct in_addr guest, host;
	int c, r = 0;

	/* send goes host -> guest, receive takes guest -> host. */
	frame_endpoints_default(&s.endpoints, false);
	guest = s.endpoints.destination_ip;
	host = s.endpoints.source_ip;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's': s.size = strtoul(optarg, NULL, 0); break;
		case 'm': r = frame_parse_mac(optarg, s.endpoints.destination_mac); break;
		case 'M': r = frame_parse_mac(optarg, s.endpoints.source_mac); break;
		case 'g': r = inet_pton(AF_INET, optarg, &guest) == 1 ? 0 : -1; break;
		case 'H': r = inet_pton(AF_INET, optarg, &host) == 1 ? 0 : -1; break;
		case 'p': s.endpoints.port = strtoul(optarg, NULL, 0); break;
		case 't': s.timeout_ms = strtoul(optarg, NULL, 0); break;
		case 'I': s.until_idle = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (r < 0) {
			fprintf(stderr, "vbus-frames: bad value: %s\n", optarg);
			return 2;
		}
	}
	if (argc - optind == 3 && !strcmp(argv[optind], "send")) {
		s.endpoints.source_ip = host;
		s.endpoints.destination_ip = guest;
		if (s.size < FRAME_MIN || s.size > FRAME_MAX) {
			fprintf(stderr, "vbus-frames: --size outside [%u, %u]\n", FRAME_MIN,
				FRAME_MAX);
			return 2;
		}
		return command_send(argv[optind + 1], strtoull(argv[optind + 2], NULL, 0), &s);
	}
	if (argc - optind == 2 && !strcmp(argv[optind], "receive")) {
		s.endpoints.source_ip = guest;
		s.endpoints.destination_ip = host;
		return command_receive(strtoull(argv[optind + 1], NULL, 0), &s);
	}
	usage(stderr);
	return 2;
}

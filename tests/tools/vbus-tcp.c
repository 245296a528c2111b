/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vbus-tcp: verified TCP traffic for the guest-driver tests and benchmark.
 *
 *   vbus-tcp sink PORT                  accept one stream, verify every byte
 *   vbus-tcp source HOST PORT BYTES     send BYTES of the pattern
 *   vbus-tcp echo PORT                  accept one connection, echo messages
 *   vbus-tcp rr HOST PORT COUNT [SIZE]  COUNT request/response round trips
 *
 * The stream is a pattern every byte of which depends on its position
 * (a 64-bit LCG per 8-byte word), so a lost, repeated, reordered or
 * corrupted byte is found where it happens. Each side prints one line of
 * key=value figures (bytes, seconds, Mb/s, transactions/s, CPU seconds of
 * the process) and exits 1 on any mismatch or error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static uint64_t pattern_word(uint64_t index)
{
	uint64_t x = index * 6364136223846793005ULL + 1442695040888963407ULL;

	x ^= x >> 29;
	return x * 0xbf58476d1ce4e5b9ULL;
}

static uint8_t pattern_byte(uint64_t position)
{
	return (uint8_t)(pattern_word(position / 8) >> (8 * (position % 8)));
}

static void pattern_fill(uint8_t *buf, uint64_t position, size_t length)
{
	uint64_t word = pattern_word(position / 8);
	size_t i;

	for (i = 0; i < length; i++, position++) {
		if (position % 8 == 0)
			word = pattern_word(position / 8);
		buf[i] = (uint8_t)(word >> (8 * (position % 8)));
	}
}

/* The offset of the first byte of buf that is not the pattern, or length. */
static size_t pattern_check(const uint8_t *buf, uint64_t position, size_t length)
{
	uint64_t word = pattern_word(position / 8);
	size_t i;

	for (i = 0; i < length; i++, position++) {
		if (position % 8 == 0)
			word = pattern_word(position / 8);
		if (buf[i] != (uint8_t)(word >> (8 * (position % 8))))
			return i;
	}
	return length;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static int die(const char *what)
{
	fprintf(stderr, "vbus-tcp: %s: %s\n", what, strerror(errno));
	return 1;
}

static int listen_one(const char *port)
{
	struct sockaddr_in6 addr = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	int s, c, one = 1;

	addr.sin6_port = htons(atoi(port));
	s = socket(AF_INET6, SOCK_STREAM, 0);
	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) || listen(s, 1))
		return -1;
	/* Ready: the test waits for this line before it connects. */
	printf("listening port=%s\n", port);
	fflush(stdout);
	c = accept(s, NULL, NULL);
	close(s);
	return c;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *p;
	int s = -1, r;

	r = getaddrinfo(host, port, &hints, &ai);
	if (r) {
		fprintf(stderr, "vbus-tcp: %s: %s\n", host, gai_strerror(r));
		return -1;
	}
	for (p = ai; p; p = p->ai_next) {
		s = socket(p->ai_family, p->ai_socktype, p->ai_protocol);
		if (s >= 0 && !connect(s, p->ai_addr, p->ai_addrlen))
			break;
		if (s >= 0)
			close(s);
		s = -1;
	}
	freeaddrinfo(ai);
	return s;
}

static int sink(const char *port)
{
	static uint8_t buf[CHUNK];
	uint64_t position = 0;
	double start = 0, cpu;
	ssize_t n, i;
	int s;

	s = listen_one(port);
	if (s < 0)
		return die("accept");
	cpu = cpu_seconds();
	for (;;) {
		n = read(s, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return die("read");
		if (!n)
			break;
		if (!position)
			start = now();
		i = pattern_check(buf, position, n);
		if (i < n) {
			fprintf(stderr, "vbus-tcp: byte %llu is %#x, not %#x\n",
				(unsigned long long)(position + i), buf[i],
				pattern_byte(position + i));
			return 1;
		}
		position += n;
	}
	printf("received bytes=%llu seconds=%.3f mbps=%.1f cpu=%.2f verified=yes\n",
	       (unsigned long long)position, now() - start,
	       position * 8 / 1e6 / (now() - start + 1e-9), cpu_seconds() - cpu);
	return 0;
}

static int source(const char *host, const char *port, uint64_t bytes)
{
	static uint8_t buf[CHUNK];
	uint64_t position = 0;
	double start, cpu;
	ssize_t n;
	size_t length;
	int s;

	s = connect_to(host, port);
	if (s < 0)
		return die("connect");
	start = now();
	cpu = cpu_seconds();
	while (position < bytes) {
		length = bytes - position < CHUNK ? bytes - position : CHUNK;
		pattern_fill(buf, position, length);
		n = write(s, buf, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return die("write");
		position += n;
	}
	shutdown(s, SHUT_WR);
	/* The sink closes once it has read everything. */
	while (read(s, buf, sizeof(buf)) > 0)
		;
	printf("sent bytes=%llu seconds=%.3f mbps=%.1f cpu=%.2f\n", (unsigned long long)bytes,
	       now() - start, bytes * 8 / 1e6 / (now() - start + 1e-9), cpu_seconds() - cpu);
	return 0;
}

static int full(int s, uint8_t *buf, size_t length, int writing)
{
	size_t done = 0;
	ssize_t n;

	while (done < length) {
		n = writing ? write(s, buf + done, length - done) : read(s, buf + done, length - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static int echo(const char *port)
{
	uint8_t buf[CHUNK];
	ssize_t n;
	int s, one = 1;

	s = listen_one(port);
	if (s < 0)
		return die("accept");
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while ((n = read(s, buf, sizeof(buf))) > 0)
		if (full(s, buf, n, 1))
			return die("write");
	return n < 0 ? die("read") : 0;
}

static int rr(const char *host, const char *port, unsigned long count, size_t size)
{
	uint8_t out[CHUNK], in[CHUNK];
	unsigned long i;
	double start, cpu, elapsed;
	int s, one = 1;

	if (!size || size > CHUNK) {
		fprintf(stderr, "vbus-tcp: size must be 1..%d\n", CHUNK);
		return 1;
	}
	s = connect_to(host, port);
	if (s < 0)
		return die("connect");
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	start = now();
	cpu = cpu_seconds();
	for (i = 0; i < count; i++) {
		pattern_fill(out, i * size, size);
		if (full(s, out, size, 1) || full(s, in, size, 0))
			return die("round trip");
		if (memcmp(in, out, size)) {
			fprintf(stderr, "vbus-tcp: round trip %lu came back changed\n", i);
			return 1;
		}
	}
	elapsed = now() - start;
	printf("rr transactions=%lu seconds=%.3f tps=%.0f latency_us=%.1f cpu=%.2f verified=yes\n",
	       count, elapsed, count / elapsed, elapsed / count * 1e6, cpu_seconds() - cpu);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "sink"))
		return sink(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "source"))
		return source(argv[2], argv[3], strtoull(argv[4], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "echo"))
		return echo(argv[2]);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "rr"))
		return rr(argv[2], argv[3], strtoul(argv[4], NULL, 0),
			  argc == 6 ? strtoul(argv[5], NULL, 0) : 1);
	fprintf(stderr, "usage: vbus-tcp sink PORT | source HOST PORT BYTES | echo PORT |\n"
			"       rr HOST PORT COUNT [SIZE]\n");
	return 2;
}

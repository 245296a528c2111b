/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test frames vbus-test-guest and vbus-frames exchange: UDP/IPv4 in
 * Ethernet, with a payload that carries a sequence number and a checksum. */
#ifndef VBUS_TESTGUEST_FRAME_H
#define VBUS_TESTGUEST_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#define FRAME_MAGIC		0x47544256u	/* "VBTG" */
#define FRAME_HEADERS		(14 + 20 + 8)	/* Ethernet, IPv4, UDP */
#define FRAME_PAYLOAD_HEADER	20
#define FRAME_MIN		(FRAME_HEADERS + FRAME_PAYLOAD_HEADER)
#define FRAME_MAX		65535
#define FRAME_PORT_DEFAULT	47000

/* Who a frame goes from and to. */
struct frame_endpoints {
	uint8_t source_mac[6];
	uint8_t destination_mac[6];
	struct in_addr source_ip;
	struct in_addr destination_ip;
	uint16_t port;			/* UDP, both ends */
};

/* The defaults: guest 10.77.0.2, host 10.77.0.1, broadcast MACs. */
void frame_endpoints_default(struct frame_endpoints *endpoints, bool to_host);

int frame_parse_mac(const char *text, uint8_t mac[6]);

/* Writes the frame of sequence into buffer (length bytes, at least
 * FRAME_MIN); returns length or -EINVAL. */
int frame_build(void *buffer, uint32_t length, const struct frame_endpoints *endpoints,
		uint64_t sequence);

/* Fills and checks the payload alone (what a UDP socket sees). */
void frame_payload_fill(uint8_t *payload, uint32_t length, uint64_t sequence);

/* 0 and the sequence if intact, -ENOMSG if not a test payload, -EBADMSG if
 * corrupt. */
int frame_payload_check(const uint8_t *payload, uint32_t length, uint64_t *sequence);

/* A whole frame, which must be a UDP/IPv4 frame to endpoints' port:
 * 0 and the sequence, -ENOMSG for a frame that is not ours (other traffic),
 * -EBADMSG for one of ours that is corrupt. */
int frame_check(const uint8_t *frame, uint32_t length, const struct frame_endpoints *endpoints,
		uint64_t *sequence);

#endif

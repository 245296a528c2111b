/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Builds and checks the test frames: the same code on both sides of the
 * data path, so a frame is verified exactly as it was made. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <endian.h>
#include <arpa/inet.h>

#include "frame.h"

#define ETHERTYPE_IPV4	0x0800
#define IP_PROTO_UDP	17

static void put16(uint8_t *p, uint16_t value)
{
	p[0] = value >> 8;
	p[1] = value;
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static void put_le32(uint8_t *p, uint32_t value)
{
	memcpy(p, &(uint32_t){ htole32(value) }, 4);
}

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t value;

	memcpy(&value, p, 4);
	return le32toh(value);
}

void frame_endpoints_default(struct frame_endpoints *endpoints, bool to_host)
{
	struct in_addr guest = { htonl(0x0a4d0002) }, host = { htonl(0x0a4d0001) };

	memset(endpoints->source_mac, 0, 6);
	memset(endpoints->destination_mac, 0xff, 6);
	endpoints->source_ip = to_host ? guest : host;
	endpoints->destination_ip = to_host ? host : guest;
	endpoints->port = FRAME_PORT_DEFAULT;
}

int frame_parse_mac(const char *text, uint8_t mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(text, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

/* FNV-1a over the sequence number and the payload after the header. */
static uint32_t checksum(uint64_t sequence, const uint8_t *data, uint32_t length)
{
	uint32_t hash = 2166136261u ^ (uint32_t)sequence ^ (uint32_t)(sequence >> 32);
	uint32_t i;

	for (i = 0; i < length; i++)
		hash = (hash ^ data[i]) * 16777619u;
	return hash;
}

static uint16_t ip_checksum(const uint8_t *header, unsigned int length)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i < length; i += 2)
		sum += get16(header + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Payload: magic, sequence (le64), length, checksum (le32), then bytes. */
void frame_payload_fill(uint8_t *payload, uint32_t length, uint64_t sequence)
{
	uint32_t body = length - FRAME_PAYLOAD_HEADER, i;
	uint8_t *data = payload + FRAME_PAYLOAD_HEADER;

	for (i = 0; i < body; i++)
		data[i] = sequence * 131 + i;
	put_le32(payload, FRAME_MAGIC);
	put_le32(payload + 4, (uint32_t)sequence);
	put_le32(payload + 8, (uint32_t)(sequence >> 32));
	put_le32(payload + 12, length);
	put_le32(payload + 16, checksum(sequence, data, body));
}

int frame_payload_check(const uint8_t *payload, uint32_t length, uint64_t *sequence)
{
	uint64_t value;

	if (length < FRAME_PAYLOAD_HEADER || get_le32(payload) != FRAME_MAGIC)
		return -ENOMSG;
	value = get_le32(payload + 4) | (uint64_t)get_le32(payload + 8) << 32;
	if (get_le32(payload + 12) != length ||
	    get_le32(payload + 16) != checksum(value, payload + FRAME_PAYLOAD_HEADER,
						length - FRAME_PAYLOAD_HEADER))
		return -EBADMSG;
	*sequence = value;
	return 0;
}

int frame_build(void *buffer, uint32_t length, const struct frame_endpoints *endpoints,
		uint64_t sequence)
{
	uint8_t *frame = buffer, *ip = frame + 14, *udp = ip + 20;

	if (length < FRAME_MIN || length > FRAME_MAX)
		return -EINVAL;
	memcpy(frame, endpoints->destination_mac, 6);
	memcpy(frame + 6, endpoints->source_mac, 6);
	put16(frame + 12, ETHERTYPE_IPV4);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, length - 14);
	put16(ip + 4, (uint16_t)sequence);
	ip[8] = 64;
	ip[9] = IP_PROTO_UDP;
	memcpy(ip + 12, &endpoints->source_ip, 4);
	memcpy(ip + 16, &endpoints->destination_ip, 4);
	put16(ip + 10, ip_checksum(ip, 20));
	put16(udp, endpoints->port);
	put16(udp + 2, endpoints->port);
	put16(udp + 4, length - 14 - 20);
	put16(udp + 6, 0);	/* no UDP checksum: allowed over IPv4 */
	frame_payload_fill(udp + 8, length - FRAME_HEADERS, sequence);
	return length;
}

int frame_check(const uint8_t *frame, uint32_t length, const struct frame_endpoints *endpoints,
		uint64_t *sequence)
{
	const uint8_t *ip = frame + 14, *udp = ip + 20;

	if (length < FRAME_HEADERS || get16(frame + 12) != ETHERTYPE_IPV4 || ip[0] != 0x45 ||
	    ip[9] != IP_PROTO_UDP || get16(udp + 2) != endpoints->port)
		return -ENOMSG;
	if (get16(ip + 2) != length - 14 || get16(udp + 4) != length - 34 ||
	    ip_checksum(ip, 20) != 0 || memcmp(ip + 16, &endpoints->destination_ip, 4))
		return -EBADMSG;
	return frame_payload_check(udp + 8, length - FRAME_HEADERS, sequence) == 0 ? 0 : -EBADMSG;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* KEY=VALUE arguments: checked here with libvbus's rules for the fabric's
 * keys, then sent to vbusd as the a{sv} of the D-Bus contract. */
#ifndef VBUSCTL_ATTRIBUTE_H
#define VBUSCTL_ATTRIBUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "libvbus.h"

/* Which keys an object takes. */
enum attribute_target {
	ATTRIBUTE_DEVICE_CREATE,	/* every device key, and type */
	ATTRIBUTE_DEVICE_SET,		/* the keys vbusd can change */
	ATTRIBUTE_BUS,
	ATTRIBUTE_BUS_SET,		/* the one key a bus changes: poll_us */
};

#define ATTRIBUTE_MAX	16

struct attribute_value {
	const char *key;		/* static: the key's name */
	char type;			/* 'u' or 's', its D-Bus type */
	uint32_t number;
	char text[VBUS_DOMAIN_MAX];
};

struct attribute_list {
	struct attribute_value values[ATTRIBUTE_MAX];
	size_t count;
	char type[16];			/* ATTRIBUTE_DEVICE_CREATE: "venet" unless type= */
	bool type_given;
};

/* The keys TARGET takes, as "mac, mtu, ...". */
const char *attribute_keys(enum attribute_target target);
/*
 * Parses ARGS ("mtu=9000", "wmem=2MiB", "bridge=") into LIST. -EINVAL with
 * one message in ERROR naming the argument and why, e.g.
 * "mtu=70000: out of range (expected 68..65535)".
 */
int attribute_parse(enum attribute_target target, char *const *args, size_t count,
		    struct attribute_list *list, char *error, size_t size);
/* Parses a number of bytes with an optional K, KiB, M, MiB, G, GiB. */
int attribute_parse_size(const char *text, uint64_t *bytes);
/* Appends LIST to MESSAGE as a{sv}. */
int attribute_append(sd_bus_message *message, const struct attribute_list *list);

#endif

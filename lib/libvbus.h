/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvbus: the C library shared by vbusd, vbusctl and the tests: validation,
 * text forms, and a client for vbus.ko's generic netlink family. Functions
 * return 0 or a negative errno; a client keeps the text of its last failure.
 */
#ifndef LIBVBUS_H
#define LIBVBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vbus.h>

/* Whether NAME is a valid device or bus name: [a-z0-9][a-z0-9_.-]{0,30}. */
bool vbus_name_valid(const char *name);

/* --- objects, as the netlink family carries them ---------------------- */

/* Which fields of a struct vbus_venet_config are set (one bit per attribute). */
#define VBUS_VENET_F_MAC	(1U << VBUS_VENET_A_MAC)
#define VBUS_VENET_F_MTU	(1U << VBUS_VENET_A_MTU)
#define VBUS_VENET_F_ZCTHRESH	(1U << VBUS_VENET_A_ZCTHRESH)
#define VBUS_VENET_F_WMEM	(1U << VBUS_VENET_A_WMEM)
#define VBUS_VENET_F_TXQLEN	(1U << VBUS_VENET_A_TXQLEN)
#define VBUS_VENET_F_IFNAME	(1U << VBUS_VENET_A_IFNAME)
#define VBUS_VENET_F_ALL	(VBUS_VENET_F_MAC | VBUS_VENET_F_MTU | VBUS_VENET_F_ZCTHRESH | \
				 VBUS_VENET_F_WMEM | VBUS_VENET_F_TXQLEN | VBUS_VENET_F_IFNAME)

struct vbus_venet_config {
	uint32_t present;			/* VBUS_VENET_F_* of the fields set */
	uint8_t mac[VBUS_MAC_LEN];
	uint32_t mtu, zcthresh, wmem, txqlen;
	char ifname[VBUS_IFNAME_MAX];
};

struct vbus_bus_info {
	char name[VBUS_NAME_MAX];
	uint32_t connector;			/* enum vbus_connector */
	uint32_t region_size;			/* bytes; 0 = default on create */
	char domain[VBUS_DOMAIN_MAX];		/* "" = none */
	bool has_uuid;
	uint8_t uuid[VBUS_UUID_LEN];
	uint32_t state;				/* enum vbus_bus_state; reply only */
	uint32_t device_count;			/* reply only */
	bool has_poll_us;			/* false: the default on create */
	uint32_t poll_us;			/* busy-poll window, microseconds */
	/* Polling statistics, reply only: */
	uint64_t poll_windows, poll_hits, poll_time_ns;
};

struct vbus_device_info {
	char name[VBUS_NAME_MAX];
	uint32_t id;				/* reply only */
	uint32_t type;				/* enum vbus_device_type */
	char bus[VBUS_NAME_MAX];		/* "" = not connected; reply only */
	struct vbus_venet_config venet;		/* VBUS_DEVICE_TYPE_VENET */
};

/* Device statistics, seen from the guest: tx is guest -> host. */
struct vbus_stats {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes, drops;
	uint64_t doorbells, interrupts, suppressed, tx_zerocopy, tx_copied;
};

/*
 * One change announced on the "events" multicast group. cmd is the command
 * of the change (enum vbus_cmd) and says which fields are filled:
 *   BUS_NEW, BUS_DEL, BUS_SET           bus (for DEL, as it was)
 *   DEVICE_NEW, DEVICE_DEL, DEVICE_SET  device (for DEL, as it was)
 *   CONNECT, DISCONNECT                 device.name, device.bus and bus.name
 * Everything else is zero.
 */
struct vbus_event {
	uint8_t cmd;
	struct vbus_bus_info bus;
	struct vbus_device_info device;
};

/* --- text forms --------------------------------------------------------- */

#define VBUS_MAC_STRLEN		18	/* "02:00:00:00:00:01" and the NUL */
#define VBUS_UUID_STRLEN	37	/* 36 characters and the NUL */

/* "none", "loop", "ivshmem"; NULL for a value this library does not know. */
const char *vbus_connector_to_string(uint32_t connector);
/* -EINVAL for an unknown connector name. */
int vbus_connector_from_string(const char *text, uint32_t *connector);
/* "venet"; NULL for a value this library does not know. */
const char *vbus_device_type_to_string(uint32_t type);
int vbus_device_type_from_string(const char *text, uint32_t *type);
/* "ok", "broken"; NULL for a value this library does not know. */
const char *vbus_bus_state_to_string(uint32_t state);

/* A size in bytes as people read it: "2MiB" for 2097152, "64KiB"; the plain
 * number when it is not a whole number of KiB (or is 0). */
void vbus_size_format(uint64_t bytes, char *text, size_t size);

/* Of the words in LIST (separated by ", "), the one closest to WORD by edit
 * distance, for "did you mean ...?": copied to CLOSEST (of SIZE bytes); false
 * when none is close (more than a third of the word, at least one, differs). */
bool vbus_closest_word(const char *word, const char *list, char *closest, size_t size);

/* Six two-digit hex octets separated by ':' (either case); -EINVAL else. */
int vbus_mac_parse(const char *text, uint8_t mac[VBUS_MAC_LEN]);
void vbus_mac_format(const uint8_t mac[VBUS_MAC_LEN], char text[VBUS_MAC_STRLEN]);
/* The 36-character form 8-4-4-4-12 (either case); -EINVAL else. */
int vbus_uuid_parse(const char *text, uint8_t uuid[VBUS_UUID_LEN]);
void vbus_uuid_format(const uint8_t uuid[VBUS_UUID_LEN], char text[VBUS_UUID_STRLEN]);

/*
 * Checks the fields of VENET that are present against the uapi ranges:
 * -ERANGE for a number out of range, -EINVAL for a bad MAC address or
 * interface name or an unknown present bit, with a message naming the field
 * in ERROR (e.g. "mtu: 70000 is out of range 68..65535").
 */
int vbus_venet_check(const struct vbus_venet_config *venet, char *error, size_t size);
/* The uapi range of an integer venet attribute (VBUS_VENET_F_MTU, _ZCTHRESH,
 * _WMEM, _TXQLEN); -EINVAL for any other flag. */
int vbus_venet_range(uint32_t flag, uint32_t *min, uint32_t *max);
/* Whether MAC is what the kernel accepts: a non-zero unicast address. */
bool vbus_mac_valid(const uint8_t mac[VBUS_MAC_LEN]);
/* The host interface name vbus.ko gives DEVICE when none is set: "vbt-"
 * and the name, cut to VBUS_IFNAME_MAX - 1 characters. */
void vbus_venet_default_ifname(const char *device, char ifname[VBUS_IFNAME_MAX]);

/* --- the netlink client ------------------------------------------------- */

struct vbus_client;

struct vbus_version {
	uint32_t genl_version;			/* the family's ABI version */
	char module_version[64];		/* the loaded vbus.ko's release */
};

/* Connects to the "vbus" family; -ENOENT when vbus.ko is not loaded. */
int vbus_client_open(struct vbus_client **client);
void vbus_client_close(struct vbus_client *client);
/*
 * The text of the last failed request, or "": the kernel's extack message,
 * prefixed with the attribute it names and followed by the valid range when
 * the kernel reports them, e.g. "attribute mtu: integer out of range (valid
 * 68..65535)".
 */
const char *vbus_client_error(const struct vbus_client *client);

int vbus_get_version(struct vbus_client *client, struct vbus_version *version);

/*
 * Dumps call their callback once per object; a negative return from the
 * callback ends the dump with that error (the rest of the reply is read
 * and dropped). -EINTR when the kernel reports the dump as inconsistent
 * (objects changed during it): the callback may have seen part of it.
 */

/* Sends name, connector, and region_size, domain, uuid when set. */
int vbus_bus_new(struct vbus_client *client, const struct vbus_bus_info *bus);
int vbus_bus_del(struct vbus_client *client, const char *name);
int vbus_bus_get(struct vbus_client *client, const char *name, struct vbus_bus_info *bus);
/* BUS_SET: a bus's poll_us, the one attribute a bus may change. */
int vbus_bus_set_poll_us(struct vbus_client *client, const char *name, uint32_t poll_us);
int vbus_bus_dump(struct vbus_client *client,
		  int (*callback)(const struct vbus_bus_info *bus, void *arg), void *arg);

/* Sends name, type and the venet fields marked present. */
int vbus_device_new(struct vbus_client *client, const struct vbus_device_info *device);
int vbus_device_del(struct vbus_client *client, const char *name);
int vbus_device_get(struct vbus_client *client, const char *name, struct vbus_device_info *device);
int vbus_device_dump(struct vbus_client *client,
		     int (*callback)(const struct vbus_device_info *device, void *arg), void *arg);
/* Changes the venet fields marked present; the others keep their values. */
int vbus_device_set(struct vbus_client *client, const char *name,
		    const struct vbus_venet_config *venet);

int vbus_connect(struct vbus_client *client, const char *device, const char *bus);
int vbus_disconnect(struct vbus_client *client, const char *device);

int vbus_stats_get(struct vbus_client *client, const char *device, struct vbus_stats *stats);
int vbus_stats_dump(struct vbus_client *client,
		    int (*callback)(const char *device, const struct vbus_stats *stats, void *arg),
		    void *arg);

/* --- events ------------------------------------------------------------- */

struct vbus_events;

/* Opens a socket of its own subscribed to the "events" group; -ENOENT when
 * vbus.ko is not loaded. */
int vbus_events_open(struct vbus_events **events);
void vbus_events_close(struct vbus_events *events);
/* The socket's fd, to poll for POLLIN in an event loop. */
int vbus_events_fd(const struct vbus_events *events);
/*
 * Takes the next event, waiting up to TIMEOUT_MS (0: do not wait; negative:
 * forever). -ETIMEDOUT when none came, -ENOBUFS when the kernel dropped
 * events because the socket's buffer was full (resynchronise with dumps),
 * -EBADMSG for one event that could not be decoded (the next call goes on
 * with the following ones).
 */
int vbus_events_next(struct vbus_events *events, struct vbus_event *event, int timeout_ms);

#endif

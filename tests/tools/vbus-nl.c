/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbus-nl: the VM tests' driver of libvbus: one netlink operation per command,
 * printed as key=value lines a shell test can grep; plus an event listener
 * and a multi-threaded hammer that races every command. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libvbus.h"
#include "macro.h"

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
};

struct command {
	const char *name;
	int (*run)(const char *command, int argc, char **argv);
	const char *arguments;
};

static const struct command *find_command(const char *name);

DEFINE_CLEANUP_FUNC(struct vbus_client, vbus_client_close)
DEFINE_CLEANUP_FUNC(struct vbus_events, vbus_events_close)

/* --- errors and usage --------------------------------------------------- */

static const char *errno_name(int error)
{
	static __thread char number[16];
	const char *name = strerrorname_np(error);

	if (name)
		return name;
	snprintf(number, sizeof(number), "E%d", error);
	return number;
}

/* "vbus-nl: COMMAND: ERRNO_NAME (strerror): DETAIL"; returns EXIT_FAILED. */
static int fail(const char *command, int error, const char *detail)
{
	fprintf(stderr, "vbus-nl: %s: %s (%s)%s%s\n", command, errno_name(-error), strerror(-error),
		detail && *detail ? ": " : "", detail ? detail : "");
	return EXIT_FAILED;
}

static int fail_client(const char *command, int error, const struct vbus_client *client)
{
	return fail(command, error, vbus_client_error(client));
}

static int usage_error(const char *command, const char *what, const char *value)
{
	const struct command *entry = find_command(command);

	fprintf(stderr, "vbus-nl: %s: %s%s%s\n", command, what, value ? ": " : "",
		value ? value : "");
	if (entry)
		fprintf(stderr, "usage: vbus-nl %s%s%s\n", entry->name,
			*entry->arguments ? " " : "", entry->arguments);
	return EXIT_USAGE;
}

static int open_client(const char *command, struct vbus_client **client)
{
	int r = vbus_client_open(client);

	if (r == -ENOENT)
		return fail(command, r, "no generic netlink family \"" VBUS_GENL_NAME
			    "\" (is vbus.ko loaded?)");
	if (r < 0)
		return fail(command, r, "cannot open a generic netlink socket");
	return EXIT_OK;
}

/* --- arguments ---------------------------------------------------------- */

/* A decimal number that fits in 32 bits, nothing else. */
static int parse_u32(const char *text, uint32_t *value)
{
	unsigned long long parsed;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL;
	errno = 0;
	parsed = strtoull(text, &end, 10);
	if (errno || *end || parsed > UINT32_MAX)
		return -EINVAL;
	*value = (uint32_t)parsed;
	return 0;
}

/* Copies TEXT into a SIZE-byte field; -ENAMETOOLONG if it does not fit. */
static int copy_text(char *field, size_t size, const char *text)
{
	if (strlen(text) >= size)
		return -ENAMETOOLONG;
	strcpy(field, text);
	return 0;
}

/* A known name from the table of strings, or a raw number the kernel
 * should refuse. */
static int parse_enum(const char *text, int (*from_string)(const char *, uint32_t *),
		      uint32_t *value)
{
	return from_string(text, value) == 0 ? 0 : parse_u32(text, value);
}

/* Copies the key of "key=value" into KEY; the value, or NULL without '='. */
static const char *split_option(const char *argument, char *key, size_t size)
{
	const char *equals = strchr(argument, '=');

	if (!equals || (size_t)(equals - argument) >= size)
		return NULL;
	memcpy(key, argument, (size_t)(equals - argument));
	key[equals - argument] = '\0';
	return equals + 1;
}

/* Applies one venet key=value; 1 when KEY is no venet key, -EINVAL when
 * the value is bad. */
static int parse_venet_option(struct vbus_venet_config *venet, const char *key, const char *value)
{
	static const struct {
		const char *key;
		uint32_t flag;
		size_t offset;
	} numbers[] = {
		{ "mtu", VBUS_VENET_F_MTU, offsetof(struct vbus_venet_config, mtu) },
		{ "zcthresh", VBUS_VENET_F_ZCTHRESH, offsetof(struct vbus_venet_config, zcthresh) },
		{ "wmem", VBUS_VENET_F_WMEM, offsetof(struct vbus_venet_config, wmem) },
		{ "txqlen", VBUS_VENET_F_TXQLEN, offsetof(struct vbus_venet_config, txqlen) },
	};
	size_t i;

	for (i = 0; i < ELEMENTSOF(numbers); i++)
		if (!strcmp(key, numbers[i].key)) {
			venet->present |= numbers[i].flag;
			return parse_u32(value, (uint32_t *)((char *)venet + numbers[i].offset));
		}
	if (!strcmp(key, "mac")) {
		venet->present |= VBUS_VENET_F_MAC;
		return vbus_mac_parse(value, venet->mac);
	}
	if (!strcmp(key, "ifname")) {
		venet->present |= VBUS_VENET_F_IFNAME;
		return copy_text(venet->ifname, sizeof(venet->ifname), value) < 0 ? -EINVAL : 0;
	}
	return 1;
}

/* The venet options of ARGV; an exit status when one is bad. */
static int parse_venet_options(const char *command, int argc, char **argv,
			       struct vbus_venet_config *venet, uint32_t *type)
{
	int i, r;

	for (i = 0; i < argc; i++) {
		char key[16];
		const char *value = split_option(argv[i], key, sizeof(key));

		if (!value)
			return usage_error(command, "expected key=value", argv[i]);
		if (type && !strcmp(key, "type")) {
			if (parse_enum(value, vbus_device_type_from_string, type) < 0)
				return usage_error(command, "bad value", argv[i]);
			continue;
		}
		r = parse_venet_option(venet, key, value);
		if (r > 0)
			return usage_error(command, "unknown key", argv[i]);
		if (r < 0)
			return usage_error(command, "bad value", argv[i]);
	}
	return EXIT_OK;
}

/* --- output ------------------------------------------------------------- */

static void print_enum(const char *key, const char *text, uint32_t value)
{
	if (text)
		printf(" %s=%s", key, text);
	else
		printf(" %s=%u", key, value);
}

static void print_bus(const struct vbus_bus_info *bus)
{
	char uuid[VBUS_UUID_STRLEN] = "";

	if (bus->has_uuid)
		vbus_uuid_format(bus->uuid, uuid);
	printf("name=%s", bus->name);
	print_enum("connector", vbus_connector_to_string(bus->connector), bus->connector);
	printf(" region_size=%u domain=%s uuid=%s", bus->region_size, bus->domain, uuid);
	print_enum("state", vbus_bus_state_to_string(bus->state), bus->state);
	printf(" devices=%u", bus->device_count);
	if (bus->has_poll_us)
		printf(" poll_us=%u poll_windows=%llu poll_hits=%llu poll_time_ns=%llu",
		       bus->poll_us, (unsigned long long)bus->poll_windows,
		       (unsigned long long)bus->poll_hits, (unsigned long long)bus->poll_time_ns);
	putchar('\n');
}

static void print_device(const struct vbus_device_info *device)
{
	const struct vbus_venet_config *venet = &device->venet;
	char mac[VBUS_MAC_STRLEN];

	printf("name=%s id=%u", device->name, device->id);
	print_enum("type", vbus_device_type_to_string(device->type), device->type);
	printf(" bus=%s", device->bus);
	if (venet->present & VBUS_VENET_F_MAC) {
		vbus_mac_format(venet->mac, mac);
		printf(" mac=%s", mac);
	}
	if (venet->present & VBUS_VENET_F_MTU)
		printf(" mtu=%u", venet->mtu);
	if (venet->present & VBUS_VENET_F_ZCTHRESH)
		printf(" zcthresh=%u", venet->zcthresh);
	if (venet->present & VBUS_VENET_F_WMEM)
		printf(" wmem=%u", venet->wmem);
	if (venet->present & VBUS_VENET_F_TXQLEN)
		printf(" txqlen=%u", venet->txqlen);
	if (venet->present & VBUS_VENET_F_IFNAME)
		printf(" ifname=%s", venet->ifname);
	printf("\n");
}

static void print_stats(const char *device, const struct vbus_stats *stats)
{
	printf("name=%s tx_packets=%llu tx_bytes=%llu rx_packets=%llu rx_bytes=%llu drops=%llu "
	       "doorbells=%llu interrupts=%llu suppressed=%llu tx_zerocopy=%llu tx_copied=%llu\n",
	       device, (unsigned long long)stats->tx_packets, (unsigned long long)stats->tx_bytes,
	       (unsigned long long)stats->rx_packets, (unsigned long long)stats->rx_bytes,
	       (unsigned long long)stats->drops, (unsigned long long)stats->doorbells,
	       (unsigned long long)stats->interrupts, (unsigned long long)stats->suppressed,
	       (unsigned long long)stats->tx_zerocopy, (unsigned long long)stats->tx_copied);
}

static const char *event_name(uint8_t cmd)
{
	static const char *const names[] = {
		[VBUS_CMD_BUS_NEW] = "BUS_NEW",
		[VBUS_CMD_BUS_DEL] = "BUS_DEL",
		[VBUS_CMD_BUS_GET] = "BUS_GET",
		[VBUS_CMD_BUS_SET] = "BUS_SET",
		[VBUS_CMD_DEVICE_NEW] = "DEVICE_NEW",
		[VBUS_CMD_DEVICE_DEL] = "DEVICE_DEL",
		[VBUS_CMD_DEVICE_SET] = "DEVICE_SET",
		[VBUS_CMD_CONNECT] = "CONNECT",
		[VBUS_CMD_DISCONNECT] = "DISCONNECT",
	};

	return cmd < ELEMENTSOF(names) && names[cmd] ? names[cmd] : "UNKNOWN";
}

static void print_event(const struct vbus_event *event)
{
	printf("%s ", event_name(event->cmd));
	switch (event->cmd) {
	case VBUS_CMD_BUS_NEW:
	case VBUS_CMD_BUS_DEL:
	case VBUS_CMD_BUS_GET:
	case VBUS_CMD_BUS_SET:
		print_bus(&event->bus);
		break;
	case VBUS_CMD_CONNECT:
	case VBUS_CMD_DISCONNECT:
		printf("name=%s bus=%s\n", event->device.name, event->device.bus);
		break;
	default:
		print_device(&event->device);
	}
	fflush(stdout);
}

/* --- buses -------------------------------------------------------------- */

static int parse_bus_option(struct vbus_bus_info *bus, const char *key, const char *value)
{
	if (!strcmp(key, "connector"))
		return parse_enum(value, vbus_connector_from_string, &bus->connector);
	if (!strcmp(key, "region"))
		return parse_u32(value, &bus->region_size);
	if (!strcmp(key, "domain"))
		return copy_text(bus->domain, sizeof(bus->domain), value) < 0 ? -EINVAL : 0;
	if (!strcmp(key, "uuid")) {
		bus->has_uuid = true;
		return vbus_uuid_parse(value, bus->uuid);
	}
	if (!strcmp(key, "poll_us")) {
		bus->has_poll_us = true;
		return parse_u32(value, &bus->poll_us);
	}
	return 1;
}

static int command_bus_set(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	uint32_t poll_us;
	const char *value;
	char key[16];
	int r;

	if (argc != 3)
		return usage_error(command, "expected NAME and poll_us=N", NULL);
	value = split_option(argv[2], key, sizeof(key));
	if (!value || strcmp(key, "poll_us") || parse_u32(value, &poll_us) < 0)
		return usage_error(command, "expected poll_us=N", argv[2]);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_bus_set_poll_us(client, argv[1], poll_us);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

static int command_bus_new(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	struct vbus_bus_info bus = { .connector = VBUS_CONNECTOR_NONE };
	int i, r;

	if (argc < 2)
		return usage_error(command, "missing NAME", NULL);
	if (copy_text(bus.name, sizeof(bus.name), argv[1]) < 0)
		return usage_error(command, "name too long", argv[1]);
	for (i = 2; i < argc; i++) {
		char key[16];
		const char *value = split_option(argv[i], key, sizeof(key));

		if (!value)
			return usage_error(command, "expected key=value", argv[i]);
		r = parse_bus_option(&bus, key, value);
		if (r > 0)
			return usage_error(command, "unknown key", argv[i]);
		if (r < 0)
			return usage_error(command, "bad value", argv[i]);
	}
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_bus_new(client, &bus);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

static int command_bus_del(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	int r;

	if (argc != 2)
		return usage_error(command, "expected NAME", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_bus_del(client, argv[1]);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

static int command_bus_get(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	struct vbus_bus_info bus;
	int r;

	if (argc != 2)
		return usage_error(command, "expected NAME", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_bus_get(client, argv[1], &bus);
	if (r < 0)
		return fail_client(command, r, client);
	print_bus(&bus);
	return EXIT_OK;
}

static int print_bus_entry(const struct vbus_bus_info *bus, void *arg)
{
	(void)arg;
	print_bus(bus);
	return 0;
}

static int command_bus_dump(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	int r;

	(void)argv;
	if (argc != 1)
		return usage_error(command, "takes no arguments", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_bus_dump(client, print_bus_entry, NULL);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

/* --- devices ------------------------------------------------------------ */

static int command_dev_new(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	struct vbus_device_info device = { .type = VBUS_DEVICE_TYPE_VENET };
	int r;

	if (argc < 2)
		return usage_error(command, "missing NAME", NULL);
	if (copy_text(device.name, sizeof(device.name), argv[1]) < 0)
		return usage_error(command, "name too long", argv[1]);
	r = parse_venet_options(command, argc - 2, argv + 2, &device.venet, &device.type);
	if (r)
		return r;
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_device_new(client, &device);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

static int command_dev_del(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	int r;

	if (argc != 2)
		return usage_error(command, "expected NAME", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_device_del(client, argv[1]);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

static int command_dev_get(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	struct vbus_device_info device;
	int r;

	if (argc != 2)
		return usage_error(command, "expected NAME", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_device_get(client, argv[1], &device);
	if (r < 0)
		return fail_client(command, r, client);
	print_device(&device);
	return EXIT_OK;
}

static int print_device_entry(const struct vbus_device_info *device, void *arg)
{
	(void)arg;
	print_device(device);
	return 0;
}

static int command_dev_dump(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	int r;

	(void)argv;
	if (argc != 1)
		return usage_error(command, "takes no arguments", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_device_dump(client, print_device_entry, NULL);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

static int command_dev_set(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	struct vbus_venet_config venet = { .present = 0 };
	int r;

	if (argc < 3)
		return usage_error(command, "expected NAME and key=value", NULL);
	r = parse_venet_options(command, argc - 2, argv + 2, &venet, NULL);
	if (r)
		return r;
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_device_set(client, argv[1], &venet);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

static int command_connect(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	int r;

	if (argc != 3)
		return usage_error(command, "expected DEVICE and BUS", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_connect(client, argv[1], argv[2]);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

static int command_disconnect(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	int r;

	if (argc != 2)
		return usage_error(command, "expected DEVICE", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_disconnect(client, argv[1]);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

/* PREFIX and COUNT of dev-new-many / dev-del-many; an exit status if bad. */
static int parse_many(const char *command, int argc, char **argv, uint32_t *count)
{
	char longest[VBUS_NAME_MAX + 16];

	if (argc != 3)
		return usage_error(command, "expected PREFIX and COUNT", NULL);
	if (parse_u32(argv[2], count) < 0)
		return usage_error(command, "bad COUNT", argv[2]);
	snprintf(longest, sizeof(longest), "%s%u", argv[1], *count ? *count - 1 : 0);
	if (strlen(longest) >= VBUS_NAME_MAX)
		return usage_error(command, "names would be too long", longest);
	return EXIT_OK;
}

static int command_dev_new_many(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	struct vbus_device_info device = { .type = VBUS_DEVICE_TYPE_VENET };
	uint32_t count, i;
	int r;

	r = parse_many(command, argc, argv, &count);
	if (r)
		return r;
	if (open_client(command, &client))
		return EXIT_FAILED;
	for (i = 0; i < count; i++) {
		snprintf(device.name, sizeof(device.name), "%s%u", argv[1], i);
		r = vbus_device_new(client, &device);
		if (r < 0) {
			fprintf(stderr, "vbus-nl: %s: creating %s after %u created\n", command,
				device.name, i);
			return fail_client(command, r, client);
		}
	}
	printf("created %u\n", count);
	return EXIT_OK;
}

static int command_dev_del_many(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	char name[VBUS_NAME_MAX];
	uint32_t count, i;
	int r;

	r = parse_many(command, argc, argv, &count);
	if (r)
		return r;
	if (open_client(command, &client))
		return EXIT_FAILED;
	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "%s%u", argv[1], i);
		r = vbus_device_del(client, name);
		if (r < 0) {
			fprintf(stderr, "vbus-nl: %s: deleting %s after %u deleted\n", command,
				name, i);
			return fail_client(command, r, client);
		}
	}
	printf("deleted %u\n", count);
	return EXIT_OK;
}

/* --- statistics --------------------------------------------------------- */

static int command_stats(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	struct vbus_stats stats;
	int r;

	if (argc != 2)
		return usage_error(command, "expected DEVICE", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_stats_get(client, argv[1], &stats);
	if (r < 0)
		return fail_client(command, r, client);
	print_stats(argv[1], &stats);
	return EXIT_OK;
}

static int print_stats_entry(const char *device, const struct vbus_stats *stats, void *arg)
{
	(void)arg;
	print_stats(device, stats);
	return 0;
}

static int command_stats_dump(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	int r;

	(void)argv;
	if (argc != 1)
		return usage_error(command, "takes no arguments", NULL);
	if (open_client(command, &client))
		return EXIT_FAILED;
	r = vbus_stats_dump(client, print_stats_entry, NULL);
	return r < 0 ? fail_client(command, r, client) : EXIT_OK;
}

/* --- events ------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* --count N and --timeout-ms T (0 each: unlimited); an exit status if bad. */
static int parse_listen_options(const char *command, int argc, char **argv, uint32_t *count,
				uint32_t *timeout_ms)
{
	int i;

	for (i = 1; i < argc; i++) {
		uint32_t *target;

		if (!strcmp(argv[i], "--count"))
			target = count;
		else if (!strcmp(argv[i], "--timeout-ms"))
			target = timeout_ms;
		else
			return usage_error(command, "unknown option", argv[i]);
		if (++i == argc)
			return usage_error(command, "missing value of", argv[i - 1]);
		if (parse_u32(argv[i], target) < 0 || *target == 0 || *target > INT32_MAX)
			return usage_error(command, "bad value", argv[i]);
	}
	return EXIT_OK;
}

static int command_listen(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_events_closep) struct vbus_events *events = NULL;
	uint32_t count = 0, timeout_ms = 0, seen = 0;
	struct vbus_event event;
	int64_t deadline;
	int r;

	r = parse_listen_options(command, argc, argv, &count, &timeout_ms);
	if (r)
		return r;
	r = vbus_events_open(&events);
	if (r < 0)
		return fail(command, r, r == -ENOENT ? "no generic netlink family \"" VBUS_GENL_NAME
			    "\" (is vbus.ko loaded?)" : "cannot subscribe to the events");
	printf("ready\n");
	fflush(stdout);
	deadline = now_ms() + timeout_ms;
	while (count == 0 || seen < count) {
		int64_t left = timeout_ms ? deadline - now_ms() : -1;

		r = vbus_events_next(events, &event, timeout_ms && left < 0 ? 0 : (int)left);
		if (r == -ETIMEDOUT) {
			fprintf(stderr, "vbus-nl: %s: timed out after %u ms with %u of %u events\n",
				command, timeout_ms, seen, count);
			return EXIT_FAILED;
		}
		if (r < 0)
			return fail(command, r, r == -ENOBUFS ? "events were lost" : NULL);
		print_event(&event);
		seen++;
	}
	return EXIT_OK;
}

/* --- hammer ------------------------------------------------------------- */

#define HAMMER_DEVICES	8
#define HAMMER_BUSES	3

enum hammer_op {
	OP_BUS_NEW,
	OP_BUS_DEL,
	OP_DEVICE_NEW,
	OP_DEVICE_DEL,
	OP_DEVICE_SET,
	OP_DEVICE_GET,
	OP_CONNECT,
	OP_DISCONNECT,
	OP_STATS_GET,
	OP_BUS_DUMP,
	OP_DEVICE_DUMP,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	[OP_BUS_NEW] = "bus-new",
	[OP_BUS_DEL] = "bus-del",
	[OP_DEVICE_NEW] = "dev-new",
	[OP_DEVICE_DEL] = "dev-del",
	[OP_DEVICE_SET] = "dev-set",
	[OP_DEVICE_GET] = "dev-get",
	[OP_CONNECT] = "connect",
	[OP_DISCONNECT] = "disconnect",
	[OP_STATS_GET] = "stats",
	[OP_BUS_DUMP] = "bus-dump",
	[OP_DEVICE_DUMP] = "dev-dump",
};

/* The outcomes a race makes legitimate; anything else is a failure. */
static const int expected_errors[] = { EEXIST, ENOENT, EBUSY, ENOTCONN, ENOSPC, EINTR };
#define EXPECTED_COUNT (ELEMENTSOF(expected_errors))

struct op_counts {
	unsigned long total, ok, other;
	unsigned long expected[EXPECTED_COUNT];
};

struct hammer_thread {
	pthread_t thread;
	unsigned int seed;
	int64_t deadline;
	int error;				/* of opening its client */
	struct op_counts counts[OP_COUNT];
};

static void hammer_device_name(char *name, unsigned int index)
{
	snprintf(name, VBUS_NAME_MAX, "hammer-d%u", index);
}

static void hammer_bus_name(char *name, unsigned int index)
{
	snprintf(name, VBUS_NAME_MAX, "hammer-b%u", index);
}

static int count_entry(const void *object, void *arg)
{
	(void)object;
	(*(unsigned long *)arg)++;
	return 0;
}

static int count_bus(const struct vbus_bus_info *bus, void *arg)
{
	return count_entry(bus, arg);
}

static int count_device(const struct vbus_device_info *device, void *arg)
{
	return count_entry(device, arg);
}

/* Runs OP on random members of the pool; returns its result. */
static int hammer_op(struct vbus_client *client, enum hammer_op op, unsigned int *seed,
		     char *what, size_t size)
{
	struct vbus_device_info device = { .type = VBUS_DEVICE_TYPE_VENET };
	struct vbus_bus_info bus = { .connector = VBUS_CONNECTOR_NONE };
	struct vbus_stats stats;
	unsigned long entries = 0;

	hammer_device_name(device.name, (unsigned int)rand_r(seed) % HAMMER_DEVICES);
	hammer_bus_name(bus.name, (unsigned int)rand_r(seed) % HAMMER_BUSES);
	snprintf(what, size, "%s %s %s", op_names[op], device.name, bus.name);
	switch (op) {
	case OP_BUS_NEW:
		return vbus_bus_new(client, &bus);
	case OP_BUS_DEL:
		return vbus_bus_del(client, bus.name);
	case OP_DEVICE_NEW:
		return vbus_device_new(client, &device);
	case OP_DEVICE_DEL:
		return vbus_device_del(client, device.name);
	case OP_DEVICE_SET:
		device.venet.present = VBUS_VENET_F_MTU | VBUS_VENET_F_ZCTHRESH;
		device.venet.mtu = VBUS_VENET_MTU_MIN + (uint32_t)rand_r(seed) % 9000;
		device.venet.zcthresh = (uint32_t)rand_r(seed) % (VBUS_VENET_ZCTHRESH_MAX + 1);
		return vbus_device_set(client, device.name, &device.venet);
	case OP_DEVICE_GET:
		return vbus_device_get(client, device.name, &device);
	case OP_CONNECT:
		return vbus_connect(client, device.name, bus.name);
	case OP_DISCONNECT:
		return vbus_disconnect(client, device.name);
	case OP_STATS_GET:
		return vbus_stats_get(client, device.name, &stats);
	case OP_BUS_DUMP:
		return vbus_bus_dump(client, count_bus, &entries);
	case OP_DEVICE_DUMP:
		return vbus_device_dump(client, count_device, &entries);
	default:
		return -EINVAL;
	}
}

static void hammer_count(struct op_counts *counts, int r, const char *what,
			 const struct vbus_client *client)
{
	size_t i;

	counts->total++;
	if (r == 0) {
		counts->ok++;
		return;
	}
	for (i = 0; i < EXPECTED_COUNT; i++)
		if (-r == expected_errors[i]) {
			counts->expected[i]++;
			return;
		}
	counts->other++;
	fail(what, r, vbus_client_error(client));
}

static void *hammer_run(void *arg)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	struct hammer_thread *thread = arg;
	char what[128];
	int r;

	thread->error = vbus_client_open(&client);
	if (thread->error < 0)
		return NULL;
	while (now_ms() < thread->deadline) {
		enum hammer_op op = (enum hammer_op)((unsigned int)rand_r(&thread->seed) % OP_COUNT);

		r = hammer_op(client, op, &thread->seed, what, sizeof(what));
		hammer_count(&thread->counts[op], r, what, client);
	}
	return NULL;
}

/* Runs ACTION on every name of the pool; counts what is not IGNORED. */
static unsigned int hammer_cleanup_each(struct vbus_client *client, unsigned int count,
					void (*name_of)(char *, unsigned int),
					int (*action)(struct vbus_client *, const char *),
					const char *verb, int ignored1, int ignored2)
{
	char name[VBUS_NAME_MAX], what[64];
	unsigned int i, failures = 0;
	int r;

	for (i = 0; i < count; i++) {
		name_of(name, i);
		r = action(client, name);
		if (r < 0 && r != -ignored1 && r != -ignored2) {
			snprintf(what, sizeof(what), "hammer: %s %s", verb, name);
			fail(what, r, vbus_client_error(client));
			failures++;
		}
	}
	return failures;
}

/* Counts the names of the pool that a get still finds. */
static unsigned int hammer_check_gone(struct vbus_client *client)
{
	struct vbus_device_info device;
	struct vbus_bus_info bus;
	char name[VBUS_NAME_MAX];
	unsigned int i, failures = 0;
	int r;

	for (i = 0; i < HAMMER_DEVICES + HAMMER_BUSES; i++) {
		if (i < HAMMER_DEVICES) {
			hammer_device_name(name, i);
			r = vbus_device_get(client, name, &device);
		} else {
			hammer_bus_name(name, i - HAMMER_DEVICES);
			r = vbus_bus_get(client, name, &bus);
		}
		if (r == -ENOENT)
			continue;
		fprintf(stderr, "vbus-nl: hammer: %s is still there after the cleanup (get: %s)\n",
			name, r == 0 ? "found" : errno_name(-r));
		failures++;
	}
	return failures;
}

/* Disconnects and deletes the whole pool, then checks nothing is left. */
static unsigned int hammer_cleanup(struct vbus_client *client)
{
	unsigned int failures = 0;

	failures += hammer_cleanup_each(client, HAMMER_DEVICES, hammer_device_name,
					vbus_disconnect, "disconnect", ENOTCONN, ENOENT);
	failures += hammer_cleanup_each(client, HAMMER_DEVICES, hammer_device_name,
					vbus_device_del, "dev-del", ENOENT, ENOENT);
	failures += hammer_cleanup_each(client, HAMMER_BUSES, hammer_bus_name,
					vbus_bus_del, "bus-del", ENOENT, ENOENT);
	return failures + hammer_check_gone(client);
}

static void print_counts(const char *name, const struct op_counts *counts)
{
	size_t i;

	printf("%s ops=%lu ok=%lu", name, counts->total, counts->ok);
	for (i = 0; i < EXPECTED_COUNT; i++)
		printf(" %s=%lu", errno_name(expected_errors[i]), counts->expected[i]);
	printf(" other=%lu\n", counts->other);
}

static int parse_hammer_options(const char *command, int argc, char **argv,
				uint32_t *threads, uint32_t *seconds)
{
	int i;

	for (i = 1; i < argc; i++) {
		uint32_t *target;

		if (!strcmp(argv[i], "--threads"))
			target = threads;
		else if (!strcmp(argv[i], "--seconds"))
			target = seconds;
		else
			return usage_error(command, "unknown option", argv[i]);
		if (++i == argc)
			return usage_error(command, "missing value of", argv[i - 1]);
		if (parse_u32(argv[i], target) < 0 || *target == 0)
			return usage_error(command, "bad value", argv[i]);
	}
	if (*threads > 256 || *seconds > 3600)
		return usage_error(command, "at most 256 threads and 3600 seconds", NULL);
	return EXIT_OK;
}

static int command_hammer(const char *command, int argc, char **argv)
{
	_cleanup_(vbus_client_closep) struct vbus_client *client = NULL;
	_cleanup_free_ struct hammer_thread *threads = NULL;
	uint32_t thread_count = 4, seconds = 5, i;
	struct op_counts totals[OP_COUNT] = { { 0 } }, all = { 0 };
	unsigned int failures;
	int64_t deadline;
	size_t op, e;
	int r;

	r = parse_hammer_options(command, argc, argv, &thread_count, &seconds);
	if (r)
		return r;
	if (open_client(command, &client))
		return EXIT_FAILED;
	threads = calloc(thread_count, sizeof(*threads));
	if (!threads)
		return fail(command, -ENOMEM, NULL);
	deadline = now_ms() + (int64_t)seconds * 1000;
	for (i = 0; i < thread_count; i++) {
		threads[i].seed = (unsigned int)time(NULL) ^ (i * 2654435761U);
		threads[i].deadline = deadline;
		r = pthread_create(&threads[i].thread, NULL, hammer_run, &threads[i]);
		if (r) {
			thread_count = i;
			fail(command, -r, "cannot start a thread");
			break;
		}
	}
	failures = r ? 1 : 0;
	for (i = 0; i < thread_count; i++) {
		pthread_join(threads[i].thread, NULL);
		if (threads[i].error < 0) {
			fail(command, threads[i].error, "a thread could not open its client");
			failures++;
		}
		for (op = 0; op < OP_COUNT; op++) {
			struct op_counts *from = &threads[i].counts[op];

			totals[op].total += from->total;
			totals[op].ok += from->ok;
			totals[op].other += from->other;
			for (e = 0; e < EXPECTED_COUNT; e++)
				totals[op].expected[e] += from->expected[e];
		}
	}
	for (op = 0; op < OP_COUNT; op++) {
		print_counts(op_names[op], &totals[op]);
		all.total += totals[op].total;
		all.ok += totals[op].ok;
		all.other += totals[op].other;
		for (e = 0; e < EXPECTED_COUNT; e++)
			all.expected[e] += totals[op].expected[e];
	}
	print_counts("total", &all);
	failures += hammer_cleanup(client);
	return failures || all.other ? EXIT_FAILED : EXIT_OK;
}

/* --- main --------------------------------------------------------------- */

static const struct command commands[] = {
	{ "bus-new", command_bus_new,
	  "NAME [connector=none|loop|ivshmem|N] [region=BYTES] [domain=D] [uuid=U] [poll_us=N]" },
	{ "bus-del", command_bus_del, "NAME" },
	{ "bus-set", command_bus_set, "NAME poll_us=N" },
	{ "bus-get", command_bus_get, "NAME" },
	{ "bus-dump", command_bus_dump, "" },
	{ "dev-new", command_dev_new,
	  "NAME [type=venet|N] [mac=M] [mtu=N] [zcthresh=N] [wmem=N] [txqlen=N] [ifname=S]" },
	{ "dev-del", command_dev_del, "NAME" },
	{ "dev-get", command_dev_get, "NAME" },
	{ "dev-dump", command_dev_dump, "" },
	{ "dev-set", command_dev_set,
	  "NAME key=value... (mac, mtu, zcthresh, wmem, txqlen, ifname)" },
	{ "connect", command_connect, "DEVICE BUS" },
	{ "disconnect", command_disconnect, "DEVICE" },
	{ "stats", command_stats, "DEVICE" },
	{ "stats-dump", command_stats_dump, "" },
	{ "dev-new-many", command_dev_new_many, "PREFIX COUNT" },
	{ "dev-del-many", command_dev_del_many, "PREFIX COUNT" },
	{ "listen", command_listen, "[--count N] [--timeout-ms T (for all N events)]" },
	{ "hammer", command_hammer, "[--threads N (4)] [--seconds S (5)]" },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(commands); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: vbus-nl COMMAND [ARGS...]\n\nCommands:\n");
	for (i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(out, "  %s%s%s\n", commands[i].name, *commands[i].arguments ? " " : "",
			commands[i].arguments);
	fprintf(out,
		"\nget and dump print one object a line as key=value pairs. A failure\n"
		"prints \"vbus-nl: COMMAND: ERRNO (strerror): kernel message\" and exits 1;\n"
		"a usage error exits 2.\n");
}

int main(int argc, char **argv)
{
	const struct command *command;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	command = find_command(argv[1]);
	if (!command) {
		fprintf(stderr, "vbus-nl: unknown command '%s' (see vbus-nl --help)\n", argv[1]);
		return EXIT_USAGE;
	}
	return command->run(command->name, argc - 1, argv + 1);
}

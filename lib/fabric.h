/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The declarative fabric: the buses and devices a host should have, as the
 * JSON files in /etc/vbus/fabric.d/ describe them (vbus-fabric(5), the
 * schema schemas/fabric.schema.json). Parse, merge, check, serialise.
 *
 * A fabric file is one JSON object:
 *
 *   { "version": 1,
 *     "buses":   [ { "name": "vm1", "connector": "ivshmem", ... }, ... ],
 *     "devices": [ { "name": "web0", "type": "venet", "bus": "vm1",
 *                    "mtu": 9000, "bridge": "br0", ... }, ... ] }
 *
 * Buses and devices are arrays of objects that carry their "name" (as
 * nmstate's interfaces do), not objects keyed by name: JSON parsers keep the
 * last of two equal keys without a word, so a name written twice would be
 * lost silently; in arrays it is an error that names both places. Several
 * files merge by concatenating their arrays; a device may name a bus that
 * another file defines.
 *
 * Semantics, which vbusctl apply and vbusd follow: an attribute left out is
 * not managed (the kernel's default on create, left as it is after); a
 * device without "bus" is on no bus and one without "bridge" on no bridge,
 * but an existing connection or bridge port is only taken away with prune,
 * as are buses and devices the fabric does not mention. A bus or device with
 * "state": "absent" (nmstate's habit) is removed without prune, and its
 * absence is no change; it keeps only its name (struct fabric_bus.absent).
 */
#ifndef VBUS_FABRIC_H
#define VBUS_FABRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libvbus.h"
#include "macro.h"

#define FABRIC_VERSION		1

/* The optional attributes of a bus that are set (struct fabric_bus.present). */
#define FABRIC_BUS_F_CONNECTOR		(1U << 0)
#define FABRIC_BUS_F_REGION_SIZE	(1U << 1)
#define FABRIC_BUS_F_DOMAIN		(1U << 2)
#define FABRIC_BUS_F_UUID		(1U << 3)
#define FABRIC_BUS_F_POLL_US		(1U << 4)	/* the one a bus may change */
#define FABRIC_BUS_F_ALL		(FABRIC_BUS_F_CONNECTOR | FABRIC_BUS_F_REGION_SIZE | \
					 FABRIC_BUS_F_DOMAIN | FABRIC_BUS_F_UUID | \
					 FABRIC_BUS_F_POLL_US)

/* A multiple of this many bytes (the uapi's rule for region sizes). */
#define FABRIC_REGION_SIZE_ALIGN	4096

/* Where an object was written, for messages: FILE (NULL for an object read
 * from the kernel) and its index in the file's "buses" or "devices". */
struct fabric_origin {
	const char *file;
	size_t index;
};

struct fabric_bus {
	struct vbus_bus_info info;	/* fields not in present are zero */
	uint32_t present;		/* FABRIC_BUS_F_* */
	bool absent;			/* "state": "absent": removed; only the name is set */
	struct fabric_origin origin;
};

struct fabric_device {
	struct vbus_device_info info;	/* info.bus "": on no bus; info.venet.present:
					 * the venet attributes set */
	char bridge[VBUS_IFNAME_MAX];	/* host bridge of the interface; "": none */
	bool absent;			/* "state": "absent": removed; only the name is set */
	struct fabric_origin origin;
};

struct fabric {
	struct fabric_bus *buses;
	size_t bus_count, bus_capacity;
	struct fabric_device *devices;
	size_t device_count, device_capacity;
	char **files;			/* the names origins point to */
	size_t file_count;
};

/* Errors, one line each: "FILE: PATH: what was found (expected what)", or
 * "FILE:LINE:COLUMN: ..." when the file is not JSON. */
struct fabric_errors {
	char **lines;
	size_t count;
};

int fabric_errors_add(struct fabric_errors *errors, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
void fabric_errors_clear(struct fabric_errors *errors);

/* --- the model --------------------------------------------------------- */

struct fabric *fabric_new(void);
void fabric_free(struct fabric *fabric);
/* fabric_free(), returning NULL: "fabric = fabric_free_null(fabric);". */
static inline struct fabric *fabric_free_null(struct fabric *fabric)
{
	if (fabric)
		fabric_free(fabric);
	return NULL;
}
DEFINE_CLEANUP_FUNC(struct fabric, fabric_free)

/* Copy BUS or DEVICE into FABRIC (their origin's file is copied too). */
int fabric_add_bus(struct fabric *fabric, const struct fabric_bus *bus);
int fabric_add_device(struct fabric *fabric, const struct fabric_device *device);
/* The file name as FABRIC keeps it, added if new; NULL when out of memory. */
const char *fabric_intern_file(struct fabric *fabric, const char *file);
struct fabric_bus *fabric_find_bus(const struct fabric *fabric, const char *name);
struct fabric_device *fabric_find_device(const struct fabric *fabric, const char *name);
/* FABRIC's buses or devices by name, two of one name in the order they were
 * added; *SORTED (bus_count or device_count pointers) is the caller's to
 * free. */
int fabric_sort_buses(const struct fabric *fabric, const struct fabric_bus ***sorted);
int fabric_sort_devices(const struct fabric *fabric, const struct fabric_device ***sorted);
void fabric_remove_bus(struct fabric *fabric, struct fabric_bus *bus);
void fabric_remove_device(struct fabric *fabric, struct fabric_device *device);

/* Appends FROM's buses and devices to INTO, keeping where each was written.
 * Duplicates are for fabric_check() to report. */
int fabric_merge(struct fabric *into, const struct fabric *from);

/* The model of an object the kernel reported (every attribute set); BRIDGE
 * is the host bridge of a device's interface, NULL or "" for none. */
void fabric_bus_from_info(struct fabric_bus *bus, const struct vbus_bus_info *info);
void fabric_device_from_info(struct fabric_device *device, const struct vbus_device_info *info,
			     const char *bridge);

/* The bridge of the host interface of the device INFO describes, written to
 * BRIDGE and returned (NULL: none known). */
typedef const char *(*fabric_bridge_of)(const struct vbus_device_info *info,
					char bridge[VBUS_IFNAME_MAX], void *userdata);
/* The kernel's buses and devices, dumped again when they changed during the
 * dump; BRIDGE (may be NULL) names each device's bridge. -errno. */
int fabric_dump(struct vbus_client *client, fabric_bridge_of bridge, void *userdata,
		struct fabric **actual);

/* "FILE: $.devices[3]" for messages; "device web0" for an object with no
 * file. */
void fabric_bus_path(const struct fabric_bus *bus, char *path, size_t size);
void fabric_device_path(const struct fabric_device *device, char *path, size_t size);

/* --- files ----------------------------------------------------------------- */

/*
 * Parses one fabric file: LENGTH bytes of TEXT, called NAME in messages.
 * Checks everything schemas/fabric.schema.json checks, and only that (but
 * for a size limit of 64 MiB, -EFBIG): 0 and *FABRIC, or -EINVAL with every
 * error found in ERRORS (or -ENOMEM).
 */
int fabric_parse(const char *text, size_t length, const char *name, struct fabric **fabric,
		 struct fabric_errors *errors);
/* The same for a file; a file that cannot be read is one error, and its
 * errno. */
int fabric_parse_file(const char *path, struct fabric **fabric, struct fabric_errors *errors);
/*
 * fabric_parse() that keeps, even on -EINVAL, the
 * objects whose name could be read (without their wrong attributes) in
 * *FABRIC, so that fabric_check() can still be run over several files and
 * every error be reported at once. *FABRIC is NULL when TEXT is not JSON.
 */
int fabric_parse_partial(const char *text, size_t length, const char *name,
			 struct fabric **fabric, struct fabric_errors *errors);
/* The whole of PATH; a file that cannot be read is one error in ERRORS
 * ("PATH: cannot read: ..."), and its -errno. */
int fabric_read_file(const char *path, char **text, size_t *length,
		     struct fabric_errors *errors);
/* The whole of FD (up to the file size limit, -EFBIG), NUL-terminated;
 * *TEXT is the caller's to free. -errno ("-EISDIR" for a directory). */
int fabric_read_fd(int fd, char **text, size_t *length);

/*
 * What the schema cannot say: names used twice (across files too, naming
 * both places; an object declared absent in one place and defined in
 * another), a device on a bus declared absent, the kernel's limits on
 * counts, host interfaces or MAC addresses shared by two devices. 0, or
 * -EINVAL with every error in ERRORS (or -ENOMEM). A device's bus the fabric
 * does not define may exist elsewhere: that is fabric_check_references()'s.
 */
int fabric_check(const struct fabric *fabric, struct fabric_errors *errors);

/*
 * The references of a fabric checked whole (a merged desired state, or files
 * with the kernel's fabric): each device's bus is a bus of FABRIC or of
 * EXISTING (what exists besides: the kernel's; NULL for nothing), and a bus
 * FABRIC declares absent keeps no device (FABRIC's, or EXISTING's that
 * FABRIC neither declares absent nor moves). Errors as fabric_check()'s.
 */
int fabric_check_references(const struct fabric *fabric, const struct fabric *existing,
			    struct fabric_errors *errors);

/* Parses PATHS (in that order), merges them and checks the result: what
 * vbusd's /etc/vbus/fabric.d/ uses. Every file's errors and the check's are
 * reported at once (the check is left out only when a file is not JSON or
 * cannot be read, as its objects would then seem missing). References are
 * checked against EXISTING (fabric_check_references()), unless EXISTING is
 * FABRIC_REFERENCES_LATER: they are then for a check of the merged state
 * (vbusd's fabric.d, merged with what vbusctl made). */
int fabric_load(const char *const *paths, size_t count, const struct fabric *existing,
		struct fabric **fabric, struct fabric_errors *errors);

/* A fabric file already read: its NAME in messages and its text. */
struct fabric_source {
	const char *name;
	const char *text;
	size_t length;
};

/* fabric_load() of texts already read: what vbusctl apply -f A -f B uses. */
int fabric_load_sources(const struct fabric_source *sources, size_t count,
			const struct fabric *existing, struct fabric **fabric,
			struct fabric_errors *errors);

/* fabric_load()'s EXISTING when references are checked later. */
extern const struct fabric fabric_references_later;
#define FABRIC_REFERENCES_LATER	(&fabric_references_later)

/* --- JSON ----------------------------------------------------------------- */

struct json_object;

/* FABRIC as a fabric file: buses and devices by name, attributes in a fixed
 * order, two-space indentation, a final newline; fabric_parse() takes it
 * back unchanged. *TEXT is the caller's to free. */
int fabric_to_json(const struct fabric *fabric, char **text);
/* One bus or device as it appears in a file, with or without its name (the
 * plan's JSON shows attributes under the object's name). NULL when out of
 * memory. */
struct json_object *fabric_bus_to_json(const struct fabric_bus *bus, bool with_name);
struct json_object *fabric_device_to_json(const struct fabric_device *device, bool with_name);
/* A device's counters as GetStats shows them: {"tx_packets": N, ...}, in
 * the order of struct vbus_stats. NULL when out of memory. */
struct json_object *fabric_stats_to_json(const struct vbus_stats *stats);

#endif

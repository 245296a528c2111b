/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plans: the operations that take the kernel from the fabric it has (actual)
 * to the one a configuration describes (desired), in an order the kernel
 * accepts; their human and JSON renderings; their inverse, for rollback.
 */
#ifndef VBUS_PLAN_H
#define VBUS_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "fabric.h"

/* In the order a plan runs them: every disconnect first, then device and
 * bus destruction, creation, attribute changes, and every connect last. */
enum plan_action {
	PLAN_DISCONNECT,
	PLAN_DEVICE_DESTROY,
	PLAN_BUS_DESTROY,
	PLAN_BUS_CREATE,
	PLAN_DEVICE_CREATE,
	PLAN_BUS_SET,
	PLAN_DEVICE_SET,
	PLAN_CONNECT,
};

struct plan_operation {
	enum plan_action action;
	/* BUS_CREATE: the bus to create (its present attributes; the others
	 * take the kernel's defaults). BUS_DESTROY: the bus as it is.
	 * BUS_SET: the bus with its new poll_us, the one attribute a bus
	 * changes in place. */
	struct fabric_bus bus;
	struct fabric_bus previous_bus;	/* BUS_SET: the bus as it was */
	/*
	 * DEVICE_CREATE: the device to create, info.bus empty (a CONNECT
	 * follows), with the bridge vbusd enslaves its interface to once the
	 * kernel made it. DEVICE_DESTROY: the device as it is. DEVICE_SET: the
	 * new values of the attributes in changed. CONNECT, DISCONNECT:
	 * info.name and info.bus.
	 */
	struct fabric_device device;
	struct fabric_device previous;	/* DEVICE_SET: the values they had */
	uint32_t changed;		/* DEVICE_SET: VBUS_VENET_F_* to send */
	bool bridge_changed;		/* DEVICE_SET: and the bridge, for vbusd */
	/* Why a bus or device is destroyed and created again ("connector none
	 * -> ivshmem"), or a device disconnected from a bus that is; "" else. */
	char reason[128];
};

struct plan {
	struct plan_operation *operations;
	size_t count, capacity;
};

void plan_free(struct plan *plan);
DEFINE_CLEANUP_FUNC(struct plan, plan_free)

/*
 * The plan from ACTUAL to DESIRED (both with unique names, DESIRED checked
 * by fabric_check()). Only attributes DESIRED sets are compared. With PRUNE,
 * buses, devices, connections and bridge ports that DESIRED does not have
 * are removed; without, a plan never removes anything DESIRED does not
 * replace. A bus whose attributes differ is destroyed and created again (the
 * kernel cannot change a bus), its devices disconnected and connected back.
 * -EINVAL for a name used twice, -ENOENT for a device whose bus will not
 * exist.
 */
int plan_compute(const struct fabric *desired, const struct fabric *actual, bool prune,
		 struct plan **plan);

/* The operations that undo the first EXECUTED of PLAN, in the order that
 * undoes them: what a failed apply runs to roll back. Changes to attributes
 * ACTUAL did not set cannot be undone and are left out. */
int plan_inverse(const struct plan *plan, size_t executed, struct plan **inverse);

/*
 * Runs PLAN on FABRIC in memory, refusing what vbus.ko refuses (-EEXIST,
 * -ENOENT, -EBUSY for a connected device or a bus with devices, -ENOTCONN,
 * -ENOSPC for a full bus). *EXECUTED: how many operations succeeded. The
 * tests' fake kernel, and a daemon's view of what the kernel now has.
 */
int plan_apply_in_memory(const struct plan *plan, struct fabric *fabric, size_t *executed);

/* One line per operation, each ending in a newline ("" for no change):
 *   + bus vm1 (ivshmem, region_size 2097152)
 *   + device web0 (venet, mtu 9000, bridge br0)
 *   ~ device web0: zcthresh 256 -> 0, wmem 1048576 -> 2097152
 *   + connection web0 -> vm1
 *   - connection db0 -> vm9
 *   - device db0
 *   - bus vm9
 * *TEXT is the caller's to free. */
int plan_to_text(const struct plan *plan, char **text);
int plan_operation_to_text(const struct plan_operation *operation, char **text);

/* {"operations": [{"action": "create", "object": "bus", "name": "vm1",
 * "attributes": {...}}, {"action": "set", "object": "device", "name":
 * "web0", "changes": {"zcthresh": {"from": 256, "to": 0}}}, {"action":
 * "connect", "object": "connection", "device": "web0", "bus": "vm1"}, ...]};
 * NULL when out of memory. */
struct json_object *plan_to_json(const struct plan *plan);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd's desired state on disk: the configuration directory, the persisted
 * fabric and the pending one, written atomically; and how states overlay. */
#ifndef VBUSD_STATE_H
#define VBUSD_STATE_H

#include "fabric.h"

/* Loads the .json files of DIR in name order, merged and checked, their
 * devices' buses against EXISTING too (what there is besides them: the
 * desired state and the kernel's; see fabric_load()); an empty fabric when
 * DIR has none or does not exist. */
int state_load_config(const char *dir, const struct fabric *existing, struct fabric **fabric,
		      struct fabric_errors *errors);
/* Reads a persisted fabric; -ENOENT when PATH does not exist. */
/* Objects of FABRIC named in messages by kind and name, not by place. */
void state_forget_origins(struct fabric *fabric);

int state_read(const char *path, struct fabric **fabric, struct fabric_errors *errors);
/* Writes FABRIC to PATH atomically: a temporary file, fsync, rename, fsync
 * of the directory. */
int state_write(const char *path, const struct fabric *fabric);
/* Removes PATH (no error when absent) and syncs its directory. */
int state_remove(const char *path);

/* A copy of FABRIC; NULL when out of memory. */
struct fabric *state_copy(const struct fabric *fabric);
/* FIRST's objects and SECOND's (may be NULL) that FIRST has no object of
 * that name of; NULL when out of memory. */
struct fabric *state_union(const struct fabric *first, const struct fabric *second);
/* Puts FROM's objects into INTO: an object FROM names replaces INTO's of that
 * name whole (it takes FROM's attributes); the others are added. */
int state_overlay(struct fabric *into, const struct fabric *from);
/* Takes out of FABRIC the objects declared absent: once applied, they are
 * gone, and the desired state is what there is to have. */
void state_drop_absent(struct fabric *fabric);
/* After an overlay of a file's FROM: the devices FROM names without a
 * bridge keep the one PREVIOUS gave them. An attribute a file leaves out is
 * not managed, and a host interface that comes and goes with its guest
 * keeps its bridge only if vbusd does (prune, or SetDevice, removes it). */
void state_keep_bridges(struct fabric *into, const struct fabric *previous,
			const struct fabric *from);

/* What a removal takes away: a device, a bus, or a device's connection. */
enum state_removal {
	STATE_REMOVE_DEVICE,
	STATE_REMOVE_BUS,
	STATE_REMOVE_CONNECTION,
};

/* Takes the object NAME out of FABRIC (a bus: and the devices that were to
 * go on it now go on none). */
void state_take_out(struct fabric *fabric, enum state_removal removal, const char *name);
/*
 * What a removal's plan aims at, with prune, so that it removes only what was
 * taken out of DESIRED: everything ACTUAL (the kernel) has, as it has it,
 * overlaid by DESIRED, where a device DESIRED leaves on no bus stays on the
 * bus ACTUAL has it on. The caller then takes its objects out of it too.
 * NULL when out of memory.
 */
struct fabric *state_removal_target(const struct fabric *actual, const struct fabric *desired);

#endif

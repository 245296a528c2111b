/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reads without vbusd: the kernel's buses, devices and counters over generic
 * netlink (libvbus), in the shape of vbusd's GetBuses, GetDevices, GetStats. */
#ifndef VBUSCTL_KERNEL_H
#define VBUSCTL_KERNEL_H

#include "cli.h"

struct json_object;

/*
 * METHOD's reply ("GetBuses", "GetDevices" or "GetStats") for NAMES (NULL-
 * terminated; none: all) read from vbus.ko, with what only vbusd knows
 * (managed, bridge, link) null and "source": "kernel". An exit code; a
 * failure (vbus.ko not loaded: CONTEXT's unreachable_text too, then 4; a
 * name not found: 3) is reported.
 */
int kernel_read(const struct context *context, const char *method, char **names,
		const char *object, struct json_object **reply);

#endif

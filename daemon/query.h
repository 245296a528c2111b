/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reading methods of org.vbus.Manager1 (api.c's vtable names them);
 * USERDATA is the manager. */
#ifndef VBUSD_QUERY_H
#define VBUSD_QUERY_H

#include <systemd/sd-bus.h>

int query_buses(sd_bus_message *message, void *userdata, sd_bus_error *error);
int query_devices(sd_bus_message *message, void *userdata, sd_bus_error *error);
int query_stats(sd_bus_message *message, void *userdata, sd_bus_error *error);
int query_status(sd_bus_message *message, void *userdata, sd_bus_error *error);
int query_export(sd_bus_message *message, void *userdata, sd_bus_error *error);

#endif

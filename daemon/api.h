/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The methods of org.vbus.Manager1 that change things (api.c) and those that
 * read the kernel (query.c), as sd-bus handlers; USERDATA is the manager. */
#ifndef VBUSD_API_H
#define VBUSD_API_H

#include <systemd/sd-bus.h>

#include "manager.h"

int api_apply(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_reload(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_create_bus(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_destroy_bus(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_create_device(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_destroy_device(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_set_device(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_set_bus(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_connect(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_disconnect(sd_bus_message *message, void *userdata, sd_bus_error *error);

/* Reload, for SIGHUP as for the method: fabric.d applied without prune. */
int api_reload_config(struct manager *manager, char **result, char *error, size_t size);

int query_buses(sd_bus_message *message, void *userdata, sd_bus_error *error);
int query_devices(sd_bus_message *message, void *userdata, sd_bus_error *error);
int query_stats(sd_bus_message *message, void *userdata, sd_bus_error *error);
int query_status(sd_bus_message *message, void *userdata, sd_bus_error *error);
int query_export(sd_bus_message *message, void *userdata, sd_bus_error *error);

/* Whether the sender of MESSAGE has CAP_NET_ADMIN; AccessDenied in ERROR
 * when not (dbus.c). */
int dbus_check_privilege(struct manager *manager, sd_bus_message *message, const char *method,
			 sd_bus_error *error);

#endif

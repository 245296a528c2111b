/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Between api.c (the vtable, the whole-fabric methods) and api-object.c
 * (the one-object methods): the helpers both use, and the methods the
 * vtable names. Not for the rest of vbusd: its front end is api.h. */
#ifndef VBUSD_API_METHODS_H
#define VBUSD_API_METHODS_H

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "fabric.h"
#include "manager.h"

/* ERRORS as one ERROR_INVALID_CONFIG error, which it returns (and clears ERRORS). */
int api_invalid(sd_bus_error *error, struct fabric_errors *errors);

/* Runs REQUEST; replies with its result when WITH_RESULT, else with nothing. */
int api_run_apply(struct manager *manager, sd_bus_message *message,
		  const struct apply_request *request, bool with_result, sd_bus_error *error);

/* The desired state with FABRIC's objects put in (or exactly FABRIC, with
 * prune), checked as a whole, into *DESIRED. ERRORS has those of FABRIC's
 * own check: then only the references are checked (the rest would be
 * reported twice), so that every error comes at once. */
int api_merge_desired(struct manager *manager, const struct fabric *fabric, bool prune,
		      struct fabric_errors *errors, struct fabric **desired, sd_bus_error *error);

/* api-object.c: sd-bus method handlers, userdata the manager */
int api_create_bus(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_create_device(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_set_bus(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_set_device(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_connect(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_move(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_destroy_bus(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_destroy_device(sd_bus_message *message, void *userdata, sd_bus_error *error);
int api_disconnect(sd_bus_message *message, void *userdata, sd_bus_error *error);

#endif

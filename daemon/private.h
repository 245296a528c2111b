/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The private socket (/run/vbus/private): a peer-to-peer D-Bus server, root
 * only, so that vbusctl works without a bus daemon. It serves connections;
 * what they see is SETUP's (the front end's objects). */
#ifndef VBUSD_PRIVATE_H
#define VBUSD_PRIVATE_H

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "macro.h"

struct private_server;

/* Listens on PATH from EVENT's loop; SETUP adds the objects of each new
 * connection, before it starts. */
int private_server_new(sd_event *event, const char *path,
		       int (*setup)(sd_bus *bus, void *userdata), void *userdata,
		       struct private_server **server);
/* Closes every connection and removes the socket. */
void private_server_free(struct private_server *server);
DEFINE_CLEANUP_FUNC(struct private_server, private_server_free)

/* Whether BUS's peer had CAP_NET_ADMIN when it connected: 1 or 0; -ENOENT
 * when BUS is not one of the server's connections. */
int private_server_privileged(struct private_server *server, sd_bus *bus);

/* Calls SEND for every open connection, and flushes what it queued. */
void private_server_broadcast(struct private_server *server,
			      void (*send)(sd_bus *bus, void *arg), void *arg);

#endif

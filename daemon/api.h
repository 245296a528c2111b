/* SPDX-License-Identifier: GPL-2.0-or-later */
/* org.vbus.Manager1, the front end: its vtable (served by dbus.c), with the
 * methods that change things beside it; the handlers' userdata is the
 * manager. */
#ifndef VBUSD_API_H
#define VBUSD_API_H

#include <systemd/sd-bus.h>

extern const sd_bus_vtable api_vtable[];

#endif

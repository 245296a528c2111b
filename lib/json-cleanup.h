/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* json_object_putp(): _cleanup_ for json-c objects, for libvbus, vbusd,
 * vbusctl and their tests. */
#ifndef VBUS_JSON_CLEANUP_H
#define VBUS_JSON_CLEANUP_H

#include <json-c/json.h>

#include "macro.h"

DEFINE_CLEANUP_FUNC(struct json_object, json_object_put)

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Checkpoints for "vbusctl apply --checkpoint" (checkpoint.c). */
#ifndef VBUSCTL_CHECKPOINT_H
#define VBUSCTL_CHECKPOINT_H

#include <stdint.h>

#include "cli.h"

/* as vbusd's (daemon/checkpoint.h) */
#define CHECKPOINT_DEFAULT_SECONDS	60
#define CHECKPOINT_MAX_SECONDS		86400

/* --checkpoint's TEXT (NULL: none given) in *SECONDS; -EINVAL (reported). */
int checkpoint_parse(const char *text, uint32_t *seconds);
/* vbusd saves the desired state for SECONDS; an exit code. */
int checkpoint_begin(struct context *context, uint32_t seconds);
/* Drops the checkpoint of an apply that failed (and was undone by vbusd). */
void checkpoint_abandon(struct context *context);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake vbusd for the CLI's unit tests: a child process serving canned
 * org.vbus.Manager1 answers on a unix socket (peer-to-peer, as vbusd's
 * private socket), writing each call it gets to a file. It checks nothing of
 * the fabric; the real vbusd is tested in the VM tier (tests/vm/cli/).
 */
#ifndef VBUSCTL_FAKE_VBUSD_H
#define VBUSCTL_FAKE_VBUSD_H

#include <sys/types.h>

struct fake_vbusd {
	char directory[64];	/* the socket "private" and the file "calls" */
	char address[128];	/* unix:path=DIRECTORY/private */
	pid_t pid;
};

int fake_vbusd_start(struct fake_vbusd *fake);
void fake_vbusd_stop(struct fake_vbusd *fake);

#endif

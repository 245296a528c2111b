/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the subcommands of vbusctl share: the context, exit codes, the verbs. */
#ifndef VBUSCTL_CLI_H
#define VBUSCTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in vbusctl(8) and vbusctl --help. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_NOT_FOUND = 3,
	EXIT_UNREACHABLE = 4,
	EXIT_DENIED = 5,
	EXIT_CHANGES = 10,		/* diff --exit-code: the plan is not empty */
	EXIT_DEGRADED = 11,		/* status: not in sync, or problems */
	EXIT_RESTART_NEEDED = 12,	/* domain attach: in the definition, seen at
					 * the domain's next start */
};

struct sd_bus;

struct context {
	bool json;
	bool pretty;			/* indent JSON output */
	bool system_bus;		/* --system: the system bus, never the socket */
	const char *address;		/* --address or $VBUS_ADDRESS: vbusd as a peer */
	uint64_t timeout_usec;		/* of each method call */
	struct sd_bus *bus;		/* the connection to vbusd, once made */
	const char *destination;	/* the bus name on the system bus, NULL on a peer */
	int private_error;		/* why the private socket was not used (-errno), or 0 */
	bool quiet_unreachable;		/* a read that falls back to the kernel: vbusd
					 * unreachable is not reported */
	int unreachable_error;		/* why vbusd was unreachable (-errno), or 0 */
	char unreachable_text[640];	/* and the report not printed then */
	const char *exists_hint;	/* the hint for "already exists" (--may-exist) */
};

struct command {
	const char *name;
	int (*run)(struct context *context, int argc, char **argv);
	const char *help;
};

/* The verbs; ARGV[0] is the verb (or the group's verb: "create"). Each
 * returns an exit code. */
int command_version(struct context *context, int argc, char **argv);
int command_device(struct context *context, int argc, char **argv);
int command_bus(struct context *context, int argc, char **argv);
int command_connect(struct context *context, int argc, char **argv);
int command_disconnect(struct context *context, int argc, char **argv);
int command_apply(struct context *context, int argc, char **argv);
int command_diff(struct context *context, int argc, char **argv);
int command_reload(struct context *context, int argc, char **argv);
int command_commit(struct context *context, int argc, char **argv);
int command_rollback(struct context *context, int argc, char **argv);
int command_export(struct context *context, int argc, char **argv);
int command_status(struct context *context, int argc, char **argv);
int command_stats(struct context *context, int argc, char **argv);
int command_monitor(struct context *context, int argc, char **argv);
int command_show(struct context *context, int argc, char **argv);
int command_domain(struct context *context, int argc, char **argv);

/* Runs the verb of TABLE that ARGV[0] names (a group's sub-verbs); prints
 * GROUP's usage for --help or an unknown verb. */
int command_dispatch(struct context *context, const char *group, const struct command *table,
		     size_t count, int argc, char **argv);

#endif

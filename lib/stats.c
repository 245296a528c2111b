/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Device statistics over netlink (STATS_GET, one device or a dump). */
#include <errno.h>
#include <netlink/netlink.h>

#include "codec.h"
#include "netlink.h"

static int stats_reply(struct nlattr **attrs, void *data)
{
	char device[VBUS_NAME_MAX];

	return vbus_parse_stats(attrs, device, data);
}

int vbus_stats_get(struct vbus_client *client, const char *device, struct vbus_stats *stats)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_STATS_GET, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_device_name(msg, device);
	if (r < 0)
		return r;
	return vbus_request_one(client, msg, stats_reply, stats);
}

struct stats_dump {
	int (*callback)(const char *device, const struct vbus_stats *stats, void *arg);
	void *arg;
};

static int stats_dump_reply(struct nlattr **attrs, void *data)
{
	struct stats_dump *dump = data;
	char device[VBUS_NAME_MAX];
	struct vbus_stats stats;
	int r;

	r = vbus_parse_stats(attrs, device, &stats);
	if (r < 0)
		return r;
	return dump->callback(device, &stats, dump->arg);
}

int vbus_stats_dump(struct vbus_client *client,
		    int (*callback)(const char *device, const struct vbus_stats *stats, void *arg),
		    void *arg)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	struct stats_dump dump = { .callback = callback, .arg = arg };

	msg = vbus_request_new(client, VBUS_CMD_STATS_GET, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	return vbus_request_run(client, msg, stats_dump_reply, &dump);
}

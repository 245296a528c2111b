/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Buses over netlink: create, delete, change, get and dump (BUS_NEW,
 * BUS_DEL, BUS_SET, BUS_GET). */
#include <errno.h>
#include <netlink/netlink.h>

#include "codec.h"
#include "netlink.h"

int vbus_bus_new(struct vbus_client *client, const struct vbus_bus_info *bus)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_BUS_NEW, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_bus(msg, bus);
	if (r < 0)
		return r;
	return vbus_request_run(client, msg, NULL, NULL);
}

int vbus_bus_del(struct vbus_client *client, const char *name)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_BUS_DEL, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_bus_name(msg, name);
	if (r < 0)
		return r;
	return vbus_request_run(client, msg, NULL, NULL);
}

int vbus_bus_set_poll_us(struct vbus_client *client, const char *name, uint32_t poll_us)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_BUS_SET, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_bus_name(msg, name);
	if (r < 0)
		return r;
	if (nla_put_u32(msg, VBUS_A_BUS_POLL_US, poll_us) < 0)
		return -EMSGSIZE;
	return vbus_request_run(client, msg, NULL, NULL);
}

static int bus_reply(struct nlattr **attrs, void *data)
{
	return vbus_parse_bus(attrs, data);
}

int vbus_bus_get(struct vbus_client *client, const char *name, struct vbus_bus_info *bus)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_BUS_GET, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_bus_name(msg, name);
	if (r < 0)
		return r;
	return vbus_request_one(client, msg, bus_reply, bus);
}

struct bus_dump {
	int (*callback)(const struct vbus_bus_info *bus, void *arg);
	void *arg;
};

static int bus_dump_reply(struct nlattr **attrs, void *data)
{
	struct bus_dump *dump = data;
	struct vbus_bus_info bus;
	int r;

	r = vbus_parse_bus(attrs, &bus);
	if (r < 0)
		return r;
	return dump->callback(&bus, dump->arg);
}

int vbus_bus_dump(struct vbus_client *client,
		  int (*callback)(const struct vbus_bus_info *bus, void *arg), void *arg)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	struct bus_dump dump = { .callback = callback, .arg = arg };

	msg = vbus_request_new(client, VBUS_CMD_BUS_GET, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	return vbus_request_run(client, msg, bus_dump_reply, &dump);
}

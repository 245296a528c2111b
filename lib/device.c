/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Devices over netlink: create, delete, get, dump, set (DEVICE_*), and
 * their connection to a bus (CONNECT, DISCONNECT). */
#include <errno.h>
#include <netlink/netlink.h>

#include "codec.h"
#include "netlink.h"

int vbus_device_new(struct vbus_client *client, const struct vbus_device_info *device)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_DEVICE_NEW, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_device(msg, device);
	if (r < 0)
		return r;
	return vbus_request_run(client, msg, NULL, NULL);
}

/* A request that names one device, e.g. DEVICE_DEL, DISCONNECT. */
static int device_request(struct vbus_client *client, uint8_t cmd, const char *name)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, cmd, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_device_name(msg, name);
	if (r < 0)
		return r;
	return vbus_request_run(client, msg, NULL, NULL);
}

int vbus_device_del(struct vbus_client *client, const char *name)
{
	return device_request(client, VBUS_CMD_DEVICE_DEL, name);
}

static int device_reply(struct nlattr **attrs, void *data)
{
	return vbus_parse_device(attrs, data);
}

int vbus_device_get(struct vbus_client *client, const char *name, struct vbus_device_info *device)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_DEVICE_GET, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_device_name(msg, name);
	if (r < 0)
		return r;
	return vbus_request_one(client, msg, device_reply, device);
}

struct device_dump {
	int (*callback)(const struct vbus_device_info *device, void *arg);
	void *arg;
};

static int device_dump_reply(struct nlattr **attrs, void *data)
{
	struct device_dump *dump = data;
	struct vbus_device_info device;
	int r;

	r = vbus_parse_device(attrs, &device);
	if (r < 0)
		return r;
	return dump->callback(&device, dump->arg);
}

int vbus_device_dump(struct vbus_client *client,
		     int (*callback)(const struct vbus_device_info *device, void *arg), void *arg)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	struct device_dump dump = { .callback = callback, .arg = arg };

	msg = vbus_request_new(client, VBUS_CMD_DEVICE_GET, NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	return vbus_request_run(client, msg, device_dump_reply, &dump);
}

int vbus_device_set(struct vbus_client *client, const char *name,
		    const struct vbus_venet_config *venet)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_DEVICE_SET, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_device_name(msg, name);
	if (r == 0)
		r = vbus_put_venet(msg, venet);
	if (r < 0)
		return r;
	return vbus_request_run(client, msg, NULL, NULL);
}

int vbus_connect(struct vbus_client *client, const char *device, const char *bus)
{
	_cleanup_(nlmsg_freep) struct nl_msg *msg = NULL;
	int r;

	msg = vbus_request_new(client, VBUS_CMD_CONNECT, 0);
	if (!msg)
		return -ENOMEM;
	r = vbus_put_device_name(msg, device);
	if (r == 0)
		r = vbus_put_bus_name(msg, bus);
	if (r < 0)
		return r;
	return vbus_request_run(client, msg, NULL, NULL);
}

int vbus_disconnect(struct vbus_client *client, const char *device)
{
	return device_request(client, VBUS_CMD_DISCONNECT, device);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The "vbus" generic netlink family: the control API of vbus.ko, as
 * documented in include/uapi/linux/vbus.h. Parses requests, calls the core
 * under vbus_lock, and builds replies, dumps and event messages.
 */
#include <net/genetlink.h>

#include "vbus.h"

/* Not const: 6.1's nla_policy takes a non-const range. */
static struct netlink_range_validation vbus_region_range = {
	.min = VBUS_REGION_SIZE_MIN,
	.max = VBUS_REGION_SIZE_MAX,
};

static struct netlink_range_validation vbus_poll_us_range = {
	.min = 0,
	.max = VBUS_BUS_POLL_US_MAX,
};

static const struct nla_policy vbus_policy[VBUS_A_MAX + 1] = {
	[VBUS_A_VERSION] = { .type = NLA_REJECT },
	[VBUS_A_MODULE_VERSION] = { .type = NLA_REJECT },
	[VBUS_A_BUS_NAME] = { .type = NLA_NUL_STRING, .len = VBUS_NAME_MAX - 1 },
	[VBUS_A_BUS_CONNECTOR] = NLA_POLICY_MAX(NLA_U32, VBUS_CONNECTOR_MAX),
	[VBUS_A_BUS_REGION_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &vbus_region_range),
	[VBUS_A_BUS_DOMAIN] = { .type = NLA_NUL_STRING, .len = VBUS_DOMAIN_MAX - 1 },
	[VBUS_A_BUS_UUID] = NLA_POLICY_EXACT_LEN(VBUS_UUID_LEN),
	[VBUS_A_BUS_STATE] = { .type = NLA_REJECT },
	[VBUS_A_BUS_DEVICE_COUNT] = { .type = NLA_REJECT },
	[VBUS_A_DEVICE_NAME] = { .type = NLA_NUL_STRING, .len = VBUS_NAME_MAX - 1 },
	[VBUS_A_DEVICE_ID] = { .type = NLA_REJECT },
	[VBUS_A_DEVICE_TYPE] = NLA_POLICY_RANGE(NLA_U32, 1, VBUS_DEVICE_TYPE_MAX),
	[VBUS_A_DEVICE_VENET] = NLA_POLICY_NESTED(vbus_venet_policy),
	[VBUS_A_DEVICE_STATS] = { .type = NLA_REJECT },
	[VBUS_A_BUS_POLL_US] = NLA_POLICY_FULL_RANGE(NLA_U32, &vbus_poll_us_range),
	[VBUS_A_BUS_POLL_WINDOWS] = { .type = NLA_REJECT },
	[VBUS_A_BUS_POLL_HITS] = { .type = NLA_REJECT },
	[VBUS_A_BUS_POLL_TIME_NS] = { .type = NLA_REJECT },
	[VBUS_A_PAD] = { .type = NLA_REJECT },
};

/* The model nests: a request may carry only its device's. */
static const int vbus_model_nests[] = { VBUS_A_DEVICE_VENET };

static struct genl_family vbus_family;

void *vbus_genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		       u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &vbus_family, flags, cmd);
}

bool vbus_has_listeners(void)
{
	return genl_has_listeners(&vbus_family, &init_net, 0);
}

void vbus_multicast(struct sk_buff *skb)
{
	genlmsg_multicast(&vbus_family, skb, 0, 0, GFP_KERNEL);
}

int vbus_fill_bus(struct sk_buff *skb, struct vbus_bus *bus)
{
	if (nla_put_string(skb, VBUS_A_BUS_NAME, bus->name) ||
	    nla_put_u32(skb, VBUS_A_BUS_CONNECTOR, bus->connector) ||
	    nla_put_u32(skb, VBUS_A_BUS_REGION_SIZE, bus->region_size) ||
	    nla_put_u32(skb, VBUS_A_BUS_STATE, bus->state) ||
	    nla_put_u32(skb, VBUS_A_BUS_DEVICE_COUNT, bus->device_count) ||
	    nla_put_u32(skb, VBUS_A_BUS_POLL_US, READ_ONCE(bus->poll_us)) ||
	    nla_put_u64_64bit(skb, VBUS_A_BUS_POLL_WINDOWS,
			      atomic64_read(&bus->poll_windows), VBUS_A_PAD) ||
	    nla_put_u64_64bit(skb, VBUS_A_BUS_POLL_HITS,
			      atomic64_read(&bus->poll_hits), VBUS_A_PAD) ||
	    nla_put_u64_64bit(skb, VBUS_A_BUS_POLL_TIME_NS,
			      atomic64_read(&bus->poll_time_ns), VBUS_A_PAD))
		return -EMSGSIZE;
	if (bus->domain[0] &&
	    nla_put_string(skb, VBUS_A_BUS_DOMAIN, bus->domain))
		return -EMSGSIZE;
	if (bus->has_uuid &&
	    nla_put(skb, VBUS_A_BUS_UUID, VBUS_UUID_LEN, bus->uuid))
		return -EMSGSIZE;
	return 0;
}

int vbus_fill_device(struct sk_buff *skb, struct vbus_device *dev)
{
	if (nla_put_string(skb, VBUS_A_DEVICE_NAME, dev->name) ||
	    nla_put_u32(skb, VBUS_A_DEVICE_ID, dev->id) ||
	    nla_put_u32(skb, VBUS_A_DEVICE_TYPE, dev->model->type) ||
	    dev->model->fill(dev, skb))
		return -EMSGSIZE;
	if (dev->bus && nla_put_string(skb, VBUS_A_BUS_NAME, dev->bus->name))
		return -EMSGSIZE;
	return 0;
}

int vbus_fill_connection(struct sk_buff *skb, struct vbus_device *dev,
			 struct vbus_bus *bus)
{
	if (nla_put_string(skb, VBUS_A_DEVICE_NAME, dev->name) ||
	    nla_put_string(skb, VBUS_A_BUS_NAME, bus->name))
		return -EMSGSIZE;
	return 0;
}

static int vbus_put_stats(struct sk_buff *skb, const char *name,
			  const struct vbus_device_stats *s)
{
	const struct { int attr; u64 value; } counters[] = {
		{ VBUS_STATS_A_TX_PACKETS, s->tx_packets },
		{ VBUS_STATS_A_TX_BYTES, s->tx_bytes },
		{ VBUS_STATS_A_RX_PACKETS, s->rx_packets },
		{ VBUS_STATS_A_RX_BYTES, s->rx_bytes },
		{ VBUS_STATS_A_DROPS, s->drops },
		{ VBUS_STATS_A_DOORBELLS, s->doorbells },
		{ VBUS_STATS_A_INTERRUPTS, s->interrupts },
		{ VBUS_STATS_A_SUPPRESSED, s->suppressed },
		{ VBUS_STATS_A_TX_ZEROCOPY, s->tx_zerocopy },
		{ VBUS_STATS_A_TX_COPIED, s->tx_copied },
	};
	struct nlattr *nest;
	int i;

	if (nla_put_string(skb, VBUS_A_DEVICE_NAME, name))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VBUS_A_DEVICE_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		if (nla_put_u64_64bit(skb, counters[i].attr, counters[i].value,
				      VBUS_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vbus_fill_stats(struct sk_buff *skb, struct vbus_device *dev)
{
	struct vbus_device_stats snapshot;

	vbus_device_stats_read(dev, &snapshot);
	return vbus_put_stats(skb, dev->name, &snapshot);
}

/* The name in ATTR, which the request must carry, checked for its form. */
static const char *vbus_get_name(struct genl_info *info, int attr)
{
	const char *name;

	if (GENL_REQ_ATTR_CHECK(info, attr)) {
		NL_SET_ERR_MSG(info->extack, "missing a name");
		return NULL;
	}
	name = nla_data(info->attrs[attr]);
	if (!vbus_name_valid(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "name must match [a-z0-9][a-z0-9_.-]{0,30}");
		return NULL;
	}
	return name;
}

/* Under vbus_lock: the device or bus the request names, or NULL. */
static struct vbus_device *vbus_lookup_device(struct genl_info *info,
					      int *err)
{
	const char *name = vbus_get_name(info, VBUS_A_DEVICE_NAME);
	struct vbus_device *dev;

	*err = -EINVAL;
	if (!name)
		return NULL;
	dev = vbus_device_find(name);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VBUS_A_DEVICE_NAME],
				    "no such device");
		*err = -ENOENT;
	}
	return dev;
}

static struct vbus_bus *vbus_lookup_bus(struct genl_info *info, int *err)
{
	const char *name = vbus_get_name(info, VBUS_A_BUS_NAME);
	struct vbus_bus *bus;

	*err = -EINVAL;
	if (!name)
		return NULL;
	bus = vbus_bus_find(name);
	if (!bus) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VBUS_A_BUS_NAME],
				    "no such bus");
		*err = -ENOENT;
	}
	return bus;
}

static int vbus_cmd_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vbus_family, 0, info->genlhdr->cmd);
	if (!hdr ||
	    nla_put_u32(msg, VBUS_A_VERSION, VBUS_GENL_VERSION) ||
	    nla_put_string(msg, VBUS_A_MODULE_VERSION, VBUS_VERSION)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vbus_cmd_bus_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct vbus_bus_params params = {
		.connector = VBUS_CONNECTOR_NONE,
		.region_size = VBUS_REGION_SIZE_DEFAULT,
		.poll_us = VBUS_BUS_POLL_US_DEFAULT,
	};
	struct vbus_bus *bus;
	int err;

	params.name = vbus_get_name(info, VBUS_A_BUS_NAME);
	if (!params.name)
		return -EINVAL;
	if (attrs[VBUS_A_BUS_CONNECTOR])
		params.connector = nla_get_u32(attrs[VBUS_A_BUS_CONNECTOR]);
	if (attrs[VBUS_A_BUS_REGION_SIZE]) {
		params.region_size = nla_get_u32(attrs[VBUS_A_BUS_REGION_SIZE]);
		if (!PAGE_ALIGNED(params.region_size)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[VBUS_A_BUS_REGION_SIZE],
					    "region size must be a multiple of the page size");
			return -EINVAL;
		}
	}
	if (attrs[VBUS_A_BUS_DOMAIN])
		params.domain = nla_data(attrs[VBUS_A_BUS_DOMAIN]);
	if (attrs[VBUS_A_BUS_UUID])
		params.uuid = nla_data(attrs[VBUS_A_BUS_UUID]);
	if (attrs[VBUS_A_BUS_POLL_US])
		params.poll_us = nla_get_u32(attrs[VBUS_A_BUS_POLL_US]);

	mutex_lock(&vbus_lock);
	err = vbus_bus_create(&params, &bus, info->extack);
	mutex_unlock(&vbus_lock);
	if (err == -EEXIST)
		NL_SET_BAD_ATTR(info->extack, attrs[VBUS_A_BUS_NAME]);
	return err;
}

static int vbus_cmd_bus_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vbus_bus *bus;
	int err;

	mutex_lock(&vbus_lock);
	bus = vbus_lookup_bus(info, &err);
	if (bus)
		err = vbus_bus_destroy(bus, info->extack);
	mutex_unlock(&vbus_lock);
	return err;
}

/* The bus attributes fixed at BUS_NEW: BUS_SET refuses them. */
static const int vbus_bus_fixed[] = {
	VBUS_A_BUS_CONNECTOR, VBUS_A_BUS_REGION_SIZE, VBUS_A_BUS_DOMAIN, VBUS_A_BUS_UUID,
};

static int vbus_cmd_bus_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct vbus_bus *bus;
	int i, err;

	for (i = 0; i < ARRAY_SIZE(vbus_bus_fixed); i++) {
		if (attrs[vbus_bus_fixed[i]]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[vbus_bus_fixed[i]],
					    "fixed when the bus is created; only poll_us can change");
			return -EINVAL;
		}
	}
	mutex_lock(&vbus_lock);
	bus = vbus_lookup_bus(info, &err);
	if (bus) {
		err = 0;
		if (attrs[VBUS_A_BUS_POLL_US])
			vbus_bus_set_poll_us(bus, nla_get_u32(attrs[VBUS_A_BUS_POLL_US]));
	}
	mutex_unlock(&vbus_lock);
	return err;
}

/* Replies to a get with one object, looked up and filled under vbus_lock. */
static int vbus_reply_object(struct genl_info *info, bool bus_object,
			     int (*fill)(struct sk_buff *skb, void *obj))
{
	struct sk_buff *msg;
	void *hdr, *obj;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vbus_family, 0, info->genlhdr->cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}

	mutex_lock(&vbus_lock);
	if (bus_object)
		obj = vbus_lookup_bus(info, &err);
	else
		obj = vbus_lookup_device(info, &err);
	if (obj)
		err = fill(msg, obj);
	mutex_unlock(&vbus_lock);
	if (err)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int vbus_fill_bus_object(struct sk_buff *skb, void *obj)
{
	return vbus_fill_bus(skb, obj);
}

static int vbus_fill_device_object(struct sk_buff *skb, void *obj)
{
	return vbus_fill_device(skb, obj);
}

static int vbus_fill_stats_object(struct sk_buff *skb, void *obj)
{
	return vbus_fill_stats(skb, obj);
}

static int vbus_cmd_bus_get(struct sk_buff *skb, struct genl_info *info)
{
	return vbus_reply_object(info, true, vbus_fill_bus_object);
}

static int vbus_cmd_device_get(struct sk_buff *skb, struct genl_info *info)
{
	return vbus_reply_object(info, false, vbus_fill_device_object);
}

static int vbus_cmd_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return vbus_reply_object(info, false, vbus_fill_stats_object);
}

/* A nest of another model than the device's is a mistake worth naming. */
static int vbus_check_nests(struct genl_info *info,
			    const struct vbus_device_model *model)
{
	int i, attr;

	for (i = 0; i < ARRAY_SIZE(vbus_model_nests); i++) {
		attr = vbus_model_nests[i];
		if (attr != model->nest_attr && info->attrs[attr]) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
					    "attributes of another device type");
			return -EINVAL;
		}
	}
	return 0;
}

static int vbus_cmd_device_new(struct sk_buff *skb, struct genl_info *info)
{
	const struct vbus_device_model *model;
	struct vbus_device *dev;
	const char *name;
	int err;

	name = vbus_get_name(info, VBUS_A_DEVICE_NAME);
	if (!name)
		return -EINVAL;
	if (GENL_REQ_ATTR_CHECK(info, VBUS_A_DEVICE_TYPE)) {
		NL_SET_ERR_MSG(info->extack, "missing the device type");
		return -EINVAL;
	}

	mutex_lock(&vbus_lock);
	model = vbus_model_find(nla_get_u32(info->attrs[VBUS_A_DEVICE_TYPE]));
	if (!model) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VBUS_A_DEVICE_TYPE],
				    "device type not available");
		err = -EOPNOTSUPP;
		goto out;
	}
	err = vbus_check_nests(info, model);
	if (err)
		goto out;
	err = vbus_device_create(name, model, info->attrs[model->nest_attr],
				 &dev, info->extack);
	if (err == -EEXIST)
		NL_SET_BAD_ATTR(info->extack, info->attrs[VBUS_A_DEVICE_NAME]);
out:
	mutex_unlock(&vbus_lock);
	return err;
}

static int vbus_cmd_device_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vbus_device *dev;
	int err;

	mutex_lock(&vbus_lock);
	dev = vbus_lookup_device(info, &err);
	if (dev)
		err = vbus_device_destroy(dev, info->extack);
	mutex_unlock(&vbus_lock);
	return err;
}

static int vbus_cmd_device_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vbus_device *dev;
	struct nlattr *nest;
	int err;

	mutex_lock(&vbus_lock);
	dev = vbus_lookup_device(info, &err);
	if (!dev)
		goto out;
	err = vbus_check_nests(info, dev->model);
	if (err)
		goto out;
	nest = info->attrs[dev->model->nest_attr];
	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "nothing to set: give the device type's attributes");
		err = -EINVAL;
		goto out;
	}
	err = dev->model->set(dev, nest, info->extack);
	if (!err)
		vbus_event_device(VBUS_CMD_DEVICE_SET, dev);
out:
	mutex_unlock(&vbus_lock);
	return err;
}

static int vbus_cmd_connect(struct sk_buff *skb, struct genl_info *info)
{
	struct vbus_device *dev;
	struct vbus_bus *bus;
	int err;

	mutex_lock(&vbus_lock);
	dev = vbus_lookup_device(info, &err);
	bus = dev ? vbus_lookup_bus(info, &err) : NULL;
	if (bus)
		err = vbus_connect(dev, bus, info->extack);
	mutex_unlock(&vbus_lock);
	return err;
}

static int vbus_cmd_disconnect(struct sk_buff *skb, struct genl_info *info)
{
	struct vbus_device *dev;
	int err;

	mutex_lock(&vbus_lock);
	dev = vbus_lookup_device(info, &err);
	if (dev)
		err = vbus_disconnect(dev, info->extack);
	mutex_unlock(&vbus_lock);
	return err;
}

/*
 * Dumps resume from the id after the last object sent (cb->args[0]), so
 * they run in as many parts as needed and survive concurrent changes; a
 * part made after a change (the generation moved) is flagged
 * NLM_F_DUMP_INTR, so the reader knows to dump again for a consistent view.
 */
static int vbus_dump(struct sk_buff *skb, struct netlink_callback *cb,
		     void *(*next)(unsigned long *id),
		     int (*fill)(struct sk_buff *skb, void *obj))
{
	u8 cmd = ((struct genlmsghdr *)nlmsg_data(cb->nlh))->cmd;
	unsigned long id = cb->args[0];
	void *hdr, *obj;

	mutex_lock(&vbus_lock);
	cb->seq = vbus_generation_get();
	while ((obj = next(&id))) {
		hdr = vbus_genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (fill(skb, obj)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		id++;
	}
	mutex_unlock(&vbus_lock);
	cb->args[0] = id;
	return skb->len;
}

static void *vbus_next_bus(unsigned long *id)
{
	return vbus_bus_next(id);
}

static void *vbus_next_device(unsigned long *id)
{
	return vbus_device_next(id);
}

static int vbus_dump_buses(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vbus_dump(skb, cb, vbus_next_bus, vbus_fill_bus_object);
}

static int vbus_dump_devices(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vbus_dump(skb, cb, vbus_next_device, vbus_fill_device_object);
}

static int vbus_dump_stats(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vbus_dump(skb, cb, vbus_next_device, vbus_fill_stats_object);
}

static const struct genl_ops vbus_ops[] = {
	{
		.cmd = VBUS_CMD_GET_VERSION,
		.doit = vbus_cmd_get_version,
	}, {
		.cmd = VBUS_CMD_BUS_NEW,
		.doit = vbus_cmd_bus_new,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VBUS_CMD_BUS_DEL,
		.doit = vbus_cmd_bus_del,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VBUS_CMD_BUS_GET,
		.doit = vbus_cmd_bus_get,
		.dumpit = vbus_dump_buses,
	}, {
		.cmd = VBUS_CMD_DEVICE_NEW,
		.doit = vbus_cmd_device_new,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VBUS_CMD_DEVICE_DEL,
		.doit = vbus_cmd_device_del,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VBUS_CMD_DEVICE_GET,
		.doit = vbus_cmd_device_get,
		.dumpit = vbus_dump_devices,
	}, {
		.cmd = VBUS_CMD_DEVICE_SET,
		.doit = vbus_cmd_device_set,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VBUS_CMD_CONNECT,
		.doit = vbus_cmd_connect,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VBUS_CMD_DISCONNECT,
		.doit = vbus_cmd_disconnect,
		.flags = GENL_ADMIN_PERM,
	}, {
		.cmd = VBUS_CMD_STATS_GET,
		.doit = vbus_cmd_stats_get,
		.dumpit = vbus_dump_stats,
	}, {
		.cmd = VBUS_CMD_BUS_SET,
		.doit = vbus_cmd_bus_set,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group vbus_mcgrps[] = {
	{ .name = VBUS_MCGRP_EVENTS },
};

static struct genl_family vbus_family __ro_after_init = {
	.name = VBUS_GENL_NAME,
	.version = VBUS_GENL_VERSION,
	.maxattr = VBUS_A_MAX,
	.policy = vbus_policy,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = vbus_ops,
	.n_ops = ARRAY_SIZE(vbus_ops),
	.mcgrps = vbus_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vbus_mcgrps),
};

int __init vbus_netlink_init(void)
{
	return genl_register_family(&vbus_family);
}

void vbus_netlink_exit(void)
{
	genl_unregister_family(&vbus_family);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The "vbus" generic netlink family: the control API of vbus.ko, as
 * documented in include/uapi/linux/vbus.h.
 */
#include <net/genetlink.h>

#include "vbus.h"

static const struct nla_policy vbus_policy[VBUS_A_MAX + 1] = {
	[VBUS_A_VERSION] = { .type = NLA_REJECT },
	[VBUS_A_MODULE_VERSION] = { .type = NLA_REJECT },
};

static struct genl_family vbus_family;

static int vbus_cmd_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &vbus_family, 0,
				VBUS_CMD_GET_VERSION);
	if (!hdr)
		goto err_msg;

	if (nla_put_u32(msg, VBUS_A_VERSION, VBUS_GENL_VERSION) ||
	    nla_put_string(msg, VBUS_A_MODULE_VERSION, VBUS_VERSION))
		goto err_msg;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_msg:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops vbus_ops[] = {
	{
		.cmd = VBUS_CMD_GET_VERSION,
		.doit = vbus_cmd_get_version,
	},
};

static struct genl_family vbus_family __ro_after_init = {
	.name = VBUS_GENL_NAME,
	.version = VBUS_GENL_VERSION,
	.maxattr = VBUS_A_MAX,
	.policy = vbus_policy,
	.module = THIS_MODULE,
	.ops = vbus_ops,
	.n_ops = ARRAY_SIZE(vbus_ops),
};

int __init vbus_netlink_init(void)
{
	return genl_register_family(&vbus_family);
}

void vbus_netlink_exit(void)
{
	genl_unregister_family(&vbus_family);
}

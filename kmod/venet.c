// SPDX-License-Identifier: GPL-2.0
/*
 * The venet device model: a virtual Ethernet device. Owns its attributes
 * (mac, mtu, zcthresh, wmem, txqlen, host ifname): their netlink policy,
 * defaults, netlink set and fill, and their sysfs files. Its data path is
 * venet-netdev.c.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>

#include "compat.h"
#include "venet.h"

/* The u32 attributes, shared by netlink and sysfs. */
struct venet_u32 {
	const char *name;
	int attr;
	size_t offset;
	struct netlink_range_validation range;
};

#define VENET_U32(_name, _attr, _min, _max) {				\
	.name = #_name,							\
	.attr = _attr,							\
	.offset = offsetof(struct venet_config, _name),			\
	.range = { .min = _min, .max = _max },				\
}

/* Not const: 6.1's nla_policy takes a non-const range. */
static struct venet_u32 venet_u32s[] = {
	VENET_U32(mtu, VBUS_VENET_A_MTU, VBUS_VENET_MTU_MIN, VBUS_VENET_MTU_MAX),
	VENET_U32(zcthresh, VBUS_VENET_A_ZCTHRESH, 0, VBUS_VENET_ZCTHRESH_MAX),
	VENET_U32(wmem, VBUS_VENET_A_WMEM, VBUS_VENET_WMEM_MIN, VBUS_VENET_WMEM_MAX),
	VENET_U32(txqlen, VBUS_VENET_A_TXQLEN, VBUS_VENET_TXQLEN_MIN,
		  VBUS_VENET_TXQLEN_MAX),
};

const struct nla_policy vbus_venet_policy[VBUS_VENET_A_MAX + 1] = {
	[VBUS_VENET_A_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[VBUS_VENET_A_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32, &venet_u32s[0].range),
	[VBUS_VENET_A_ZCTHRESH] = NLA_POLICY_FULL_RANGE(NLA_U32, &venet_u32s[1].range),
	[VBUS_VENET_A_WMEM] = NLA_POLICY_FULL_RANGE(NLA_U32, &venet_u32s[2].range),
	[VBUS_VENET_A_TXQLEN] = NLA_POLICY_FULL_RANGE(NLA_U32, &venet_u32s[3].range),
	[VBUS_VENET_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static u32 *venet_u32_field(struct vbus_device *dev, const struct venet_u32 *f)
{
	return (u32 *)((u8 *)venet_config(dev) + f->offset);
}

/*
 * Under vbus_lock. An attached guest sees the new config block; the ifname
 * applies when the netdev is next created.
 */
static void venet_changed(struct vbus_device *dev)
{
	venet_txqlen_changed(dev);
	if (dev->bus && dev->bus->attach)
		vbus_region_config_changed(dev->bus->attach, dev);
}

/*
 * Under vbus_lock: a new mtu, given to the host netdev first. When the
 * netdev refuses it, nothing changes and its error is returned.
 */
static int venet_set_mtu(struct vbus_device *dev, u32 mtu)
{
	struct venet_config *config = venet_config(dev);
	u32 old = config->mtu;
	int err;

	/* WRITE_ONCE: the worker and sysfs read it without the lock. */
	WRITE_ONCE(config->mtu, mtu);
	err = venet_mtu_changed(dev);
	if (err)
		WRITE_ONCE(config->mtu, old);
	return err;
}

/*
 * Under vbus_lock: the other venet device whose host interface would be
 * ifname. Host interface names are unique among devices, so that an attach
 * never fails on two devices of one bus wanting the same name (a default
 * vbt-<name> is cut to IFNAMSIZ - 1 characters).
 */
static struct vbus_device *venet_ifname_owner(struct vbus_device *self,
					      const char *ifname)
{
	struct vbus_device *dev;
	unsigned long id = 0;

	while ((dev = vbus_device_next(&id))) {
		if (dev != self && dev->model == self->model &&
		    !strcmp(venet_config(dev)->ifname, ifname))
			return dev;
		id++;
	}
	return NULL;
}

static int venet_ifname_check(struct vbus_device *dev, const char *ifname,
			      const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	struct vbus_device *owner = venet_ifname_owner(dev, ifname);

	if (!owner)
		return 0;
	VBUS_SET_ERR_MSG_FMT(extack,
			     "host interface name taken by another device: give this one another ifname",
			     "host interface name %s is device %s's: give this one another ifname",
			     ifname, owner->name);
	if (attr)
		NL_SET_BAD_ATTR(extack, attr);
	return -EEXIST;
}

/* Under vbus_lock. Validates everything before changing anything. */
static int venet_set(struct vbus_device *dev, const struct nlattr *nest,
		     struct netlink_ext_ack *extack)
{
	struct venet_config *config = venet_config(dev);
	struct nlattr *tb[VBUS_VENET_A_MAX + 1];
	int i, err;

	err = nla_parse_nested(tb, VBUS_VENET_A_MAX, nest, vbus_venet_policy,
			       extack);
	if (err)
		return err;
	if (tb[VBUS_VENET_A_MAC] && !is_valid_ether_addr(nla_data(tb[VBUS_VENET_A_MAC]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VBUS_VENET_A_MAC],
				    "mac must be a non-zero unicast address");
		return -EINVAL;
	}
	if (tb[VBUS_VENET_A_IFNAME] && !dev_valid_name(nla_data(tb[VBUS_VENET_A_IFNAME]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VBUS_VENET_A_IFNAME],
				    "not a valid interface name");
		return -EINVAL;
	}
	if (tb[VBUS_VENET_A_IFNAME]) {
		err = venet_ifname_check(dev, nla_data(tb[VBUS_VENET_A_IFNAME]),
					 tb[VBUS_VENET_A_IFNAME], extack);
		if (err)
			return err;
	}
	/* The mtu first: the one change the host netdev may refuse. */
	if (tb[VBUS_VENET_A_MTU]) {
		err = venet_set_mtu(dev, nla_get_u32(tb[VBUS_VENET_A_MTU]));
		if (err) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VBUS_VENET_A_MTU],
					    "the host interface refused this mtu");
			return err;
		}
	}

	if (tb[VBUS_VENET_A_MAC])
		ether_addr_copy(config->mac, nla_data(tb[VBUS_VENET_A_MAC]));
	if (tb[VBUS_VENET_A_IFNAME])
		strscpy(config->ifname, nla_data(tb[VBUS_VENET_A_IFNAME]),
			sizeof(config->ifname));
	for (i = 0; i < ARRAY_SIZE(venet_u32s); i++)
		if (venet_u32s[i].attr != VBUS_VENET_A_MTU && tb[venet_u32s[i].attr])
			WRITE_ONCE(*venet_u32_field(dev, &venet_u32s[i]),
				   nla_get_u32(tb[venet_u32s[i].attr]));
	venet_changed(dev);
	return 0;
}

static int venet_init(struct vbus_device *dev, const struct nlattr *nest,
		      struct netlink_ext_ack *extack)
{
	struct venet_config *config = venet_config(dev);
	int err;

	eth_random_addr(config->mac);
	config->mtu = VBUS_VENET_MTU_DEFAULT;
	config->zcthresh = VBUS_VENET_ZCTHRESH_DEFAULT;
	config->wmem = VBUS_VENET_WMEM_DEFAULT;
	config->txqlen = VBUS_VENET_TXQLEN_DEFAULT;
	snprintf(config->ifname, sizeof(config->ifname), "vbt-%s", dev->name);
	err = nest ? venet_set(dev, nest, extack) : 0;
	return err ?: venet_ifname_check(dev, config->ifname, NULL, extack);
}

static int venet_fill(struct vbus_device *dev, struct sk_buff *skb)
{
	struct venet_config *config = venet_config(dev);
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, VBUS_A_DEVICE_VENET);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put(skb, VBUS_VENET_A_MAC, ETH_ALEN, config->mac) ||
	    nla_put_string(skb, VBUS_VENET_A_IFNAME, config->ifname))
		goto err;
	for (i = 0; i < ARRAY_SIZE(venet_u32s); i++)
		if (nla_put_u32(skb, venet_u32s[i].attr,
				*venet_u32_field(dev, &venet_u32s[i])))
			goto err;
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* sysfs: mac and ifname read-only, the u32 attributes writable by admins. */
struct venet_attribute {
	struct kobj_attribute attr;
	const struct venet_u32 *field;
};

static ssize_t venet_u32_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct venet_attribute *va = container_of(attr, struct venet_attribute, attr);
	struct vbus_device *dev = kobj_to_vbus_device(kobj);

	return sysfs_emit(buf, "%u\n", READ_ONCE(*venet_u32_field(dev, va->field)));
}

static ssize_t venet_u32_store(struct kobject *kobj, struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	struct venet_attribute *va = container_of(attr, struct venet_attribute, attr);
	struct vbus_device *dev = kobj_to_vbus_device(kobj);
	u32 value;
	int err;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	err = kstrtou32(buf, 0, &value);
	if (err)
		return err;
	if (value < va->field->range.min || value > va->field->range.max) {
		pr_info_ratelimited("vbus: device %s: %s %u is out of range %llu..%llu\n",
				    dev->name, va->field->name, value,
				    va->field->range.min, va->field->range.max);
		return -ERANGE;
	}

	err = vbus_sysfs_trylock();
	if (err)
		return err;
	if (va->field->attr == VBUS_VENET_A_MTU)
		err = venet_set_mtu(dev, value);
	else
		WRITE_ONCE(*venet_u32_field(dev, va->field), value);
	if (!err) {
		venet_changed(dev);
		vbus_event_device(VBUS_CMD_DEVICE_SET, dev);
	}
	mutex_unlock(&vbus_lock);
	return err ?: count;
}

#define VENET_ATTR(_name, _index)					\
	static struct venet_attribute venet_attr_##_name = {		\
		.attr = __ATTR(_name, 0644, venet_u32_show, venet_u32_store), \
		.field = &venet_u32s[_index],				\
	}

VENET_ATTR(mtu, 0);
VENET_ATTR(zcthresh, 1);
VENET_ATTR(wmem, 2);
VENET_ATTR(txqlen, 3);

static ssize_t mac_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct vbus_device *dev = kobj_to_vbus_device(kobj);
	ssize_t len;

	len = vbus_sysfs_trylock();
	if (len)
		return len;
	len = sysfs_emit(buf, "%pM\n", venet_config(dev)->mac);
	mutex_unlock(&vbus_lock);
	return len;
}

static ssize_t ifname_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct vbus_device *dev = kobj_to_vbus_device(kobj);
	ssize_t len;

	len = vbus_sysfs_trylock();
	if (len)
		return len;
	len = sysfs_emit(buf, "%s\n", venet_config(dev)->ifname);
	mutex_unlock(&vbus_lock);
	return len;
}

static struct kobj_attribute venet_attr_mac = __ATTR_RO(mac);
static struct kobj_attribute venet_attr_ifname = __ATTR_RO(ifname);

static struct attribute *venet_attrs[] = {
	&venet_attr_mac.attr,
	&venet_attr_ifname.attr,
	&venet_attr_mtu.attr.attr,
	&venet_attr_zcthresh.attr.attr,
	&venet_attr_wmem.attr.attr,
	&venet_attr_txqlen.attr.attr,
	NULL,
};

static const struct attribute_group venet_group = {
	.attrs = venet_attrs,
};

static const struct attribute_group *venet_groups[] = {
	&venet_group,
	NULL,
};

static const struct vbus_device_model venet_model = {
	.type = VBUS_DEVICE_TYPE_VENET,
	.name = "venet",
	.nest_attr = VBUS_A_DEVICE_VENET,
	.priv_size = sizeof(struct venet_config),
	.groups = venet_groups,
	.init = venet_init,
	.set = venet_set,
	.fill = venet_fill,
	.datapath = &venet_datapath_ops,
};

int vbus_venet_init(void)
{
	return vbus_model_register(&venet_model);
}

void vbus_venet_exit(void)
{
	vbus_model_unregister(&venet_model);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/vbus: the version file, devices/<device>/ and buses/<bus>/ with
 * their attributes, stats/, and the buses' devices/ links. The kobjects
 * here own the memory of buses and devices (their release frees them).
 */
#include <linux/kobject.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "vbus.h"

static struct kobject *vbus_root;
static struct kset *vbus_devices_kset;
static struct kset *vbus_buses_kset;

/*
 * How sysfs handlers take vbus_lock: removing a kobject under vbus_lock waits
 * for them, so they must not sleep on it. When it is busy the syscall is
 * restarted (as net-sysfs does with rtnl_trylock()).
 */
int vbus_sysfs_trylock(void)
{
	return mutex_trylock(&vbus_lock) ? 0 : restart_syscall();
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", VBUS_VERSION);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

static const char * const vbus_connector_names[] = {
	[VBUS_CONNECTOR_NONE] = "none",
	[VBUS_CONNECTOR_LOOP] = "loop",
	[VBUS_CONNECTOR_IVSHMEM] = "ivshmem",
};

static const char * const vbus_state_names[] = {
	[VBUS_BUS_STATE_OK] = "ok",
	[VBUS_BUS_STATE_BROKEN] = "broken",
};

/* Device files: type, id, bus, and stats/ */
static ssize_t type_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", kobj_to_vbus_device(kobj)->model->name);
}

static ssize_t id_show(struct kobject *kobj, struct kobj_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", kobj_to_vbus_device(kobj)->id);
}

static ssize_t bus_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct vbus_device *dev = kobj_to_vbus_device(kobj);
	ssize_t len;

	len = vbus_sysfs_trylock();
	if (len)
		return len;
	len = sysfs_emit(buf, "%s\n", dev->bus ? dev->bus->name : "");
	mutex_unlock(&vbus_lock);
	return len;
}

static struct kobj_attribute device_type_attr = __ATTR_RO(type);
static struct kobj_attribute device_id_attr = __ATTR_RO(id);
static struct kobj_attribute device_bus_attr = __ATTR_RO(bus);

static struct attribute *vbus_device_attrs[] = {
	&device_type_attr.attr,
	&device_id_attr.attr,
	&device_bus_attr.attr,
	NULL,
};

static const struct attribute_group vbus_device_group = {
	.attrs = vbus_device_attrs,
};

/* stats/: one show for every counter, found by its offset. */
struct vbus_stat_attribute {
	struct kobj_attribute attr;
	size_t offset;
};

static ssize_t vbus_stat_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	struct vbus_stat_attribute *sa =
		container_of(attr, struct vbus_stat_attribute, attr);
	struct vbus_device_stats snapshot;

	vbus_device_stats_read(kobj_to_vbus_device(kobj), &snapshot);
	return sysfs_emit(buf, "%llu\n", *(u64 *)((u8 *)&snapshot + sa->offset));
}

#define VBUS_STAT_ATTR(_name)						\
	static struct vbus_stat_attribute stat_##_name##_attr = {	\
		.attr.attr = { .name = #_name, .mode = 0444 },		\
		.attr.show = vbus_stat_show,				\
		.offset = offsetof(struct vbus_device_stats, _name),	\
	}

VBUS_STAT_ATTR(tx_packets);
VBUS_STAT_ATTR(tx_bytes);
VBUS_STAT_ATTR(rx_packets);
VBUS_STAT_ATTR(rx_bytes);
VBUS_STAT_ATTR(drops);
VBUS_STAT_ATTR(doorbells);
VBUS_STAT_ATTR(interrupts);
VBUS_STAT_ATTR(suppressed);
VBUS_STAT_ATTR(tx_zerocopy);
VBUS_STAT_ATTR(tx_copied);

static struct attribute *vbus_stats_attrs[] = {
	&stat_tx_packets_attr.attr.attr,
	&stat_tx_bytes_attr.attr.attr,
	&stat_rx_packets_attr.attr.attr,
	&stat_rx_bytes_attr.attr.attr,
	&stat_drops_attr.attr.attr,
	&stat_doorbells_attr.attr.attr,
	&stat_interrupts_attr.attr.attr,
	&stat_suppressed_attr.attr.attr,
	&stat_tx_zerocopy_attr.attr.attr,
	&stat_tx_copied_attr.attr.attr,
	NULL,
};

static const struct attribute_group vbus_stats_group = {
	.name = "stats",
	.attrs = vbus_stats_attrs,
};

static const struct attribute_group *vbus_device_groups[] = {
	&vbus_device_group,
	&vbus_stats_group,
	NULL,
};

static void vbus_device_release(struct kobject *kobj)
{
	kfree(kobj_to_vbus_device(kobj));
}

static const struct kobj_type vbus_device_ktype = {
	.release = vbus_device_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = vbus_device_groups,
};

/*
 * Bus files: connector, region_size, state, domain, uuid, poll_us (which
 * CAP_NET_ADMIN may write: a BUS_SET) and the polling statistics.
 */
static ssize_t connector_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  vbus_connector_names[kobj_to_vbus_bus(kobj)->connector]);
}

static ssize_t region_size_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", kobj_to_vbus_bus(kobj)->region_size);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  vbus_state_names[READ_ONCE(kobj_to_vbus_bus(kobj)->state)]);
}

static ssize_t domain_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", kobj_to_vbus_bus(kobj)->domain);
}

static ssize_t uuid_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct vbus_bus *bus = kobj_to_vbus_bus(kobj);

	if (!bus->has_uuid)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%pUb\n", bus->uuid);
}

static ssize_t poll_us_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kobj_to_vbus_bus(kobj)->poll_us));
}

static ssize_t poll_us_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct vbus_bus *bus = kobj_to_vbus_bus(kobj);
	u32 value;
	int err;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	err = kstrtou32(buf, 0, &value);
	if (err)
		return err;
	if (value > VBUS_BUS_POLL_US_MAX) {
		pr_info_ratelimited("vbus: bus %s: poll_us %u is out of range 0..%u\n",
				    bus->name, value, VBUS_BUS_POLL_US_MAX);
		return -ERANGE;
	}
	err = vbus_sysfs_trylock();
	if (err)
		return err;
	vbus_bus_set_poll_us(bus, value);
	mutex_unlock(&vbus_lock);
	return count;
}

static ssize_t poll_windows_show(struct kobject *kobj, struct kobj_attribute *attr,
				 char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&kobj_to_vbus_bus(kobj)->poll_windows));
}

static ssize_t poll_hits_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&kobj_to_vbus_bus(kobj)->poll_hits));
}

static ssize_t poll_time_ns_show(struct kobject *kobj, struct kobj_attribute *attr,
				 char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&kobj_to_vbus_bus(kobj)->poll_time_ns));
}

static struct kobj_attribute bus_connector_attr = __ATTR_RO(connector);
static struct kobj_attribute bus_region_size_attr = __ATTR_RO(region_size);
static struct kobj_attribute bus_state_attr = __ATTR_RO(state);
static struct kobj_attribute bus_domain_attr = __ATTR_RO(domain);
static struct kobj_attribute bus_uuid_attr = __ATTR_RO(uuid);
static struct kobj_attribute bus_poll_us_attr = __ATTR(poll_us, 0644, poll_us_show,
						       poll_us_store);
static struct kobj_attribute bus_poll_windows_attr = __ATTR_RO(poll_windows);
static struct kobj_attribute bus_poll_hits_attr = __ATTR_RO(poll_hits);
static struct kobj_attribute bus_poll_time_ns_attr = __ATTR_RO(poll_time_ns);

static struct attribute *vbus_bus_attrs[] = {
	&bus_connector_attr.attr,
	&bus_region_size_attr.attr,
	&bus_state_attr.attr,
	&bus_domain_attr.attr,
	&bus_uuid_attr.attr,
	&bus_poll_us_attr.attr,
	&bus_poll_windows_attr.attr,
	&bus_poll_hits_attr.attr,
	&bus_poll_time_ns_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vbus_bus);

static void vbus_bus_release(struct kobject *kobj)
{
	kfree(kobj_to_vbus_bus(kobj));
}

static const struct kobj_type vbus_bus_ktype = {
	.release = vbus_bus_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = vbus_bus_groups,
};

void vbus_sysfs_init_bus(struct vbus_bus *bus)
{
	kobject_init(&bus->kobj, &vbus_bus_ktype);
}

void vbus_sysfs_init_device(struct vbus_device *dev)
{
	kobject_init(&dev->kobj, &vbus_device_ktype);
}

int vbus_sysfs_add_bus(struct vbus_bus *bus)
{
	int err;

	bus->kobj.kset = vbus_buses_kset;
	err = kobject_add(&bus->kobj, NULL, "%s", bus->name);
	if (err)
		return err;
	bus->devices_dir = kobject_create_and_add("devices", &bus->kobj);
	if (!bus->devices_dir) {
		kobject_del(&bus->kobj);
		return -ENOMEM;
	}
	kobject_uevent(&bus->kobj, KOBJ_ADD);
	return 0;
}

int vbus_sysfs_add_device(struct vbus_device *dev)
{
	int err;

	dev->kobj.kset = vbus_devices_kset;
	err = kobject_add(&dev->kobj, NULL, "%s", dev->name);
	if (err)
		return err;
	err = sysfs_create_groups(&dev->kobj, dev->model->groups);
	if (err) {
		kobject_del(&dev->kobj);
		return err;
	}
	kobject_uevent(&dev->kobj, KOBJ_ADD);
	return 0;
}

/* Under vbus_lock: waits for the object's running sysfs handlers. */
void vbus_sysfs_del_bus(struct vbus_bus *bus)
{
	kobject_put(bus->devices_dir);
	kobject_uevent(&bus->kobj, KOBJ_REMOVE);
	kobject_del(&bus->kobj);
}

void vbus_sysfs_del_device(struct vbus_device *dev)
{
	kobject_uevent(&dev->kobj, KOBJ_REMOVE);
	kobject_del(&dev->kobj);
}

int vbus_sysfs_link(struct vbus_device *dev, struct vbus_bus *bus)
{
	return sysfs_create_link(bus->devices_dir, &dev->kobj, dev->name);
}

void vbus_sysfs_unlink(struct vbus_device *dev, struct vbus_bus *bus)
{
	sysfs_remove_link(bus->devices_dir, dev->name);
}

int vbus_sysfs_init(void)
{
	int err;

	vbus_root = kobject_create_and_add("vbus", NULL);
	if (!vbus_root)
		return -ENOMEM;

	err = sysfs_create_file(vbus_root, &version_attr.attr);
	if (err)
		goto err_root;

	err = -ENOMEM;
	vbus_devices_kset = kset_create_and_add("devices", NULL, vbus_root);
	if (!vbus_devices_kset)
		goto err_root;

	vbus_buses_kset = kset_create_and_add("buses", NULL, vbus_root);
	if (!vbus_buses_kset)
		goto err_devices;

	return 0;

err_devices:
	kset_unregister(vbus_devices_kset);
err_root:
	kobject_put(vbus_root);
	return err;
}

void vbus_sysfs_exit(void)
{
	kset_unregister(vbus_buses_kset);
	kset_unregister(vbus_devices_kset);
	kobject_put(vbus_root);
}

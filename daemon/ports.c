/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Managed devices' host interfaces as bridge ports: the interface exists only
 * while a guest is attached, and a bridge may come after its devices, so
 * both are configured when host-link says they appeared. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ports.h"

void ports_ifname(const struct fabric *actual, const struct fabric_device *device,
		  char ifname[VBUS_IFNAME_MAX])
{
	const struct fabric_device *now = actual ? fabric_find_device(actual, device->info.name)
						 : NULL;

	if (device->info.venet.present & VBUS_VENET_F_IFNAME)
		snprintf(ifname, VBUS_IFNAME_MAX, "%s", device->info.venet.ifname);
	else if (now && now->info.venet.ifname[0])
		snprintf(ifname, VBUS_IFNAME_MAX, "%s", now->info.venet.ifname);
	else
		vbus_venet_default_ifname(device->info.name, ifname);
}

/* The MTU DEVICE's host interface must have: the device's (the kernel's
 * when the desired state leaves it out), 0 when unknown. */
static uint32_t wanted_mtu(const struct fabric *actual, const struct fabric_device *device)
{
	const struct fabric_device *now = actual ? fabric_find_device(actual, device->info.name)
						 : NULL;

	if (device->info.venet.present & VBUS_VENET_F_MTU)
		return device->info.venet.mtu;
	return now ? now->info.venet.mtu : 0;
}

void ports_configure(struct link *link, const struct fabric *actual,
		     const struct fabric_device *device, const char *bridge, bool restore_mtu)
{
	char ifname[VBUS_IFNAME_MAX], error[256], fields[128];
	int r;

	ports_ifname(actual, device, ifname);
	r = link_configure(link, ifname, restore_mtu ? wanted_mtu(actual, device) : 0, bridge,
			   error, sizeof(error));
	if (r >= 0 || r == -ENODEV) {
		link_warn_once(link, ifname, NULL);
		return;
	}
	if (r == -EOPNOTSUPP)
		return;
	if (!error[0])
		snprintf(error, sizeof(error), "%s", strerror(-r));
	/* once per cause, not at every event of the interface: status lists it */
	if (!link_warn_once(link, ifname, error))
		return;
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=device\nVBUS_NAME=%s\n", device->info.name);
	log_fields(LOG_WARNING, r, fields, "device %s: bridge %s: %s", device->info.name,
		   bridge && bridge[0] ? bridge : "(none)", error);
}

int ports_check(struct link *link, const struct fabric *desired, const struct fabric *current,
		char *error, size_t size)
{
	const struct fabric_device *device, *before;
	char why[256];
	size_t i;

	for (i = 0; i < desired->device_count; i++) {
		device = &desired->devices[i];
		before = fabric_find_device(current, device->info.name);
		if (!device->bridge[0] || (before && !strcmp(before->bridge, device->bridge)))
			continue;
		/* a bridge yet to come is fine: it is configured when it appears */
		if (link_check_bridge(link, device->bridge, why, sizeof(why)) == -EINVAL) {
			snprintf(error, size, "device %s: bridge %s: %s", device->info.name,
				 device->bridge, why);
			return -EINVAL;
		}
	}
	return 0;
}

void ports_link_changed(struct link *link, const struct fabric *desired,
			const struct fabric *actual, const char *ifname, bool restore_mtu)
{
	const struct fabric_device *device;
	char name[VBUS_IFNAME_MAX];
	size_t i;

	for (i = 0; i < desired->device_count; i++) {
		device = &desired->devices[i];
		ports_ifname(actual, device, name);
		if (!strcmp(name, ifname) || (device->bridge[0] && !strcmp(device->bridge, ifname)))
			ports_configure(link, actual, device,
					device->bridge[0] ? device->bridge : NULL, restore_mtu);
	}
}

void ports_problems(struct link *link, const struct fabric *desired, const struct fabric *actual,
		    struct fabric_errors *problems)
{
	const struct fabric_device *device;
	struct link_state state;
	char ifname[VBUS_IFNAME_MAX], why[256];
	uint32_t mtu;
	size_t i;

	for (i = 0; i < desired->device_count; i++) {
		device = &desired->devices[i];
		ports_ifname(actual, device, ifname);
		if (link_get(link, ifname, &state) < 0)
			continue;
		mtu = wanted_mtu(actual, device);
		if (mtu && state.mtu && state.mtu != mtu)
			fabric_errors_add(problems, "device %s: host interface %s has mtu %u, not %u",
					  device->info.name, ifname, state.mtu, mtu);
		if (!device->bridge[0])
			continue;
		if (link_get(link, device->bridge, &state) == -ENODEV)
			fabric_errors_add(problems, "device %s: bridge %s does not exist",
					  device->info.name, device->bridge);
		else if (link_check_bridge(link, device->bridge, why, sizeof(why)) == -EINVAL)
			fabric_errors_add(problems, "device %s: bridge %s: %s", device->info.name,
					  device->bridge, why);
	}
}

void ports_observe(struct link *link, const struct fabric *desired, struct fabric *actual)
{
	const struct fabric_device *wanted;
	struct fabric_device *device;
	struct link_state state;
	size_t i;

	for (i = 0; i < actual->device_count; i++) {
		device = &actual->devices[i];
		if (link_get(link, device->info.venet.ifname, &state) == 0) {
			snprintf(device->bridge, VBUS_IFNAME_MAX, "%s", state.bridge);
			continue;
		}
		wanted = fabric_find_device(desired, device->info.name);
		snprintf(device->bridge, VBUS_IFNAME_MAX, "%s", wanted ? wanted->bridge : "");
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Managed devices' host interfaces as bridge ports: the interface exists only
 * while a guest is attached, and a bridge may come after its devices, so
 * both are configured when host-link says they appeared. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ports.h"

void ports_ifname(struct manager *manager, const struct fabric_device *device,
		  char ifname[VBUS_IFNAME_MAX])
{
	const struct fabric_device *actual;
	struct vbus_device_info info;

	actual = manager->actual ? fabric_find_device(manager->actual, device->info.name) : NULL;
	if (device->info.venet.present & VBUS_VENET_F_IFNAME)
		snprintf(ifname, VBUS_IFNAME_MAX, "%s", device->info.venet.ifname);
	else if (actual && actual->info.venet.ifname[0])
		snprintf(ifname, VBUS_IFNAME_MAX, "%s", actual->info.venet.ifname);
	else if (manager->client && vbus_device_get(manager->client, device->info.name, &info) == 0)
		snprintf(ifname, VBUS_IFNAME_MAX, "%s", info.venet.ifname);
	else
		vbus_venet_default_ifname(device->info.name, ifname);
}

void ports_configure(struct manager *manager, const struct fabric_device *device,
		     const char *bridge)
{
	char ifname[VBUS_IFNAME_MAX], error[256], fields[128];
	int r;

	ports_ifname(manager, device, ifname);
	r = link_set_bridge(manager->link, ifname, bridge, error, sizeof(error));
	if (r == -EOPNOTSUPP || r == -ENODEV)
		return;
	snprintf(fields, sizeof(fields), "VBUS_OBJECT=device\nVBUS_NAME=%s\n", device->info.name);
	if (r < 0)
		log_fields(LOG_WARNING, r, fields, "device %s: bridge %s: %s", device->info.name,
			   bridge && bridge[0] ? bridge : "(none)", error[0] ? error : strerror(-r));
}

void ports_on_link_changed(const char *ifname, void *userdata)
{
	struct manager *manager = userdata;
	const struct fabric_device *device;
	char name[VBUS_IFNAME_MAX];
	size_t i;

	for (i = 0; i < manager->desired->device_count; i++) {
		device = &manager->desired->devices[i];
		ports_ifname(manager, device, name);
		if (!strcmp(name, ifname) || (device->bridge[0] && !strcmp(device->bridge, ifname)))
			ports_configure(manager, device, device->bridge[0] ? device->bridge : NULL);
	}
	manager_update_status(manager);
}

void ports_problems(struct manager *manager, struct fabric_errors *problems)
{
	const struct fabric_device *device;
	struct link_state state;
	char ifname[VBUS_IFNAME_MAX];
	size_t i;

	for (i = 0; i < manager->desired->device_count; i++) {
		device = &manager->desired->devices[i];
		if (!device->bridge[0])
			continue;
		ports_ifname(manager, device, ifname);
		if (link_get(manager->link, ifname, &state) < 0)
			continue;
		if (link_get(manager->link, device->bridge, &state) == -ENODEV)
			fabric_errors_add(problems, "device %s: bridge %s does not exist",
					  device->info.name, device->bridge);
	}
}

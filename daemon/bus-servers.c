/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vbusd's ivshmem servers, one per ivshmem bus of the kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bus-servers.h"
#include "fdstore.h"
#include "ivshmem-server.h"
#include "ivshmem.h"
#include "log.h"

struct bus_server {
	char bus[VBUS_NAME_MAX];
	uint32_t region_size;
	struct ivshmem_server *server;	/* NULL: it could not start */
};

struct bus_servers {
	sd_event *event;
	char *device, *access_user;
	struct fdstore *inherited;	/* NULL once the first sync is done */
	struct bus_server *entries;
	size_t count;
};

int bus_servers_new(sd_event *event, const char *device, const char *access_user,
		    struct bus_servers **result)
{
	struct bus_servers *servers = calloc(1, sizeof(*servers));

	*result = NULL;
	if (!servers)
		return -ENOMEM;
	servers->event = sd_event_ref(event);
	servers->device = strdup(device);
	servers->access_user = access_user ? strdup(access_user) : NULL;
	if (!servers->device || (access_user && !servers->access_user) ||
	    fdstore_new(&servers->inherited) < 0) {
		bus_servers_free(servers);
		return -ENOMEM;
	}
	*result = servers;
	return 0;
}

void bus_servers_free(struct bus_servers *servers)
{
	size_t i;

	if (!servers)
		return;
	for (i = 0; i < servers->count; i++)
		ivshmem_server_release(servers->entries[i].server);
	fdstore_free(servers->inherited);
	free(servers->entries);
	free(servers->device);
	free(servers->access_user);
	sd_event_unref(servers->event);
	free(servers);
}

static const struct vbus_bus_info *find_bus(const struct fabric *actual, const char *name)
{
	size_t i;

	for (i = 0; actual && i < actual->bus_count; i++)
		if (!strcmp(actual->buses[i].info.name, name) &&
		    actual->buses[i].info.connector == VBUS_CONNECTOR_IVSHMEM)
			return &actual->buses[i].info;
	return NULL;
}

static void start(struct bus_servers *servers, struct bus_server *entry)
{
	struct ivshmem_server_options options = {
		.bus = entry->bus, .region_size = entry->region_size,
		.vectors = VBUS_IVSHMEM_VECTORS, .access_user = servers->access_user,
		.device = servers->device, .park = true, .fdstore = servers->inherited,
	};
	char path[108];
	int r;

	r = vbus_ivshmem_socket_path(entry->bus, path, sizeof(path));
	if (r >= 0 && mkdir(VBUS_IVSHMEM_SOCKET_DIR, 0755) < 0 && errno != EEXIST)
		r = -errno;
	/* searchable by QEMU's user whatever the umask (the unit's is 0077):
	 * each socket's own mode and ACL say who may connect */
	if (r >= 0 && chmod(VBUS_IVSHMEM_SOCKET_DIR, 0755) < 0)
		r = -errno;
	options.path = path;
	if (r >= 0)
		r = ivshmem_server_new(servers->event, &options, NULL, NULL, &entry->server);
	if (r < 0)
		log_fields(LOG_ERR, r, NULL, "bus %s: cannot serve QEMU's ivshmem on %s: %s%s",
			   entry->bus, path, strerror(-r),
			   r == -EINVAL ? " (the region size must be a power of two)" : "");
	else
		log_info("bus %s: serving QEMU's ivshmem-doorbell on %s", entry->bus, path);
}

void bus_servers_sync(struct bus_servers *servers, const struct fabric *actual)
{
	struct bus_server *grown;
	size_t i, kept = 0;

	/* stop the servers of buses gone or changed */
	for (i = 0; i < servers->count; i++) {
		struct bus_server *entry = &servers->entries[i];
		const struct vbus_bus_info *bus = find_bus(actual, entry->bus);

		if (bus && bus->region_size == entry->region_size) {
			servers->entries[kept++] = *entry;
			continue;
		}
		if (entry->server)
			log_info("bus %s: no longer serving ivshmem", entry->bus);
		ivshmem_server_free(entry->server);
	}
	servers->count = kept;
	for (i = 0; actual && i < actual->bus_count; i++) {
		const struct vbus_bus_info *bus = &actual->buses[i].info;
		size_t j;

		if (bus->connector != VBUS_CONNECTOR_IVSHMEM)
			continue;
		for (j = 0; j < servers->count; j++)
			if (!strcmp(servers->entries[j].bus, bus->name))
				break;
		if (j < servers->count)
			continue;
		grown = realloc(servers->entries, (servers->count + 1) * sizeof(*grown));
		if (!grown)
			return;
		servers->entries = grown;
		grown = &servers->entries[servers->count++];
		memset(grown, 0, sizeof(*grown));
		snprintf(grown->bus, sizeof(grown->bus), "%s", bus->name);
		grown->region_size = bus->region_size;
		start(servers, grown);
	}
}

void bus_servers_adopted(struct bus_servers *servers)
{
	fdstore_close_unclaimed(servers->inherited);
	fdstore_free(servers->inherited);
	servers->inherited = NULL;
}

bool bus_servers_status(const struct bus_servers *servers, const char *bus,
			struct ivshmem_server_status *status)
{
	size_t i;

	for (i = 0; servers && i < servers->count; i++)
		if (!strcmp(servers->entries[i].bus, bus) && servers->entries[i].server) {
			ivshmem_server_status(servers->entries[i].server, status);
			return true;
		}
	return false;
}

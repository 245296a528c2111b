/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host interfaces of devices. host-link (host_link_*) is not part of
 * vbusd yet: until it is, bridges are not observed nor changed, and every
 * function here says so; only this file changes when it arrives. */
#include <errno.h>

#include "link.h"

int link_new(struct link **link)
{
	*link = NULL;
	return 0;
}

void link_free(struct link *link)
{
	(void)link;
}

int link_get(struct link *link, const char *ifname, struct link_state *state)
{
	(void)link;
	(void)ifname;
	*state = (struct link_state){ 0 };
	return -EOPNOTSUPP;
}

int link_set_bridge(struct link *link, const char *ifname, const char *bridge, char *error,
		    size_t size)
{
	(void)link;
	(void)ifname;
	(void)bridge;
	if (size)
		error[0] = '\0';
	return -EOPNOTSUPP;
}

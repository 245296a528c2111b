/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The host interfaces of devices, through host-link (rtnetlink): its
 * monitoring socket in vbusd's loop, and link states in vbusd's terms. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-link.h"
#include "link.h"
#include "log.h"

/* A warning given about an interface, not repeated while it stays the same. */
struct link_warning {
	char ifname[VBUS_IFNAME_MAX];
	char *text;
};

struct link {
	struct host_link *host_link;
	sd_event_source *source;
	void (*changed)(const char *ifname, void *userdata);
	void *userdata;
	struct link_warning *warnings;
	size_t warning_count;
};

static int on_readable(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct link *link = userdata;
	int r;

	(void)fd;
	(void)revents;
	r = host_link_process(link->host_link);
	if (r < 0) {
		/* the socket is gone: stop watching rather than spin on it */
		log_error_errno(r, "host links: cannot read changes: %m; no longer following them");
		sd_event_source_set_enabled(source, SD_EVENT_OFF);
	}
	return 0;
}

static void on_changed(const char *ifname, void *userdata)
{
	struct link *link = userdata;

	if (link->changed)
		link->changed(ifname, link->userdata);
}

int link_new(sd_event *event, void (*changed)(const char *ifname, void *userdata),
	     void *userdata, struct link **result)
{
	struct link *link;
	int r;

	*result = NULL;
	link = calloc(1, sizeof(*link));
	if (!link)
		return -ENOMEM;
	link->changed = changed;
	link->userdata = userdata;
	r = host_link_new(&link->host_link);
	if (r < 0) {
		free(link);
		log_warning_errno(r, "host networking is not available (%m): bridges are neither observed nor set");
		return 0;
	}
	host_link_set_callback(link->host_link, on_changed, link);
	r = sd_event_add_io(event, &link->source, host_link_fd(link->host_link), EPOLLIN,
			    on_readable, link);
	if (r < 0) {
		link_free(link);
		return r;
	}
	*result = link;
	return 0;
}

void link_free(struct link *link)
{
	if (!link)
		return;
	sd_event_source_disable_unref(link->source);
	host_link_free(link->host_link);
	for (size_t i = 0; i < link->warning_count; i++)
		free(link->warnings[i].text);
	free(link->warnings);
	free(link);
}

int link_get(struct link *link, const char *ifname, struct link_state *state)
{
	struct host_link_info info;
	int r;

	*state = (struct link_state){ 0 };
	if (!link)
		return -EOPNOTSUPP;
	if (!ifname[0])
		return -ENODEV;
	r = host_link_get(link->host_link, ifname, &info);
	if (r < 0)
		return r;
	if (!info.present)
		return -ENODEV;
	state->present = true;
	state->up = info.up;
	state->mtu = info.mtu;
	snprintf(state->bridge, sizeof(state->bridge), "%s", info.master);
	return 0;
}

int link_configure(struct link *link, const char *ifname, uint32_t mtu, const char *bridge,
		   char *error, size_t size)
{
	int r;

	if (size)
		error[0] = '\0';
	if (!link)
		return -EOPNOTSUPP;
	r = host_link_configure(link->host_link, ifname, mtu, bridge, error, size);
	return r < 0 ? r : 0;
}

int link_set_bridge(struct link *link, const char *ifname, const char *bridge, char *error,
		    size_t size)
{
	/* MTU 0: the kernel sets it from the device's mtu attribute */
	return link_configure(link, ifname, 0, bridge, error, size);
}

int link_check_bridge(struct link *link, const char *bridge, char *error, size_t size)
{
	if (size)
		error[0] = '\0';
	if (!link)
		return -EOPNOTSUPP;
	return host_link_check_bridge(link->host_link, bridge, error, size);
}

bool link_warn_once(struct link *link, const char *ifname, const char *text)
{
	struct link_warning *w = NULL, *bigger;
	size_t i;

	if (!link)
		return true;
	for (i = 0; i < link->warning_count; i++)
		if (!strcmp(link->warnings[i].ifname, ifname))
			w = &link->warnings[i];
	if (!text) {
		if (w) {
			free(w->text);
			*w = link->warnings[--link->warning_count];
		}
		return false;
	}
	if (w && !strcmp(w->text, text))
		return false;
	if (!w) {
		bigger = reallocarray(link->warnings, link->warning_count + 1, sizeof(*bigger));
		if (!bigger)
			return true;
		link->warnings = bigger;
		w = &link->warnings[link->warning_count++];
		snprintf(w->ifname, sizeof(w->ifname), "%s", ifname);
		w->text = NULL;
	}
	free(w->text);
	w->text = strdup(text);
	return true;
}

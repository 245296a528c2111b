/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A generic netlink family going and coming, from the controller's
 * notifications (libnl-genl), in vbusd's loop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "family-watch.h"
#include "log.h"

struct family_watch {
	struct nl_sock *sock;
	sd_event_source *source;
	char *family;
	family_changed_t changed;
	void *userdata;
};

static int on_message(struct nl_msg *msg, void *arg)
{
	struct family_watch *watch = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *attrs[CTRL_ATTR_MAX + 1];

	if (genlmsg_parse(nlh, 0, attrs, CTRL_ATTR_MAX, NULL) < 0 ||
	    !attrs[CTRL_ATTR_FAMILY_NAME] ||
	    strcmp(nla_get_string(attrs[CTRL_ATTR_FAMILY_NAME]), watch->family))
		return NL_OK;
	if (gnlh->cmd == CTRL_CMD_NEWFAMILY)
		watch->changed(true, watch->userdata);
	else if (gnlh->cmd == CTRL_CMD_DELFAMILY)
		watch->changed(false, watch->userdata);
	return NL_OK;
}

static int on_readable(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct family_watch *watch = userdata;
	int r;

	(void)fd;
	(void)revents;
	r = nl_recvmsgs_default(watch->sock);
	if (r < 0 && r != -NLE_AGAIN) {
		log_error("generic netlink controller: %s; no longer following %s coming and going",
			  nl_geterror(r), watch->family);
		sd_event_source_set_enabled(source, SD_EVENT_OFF);
	}
	return 0;
}

int family_watch_new(sd_event *event, const char *family, family_changed_t changed,
		     void *userdata, struct family_watch **result)
{
	_cleanup_(family_watch_freep) struct family_watch *watch = calloc(1, sizeof(*watch));
	int group, r;

	*result = NULL;
	if (!watch)
		return -ENOMEM;
	watch->family = strdup(family);
	watch->sock = nl_socket_alloc();
	if (!watch->family || !watch->sock)
		return -ENOMEM;
	watch->changed = changed;
	watch->userdata = userdata;
	r = genl_connect(watch->sock);
	if (r < 0)
		return -ECONNREFUSED;
	group = genl_ctrl_resolve_grp(watch->sock, "nlctrl", "notify");
	if (group < 0)
		return -ENOENT;
	nl_socket_disable_seq_check(watch->sock);
	nl_socket_modify_cb(watch->sock, NL_CB_VALID, NL_CB_CUSTOM, on_message, watch);
	if (nl_socket_add_membership(watch->sock, group) < 0 ||
	    nl_socket_set_nonblocking(watch->sock) < 0)
		return -EIO;
	r = sd_event_add_io(event, &watch->source, nl_socket_get_fd(watch->sock), EPOLLIN,
			    on_readable, watch);
	if (r < 0)
		return r;
	*result = watch;
	watch = NULL;
	return 0;
}

void family_watch_free(struct family_watch *watch)
{
	if (!watch)
		return;
	sd_event_source_disable_unref(watch->source);
	nl_socket_free(watch->sock);
	free(watch->family);
	free(watch);
}

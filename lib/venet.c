/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Validation of venet attributes against the uapi ranges, so a tool can
 * name the bad field before it asks the kernel. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libvbus.h"

static int check_range(const char *field, uint32_t value, uint32_t min, uint32_t max,
		       char *error, size_t size)
{
	if (value >= min && value <= max)
		return 0;
	snprintf(error, size, "%s: %u is out of range %u..%u", field, value, min, max);
	return -ERANGE;
}

/* The kernel's dev_valid_name(): what a network interface may be called. */
static int check_ifname(const char *ifname, char *error, size_t size)
{
	size_t i, length = strnlen(ifname, VBUS_IFNAME_MAX);

	if (length == 0) {
		snprintf(error, size, "ifname: must not be empty");
		return -EINVAL;
	}
	if (length == VBUS_IFNAME_MAX) {
		snprintf(error, size, "ifname: longer than %d characters", VBUS_IFNAME_MAX - 1);
		return -EINVAL;
	}
	if (!strcmp(ifname, ".") || !strcmp(ifname, "..")) {
		snprintf(error, size, "ifname: '%s' is not a valid interface name", ifname);
		return -EINVAL;
	}
	for (i = 0; i < length; i++)
		if (ifname[i] == '/' || ifname[i] == ':' || isspace((unsigned char)ifname[i])) {
			snprintf(error, size,
				 "ifname: '%s' is not a valid interface name (no '/', ':' or whitespace)",
				 ifname);
			return -EINVAL;
		}
	return 0;
}

int vbus_venet_check(const struct vbus_venet_config *venet, char *error, size_t size)
{
	uint32_t present = venet->present;
	int r = 0;

	if (size)
		error[0] = '\0';
	if (present & ~VBUS_VENET_F_ALL) {
		snprintf(error, size, "unknown venet fields 0x%x", present & ~VBUS_VENET_F_ALL);
		return -EINVAL;
	}
	if (present & VBUS_VENET_F_MTU)
		r = check_range("mtu", venet->mtu, VBUS_VENET_MTU_MIN, VBUS_VENET_MTU_MAX,
				error, size);
	if (r == 0 && (present & VBUS_VENET_F_ZCTHRESH))
		r = check_range("zcthresh", venet->zcthresh, 0, VBUS_VENET_ZCTHRESH_MAX,
				error, size);
	if (r == 0 && (present & VBUS_VENET_F_WMEM))
		r = check_range("wmem", venet->wmem, VBUS_VENET_WMEM_MIN, VBUS_VENET_WMEM_MAX,
				error, size);
	if (r == 0 && (present & VBUS_VENET_F_TXQLEN))
		r = check_range("txqlen", venet->txqlen, VBUS_VENET_TXQLEN_MIN,
				VBUS_VENET_TXQLEN_MAX, error, size);
	if (r == 0 && (present & VBUS_VENET_F_IFNAME))
		r = check_ifname(venet->ifname, error, size);
	return r;
}

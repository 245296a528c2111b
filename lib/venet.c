/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Validation of venet attributes against the uapi ranges and the kernel's
 * rules, so a tool can name the bad field before it asks the kernel. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libvbus.h"
#include "macro.h"

/* The integer attributes and their uapi ranges: the one table of them. */
struct range {
	const char *field;
	uint32_t flag, min, max;
};

static const struct range ranges[] = {
	{ "mtu", VBUS_VENET_F_MTU, VBUS_VENET_MTU_MIN, VBUS_VENET_MTU_MAX },
	{ "zcthresh", VBUS_VENET_F_ZCTHRESH, 0, VBUS_VENET_ZCTHRESH_MAX },
	{ "wmem", VBUS_VENET_F_WMEM, VBUS_VENET_WMEM_MIN, VBUS_VENET_WMEM_MAX },
	{ "txqlen", VBUS_VENET_F_TXQLEN, VBUS_VENET_TXQLEN_MIN, VBUS_VENET_TXQLEN_MAX },
};

static const struct range *find_range(uint32_t flag)
{
	size_t i;

	for (i = 0; i < ELEMENTSOF(ranges); i++)
		if (ranges[i].flag == flag)
			return &ranges[i];
	return NULL;
}

int vbus_venet_range(uint32_t flag, uint32_t *min, uint32_t *max)
{
	const struct range *range = find_range(flag);

	if (!range)
		return -EINVAL;
	*min = range->min;
	*max = range->max;
	return 0;
}

bool vbus_mac_valid(const uint8_t mac[VBUS_MAC_LEN])
{
	static const uint8_t zero[VBUS_MAC_LEN];

	return !(mac[0] & 1) && memcmp(mac, zero, VBUS_MAC_LEN) != 0;
}

void vbus_venet_default_ifname(const char *device, char ifname[VBUS_IFNAME_MAX])
{
	snprintf(ifname, VBUS_IFNAME_MAX, "vbt-%s", device);
}

static int check_range(uint32_t flag, uint32_t value, char *error, size_t size)
{
	const struct range *range = find_range(flag);

	if (value >= range->min && value <= range->max)
		return 0;
	snprintf(error, size, "%s: %u is out of range %u..%u", range->field, value, range->min,
		 range->max);
	return -ERANGE;
}

static int check_mac(const uint8_t mac[VBUS_MAC_LEN], char *error, size_t size)
{
	char text[VBUS_MAC_STRLEN];

	if (vbus_mac_valid(mac))
		return 0;
	vbus_mac_format(mac, text);
	snprintf(error, size, "mac: %s is not a non-zero unicast address", text);
	return -EINVAL;
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
	if (present & VBUS_VENET_F_MAC)
		r = check_mac(venet->mac, error, size);
	if (r == 0 && (present & VBUS_VENET_F_MTU))
		r = check_range(VBUS_VENET_F_MTU, venet->mtu, error, size);
	if (r == 0 && (present & VBUS_VENET_F_ZCTHRESH))
		r = check_range(VBUS_VENET_F_ZCTHRESH, venet->zcthresh, error, size);
	if (r == 0 && (present & VBUS_VENET_F_WMEM))
		r = check_range(VBUS_VENET_F_WMEM, venet->wmem, error, size);
	if (r == 0 && (present & VBUS_VENET_F_TXQLEN))
		r = check_range(VBUS_VENET_F_TXQLEN, venet->txqlen, error, size);
	if (r == 0 && (present & VBUS_VENET_F_IFNAME))
		r = check_ifname(venet->ifname, error, size);
	return r;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of vbusd's drift decisions (drift.c): what a check finds, when
 * it restores and when it reports, and which attribute changes are adopted.
 * Fabrics in memory; no kernel, no loop. */
#include <errno.h>
#include <string.h>

#include "drift.h"
#include "fabric-text.h"
#include "unit.h"

static const char desired_text[] =
	"{\"version\":1,\"buses\":[{\"name\":\"vm1\"}],"
	"\"devices\":[{\"name\":\"web0\",\"type\":\"venet\",\"bus\":\"vm1\",\"mtu\":1500},"
	"{\"name\":\"db0\",\"type\":\"venet\",\"bus\":\"vm1\"}]}";

/* The kernel with web0 deleted, db0 disconnected, and an unmanaged vm9 gone
 * unnoticed (it was never there to begin with). */
static const char drifted_text[] =
	"{\"version\":1,\"buses\":[{\"name\":\"vm1\"}],"
	"\"devices\":[{\"name\":\"db0\",\"type\":\"venet\"}]}";

static enum drift_action check(enum drift_policy policy, struct drift **drift,
			       struct drift_entry **found, size_t *count)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(desired_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(drifted_text);

	CU_ASSERT_EQUAL_FATAL(drift_new(NULL, policy, NULL, NULL, drift), 0);
	return drift_check(*drift, desired, actual, found, count);
}

static void test_restore_policy_restores_and_keeps_no_list(void)
{
	_cleanup_(drift_freep) struct drift *drift = NULL;
	_cleanup_free_ struct drift_entry *found = NULL;
	size_t count, listed;

	CU_ASSERT_EQUAL(check(DRIFT_RESTORE, &drift, &found, &count), DRIFT_RESTORE_NOW);
	CU_ASSERT_EQUAL_FATAL(count, 2);
	CU_ASSERT_STRING_EQUAL(found[0].object, "device");
	CU_ASSERT_STRING_EQUAL(found[0].name, "web0");
	CU_ASSERT_STRING_EQUAL(found[0].what, "deleted");
	CU_ASSERT_STRING_EQUAL(found[1].object, "connection");
	CU_ASSERT_STRING_EQUAL(found[1].name, "db0");
	CU_ASSERT_STRING_EQUAL(found[1].what, "disconnected from vm1");
	drift_entries(drift, &listed);
	CU_ASSERT_EQUAL(listed, 0);
}

static void test_report_policy_lists_each_object_once(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(desired_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(drifted_text);
	_cleanup_(drift_freep) struct drift *drift = NULL;
	_cleanup_free_ struct drift_entry *found = NULL, *again = NULL;
	const struct drift_entry *listed;
	size_t count;

	CU_ASSERT_EQUAL(check(DRIFT_REPORT, &drift, &found, &count), DRIFT_REPORTED);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_EQUAL(drift_check(drift, desired, actual, &again, &count), DRIFT_REPORTED);
	listed = drift_entries(drift, &count);
	CU_ASSERT_EQUAL_FATAL(count, 2);
	CU_ASSERT_STRING_EQUAL(listed[0].name, "web0");
	CU_ASSERT_STRING_EQUAL(listed[1].what, "disconnected from vm1");
	drift_clear(drift);
	drift_entries(drift, &count);
	CU_ASSERT_EQUAL(count, 0);
}

static void test_nothing_missing_is_no_drift(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(desired_text);
	_cleanup_(fabric_freep) struct fabric *actual = parse(
		"{\"version\":1,\"buses\":[{\"name\":\"vm1\"},{\"name\":\"other\"}],"
		"\"devices\":[{\"name\":\"web0\",\"type\":\"venet\",\"bus\":\"vm1\",\"mtu\":9000},"
		"{\"name\":\"db0\",\"type\":\"venet\",\"bus\":\"vm1\"}]}");
	_cleanup_(drift_freep) struct drift *drift = NULL;
	_cleanup_free_ struct drift_entry *found = NULL;
	size_t count;

	CU_ASSERT_EQUAL_FATAL(drift_new(NULL, DRIFT_REPORT, NULL, NULL, &drift), 0);
	/* an attribute differing is adoption's business, not a missing object */
	CU_ASSERT_EQUAL(drift_check(drift, desired, actual, &found, &count), DRIFT_NONE);
	CU_ASSERT_EQUAL(count, 0);
}

static void test_a_deleted_bus_is_drift(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(
		"{\"version\":1,\"buses\":[{\"name\":\"vm1\"}]}");
	_cleanup_(fabric_freep) struct fabric *actual = parse("{\"version\":1}");
	_cleanup_(drift_freep) struct drift *drift = NULL;
	_cleanup_free_ struct drift_entry *found = NULL;
	size_t count;

	CU_ASSERT_EQUAL_FATAL(drift_new(NULL, DRIFT_RESTORE, NULL, NULL, &drift), 0);
	CU_ASSERT_EQUAL(drift_check(drift, desired, actual, &found, &count), DRIFT_RESTORE_NOW);
	CU_ASSERT_EQUAL_FATAL(count, 1);
	CU_ASSERT_STRING_EQUAL(found[0].object, "bus");
}

static void test_events_that_matter(void)
{
	_cleanup_(fabric_freep) struct fabric *desired = parse(desired_text);
	struct vbus_event event = { .cmd = VBUS_CMD_DEVICE_DEL };

	snprintf(event.device.name, sizeof(event.device.name), "web0");
	CU_ASSERT_TRUE(drift_event_matters(desired, &event));
	snprintf(event.device.name, sizeof(event.device.name), "unmanaged0");
	CU_ASSERT_FALSE(drift_event_matters(desired, &event));
	event.cmd = VBUS_CMD_BUS_DEL;
	snprintf(event.bus.name, sizeof(event.bus.name), "vm1");
	CU_ASSERT_TRUE(drift_event_matters(desired, &event));
	event.cmd = VBUS_CMD_DEVICE_NEW;
	snprintf(event.device.name, sizeof(event.device.name), "web0");
	CU_ASSERT_FALSE(drift_event_matters(desired, &event));
}

static struct fabric_device venet(uint32_t present, uint32_t mtu, uint32_t wmem)
{
	struct fabric_device device = { 0 };

	snprintf(device.info.name, sizeof(device.info.name), "web0");
	device.info.venet.present = present;
	device.info.venet.mtu = mtu;
	device.info.venet.wmem = wmem;
	return device;
}

static void test_adopts_what_someone_else_changed(void)
{
	struct fabric_device wanted = venet(VBUS_VENET_F_MTU, 1500, 0);
	struct fabric_device before = venet(VBUS_VENET_F_MTU | VBUS_VENET_F_WMEM, 1500, 4096);
	struct fabric_device now = venet(VBUS_VENET_F_MTU | VBUS_VENET_F_WMEM, 1400, 8192);
	char changes[128];

	CU_ASSERT_TRUE(drift_adopt(&wanted, &now, &before, changes, sizeof(changes)));
	CU_ASSERT_STRING_EQUAL(changes, "mtu 1400, wmem 8KiB");
	CU_ASSERT_EQUAL(wanted.info.venet.mtu, 1400);
	CU_ASSERT_EQUAL(wanted.info.venet.wmem, 8192);
	CU_ASSERT_TRUE(wanted.info.venet.present & VBUS_VENET_F_WMEM);
}

static void test_adopts_nothing_vbusd_itself_did(void)
{
	struct fabric_device wanted = venet(VBUS_VENET_F_MTU, 9000, 0);
	struct fabric_device now = venet(VBUS_VENET_F_MTU, 9000, 0);
	char changes[128];

	/* the event of vbusd's own change: what it wants */
	CU_ASSERT_FALSE(drift_adopt(&wanted, &now, NULL, changes, sizeof(changes)));
	CU_ASSERT_STRING_EQUAL(changes, "");
	/* unchanged since vbusd last saw it */
	now = venet(VBUS_VENET_F_MTU, 1500, 0);
	CU_ASSERT_FALSE(drift_adopt(&wanted, &now, &now, changes, sizeof(changes)));
	CU_ASSERT_EQUAL(wanted.info.venet.mtu, 9000);
}

static void test_after_lost_events_adopts_only_what_is_managed(void)
{
	struct fabric_device wanted = venet(VBUS_VENET_F_MTU, 9000, 0);
	struct fabric_device now = venet(VBUS_VENET_F_MTU | VBUS_VENET_F_WMEM, 1400, 8192);
	char changes[128];

	CU_ASSERT_TRUE(drift_adopt(&wanted, &now, NULL, changes, sizeof(changes)));
	CU_ASSERT_STRING_EQUAL(changes, "mtu 1400");
	CU_ASSERT_FALSE(wanted.info.venet.present & VBUS_VENET_F_WMEM);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{ "restore policy restores and keeps no list",
		  test_restore_policy_restores_and_keeps_no_list },
		{ "report policy lists each object once", test_report_policy_lists_each_object_once },
		{ "nothing missing is no drift", test_nothing_missing_is_no_drift },
		{ "a deleted bus is drift", test_a_deleted_bus_is_drift },
		{ "events that matter", test_events_that_matter },
		{ "adopts what someone else changed", test_adopts_what_someone_else_changed },
		{ "adopts nothing vbusd itself did", test_adopts_nothing_vbusd_itself_did },
		{ "after lost events adopts only what is managed",
		  test_after_lost_events_adopts_only_what_is_managed },
	};

	return unit_run("vbusd drift", UNIT_TESTS(tests));
}

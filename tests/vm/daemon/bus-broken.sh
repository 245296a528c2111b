# A hostile guest breaks a managed bus: vbusd sends the Event "bus-broken"
# (details: the bus with "state": "broken"), logs it, and GetStatus lists the
# bus as a problem while the kernel says it is broken.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
guest=$VBUS_BUILDDIR/tests/tools/vbus-test-guest
[ -x "$guest" ] || fail "$guest is not built: run make in $VBUS_BUILDDIR"

vbus_insmod vbus
vbusd_start
fabric='{"version": 1, "buses": [{"name": "db", "connector": "ivshmem"}],
 "devices": [{"name": "db0", "type": "venet", "bus": "db"}]}'
vbusd_get Apply sst "$fabric" bus-broken.json 0 >/dev/null

# vbusd's Event signals into ./events
events_listen 180
vbusd_get GetStatus | jq -e '.problems == []' >/dev/null || fail "problems before: $(vbusd_get GetStatus)"

"$guest" db hostile 5 >hostile.out 2>&1 || fail "the hostile guest failed: $(cat hostile.out)"
[ "$(cat /sys/vbus/buses/db/state)" = broken ] || fail "bus db not broken after the hostile guest"
broken() { grep -q '^bus-broken bus db {"name":"db".*"state":"broken"' events; }
wait_for "the Event bus-broken" broken
problem() {
	vbusd_get GetStatus | jq -e '.problems | map(select(startswith("bus db: broken"))) | length == 1' \
		>/dev/null
}
wait_for "bus db in GetStatus problems" problem
"$VBUS_BUILDDIR/cli/vbusctl" status >status.out 2>&1 || true
grep -q "^Problems: *bus db: broken" status.out || fail "vbusctl status: $(cat status.out)"
vbusd_get GetBuses as 1 db | jq -e '.buses[0].state == "broken" and (.buses[0] | has("id") | not)' \
	>/dev/null || fail "GetBuses db: $(vbusd_get GetBuses as 1 db)"
grep -q "bus db: broken" vbusd.log || fail "vbusd did not log the break"
kill "$listener"
wait "$listener" 2>/dev/null || true
cat events
vbusd_stop

# Drift: a managed device deleted or disconnected by someone else is restored
# (policy restore) or listed in GetStatus (policy report); a zcthresh written
# in sysfs is adopted into the desired state, persisted, and not undone.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

vbus_insmod vbus
# two-vms.json and a spare device on no bus (vbus.ko deletes only those)
jq '.devices += [{"name": "spare0", "type": "venet", "mac": "02:00:00:00:09:09"}]' \
	"$VBUS_SRCDIR/examples/two-vms.json" >fabric.json
vbusd_start
vbusd_get Apply sst "$(cat fabric.json)" fabric.json 0 >/dev/null

# restore: delete spare0 behind vbusd's back, and disconnect db0
"$nl" dev-del spare0
"$nl" disconnect db0
on_bus() { [ "$(cat /sys/vbus/devices/$1/bus 2>/dev/null)" = "$2" ]; }
exists() { [ -e /sys/vbus/devices/$1 ]; }
wait_for "spare0 restored" exists spare0
wait_for "db0 reconnected to db" on_bus db0 db
[ "$(cat /sys/vbus/devices/spare0/mac)" = 02:00:00:00:09:09 ] || fail "spare0 restored without its mac"
grep -q 'device spare0: deleted outside vbusd: restoring it' vbusd.log || fail "no drift log line"
grep -q 'connection db0: disconnected from db outside vbusd: restoring it' vbusd.log ||
	fail "no drift log line for db0"

# adoption: the seed's command
echo 0 >/sys/vbus/devices/web0/zcthresh
adopted() { vbusd_get GetDevices as 1 web0 | jq -e '.devices[0].zcthresh == 0' >/dev/null; }
wait_for "zcthresh 0 in GetDevices" adopted
persisted() {
	jq -e '.devices[] | select(.name == "web0") | .zcthresh == 0' "$state/fabric.json" >/dev/null
}
wait_for "zcthresh 0 persisted" persisted
[ "$(cat /sys/vbus/devices/web0/zcthresh)" = 0 ] || fail "vbusd undid an outside attribute change"
vbusd_get Apply sst "$(cat fabric.json)" fabric.json 1 |
	jq -e '.changed == false' >/dev/null || fail "the adopted value is not in the desired state"
vbusd_get GetStatus | jq -e '.in_sync == true and .drift == []' >/dev/null ||
	fail "not in sync after drift: $(vbusd_get GetStatus)"
vbusd_stop

# report: the deletion stays, and is listed
vbusd_start --drift=report
"$nl" dev-del spare0
reported() {
	vbusd_get GetStatus | jq -e '.drift == [{"object": "device", "name": "spare0", "what": "deleted"}]' >/dev/null
}
wait_for "spare0 reported as drift" reported
[ ! -e /sys/vbus/devices/spare0 ] || fail "policy report restored spare0"
vbusd_get GetStatus | jq -e '.in_sync == false and .drift_policy == "report"' >/dev/null ||
	fail "status under report: $(vbusd_get GetStatus)"
# an apply puts it back and clears the report
vbusd_get Apply sst "$(cat fabric.json)" fabric.json 0 >/dev/null
[ -e /sys/vbus/devices/spare0 ] || fail "apply did not recreate spare0"
vbusd_get GetStatus | jq -e '.drift == [] and .in_sync == true' >/dev/null || fail "drift not cleared"
vbusd_stop

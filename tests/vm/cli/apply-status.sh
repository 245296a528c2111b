# vbusctl apply -f examples/two-vms.json against the real vbusd: the plan is
# printed, the kernel has the fabric, status/show/stats show it, and the
# fabric's own export applies as "no changes".
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start

vbusctl diff --exit-code -f "$VBUS_SRCDIR/examples/two-vms.json" >plan && rc=0 || rc=$?
[ "$rc" -eq 10 ] || fail "diff --exit-code before apply: exit $rc, expected 10"
[ -z "$(sys_devices)" ] || fail "diff changed the kernel: $(sys_devices)"

vbusctl apply -f "$VBUS_SRCDIR/examples/two-vms.json" | tee applied
cmp plan applied || fail "apply did other than diff showed"
grep -qx '+ bus web (ivshmem, region_size 2MiB, domain web)' applied || fail "no '+ bus web' line"
grep -q '^+ device web0 (venet, mtu 9000' applied || fail "no '+ device web0' line"
grep -qx '+ connection db0 -> db' applied || fail "no '+ connection db0 -> db' line"
[ "$(sys_buses)" = "db web " ] || fail "buses: $(sys_buses)"
[ "$(sys_devices)" = "db0 web0 web1 " ] || fail "devices: $(sys_devices)"

vbusctl status | tee status
grep -qx 'State:      in sync' status || fail "status does not say in sync"
grep -qx 'Objects:    2 buses, 3 devices' status || fail "status counts"
grep -q '^Last apply: .*/two-vms.json: ok, 8 operations$' status ||
	fail "status does not show the last apply"
vbusctl -j status | python3 -c '
import json, sys
s = json.load(sys.stdin)
assert s["in_sync"] is True and s["buses"] == 2 and s["devices"] == 3, s
assert s["last_apply"]["source"].endswith("two-vms.json"), s'

vbusctl -j export | vbusctl apply -f - --dry-run | tee again
[ "$(cat again)" = "no changes" ] || fail "export re-applied: $(cat again)"
vbusctl export >saved.json
vbusctl diff --exit-code -f saved.json || fail "diff of the export: exit $?"
vbusctl apply -f "$VBUS_SRCDIR/examples/two-vms.json" | tee twice
[ "$(cat twice)" = "no changes" ] || fail "second apply: $(cat twice)"
# The tables last: GetDevices and GetBuses of every object.
vbusctl device show | tee devices
grep -Eq '^web0 +venet +web +[0-9a-f:]{17} +9000 ' devices || fail "device table: no web0 row"
grep -Eq '^db0 +venet +db +.* 0 +2MiB ' devices || fail "device table: db0 zcthresh 0, wmem 2MiB"
vbusctl bus show | tee buses
grep -Eq '^web +ivshmem +2MiB +50 +ok +web +web0,web1$' buses || fail "bus table: web row"
vbusctl stats web0 | tee stats
# the device's table (a header and web0), then its bus's polling figures
[ "$(sed '/^$/q' stats | grep -c .)" -eq 2 ] && grep -q '^web0 ' stats || fail "stats web0"
grep -Eq '^web +50 ' stats || fail "stats web0: no polling figures of bus web"

vbusd_stop

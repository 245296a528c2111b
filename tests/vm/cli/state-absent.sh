# "state": "absent" on a bus or device (issue 15 item 17b, nmstate's habit):
# the object is removed without --prune (its connection first), the plan
# says why; absent and gone already is no change; a bus declared absent with
# devices that would stay on it is refused, naming them; absent in one file
# and defined in another (given together, or one in fabric.d) is an error
# naming both.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

cat >fabric.json <<'JSON'
{"version": 1, "buses": [{"name": "vm1", "connector": "none"}, {"name": "vm2", "connector": "none"}],
 "devices": [{"name": "web0", "type": "venet", "bus": "vm1"},
             {"name": "web1", "type": "venet", "bus": "vm1"},
             {"name": "db0", "type": "venet", "bus": "vm2"}]}
JSON
cat >rm-web0.json <<'JSON'
{"version": 1, "devices": [{"name": "web0", "state": "absent"}]}
JSON
cat >rm-vm1.json <<'JSON'
{"version": 1, "buses": [{"name": "vm1", "state": "absent"}]}
JSON
cat >rm-vm1-all.json <<'JSON'
{"version": 1, "buses": [{"name": "vm1", "state": "absent"}],
 "devices": [{"name": "web1", "type": "venet", "bus": "vm1", "state": "absent"}]}
JSON
cat >keep-db0.json <<'JSON'
{"version": 1, "devices": [{"name": "db0", "type": "venet", "bus": "vm2"}]}
JSON
cat >rm-db0.json <<'JSON'
{"version": 1, "devices": [{"name": "db0", "state": "absent"}]}
JSON

vbus_insmod vbus
vbusd_start
vbusctl apply fabric.json >/dev/null

# an absent device: the dry run says what and why, and changes nothing
expect_exit 0 vbusctl apply rm-web0.json --dry-run
[ "$(cat out)" = "- connection web0 -> vm1 (state absent in rm-web0.json)
- device web0 (state absent in rm-web0.json)" ] || fail "dry run of rm-web0.json: $(cat out)"
[ -e /sys/vbus/devices/web0 ] || fail "a dry run removed web0"
[ "$(vbusctl -j apply rm-web0.json --dry-run | jq -c '[.operations[] | .reason]')" = \
  '["state absent in rm-web0.json","state absent in rm-web0.json"]' ] || fail "dry run -j: no reasons"
expect_exit 0 vbusctl apply rm-web0.json
[ ! -e /sys/vbus/devices/web0 ] || fail "web0 is still there"
[ "$(sys_devices)" = "db0 web1 " ] || fail "more went than web0: $(sys_devices)"
expect_exit 0 vbusctl apply rm-web0.json
grep -qx 'no changes' out || fail "absent and gone is a change: $(cat out)"
expect_exit 0 vbusctl diff --exit-code rm-web0.json
vbusctl status >/dev/null || fail "not in sync after an absent device went: $(vbusctl status)"

# an absent bus with a device that would stay on it: refused, naming it,
# by vbusctl (it reads the kernel) and by vbusd (fabric.d, merged with its
# desired state)
expect_exit 1 vbusctl apply rm-vm1.json
grep -qx 'vbusctl: rm-vm1.json: $.buses\[0\].state: bus "vm1" is declared absent, but device web1 would stay on it (expected it declared absent too, or on another bus)' err ||
	fail "absent bus with web1 on it: $(cat err)"
[ -e /sys/vbus/buses/vm1 ] || fail "a refused apply removed vm1"
cp rm-vm1.json "$config/"
expect_exit 1 vbusctl reload
grep -qF "$config/rm-vm1.json: \$.buses[0].state: bus \"vm1\" is declared absent, but device web1 would stay on it (expected it declared absent too, or on another bus)" err ||
	fail "reload of an absent bus with web1 on it: $(cat err)"
rm "$config/rm-vm1.json"
vbusctl reload >/dev/null

# the bus with its device absent too: both go, the device first
expect_exit 0 vbusctl apply rm-vm1-all.json
[ "$(cat out)" = "- connection web1 -> vm1 (state absent in rm-vm1-all.json)
- device web1 (state absent in rm-vm1-all.json)
- bus vm1 (state absent in rm-vm1-all.json)" ] || fail "plan of rm-vm1-all.json: $(cat out)"
[ "$(sys_buses)" = "vm2 " ] || fail "buses after rm-vm1-all.json: $(sys_buses)"
[ "$(sys_devices)" = "db0 " ] || fail "devices after rm-vm1-all.json: $(sys_devices)"
expect_exit 0 vbusctl apply rm-vm1-all.json
grep -qx 'no changes' out || fail "second apply of rm-vm1-all.json: $(cat out)"

# absent in one file, defined in another: both named, nothing applied
expect_exit 1 vbusctl apply keep-db0.json rm-db0.json
grep -qx 'vbusctl: rm-db0.json: $.devices\[0\].state: device "db0" is declared absent, but keep-db0.json: $.devices\[0\] defines it (expected one or the other)' err ||
	fail "absent and defined: $(cat err)"
[ -e /sys/vbus/devices/db0 ] || fail "a refused apply removed db0"

# vbusctl apply of a file declaring absent what a fabric.d file defines:
# an error naming both files (the next reload would make it again)
cp keep-db0.json "$config/"
vbusctl reload >/dev/null
expect_exit 1 vbusctl apply rm-db0.json
grep -qF "vbusctl: rm-db0.json: cannot apply: \$.devices[0].state: device \"db0\" is declared absent, but $config/keep-db0.json: \$.devices[0] defines it (expected one or the other: edit that file and run vbusctl reload)" err ||
	fail "absent over a fabric.d file's device: $(cat err)"
[ -e /sys/vbus/devices/db0 ] || fail "a refused apply removed db0"
rm "$config/keep-db0.json"

# in fabric.d, an absent device goes at reload and stays gone
cp rm-db0.json "$config/"
vbusctl reload >/dev/null
[ ! -e /sys/vbus/devices/db0 ] || fail "reload did not remove db0"
expect_exit 0 vbusctl reload
grep -qx 'no changes' out || fail "second reload: $(cat out)"
vbusd_stop

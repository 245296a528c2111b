# A file with only devices may name a bus that exists besides it (issue 15
# item 17a): one vbusctl made, one another fabric.d file defines, one in the
# kernel; a bus that exists nowhere is still an error with file and JSON
# path, from vbusctl (which reads the kernel) and from vbusd (fabric.d).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

cat >"$config/10-buses.json" <<'JSON'
{"version": 1, "buses": [{"name": "fb", "connector": "none"}]}
JSON
cat >"$config/20-devices.json" <<'JSON'
{"version": 1, "devices": [{"name": "file0", "type": "venet", "bus": "fb"}]}
JSON
cat >web.json <<'JSON'
{"version": 1, "devices": [{"name": "web0", "type": "venet", "bus": "vm1", "mtu": 9000}]}
JSON
cat >onfb.json <<'JSON'
{"version": 1, "devices": [{"name": "web1", "type": "venet", "bus": "fb"}]}
JSON
cat >nowhere.json <<'JSON'
{"version": 1, "devices": [{"name": "web2", "type": "venet", "bus": "vm1"},
                           {"name": "web3", "type": "venet", "bus": "nope", "mtu": 70000}]}
JSON

vbus_insmod vbus
vbusd_start
# another file's bus, at start-up: fabric.d's files merge, then are checked
[ "$(cat /sys/vbus/devices/file0/bus)" = fb ] || fail "file0 is not on fb: $(cat vbusd.log)"

# a bus vbusctl made
vbusctl bus create vm1 connector=none
expect_exit 0 vbusctl apply web.json --dry-run
grep -qx '+ connection web0 -> vm1' out || fail "dry run of web.json: $(cat out)"
expect_exit 0 vbusctl apply web.json
[ "$(cat /sys/vbus/devices/web0/bus)" = vm1 ] || fail "web0 is not on vm1"
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "web0's mtu"
expect_exit 0 vbusctl apply web.json
grep -qx 'no changes' out || fail "second apply of web.json: $(cat out)"

# a bus a fabric.d file defines, from vbusctl apply
expect_exit 0 vbusctl apply onfb.json
[ "$(cat /sys/vbus/devices/web1/bus)" = fb ] || fail "web1 is not on fb"

# a bus that exists nowhere: every error at once, with file and path
expect_exit 1 vbusctl apply nowhere.json
grep -qx 'vbusctl: nowhere.json: $.devices\[1\].mtu: 70000 is out of range (expected 68..65535)' err ||
	fail "nowhere.json's mtu: $(cat err)"
grep -qx 'vbusctl: nowhere.json: $.devices\[1\].bus: "nope" is not a bus of the fabric or of the kernel (expected one of its buses: fb, vm1)' err ||
	fail "nowhere.json's bus: $(cat err)"
grep -qx 'vbusctl: nowhere.json: 2 errors, nothing applied' err || fail "error count: $(cat err)"
[ ! -e /sys/vbus/devices/web2 ] || fail "a refused apply made web2"

# vbusd's own check of the merged state (fabric.d): file and path
cat >"$config/30-nowhere.json" <<'JSON'
{"version": 1, "devices": [{"name": "lost0", "type": "venet", "bus": "nope", "mtu": 70000}]}
JSON
expect_exit 1 vbusctl reload
grep -qF "$config/30-nowhere.json: \$.devices[0].bus: \"nope\" is not a bus of the fabric or of the kernel (expected one of its buses: fb, vm1)" err ||
	fail "reload with a bus that exists nowhere: $(cat err)"
grep -qF "$config/30-nowhere.json: \$.devices[0].mtu: 70000 is out of range" err ||
	fail "reload: the mtu error did not come with the bus error: $(cat err)"
[ ! -e /sys/vbus/devices/lost0 ] || fail "a refused reload made lost0"
{ vbusctl status || true; } | grep -qF "$config/30-nowhere.json: \$.devices[0].bus" ||
	fail "status does not show the reload's error"
rm "$config/30-nowhere.json"
expect_exit 0 vbusctl reload
vbusd_stop

# vbusctl apply with several files against the real vbusd (issue 15, items
# 1, 6, 12, 14, 15, 16): they make one fabric; a name in two files is an
# error naming both; every file's errors (parse and check) come at once; a
# key written twice is refused; a file as an operand works as -f does;
# "apply" alone and "apply -f DIR" say what is wrong; stdin is "<stdin>".
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

cat >a.json <<'JSON'
{"version": 1, "buses": [{"name": "vm1", "connector": "loop"}],
 "devices": [{"name": "web0", "type": "venet", "bus": "vm1", "mtu": 9000}]}
JSON
cat >b.json <<'JSON'
{"version": 1, "devices": [{"name": "web0", "type": "venet", "mtu": 1500}]}
JSON
cat >c.json <<'JSON'
{"version": 1, "devices": [{"name": "db0", "type": "venet", "bus": "vm1", "wmem": 2097152}]}
JSON
cat >typo.json <<'JSON'
{"version": 1, "devices": [{"name": "typo0", "type": "venet", "mtu": 70000, "bus": "vm9"},
                           {"name": "typo1", "type": "venet", "zc_thresh": 0}]}
JSON
cat >twice.json <<'JSON'
{"version": 1,
 "devices": [{"name": "web0", "type": "venet", "mtu": 1500,
              "mtu": 9000}]}
JSON

vbus_insmod vbus
vbusd_start

# A name defined in two files: an error naming both, nothing sent.
expect_exit 1 vbusctl apply -f a.json -f b.json --dry-run
grep -qx 'vbusctl: b.json: $.devices\[0\].name: "web0" is also the name of a.json: $.devices\[0\] (expected each device name once)' err ||
	fail "web0 in a.json and b.json: $(cat err)"
[ -z "$(sys_devices)" ] || fail "a refused apply changed the kernel: $(sys_devices)"

# Every file's errors at once: typo.json's parse errors (with a did-you-mean)
# and its check error (a bus no file defines), though a.json is fine.
expect_exit 1 vbusctl apply -f typo.json -f a.json
grep -qx 'vbusctl: typo.json: $.devices\[0\].mtu: 70000 is out of range (expected 68..65535)' err ||
	fail "typo.json's mtu error: $(cat err)"
grep -q '^vbusctl: typo.json: $.devices\[1\]: unknown key "zc_thresh", did you mean "zcthresh"? ' err ||
	fail "typo.json's unknown key: $(cat err)"
grep -qx 'vbusctl: typo.json: $.devices\[0\].bus: "vm9" is not a bus of the fabric or of the kernel (expected one of its buses: vm1)' err ||
	fail "the check error came not with the parse errors: $(cat err)"
grep -qx 'vbusctl: 3 errors, nothing applied' err || fail "error count: $(cat err)"

# A key written twice: refused with the file, the line and column of both,
# and the JSON path; by vbusctl and by vbusd (fabric.d) alike.
expect_exit 1 vbusctl apply twice.json
grep -qx 'vbusctl: twice.json:3:15: $.devices\[0\]: key "mtu" written twice, first at line 2, column 48 (expected each key once)' err ||
	fail "duplicate key: $(cat err)"

# References across files resolve; the files are one fabric, one apply.
expect_exit 0 vbusctl apply -f a.json -f c.json
grep -qx '+ device db0 (venet, wmem 2MiB)' out || fail "plan of a.json + c.json: $(cat out)"
[ "$(cat /sys/vbus/devices/db0/bus)" = vm1 ] || fail "db0 not on vm1"
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "web0 mtu"
vbusctl status >status || true
grep -q '^Last apply: .*a.json,c.json: ok, 5 operations$' status || fail "source of the apply: $(cat status)"

# A file as an operand (nmstatectl's habit), as -f does; several too.
expect_exit 0 vbusctl apply a.json c.json
[ "$(cat out)" = "no changes" ] || fail "apply a.json c.json: $(cat out)"
expect_exit 0 vbusctl diff --exit-code a.json -f c.json

# stdin is "<stdin>" in messages, not "-".
expect_exit 1 vbusctl apply - <typo.json
grep -q '^vbusctl: <stdin>: $.devices\[0\].mtu: 70000 is out of range' err || fail "stdin's name: $(cat err)"

# Mistakes said plainly.
expect_exit 2 vbusctl apply
grep -qx 'vbusctl: apply: no fabric file (expected FILE or -f FILE; - for standard input)' err ||
	fail "apply alone: $(cat err)"
expect_exit 1 vbusctl apply -f /etc
grep -qx 'vbusctl: /etc: cannot read: Is a directory' err || fail "apply -f /etc: $(cat err)"

# vbusd refuses a duplicate key in fabric.d too, naming the file.
cp twice.json "$config/10-twice.json"
kill -HUP "$vbusd_pid"
logged() { grep -q '10-twice.json:3:15: $.devices\[0\]: key "mtu" written twice' vbusd.log; }
wait_for "vbusd to refuse the duplicate key in fabric.d" logged
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "the refused fabric.d file changed web0"
vbusd_stop

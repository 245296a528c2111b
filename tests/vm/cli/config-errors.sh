# A fabric file with three mistakes: vbusctl apply prints the three errors
# (file, JSON path, what and what was expected), exits 1, and nothing
# changes: neither the kernel nor vbusd's state.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start
cat >bad.json <<'JSON'
{
  "version": 1,
  "buses": [ { "name": "web", "connector": "ivshmem", "region_size": 1000 } ],
  "devices": [
    { "name": "web0", "type": "venet", "bus": "web", "mtu": 70000 },
    { "name": "web1", "type": "venet", "bus": "web", "mac": "01:00:00:00:00:01" }
  ]
}
JSON
expect_exit 1 vbusctl apply -f bad.json
cat >expected <<'TEXT'
vbusctl: bad.json: $.buses[0].region_size: 1000 is out of range (expected a multiple of 4096 in 65536..1073741824)
vbusctl: bad.json: $.devices[0].mtu: 70000 is out of range (expected 68..65535)
vbusctl: bad.json: $.devices[1].mac: "01:00:00:00:00:01" is a multicast address (expected a non-zero unicast address)
vbusctl: bad.json: 3 errors, nothing applied
TEXT
diff -u expected err || fail "apply's errors differ"
[ ! -s out ] || fail "apply printed a plan: $(cat out)"
expect_exit 1 vbusctl diff -f bad.json
diff -u expected err || fail "diff's errors differ"
[ -z "$(sys_devices)$(sys_buses)" ] || fail "the kernel changed: $(sys_devices) $(sys_buses)"
vbusctl status | tee status
grep -q '^Last apply: .*bad.json' status && fail "vbusd saw an apply of bad.json"
grep -qx 'Objects:    0 buses, 0 devices' status || fail "vbusd's counts changed"

# KEY=VALUE mistakes are named the same way, and send nothing either.
expect_exit 2 vbusctl device create web0 mtu=70000
[ "$(cat err)" = "vbusctl: device web0: mtu=70000: out of range (expected 68..65535)" ] ||
	fail "device create mtu=70000: $(cat err)"
expect_exit 2 vbusctl device create web0 speed=10
grep -q 'speed=10: unknown key (expected one of: type, mac, mtu, zcthresh, wmem, txqlen, ifname, bridge)' err ||
	fail "unknown key: $(cat err)"
[ -z "$(sys_devices)" ] || fail "a device was made: $(sys_devices)"
vbusd_stop

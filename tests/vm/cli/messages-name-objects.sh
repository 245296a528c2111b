# Messages about objects made through vbusctl (or kept in vbusd's own state
# file) name them, not a JSON path the user never wrote (issue 15 item 12):
# "device create p2" when p1 has ifname=vbt-p2 names device p1 and says
# "device p2", with no "$.devices[0]"; a file's objects keep their paths.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start
vbusctl device create p1 ifname=vbt-p2
expect_exit 1 vbusctl device create p2
cat err
grep -q 'device p2' err && grep -q 'device p1' err ||
	fail "device create p2: the message does not name both devices: $(cat err)"
grep -q '\$\.devices' err && fail "device create p2: a JSON path nobody wrote: $(cat err)"
[ ! -e /sys/vbus/devices/p2 ] || fail "p2 was created"

# After a restart (the desired state read back from vbusd's file): the same.
vbusd_stop
vbusd_start
expect_exit 1 vbusctl device create p2
grep -q '\$\.devices' err && fail "after a restart: a JSON path of vbusd's state file: $(cat err)"

# A file's own objects keep their place in it.
cat >p.json <<'EOT'
{ "version": 1, "devices": [ { "name": "p3", "type": "venet", "ifname": "vbt-p2" } ] }
EOT
expect_exit 1 vbusctl apply p.json
grep -q 'p.json: cannot apply: \$\.devices\[0\]\.ifname' err || fail "apply p.json: the file's path is not given: $(cat err)"
vbusd_stop

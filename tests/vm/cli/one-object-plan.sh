# A one-object command plans that object alone (issue 15 item 12): with a
# managed device r1 gone from the kernel (destroyed by hand, --drift=report
# waits), "device create r3" refused by the kernel (its host interface name
# is an unmanaged device's) says "operation 1 of 1" about r3 and names no
# other device, and r1 is not made again behind the command's back.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
vbusd_start --drift=report
vbusctl device create r1
vbusctl device create r2
"$nl" dev-del r1
"$nl" dev-new x9 ifname=vbt-r3	# unmanaged, and holds r3's default host interface
drift_reported() { { vbusctl status || true; } | grep -q 'r1'; }
wait_for "status to report r1 missing" drift_reported

expect_exit 1 vbusctl device create r3
cat err
grep -q 'operation 1 of 1: + device r3' err || fail "device create r3: not one operation on r3: $(cat err)"
grep -q 'r1' err && fail "device create r3: the message is about r1 too: $(cat err)"
[ ! -e /sys/vbus/devices/r1 ] || fail "device create r3 made r1 again"
[ ! -e /sys/vbus/devices/r3 ] || fail "r3 was created"

# a successful one-object command does not make r1 either
vbusctl device create r4
[ -e /sys/vbus/devices/r4 ] || fail "r4 was not created"
[ ! -e /sys/vbus/devices/r1 ] || fail "device create r4 made r1 again"
"$nl" dev-del x9
vbusd_stop

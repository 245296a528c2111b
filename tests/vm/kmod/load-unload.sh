# vbus.ko loads, exposes /sys/vbus and the "vbus" generic netlink family,
# answers GET_VERSION, and leaves nothing behind when unloaded.
. "$VBUS_SRCDIR/tests/vm/lib.sh"

[ ! -e /sys/vbus ] || fail "/sys/vbus exists before the module is loaded"
expect_fail genl ctrl get name vbus 2>/dev/null

vbus_insmod vbus
[ -d /sys/vbus/devices ] || fail "/sys/vbus/devices missing after load"
[ -d /sys/vbus/buses ] || fail "/sys/vbus/buses missing after load"
grep -qx '[0-9A-Za-z.~+-]*' /sys/vbus/version || fail "/sys/vbus/version unreadable"
genl ctrl get name vbus | tee genl.out
grep -q 'Name: vbus' genl.out || fail "genl family vbus not resolvable"
grep -q 'Version: 0x1' genl.out || fail "genl family vbus: unexpected version"

rmmod vbus
[ ! -e /sys/vbus ] || fail "/sys/vbus still present after unload"
expect_fail genl ctrl get name vbus 2>/dev/null

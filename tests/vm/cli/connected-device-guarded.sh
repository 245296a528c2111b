# A guest never loses a NIC by accident (issue 15 item 9): "device destroy"
# of a connected device and "connect" of a device on another bus are
# refused (exit 1, the bus named), as ovs-vsctl add-port refuses a port of
# another bridge; --force and --move do it on purpose.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start
vbusctl bus create vmx connector=loop
vbusctl bus create vmy connector=loop
vbusctl device create bd0
vbusctl connect bd0 vmx

expect_exit 1 vbusctl device destroy bd0
grep -q 'device bd0: .*connected to bus vmx (disconnect it first' err ||
	fail "device destroy of a connected device: $(cat err)"
[ -e /sys/vbus/devices/bd0 ] && [ "$(cat /sys/vbus/devices/bd0/bus)" = vmx ] ||
	fail "a refused destroy changed bd0"

expect_exit 1 vbusctl connect bd0 vmy
grep -q 'device bd0: .*connected to bus vmx' err || fail "connect of a device on another bus: $(cat err)"
[ "$(cat /sys/vbus/devices/bd0/bus)" = vmx ] || fail "a refused connect moved bd0"
# connecting it where it is stays fine (idempotent)
expect_exit 0 vbusctl connect bd0 vmx

expect_exit 0 vbusctl connect bd0 vmy --move
[ "$(cat /sys/vbus/devices/bd0/bus)" = vmy ] || fail "connect --move left bd0 on $(cat /sys/vbus/devices/bd0/bus)"
vbusctl -j device show bd0 | python3 -c '
import json, sys
d = json.load(sys.stdin)["devices"][0]
assert d["bus"] == "vmy" and d["managed"], d'

expect_exit 0 vbusctl device destroy bd0 --force
[ ! -e /sys/vbus/devices/bd0 ] || fail "device destroy --force left bd0"
vbusctl status | tee status
grep -q 'in sync' status || fail "not in sync after destroy --force"
vbusd_stop

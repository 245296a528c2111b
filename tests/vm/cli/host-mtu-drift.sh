# The host interface's MTU is part of the device (issue 15 item 8): after
# "ip link set vbt-hm0 mtu 1400" on a device managed with mtu 9000, vbusd
# with --drift=restore puts 9000 back; with --drift=report it leaves it and
# status lists it as a problem (exit 11) until it is right again.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start
vbusctl bus create hb connector=none
vbusctl device create hm0 mtu=9000
vbusctl connect hm0 hb

# the host interface exists while a guest is attached
hold_bus hb
ifname=$(cat /sys/vbus/devices/hm0/ifname)
mtu() { cat "/sys/class/net/$ifname/mtu"; }
mtu_is() { [ "$(mtu)" = "$1" ]; }
wait_for "$ifname at mtu 9000" mtu_is 9000

ip link set "$ifname" mtu 1400
wait_for "vbusd to put mtu 9000 back" mtu_is 9000
vbusctl status

vbusd_stop
vbusd_start --drift=report
ip link set "$ifname" mtu 1400
reported() {
	{ vbusctl status || true; } | grep -q "device hm0: host interface $ifname has mtu 1400, not 9000"
}
wait_for "status to report mtu 1400" reported
expect_exit 11 vbusctl status
mtu_is 1400 || fail "--drift=report changed the mtu to $(mtu)"
ip link set "$ifname" mtu 9000
wait_for "the problem to go" vbusctl status

release_bus
vbusd_stop

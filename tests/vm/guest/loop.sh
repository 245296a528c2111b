# vbus_loop: a loop bus of vbus.ko with a venet device appears in the same
# kernel as a vbus-proxy device (MODALIAS=vbus:venet, the bus's name and
# UUID in sysfs), after the reset handshake every bus starts with; the venet
# driver (skeleton, aliased vbus:venet) binds it and registers a netdev with
# the device's MAC and MTU; 10 connect/disconnect cycles add and remove the
# device and its netdev through the event queue (remove runs); a reset asked
# through sysfs brings it back; everything unloads cleanly.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
uuid=0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3
devices=/sys/bus/vbus-proxy/devices
cycles=${VBUS_LOOP_CYCLES:-10}

# wait_until WHAT CMD...: CMD succeeds within 10 s (the guest side follows
# the host asynchronously, from its event work), else fail with WHAT.
wait_until() {
	local what=$1 i
	shift
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	fail "$what"
}

has_devices() {
	[ "$(ls $devices | wc -l)" = "$1" ]
}

# wait_count N: the vbus-proxy bus has N devices.
wait_count() {
	wait_until "vbus-proxy has $(ls $devices | wc -l) devices, not $1" has_devices "$1"
}

# has_netdev: the bus's one device has its netdev (probe ran).
has_netdev() {
	local d
	d=$devices/$(ls $devices)
	[ -n "$(ls "$d/net" 2>/dev/null)" ]
}

vbus_insmod vbus
vbus_insmod vbus_proxy
"$nl" bus-new lp0 connector=loop uuid=$uuid
"$nl" dev-new lpnet0
"$nl" connect lpnet0 lp0
id=$(cat /sys/vbus/devices/lpnet0/id)
vbus_insmod vbus_loop
echo "vbus_loop loaded"

# The bus device names its bus; its device is there once vbus_loop loaded.
bus=/sys/devices/vbus-lp0
[ -d $bus ] || fail "no bus device vbus-lp0"
[ "$(cat $bus/name)" = lp0 ] || fail "bus name $(cat $bus/name)"
[ "$(cat $bus/uuid)" = $uuid ] || fail "bus uuid $(cat $bus/uuid)"
[ "$(cat $bus/state)" = ok ] || fail "bus state $(cat $bus/state)"
grep -q "vbus: bus lp0: reset by the guest" <<<"$(dmesg)" || fail "vbus_loop did not start with a reset"
wait_count 1
dev=$devices/$(ls $devices)
[ "$(cat $dev/type)" = venet ] || fail "type $(cat $dev/type)"
[ "$(cat $dev/modalias)" = vbus:venet ] || fail "modalias $(cat $dev/modalias)"
grep -qx MODALIAS=vbus:venet $dev/uevent || fail "no MODALIAS in the uevent"
[ "$(cat $dev/device_id)" = "$id" ] || fail "device id $(cat $dev/device_id), not $id"
[ "$(readlink -f $dev/..)" = $bus ] || fail "the device is not under its bus device"

echo "vbus-proxy device $(basename $dev): type, modalias, uevent, id, parent ok"

# The venet driver binds it: a netdev with the host's MAC and MTU.
[ "$(modinfo -F alias "$(find "$VBUS_MODULES" -name venet.ko)")" = vbus:venet ] ||
	fail "venet.ko has no vbus:venet alias"
vbus_insmod venet
[ "$(basename "$(readlink $dev/driver)")" = venet ] || fail "venet did not bind the device"
has_netdev || fail "no netdev for the device"
netdev=$(ls $dev/net)
[ "$(cat /sys/class/net/$netdev/address)" = "$(cat /sys/vbus/devices/lpnet0/mac)" ] ||
	fail "netdev MAC $(cat /sys/class/net/$netdev/address), not the host's"
[ "$(cat /sys/class/net/$netdev/mtu)" = "$(cat /sys/vbus/devices/lpnet0/mtu)" ] ||
	fail "netdev MTU $(cat /sys/class/net/$netdev/mtu), not the host's"
echo "venet bound: netdev $netdev, MAC and MTU from the config block"

# Hot-plug through the event queue: device, driver and netdev each time.
for ((i = 0; i < cycles; i++)); do
	netdev=$(ls $devices/*/net)
	"$nl" disconnect lpnet0
	wait_count 0
	[ ! -e /sys/class/net/$netdev ] || fail "cycle $i: netdev $netdev left after unplug"
	"$nl" connect lpnet0 lp0
	wait_count 1
	wait_until "cycle $i: no netdev after plug" has_netdev
done
echo "$cycles connect/disconnect cycles: the device and its netdev came and went each time"

# A guest-side reset: the device goes and comes back, the bus stays ok.
before=$(dmesg | grep -c "vbus: bus lp0: reset by the guest")
echo 1 >$bus/reset
wait_count 1
[ "$(dmesg | grep -c "vbus: bus lp0: reset by the guest")" = $((before + 1)) ] ||
	fail "the host did not serve the reset"
[ "$(cat $bus/state)" = ok ] || fail "bus state $(cat $bus/state) after the reset"
[ "$(cat $bus/interrupts)" -gt 0 ] || fail "no bus interrupt counted"

# Unloading the bridge removes the bound device (venet's remove runs).
netdev=$(ls $devices/*/net)
rmmod vbus_loop || fail "vbus_loop does not unload"
[ ! -e /sys/class/net/$netdev ] || fail "netdev $netdev left after unloading vbus_loop"
rmmod venet || fail "venet does not unload"
[ ! -e $bus ] || fail "bus device still there after unloading vbus_loop"
wait_count 0
rmmod vbus_proxy || fail "vbus_proxy does not unload"
"$nl" disconnect lpnet0
"$nl" dev-del lpnet0
"$nl" bus-del lp0
rmmod vbus || fail "vbus.ko does not unload"

# vbusd and host networking: a managed device's host interface (there only
# while a guest is attached) comes up on its bridge, also when the bridge is
# made after it; a missing bridge is a problem until it exists; the bridge
# vbusd reports keeps export -> apply a no-op.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
guest=$VBUS_BUILDDIR/tests/tools/vbus-test-guest
[ -x "$guest" ] || fail "$guest is not built: run make in $VBUS_BUILDDIR"
modprobe bridge || fail "no bridge module for $VBUS_KVER: install linux-image-$VBUS_KVER"

guest_pid=
trap 'ip link del br0 2>/dev/null || true; ip link del br9 2>/dev/null || true
	[ -z "$guest_pid" ] || kill "$guest_pid" 2>/dev/null || true; cleanup' EXIT
ip link add br0 type bridge
vbus_insmod vbus
vbusd_start

fabric='{"version": 1, "buses": [{"name": "web", "connector": "ivshmem"}],
 "devices": [{"name": "web0", "type": "venet", "bus": "web", "mtu": 1400, "bridge": "br0"},
	     {"name": "web9", "type": "venet", "bus": "web", "bridge": "br9"}]}'
vbusd_get Apply sst "$fabric" host-link.json 0 >apply
jq -e '.changed == true' apply >/dev/null || fail "apply: $(cat apply)"

# no guest yet: no interface, and the desired bridge (nothing to see)
vbusd_get GetDevices as 1 web0 >devices
jq -e '.devices[0].link == "absent" and .devices[0].bridge == "br0"' devices >/dev/null ||
	fail "GetDevices web0 without a guest: $(cat devices)"
vbusd_get GetStatus | jq -e '.problems == []' >/dev/null ||
	fail "problems without a guest: $(vbusd_get GetStatus)"

# a guest attached to the bus, held there (--ready waits for a line)
rm -f guest.in guest.out
mkfifo guest.in guest.out
"$guest" --ready web send 1 <guest.in >guest.out &
guest_pid=$!
exec {guest_in}>guest.in {guest_out}<guest.out
read -r -t 60 line <&"$guest_out" || fail "the test guest did not start"
[ "$line" = ready ] || fail "the test guest said '$line'"
if0=$(cat /sys/vbus/devices/web0/ifname)
if9=$(cat /sys/vbus/devices/web9/ifname)

on_bridge() { # IFNAME BRIDGE: up and a port of BRIDGE
	ip -j link show "$1" 2>/dev/null |
		jq -e --arg b "$2" '.[0].master == $b and (.[0].flags | index("UP"))' >/dev/null
}
wait_for "$if0 up on br0" on_bridge "$if0" br0
[ "$(cat /sys/class/net/$if0/mtu)" = 1400 ] || fail "$if0 MTU $(cat /sys/class/net/$if0/mtu)"
vbusd_get GetDevices as 1 web0 >devices
jq -e '.devices[0].link == "up" and .devices[0].bridge == "br0"' devices >/dev/null ||
	fail "GetDevices web0 attached: $(cat devices)"

problem="device web9: bridge br9 does not exist"
has_problem() { vbusd_get GetStatus | jq -e --arg p "$problem" '.problems | index($p)' >/dev/null; }
no_problem() { vbusd_get GetStatus | jq -e '.problems == []' >/dev/null; }
wait_for "the problem '$problem'" has_problem
ip link add br9 type bridge
wait_for "$if9 up on br9 (made after it)" on_bridge "$if9" br9
wait_for "the problem gone" no_problem
vbusd_get GetDevices as 0 >devices
jq -e '[.devices[] | [.name, .bridge, .link]] | sort == [["web0", "br0", "up"], ["web9", "br9", "up"]]' \
	devices >/dev/null || fail "GetDevices attached: $(cat devices)"

vbusd_get Export >export.json
jq -e '[.devices[].bridge] | sort == ["br0", "br9"]' export.json >/dev/null ||
	fail "export: $(cat export.json)"
vbusd_get Apply sst "$(cat export.json)" export.json 1 >again
jq -e '.changed == false' again >/dev/null || fail "export does not re-apply as a no-op: $(cat again)"

kill "$guest_pid"
wait "$guest_pid" 2>/dev/null || true
guest_pid=
exec {guest_in}>&- {guest_out}<&-
gone() { [ ! -e "/sys/class/net/$if0" ]; }
wait_for "$if0 gone with the guest" gone
vbusd_get GetDevices as 1 web0 | jq -e '.devices[0].link == "absent" and .devices[0].bridge == "br0"' \
	>/dev/null || fail "GetDevices web0 after the guest: $(vbusd_get GetDevices as 1 web0)"
vbusd_stop

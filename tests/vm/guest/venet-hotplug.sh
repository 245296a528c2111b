# Hot-plug under traffic: 100 times, a venet device is connected to a loop
# bus whose guest stack is loaded, its guest interface and its host vbt-*
# get addresses in namespaces g and h, a ping flood runs between them, and
# the device is disconnected while the flood runs: the driver's remove runs
# under traffic. No oops or WARN (the harness fails the test on either), no
# device or netdev left behind, and everything unloads.
# vm-test-timeout: 900
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/guest/venet-lib"
trap venet_cleanup EXIT
cycles=${VBUS_HOTPLUG_CYCLES:-100}

venet_modules
"$nl" bus-new lp0 connector=loop
"$nl" dev-new hp0
"$nl" connect hp0 lp0
vbus_insmod vbus_loop
ip netns add g
ip netns add h

# rx_packets of vbt-hp0 in h, or 0 while it is not there.
host_rx() {
	ip netns exec h cat /sys/class/net/vbt-hp0/statistics/rx_packets 2>/dev/null || echo 0
}
flowing() {
	[ "$(host_rx)" -gt 20 ]
}
no_guest_netdev() {
	[ -z "$(ls $devices/*/net 2>/dev/null)" ]
}

for ((i = 0; i < cycles; i++)); do
	wait_until "cycle $i: the guest interface" 30 has_guest_netdev hp0
	g=$(guest_netdev hp0)
	ip link set "$g" netns g name ghp0
	ip link set vbt-hp0 netns h
	ip -n g addr add 10.79.0.2/24 dev ghp0
	ip -n h addr add 10.79.0.1/24 dev vbt-hp0
	ip -n g link set ghp0 up
	ip -n h link set vbt-hp0 up
	ip netns exec g ping -f -q 10.79.0.1 >/dev/null 2>&1 &
	flood=$!
	wait_until "cycle $i: traffic through vbt-hp0" 30 flowing
	"$nl" disconnect hp0
	wait_until "cycle $i: the guest interface to go" 30 no_guest_netdev
	kill $flood 2>/dev/null || true
	wait $flood 2>/dev/null || true
	ip netns exec h ip link show vbt-hp0 >/dev/null 2>&1 && fail "cycle $i: vbt-hp0 left after disconnect"
	ip netns exec g ip link show ghp0 >/dev/null 2>&1 && fail "cycle $i: ghp0 left after disconnect"
	"$nl" connect hp0 lp0
done
echo "$cycles connect/disconnect cycles under a ping flood"

wait_until "the guest interface after the last cycle" 30 has_guest_netdev hp0
venet_cleanup
trap - EXIT
[ -z "$(ls $devices 2>/dev/null)" ] || fail "vbus-proxy devices left: $(ls $devices)"
[[ $(ip -o link) == *vbt-hp0* ]] && fail "vbt-hp0 left in the init namespace"
"$nl" disconnect hp0
"$nl" dev-del hp0
"$nl" bus-del lp0
rmmod vbus

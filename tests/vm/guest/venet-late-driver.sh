# A guest whose driver comes late: the device is on the bus and its host
# interface is up and sending (ARP, as when a host pings a VM that is still
# booting) before the guest posts a single RX buffer, for longer than the
# host's stall time (0.5 s), so the host marks the guest stalled and drops
# its frames. When venet loads and posts its buffers, the guest is back:
# host -> guest frames flow. (The nested QEMU guest showed this: minutes
# between the bus coming up and venet's probe, host rx_packets 0 forever.)
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/guest/venet-lib"
trap venet_cleanup EXIT

# The host interface's count (the device's sysfs drops catch up only when
# the worker next serves the device).
drops() {
	ip netns exec h cat /sys/class/net/vbt-ld0/statistics/tx_dropped
}

dropping() {
	[ "$(drops)" -gt 0 ]
}

modprobe bridge 2>/dev/null || true
vbus_insmod vbus
vbus_insmod vbus_proxy
"$nl" bus-new lp0 connector=loop
"$nl" dev-new ld0
"$nl" connect ld0 lp0
vbus_insmod vbus_loop
wait_until "the vbus-proxy device of ld0" 30 test -n "$(ls $devices)"
[ -z "$(guest_netdev ld0)" ] || fail "a netdev without the venet driver"

# The host side talks to a guest that has no buffers yet.
ip netns add h
ip link set vbt-ld0 netns h
ip -n h addr add 10.81.0.1/24 dev vbt-ld0
ip -n h link set vbt-ld0 up
ip netns exec h ping -q -c 200 -i 0.2 10.81.0.2 >/dev/null 2>&1 &
pinger=$!
wait_until "the host to drop the frames of a guest without buffers (stalled)" 60 dropping
echo "stalled: $(drops) frames dropped before the driver came"
kill $pinger 2>/dev/null || true
wait $pinger 2>/dev/null || true

vbus_insmod venet
wait_until "the guest interface of ld0" 30 has_guest_netdev ld0
g=$(guest_netdev ld0)
ip netns add g
ip link set "$g" netns g name gld0
ip -n g addr add 10.81.0.2/24 dev gld0
ip -n g link set gld0 up
ip -n g link set lo up
ip -n h link set lo up

wait_until "10.81.0.2 (the late guest) to answer the host's ping" 60 \
	ip netns exec h ping -c 1 -W 1 -q 10.81.0.2 >/dev/null
rx=$(ip netns exec g cat /sys/class/net/gld0/statistics/rx_packets)
[ "$rx" -gt 0 ] || fail "the guest interface received nothing"
tcp_stream h g 10.81.0.2 $((8 << 20))
tcp_stream g h 10.81.0.1 $((8 << 20))
echo "late driver: guest rx_packets $rx, host drops $(drops)"

venet_cleanup
trap - EXIT
"$nl" disconnect ld0
"$nl" dev-del ld0
"$nl" bus-del lp0
rmmod vbus

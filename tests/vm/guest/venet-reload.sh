# Driver reload under traffic: while a verified TCP stream runs from the
# host side into the guest interface, venet is unloaded (its remove runs
# under traffic: the stream fails, as with a NIC pulled) and loaded again;
# vbus_proxy resets the bus (the device's rings cannot start again from
# scratch), the device comes back, and a new verified stream runs both
# ways. The same through the bus's sysfs reset. The host interface outlives
# each reset, as a tap outlives its VM's reboot: the same netdev (ifindex)
# in its namespace with its address, carrier back on; only the guest's side
# is set up again.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/guest/venet-lib"
trap venet_cleanup EXIT

venet_modules
"$nl" bus-new lp0 connector=loop
"$nl" dev-new rl0
"$nl" connect rl0 lp0
vbus_insmod vbus_loop
venet_pair rl0 80
resets() {
	dmesg | grep -c "vbus: bus lp0: reset by the guest"
}
reset_since() {
	[ "$(resets)" -gt "$1" ]
}
flowing() {
	[ "$(ip netns exec g cat /sys/class/net/grl0/statistics/rx_packets)" -gt 200 ]
}

# re_pair_guest: the guest's new interface in place after a reset (the
# host's stayed); waits until they ping.
re_pair_guest() {
	local g
	wait_until "the guest interface of rl0" 30 has_guest_netdev rl0
	g=$(guest_netdev rl0)
	ip link set "$g" netns g name grl0
	ip -n g addr add 10.80.0.2/24 dev grl0
	ip -n g link set grl0 up
	wait_until "10.80.0.1 to answer a ping from the guest side" 60 \
		ip netns exec g ping -c 1 -W 1 -q 10.80.0.1 >/dev/null
}
host_carrier() {
	[ "$(ip netns exec h cat /sys/class/net/vbt-rl0/carrier 2>/dev/null)" = 1 ]
}

for how in rmmod sysfs; do
	before=$(resets)
	ifindex=$(ip netns exec h cat /sys/class/net/vbt-rl0/ifindex)
	ip netns exec g "$tcp" sink 5001 >sink.out 2>&1 &
	sink=$!
	wait_until "the sink to listen" 30 grep -q listening sink.out
	ip netns exec h "$tcp" source 10.80.0.2 5001 $((1 << 30)) >/dev/null 2>&1 &
	source=$!
	wait_until "the stream to flow" 30 flowing
	if [ $how = rmmod ]; then
		rmmod venet
		vbus_insmod venet
	else
		echo 1 >/sys/devices/vbus-lp0/reset
	fi
	kill $source $sink 2>/dev/null || true
	wait $source $sink 2>/dev/null || true
	wait_until "the bus reset after $how" 30 reset_since "$before"
	now=$(ip netns exec h cat /sys/class/net/vbt-rl0/ifindex 2>/dev/null) ||
		fail "$how: the host interface vbt-rl0 left namespace h at the reset"
	[ "$now" = "$ifindex" ] ||
		fail "$how: the host interface was made anew (ifindex $ifindex, now $now)"
	# (not "ip | grep -q": grep's early exit makes pipefail fail ip)
	addrs=$(ip -n h -o addr show dev vbt-rl0)
	[[ $addrs == *" 10.80.0.1/24 "* ]] || fail "$how: the host interface lost its address: $addrs"
	wait_until "the host interface's carrier after $how" 30 host_carrier
	re_pair_guest
	tcp_stream h g 10.80.0.2 $((8 << 20))
	tcp_stream g h 10.80.0.1 $((8 << 20))
	echo "$how under traffic: the bus reset, the device came back, the host interface kept (ifindex $ifindex, 10.80.0.1), verified streams both ways"
done

venet_cleanup
trap - EXIT
"$nl" disconnect rl0
"$nl" dev-del rl0
"$nl" bus-del lp0
rmmod vbus

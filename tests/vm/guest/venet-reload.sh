# Driver reload under traffic: while a verified TCP stream runs from the
# host side into the guest interface, venet is unloaded (its remove runs
# under traffic: the stream fails, as with a NIC pulled) and loaded again;
# vbus_proxy resets the bus (the device's rings cannot start again from
# scratch), the device comes back, and a new verified stream runs both
# ways. The same through the bus's sysfs reset.
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

# re_pair: the device's interfaces back in place after a reset.
re_pair() {
	ip netns exec h ip link set vbt-rl0 netns 1 2>/dev/null || true
	ip netns del g
	ip netns del h
	venet_pair rl0 80
}

for how in rmmod sysfs; do
	before=$(resets)
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
	re_pair
	tcp_stream h g 10.80.0.2 $((8 << 20))
	tcp_stream g h 10.80.0.1 $((8 << 20))
	echo "$how under traffic: the bus reset, the device came back, verified streams both ways"
done

venet_cleanup
trap - EXIT
"$nl" disconnect rl0
"$nl" dev-del rl0
"$nl" bus-del lp0
rmmod vbus

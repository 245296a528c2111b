# The test guest exchanges 100,000 frames each way with vbus.ko through
# /dev/vbus: none lost, every payload verified (sequence and checksum), and
# the device's stats show under 0.25 notifications per frame while streaming.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/datapath/testguest.bash"
count=${VBUS_TESTGUEST_FRAMES:-100000}
bus=tg0
dev=tgnet0
testguest_setup $bus $dev

notifications() {
	echo $(($(dev_stat $dev doorbells) + $(dev_stat $dev interrupts)))
}

# per_frame BEFORE: notifications since BEFORE per frame; fails at >= 0.25.
per_frame() {
	python3 -c "r = ($(notifications) - $1) / $count; print(r); exit(r >= 0.25)"
}

# Guest -> host: a UDP receiver on the host verifies every payload.
guest_start $dev --json --dst-mac $host_mac $bus send "$count"
receiver_start "$count"
before=$(notifications)
guest_go
guest_wait send.json || { "$nl" stats $dev; fail "the guest could not send $count frames"; }
receiver_wait receive.out ||
	{ "$nl" stats $dev; fail "the host did not receive $count intact frames"; }
ratio=$(per_frame "$before") || fail "guest->host: $ratio notifications per frame, not < 0.25"
echo "guest->host: $count frames, $(json_field send.json frames_per_second) frames/s," \
	"notifications/frame: host stats $ratio, guest $(json_field send.json notifications_per_frame)"
"$nl" stats $dev

# Host -> guest: AF_PACKET out of the host interface, the guest verifies.
guest_start $dev --json --timeout-ms 30000 $bus receive "$count"
guest_go
before=$(notifications)
"$frames" send "$ifname" "$count" --dst-mac "$guest_mac" --src-mac $host_mac ||
	fail "the host could not send"
guest_wait receive.json || { "$nl" stats $dev; fail "the guest did not receive $count frames"; }
[ "$(json_field receive.json frames_received)" = "$count" ] || fail "host->guest: frames lost"
for bad in frames_bad frames_duplicate; do
	[ "$(json_field receive.json $bad)" = 0 ] || fail "host->guest: $bad is not 0"
done
ratio=$(per_frame "$before") || fail "host->guest: $ratio notifications per frame, not < 0.25"
echo "host->guest: $count frames, $(json_field receive.json frames_per_second) frames/s," \
	"notifications/frame: host stats $ratio, guest $(json_field receive.json notifications_per_frame)"
"$nl" stats $dev
# The hybrid: the worker polled (poll_us, default 50) and says what it cost.
poll_us=$(cat /sys/vbus/buses/$bus/poll_us)
windows=$(cat /sys/vbus/buses/$bus/poll_windows)
echo "poll_us $poll_us: $windows poll windows, $(cat /sys/vbus/buses/$bus/poll_hits) found work," \
	"$(cat /sys/vbus/buses/$bus/poll_time_ns) ns polling"
[ "$poll_us" -gt 0 ] && [ "$windows" -gt 0 ] || fail "the worker never polled (poll_us $poll_us)"
[ "$(cat /sys/vbus/buses/$bus/state)" = ok ] || fail "bus state $(cat /sys/vbus/buses/$bus/state)"
testguest_teardown $bus $dev

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

# Guest -> host: a UDP receiver on the host verifies every payload.
coproc RECEIVER { exec "$frames" receive "$count" --timeout-ms 30000; }
exec 3<&"${RECEIVER[0]}"
receiver=$RECEIVER_PID
wait_ready 3 "the host receiver"
before=$(notifications)
"$guest" --json --dst-mac "$host_mac" $bus send "$count" >send.json ||
	{ cat send.json; fail "the guest could not send $count frames"; }
wait "$receiver" && received=ok || received=failed
cat <&3 >receive.out || true
cat send.json receive.out
[ $received = ok ] || fail "the host did not receive $count intact frames: $(cat receive.out)"
ratio=$(python3 -c "print(($(notifications) - $before) / $count)")
rate=$(json_field send.json frames_per_second)
echo "guest->host: $count frames, $rate frames/s, host-side notifications/frame $ratio," \
	"guest-side $(json_field send.json notifications_per_frame)"
python3 -c "import sys; sys.exit(0 if $ratio < 0.25 else 1)" ||
	fail "guest->host: $ratio notifications per frame, not < 0.25"

# Host -> guest: AF_PACKET out of the host interface, the guest verifies.
coproc GUEST { exec "$guest" --json --ready --timeout-ms 30000 $bus receive "$count"; }
exec 4<&"${GUEST[0]}"
guest_pid=$GUEST_PID
wait_ready 4 "the guest"
before=$(notifications)
"$frames" send "$ifname" "$count" --dst-mac "$guest_mac" || fail "the host could not send"
wait "$guest_pid" && received=ok || received=failed
cat <&4 >receive.json || true
cat receive.json
[ $received = ok ] || fail "the guest did not receive $count frames"
[ "$(json_field receive.json frames_received)" = "$count" ] || fail "frames lost"
for bad in frames_bad frames_duplicate; do
	[ "$(json_field receive.json $bad)" = 0 ] || fail "host->guest: $bad is not 0"
done
ratio=$(python3 -c "print(($(notifications) - $before) / $count)")
echo "host->guest: $count frames, $(json_field receive.json frames_per_second) frames/s," \
	"host-side notifications/frame $ratio," \
	"guest-side $(json_field receive.json notifications_per_frame)"
python3 -c "import sys; sys.exit(0 if $ratio < 0.25 else 1)" ||
	fail "host->guest: $ratio notifications per frame, not < 0.25"
"$nl" stats $dev
testguest_teardown $bus $dev

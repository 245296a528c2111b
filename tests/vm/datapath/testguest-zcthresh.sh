# zcthresh decides how the host transmits the guest's frames: with 1000-byte
# frames, zcthresh 0 (zero-copy off) and 65535 copy every frame, 256 sends
# every frame zero-copy; the stats count each, and every frame arrives. The
# guest keeps at most 64 frames in flight (as its wmem would): vbus.ko copies
# instead once half a ring of zero-copy frames is still in the host stack.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/datapath/testguest.bash"
count=2000
size=1000
bus=tg0
dev=tgnet0
testguest_setup $bus $dev

for zcthresh in 0 256 65535; do
	echo $zcthresh >/sys/vbus/devices/$dev/zcthresh
	zerocopy=$(dev_stat $dev tx_zerocopy)
	copied=$(dev_stat $dev tx_copied)
	guest_start $dev --size $size --window 64 --dst-mac $host_mac $bus send "$count"
	receiver_start "$count"
	guest_go
	guest_wait send.out || fail "zcthresh $zcthresh: the guest could not send"
	receiver_wait receive.out || fail "zcthresh $zcthresh: the host did not get $count frames"
	zerocopy=$(($(dev_stat $dev tx_zerocopy) - zerocopy))
	copied=$(($(dev_stat $dev tx_copied) - copied))
	echo "zcthresh $zcthresh: $count frames of $size bytes: tx_zerocopy +$zerocopy," \
		"tx_copied +$copied"
	case $zcthresh in
	256) [ $zerocopy = "$count" ] && [ $copied = 0 ] ;;
	*) [ $zerocopy = 0 ] && [ $copied = "$count" ] ;;
	esac || fail "zcthresh $zcthresh: not the expected zero-copy/copied split"
done
testguest_teardown $bus $dev

# A hostile guest breaks its bus while the attach is still plugging devices:
# afterwards the region header, VBUS_DEV_GET_INFO, sysfs, netlink and the
# last BUS_GET event all say broken (the state has one writer, issue 10
# item 4), each of three times, and a clean attach makes it ok again.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
va=$VBUS_BUILDDIR/tests/tools/vbus-attach
race=$VBUS_BUILDDIR/tests/tools/vbus-attach-race
size=1048576

vbus_insmod vbus
"$nl" bus-new vm1 region=$size
for d in s0 s1 s2 s3; do
	"$nl" dev-new $d
	"$nl" connect $d vm1
done

mkfifo events
"$nl" listen >events &
listener=$!
exec 5<events
read -r -t 30 line <&5 || fail "listener said nothing"
[ "$line" = ready ] || fail "listener said '$line'"

# The BUS_GET events of vm1 up to the first that says broken; fails if none
# comes within 30 s. Sets $event to it.
wait_broken_event() {
	while read -r -t 30 event <&5; do
		echo "event: $event"
		case $event in
		BUS_GET*name=vm1*state=broken*) return 0 ;;
		esac
	done
	fail "no BUS_GET event saying vm1 is broken (last: ${event:-none})"
}

for round in 1 2 3; do
	mkfifo in$round out$round
	"$race" hostile-attach vm1 $size <in$round >out$round &
	guest=$!
	exec 4>in$round 3<out$round
	read -r -t 60 report <&3 || fail "round $round: the guest said nothing"
	echo "round $round: $report"
	[ "$report" = "hostile-attach info_state=1 header_state=1" ] ||
		fail "round $round: GET_INFO or the header: $report"
	wait_broken_event
	[ "$(cat /sys/vbus/buses/vm1/state)" = broken ] ||
		fail "round $round: sysfs says $(cat /sys/vbus/buses/vm1/state), GET_INFO broken"
	"$nl" bus-get vm1 | grep -qw state=broken ||
		fail "round $round: netlink says $("$nl" bus-get vm1), GET_INFO broken"
	exec 4>&- 3<&-
	wait "$guest" || fail "round $round: the guest failed"
done

# A clean attach: ok everywhere, announced.
"$va" traffic vm1 $size 4 100 0 || fail "no traffic after the hostile rounds"
[ "$(cat /sys/vbus/buses/vm1/state)" = ok ] || fail "state $(cat /sys/vbus/buses/vm1/state) after a clean attach"
kill "$listener"
wait "$listener" || true
rmmod vbus

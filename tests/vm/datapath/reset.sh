# The reset handshake (vbus_ring.h "Reset") against vbus.ko, with the test
# guest and without detaching: the region header names the bus and its UUID;
# a guest's reset request makes the host lay the region out again and
# announce every device again (a DEVICE_ADDED for each of two devices), and
# frames move through the new layout; a bus the host marked broken is ok
# again once its guest resets, and serves frames.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/datapath/testguest.bash"
bus=rs0
uuid=6e2f0b1c-3a5d-4e8f-9a01-223344556677
count=500

vbus_insmod vbus
"$nl" bus-new $bus uuid=$uuid
"$nl" dev-new rsnet0
"$nl" dev-new rsnet1
"$nl" connect rsnet0 $bus
"$nl" connect rsnet1 $bus

"$guest" $bus info >info.out || fail "info failed"
cat info.out
grep -qx "bus_name $bus" info.out || fail "the region header does not name the bus"
grep -qx "bus_uuid $uuid" info.out || fail "the region header does not carry the bus's UUID"

# Reset, then frames through the new layout; the host gives every one back.
"$guest" --json $bus reset $count >reset.json || { cat reset.json; fail "reset failed"; }
cat reset.json
[ "$(json_field reset.json resets)" = 1 ] || fail "no reset served"
[ "$(json_field reset.json events_added)" = 2 ] || fail "not both devices announced again"
[ "$(json_field reset.json frames_sent)" = $count ] || fail "frames not sent after the reset"
[ "$(json_field reset.json protocol_errors)" = 0 ] || fail "protocol errors after the reset"
grep -q "vbus: bus $bus: reset by the guest$" <<<"$(dmesg)" || fail "no log line for the reset"
[ "$(cat /sys/vbus/buses/$bus/state)" = ok ] || fail "state $(cat /sys/vbus/buses/$bus/state)"

# Broken, then reset by the same guest without detaching: ok again.
"$guest" --json $bus recover $count >recover.json || { cat recover.json; fail "recover failed"; }
cat recover.json
[ "$(json_field recover.json breaks)" = 1 ] || fail "the bus was not broken first"
[ "$(json_field recover.json resets)" = 1 ] || fail "no reset served"
# Its send succeeds only once the host gave back all $count frames; the
# counter also holds what the attack sent.
[ "$(json_field recover.json frames_sent)" -ge $count ] || fail "frames not sent after recovery"
[ "$(json_field recover.json header_state)" = 0 ] || fail "the header still says broken"
grep -q "vbus: bus $bus: reset by the guest, no longer broken" <<<"$(dmesg)" ||
	fail "no log line for the recovery"
[ "$(cat /sys/vbus/buses/$bus/state)" = ok ] || fail "state $(cat /sys/vbus/buses/$bus/state)"
"$nl" bus-get $bus | grep -qw state=ok || fail "netlink does not show ok"

for dev in rsnet0 rsnet1; do
	"$nl" disconnect $dev
	"$nl" dev-del $dev
done
"$nl" bus-del $bus
rmmod vbus || fail "vbus.ko does not unload"

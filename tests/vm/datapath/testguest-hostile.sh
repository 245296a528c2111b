# A hostile guest writes garbage into every structure of the region for
# 60 s while sending and ringing doorbells, attaching again each time the
# host marks the bus broken: every break is in sysfs and a netlink event,
# the kernel logs no trouble (the harness checks), and the module unloads
# cleanly once the guest is gone.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/datapath/testguest.bash"
seconds=${VBUS_HOSTILE_SECONDS:-60}
bus=tg0
dev=tgnet0
testguest_setup $bus $dev
[ "$(cat /sys/vbus/buses/$bus/state)" = ok ] || fail "bus not ok before the hostile guest"

mkfifo events
"$nl" listen >events &
listener=$!
exec {events}<events
wait_ready "$events" "the event listener"

guest_start $dev --json --dst-mac $host_mac --seed "${VBUS_HOSTILE_SEED:-1}" \
	$bus hostile "$seconds"
guest_go
guest_wait hostile.json || fail "the hostile guest failed (it must survive its own attack)"
breaks=$(json_field hostile.json breaks)
state=$(cat /sys/vbus/buses/$bus/state)
echo "after $seconds s of hostile guest: $breaks attachments broken," \
	"$(json_field hostile.json corruptions) corruptions, bus state $state"
[ "$state" = broken ] || fail "bus state is '$state', not broken"
[ "$breaks" -ge 1 ] || fail "the host never marked the bus broken"

announced=0
while [ $announced -lt "$breaks" ] && read -r -t 10 line <&"$events"; do
	case $line in BUS_GET*name=$bus*state=broken*) announced=$((announced + 1)) ;; esac
done
kill "$listener"
wait "$listener" || true
echo "netlink: $announced BUS_GET events with state=broken"
[ $announced = "$breaks" ] || fail "$breaks breaks but $announced broken events"
testguest_teardown $bus $dev

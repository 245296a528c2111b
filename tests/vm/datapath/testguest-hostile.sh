# A hostile guest writes garbage into every structure of the region for
# 60 s while sending and ringing doorbells: the bus is marked broken (sysfs
# and a netlink event), the kernel logs no trouble (the harness checks), and
# the module unloads cleanly once the guest is gone.
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
state=$(cat /sys/vbus/buses/$bus/state)
echo "bus state after $seconds s of hostile guest: $state"
[ "$state" = broken ] || fail "bus state is '$state', not broken"

broken_event=
while read -r -t 10 line <&"$events"; do
	echo "event: $line"
	case $line in *name=$bus*state=broken*) broken_event=$line; break ;; esac
done
kill "$listener"
wait "$listener" || true
[ -n "$broken_event" ] || fail "no netlink event announced bus $bus broken"
testguest_teardown $bus $dev

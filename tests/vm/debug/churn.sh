# The acceptance run of issue 10 on the debug kernel: 60 s of concurrent
# netlink churn. 8 threads race create/connect/disconnect/delete on shared
# names (vbus-nl hammer) while dumps, an event listener and sysfs readers and
# writers run beside them; afterwards nothing is left and vbus.ko unloads.
# The harness fails it on any KASAN, lockdep, DEBUG_OBJECTS or UBSAN report,
# and on a kmemleak leak from vbus code.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/debug/lib.bash"
require_debug_kernel
seconds=${VBUS_CHURN_SECONDS:-60}
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
[ -x "$nl" ] || fail "$nl is not built: run make in $VBUS_BUILDDIR"

vbus_insmod vbus
# The event listener: ready before the churn starts, drained into "events"
# all along (a full pipe would overflow its socket).
mkfifo listener.out
"$nl" listen >listener.out &
listener=$!
exec {listener_out}<listener.out
read -r -t 60 line <&"$listener_out" || fail "the event listener did not start"
[ "$line" = ready ] || fail "the event listener said '$line', not ready"
cat <&"$listener_out" >events &
drain=$!
stop=$(mktemp)
# The racers: their objects vanish under them, so their failures are
# expected and ignored; they stop when the hammer has finished.
(
	set +e
	while [ -e "$stop" ]; do
		for d in /sys/vbus/devices/*/ /sys/vbus/buses/*/; do
			cat "$d"* "$d"stats/* 2>/dev/null
			echo 128 2>/dev/null >"$d"zcthresh
			echo 1400 2>/dev/null >"$d"mtu
		done >/dev/null
	done
	exit 0
) &
sysfs_pid=$!
(
	set +e
	while [ -e "$stop" ]; do
		"$nl" bus-dump
		"$nl" dev-dump
	done >/dev/null 2>&1
	exit 0
) &
dump_pid=$!

"$nl" hammer --threads 8 --seconds "$seconds" | tee out
rm -f "$stop"
wait "$sysfs_pid" "$dump_pid"
kill "$listener"
wait "$listener" "$drain" || true
seen=$(wc -l <events)
echo "events seen by the listener: $seen"
[ "$seen" -gt 0 ] || fail "the listener saw no event during $seconds s of churn"

[ -z "$("$nl" dev-dump)" ] || fail "devices leaked: $("$nl" dev-dump | head)"
[ -z "$("$nl" bus-dump)" ] || fail "buses leaked: $("$nl" bus-dump | head)"
[ -z "$(ls -A /sys/vbus/devices)$(ls -A /sys/vbus/buses)" ] || fail "sysfs entries leaked"
rmmod vbus || fail "vbus.ko does not unload"
lockdep_still_on
echo "debug: $seconds s of netlink churn, nothing left, clean unload, lockdep still on"

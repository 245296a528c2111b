# A guest that breaks the ring protocol gets its bus marked broken: the
# region header, GET_INFO, sysfs state and a BUS_GET event say so, the host
# netdev loses its carrier (and one hot-plugged then gets none), nothing
# oopses; detach and unload stay clean and
# the next attach makes the bus ok again.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
va=$VBUS_BUILDDIR/tests/tools/vbus-attach
size=262144

vbus_insmod vbus
"$nl" bus-new vm1 region=$size
"$nl" dev-new web0
"$nl" connect web0 vm1

mkfifo events in out
"$nl" listen --count 1 --timeout-ms 30000 >events &
listener=$!
exec 5<events
read -r -t 30 line <&5 || fail "listener said nothing"
[ "$line" = ready ] || fail "listener said '$line'"

"$va" hostile vm1 $size <in >out &
guest=$!
exec 4>in 3<out
read -r -t 30 line <&3 || fail "hostile guest said nothing"
[ "$line" = corrupted ] || fail "hostile guest said '$line'"
read -r -t 30 event <&5 || fail "no event for the broken bus"
echo "$event"
case $event in BUS_GET*name=vm1*state=broken*) ;; *) fail "event: $event" ;; esac
wait "$listener" || fail "listener failed"
[ "$(cat /sys/vbus/buses/vm1/state)" = broken ] || fail "sysfs state $(cat /sys/vbus/buses/vm1/state)"
"$nl" bus-get vm1 | grep -qw state=broken || fail "netlink does not show broken"
[ "$(cat /sys/class/net/vbt-web0/carrier 2>/dev/null || echo 0)" = 0 ] || fail "vbt-web0 still has carrier"
# Hot-plug onto the broken bus: a netdev without carrier, serving nothing.
"$nl" dev-new web1
"$nl" connect web1 vm1
[ -e /sys/class/net/vbt-web1 ] || fail "no vbt-web1 hot-plugged onto the broken bus"
ip link set vbt-web1 up
[ "$(cat /sys/class/net/vbt-web1/carrier)" = 0 ] || fail "vbt-web1, plugged onto a broken bus, has carrier"
"$nl" disconnect web1
"$nl" dev-del web1
exec 4>&-
read -r -t 30 line <&3 || fail "hostile guest gave no report"
echo "$line"
[ "$line" = "hostile info_state=1 header_state=1" ] || fail "report: $line"
wait "$guest" || fail "hostile guest failed"

# A fresh attach serves the bus again.
"$va" traffic vm1 $size 4 100 0 || fail "no traffic after a re-attach"
[ "$(cat /sys/vbus/buses/vm1/state)" = ok ] || fail "state $(cat /sys/vbus/buses/vm1/state) after re-attach"
rmmod vbus
grep -q 'vbus: bus vm1: protocol error' <<<"$(dmesg)" || fail "no log line for the protocol error"

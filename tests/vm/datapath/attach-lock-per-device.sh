# Attach and detach plug and unplug one device per hold of vbus_lock (issue
# 10 item 6: plugging registers a host netdev, and a bus has up to 256), so
# the bus is the attachment's from the layout on and other requests run
# between two plugs: connects and disconnects made while a 128-device bus
# attaches and detaches must leave exactly the connected devices with a
# vbt-*, and nothing behind after the detach. The number of vbt-* registered
# when a concurrent netlink request got through is printed (an observation:
# how soon depends on scheduling, so it is not asserted).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/datapath/testguest.bash"
attach=$VBUS_BUILDDIR/tests/tools/vbus-attach
[ -x "$attach" ] || fail "$attach is not built: run make in $VBUS_BUILDDIR"
n=128
size=$((16 << 20))

vbus_insmod vbus
"$nl" bus-new big region=$size
"$nl" bus-new other
"$nl" dev-new-many lk $n >/dev/null
"$nl" dev-new-many nw 8 >/dev/null
for i in $(seq 0 $((n - 1))); do
	"$nl" connect lk$i big
done
[ "$(cat /sys/vbus/devices/lk7/ifname)" = vbt-lk7 ] || fail "lk7's ifname is not vbt-lk7"

# netdevs [PATTERN]: how many vbt-* of the devices matching PATTERN exist
# (default ifnames: vbt-NAME), in one listing.
netdevs() {
	ls /sys/class/net | grep -c "^vbt-${1:-lk}[0-9]*\$" || true
}

# wait_netdevs TEST: polls (bounded) until the number of lk* netdevs passes TEST.
wait_netdevs() {
	local deadline=$((SECONDS + 300))
	until [ "$(netdevs)" "$@" ]; do
		[ $SECONDS -lt $deadline ] || fail "netdevs stayed at $(netdevs) (wanted $*)"
		sleep 0.01
	done
}

rm -f hold.in hold.out
mkfifo hold.in hold.out
"$attach" hold big $size <hold.in >hold.out &
holder=$!
exec {hold_in}>hold.in
exec {hold_out}<hold.out

# While it attaches: a request, 16 disconnects, 8 connects.
wait_netdevs -ge 1
"$nl" bus-get other >/dev/null || fail "bus-get during the attach failed"
during=$(netdevs)
for i in $(seq 0 15); do
	"$nl" disconnect lk$i
done
for i in $(seq 0 7); do
	"$nl" connect nw$i big
done
read -r -t 300 line <&"$hold_out" || fail "the attach did not finish"
[ "$line" = attached ] || fail "vbus-attach said '$line'"
echo "attach: a netlink request got through with $during of $n vbt-* registered"
[ "$(netdevs)" = $((n - 16)) ] || fail "$(netdevs) lk* netdevs after the attach, not $((n - 16))"
[ "$(netdevs nw)" = 8 ] || fail "$(netdevs nw) nw* netdevs after the attach, not 8"
for i in 0 15; do
	[ ! -e /sys/class/net/vbt-lk$i ] || fail "vbt-lk$i stayed after its disconnect"
done
[ "$(cat /sys/vbus/buses/big/state)" = ok ] || fail "bus big is $(cat /sys/vbus/buses/big/state)"

# While it detaches: a request and 8 connects; then nothing is left.
exec {hold_in}>&-
wait_netdevs -lt $((n - 16))
"$nl" bus-get other >/dev/null || fail "bus-get during the detach failed"
during=$(netdevs)
for i in $(seq 0 7); do
	"$nl" connect lk$i big
done
wait "$holder" || fail "vbus-attach failed"
echo "detach: a netlink request got through with $during of $((n - 16)) vbt-* left"
[ "$(netdevs)" = 0 ] && [ "$(netdevs nw)" = 0 ] || fail "vbt-* left after the detach: $(ls /sys/class/net | grep vbt- | tr '\n' ' ')"

for i in $(seq 0 7); do
	"$nl" disconnect nw$i
done
for i in $(seq 0 $((n - 1))); do
	"$nl" disconnect lk$i 2>/dev/null || true
done
"$nl" dev-del-many lk $n >/dev/null
"$nl" dev-del-many nw 8 >/dev/null
"$nl" bus-del big
"$nl" bus-del other
rmmod vbus || fail "vbus.ko does not unload"

# /dev/vbus: the attach rules and their refusals (vbus-attach check), the host
# netdev vbt-* while attached (MTU, carrier, hot-plug), and what an attached
# fd holds: the bus (no delete) and the module (no rmmod); close detaches.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
va=$VBUS_BUILDDIR/tests/tools/vbus-attach
size=262144

vbus_insmod vbus
[ -c /dev/vbus ] || fail "/dev/vbus is missing"
[ "$(stat -c %a /dev/vbus)" = 600 ] || fail "/dev/vbus mode $(stat -c %a /dev/vbus)"
"$nl" bus-new vm1 region=$size
"$nl" dev-new web0 mtu=9000
"$nl" connect web0 vm1
"$va" check vm1 $size || fail "attach rules"
[ -e /sys/class/net/vbt-web0 ] && fail "vbt-web0 outlived its attachment"

# hold BUS IN OUT: an attachment that lasts until IN is closed; says
# "attached" on OUT once attached. Sets $holder.
hold() {
	mkfifo "$2" "$3"
	"$va" hold "$1" $size <"$2" >"$3" &
	holder=$!
}
hold vm1 in1 out1
exec 4>in1 3<out1
read -r -t 30 line <&3 || fail "holder said nothing"
[ "$line" = attached ] || fail "holder said '$line'"
holder1=$holder

[ -e /sys/class/net/vbt-web0 ] || fail "no vbt-web0 while attached"
[ "$(cat /sys/class/net/vbt-web0/mtu)" = 9000 ] || fail "vbt-web0 mtu $(cat /sys/class/net/vbt-web0/mtu)"
ip link set vbt-web0 up
[ "$(cat /sys/class/net/vbt-web0/carrier)" = 1 ] || fail "vbt-web0 has no carrier"
mac=$(cat /sys/class/net/vbt-web0/address)
[ "$mac" != "$(cat /sys/vbus/devices/web0/mac)" ] || fail "host side uses the guest's MAC"
"$nl" dev-set web0 mtu=1400
[ "$(cat /sys/class/net/vbt-web0/mtu)" = 1400 ] || fail "mtu change did not reach vbt-web0"
"$nl" dev-set web0 txqlen=500
[ "$(cat /sys/class/net/vbt-web0/tx_queue_len)" = 500 ] || fail "txqlen change did not reach vbt-web0"

# Hot-plug: a device connected while attached gets its netdev, and loses it.
"$nl" dev-new db0
"$nl" connect db0 vm1
[ -e /sys/class/net/vbt-db0 ] || fail "hot-plugged db0 has no vbt-db0"
"$nl" disconnect db0
[ -e /sys/class/net/vbt-db0 ] && fail "vbt-db0 outlived its disconnection"

# What the attachment holds.
"$nl" bus-new vm2 region=$size
hold vm2 in2 out2
exec 6>in2 5<out2
holder2=$holder
read -r -t 30 line <&5 || fail "second holder said nothing"
[ "$line" = attached ] || fail "second holder said '$line'"
expect_fail "$nl" bus-del vm2 2>/dev/null
expect_fail rmmod vbus 2>/dev/null
exec 6>&-
wait "$holder2" || fail "second holder failed"
"$nl" bus-del vm2

# Close detaches: the netdev goes, the device stays connected.
exec 4>&-
wait "$holder1" || fail "holder failed"
[ -e /sys/class/net/vbt-web0 ] && fail "vbt-web0 outlived the close"
[ "$(cat /sys/vbus/devices/web0/bus)" = vm1 ] || fail "web0 lost its connection"
[ "$(cat /sys/vbus/buses/vm1/state)" = ok ] || fail "bus state $(cat /sys/vbus/buses/vm1/state)"
rmmod vbus

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

coproc HOLD { exec "$va" hold vm1 $size; }
exec 3<&"${HOLD[0]}" 4>&"${HOLD[1]}"
holder=$HOLD_PID
read -r -t 30 line <&3 || fail "holder said nothing"
[ "$line" = attached ] || fail "holder said '$line'"

[ -e /sys/class/net/vbt-web0 ] || fail "no vbt-web0 while attached"
[ "$(cat /sys/class/net/vbt-web0/mtu)" = 9000 ] || fail "vbt-web0 mtu $(cat /sys/class/net/vbt-web0/mtu)"
ip link set vbt-web0 up
[ "$(cat /sys/class/net/vbt-web0/carrier)" = 1 ] || fail "vbt-web0 has no carrier"
mac=$(cat /sys/class/net/vbt-web0/address)
[ "$mac" != "$(cat /sys/vbus/devices/web0/mac)" ] || fail "host side uses the guest's MAC"
"$nl" dev-set web0 mtu=1400
[ "$(cat /sys/class/net/vbt-web0/mtu)" = 1400 ] || fail "mtu change did not reach vbt-web0"

# Hot-plug: a device connected while attached gets its netdev, and loses it.
"$nl" dev-new db0
"$nl" connect db0 vm1
[ -e /sys/class/net/vbt-db0 ] || fail "hot-plugged db0 has no vbt-db0"
"$nl" disconnect db0
[ -e /sys/class/net/vbt-db0 ] && fail "vbt-db0 outlived its disconnection"

# What the attachment holds.
"$nl" bus-new vm2 region=$size
coproc HOLD2 { exec "$va" hold vm2 $size; }
exec 5<&"${HOLD2[0]}" 6>&"${HOLD2[1]}"
holder2=$HOLD2_PID
read -r -t 30 line <&5 || fail "second holder said nothing"
expect_fail "$nl" bus-del vm2 2>/dev/null
expect_fail rmmod vbus 2>/dev/null
exec 6>&-
wait "$holder2" || fail "second holder failed"
"$nl" bus-del vm2

# Close detaches: the netdev goes, the device stays connected.
exec 4>&-
wait "$holder" || fail "holder failed"
[ -e /sys/class/net/vbt-web0 ] && fail "vbt-web0 outlived the close"
[ "$(cat /sys/vbus/devices/web0/bus)" = vm1 ] || fail "web0 lost its connection"
[ "$(cat /sys/vbus/buses/vm1/state)" = ok ] || fail "bus state $(cat /sys/vbus/buses/vm1/state)"
rmmod vbus

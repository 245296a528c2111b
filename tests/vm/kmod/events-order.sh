# The events group announces every change, from netlink and from sysfs, in
# the order the changes happened, with the object's state after the change.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
coproc LISTEN { exec "$nl" listen --count 11 --timeout-ms 30000; }
# bash forgets LISTEN once the listener exits: keep its output and pid.
exec 3<&"${LISTEN[0]}"
listener=$LISTEN_PID
read -r line <&3
[ "$line" = ready ] || fail "listener said '$line', not ready"

"$nl" bus-new vm1 connector=loop
"$nl" dev-new web0
"$nl" dev-set web0 mtu=9000
echo 0 > /sys/vbus/devices/web0/zcthresh
"$nl" connect web0 vm1
echo 4096 > /sys/vbus/devices/web0/wmem
"$nl" disconnect web0
"$nl" dev-set web0 txqlen=10
"$nl" dev-del web0
"$nl" bus-del vm1
"$nl" bus-new vm9

expected=(
	"BUS_NEW .*name=vm1.*connector=loop"
	"DEVICE_NEW .*name=web0"
	"DEVICE_SET .*name=web0.*mtu=9000"
	"DEVICE_SET .*name=web0.*zcthresh=0"
	"CONNECT .*name=web0.*bus=vm1"
	"DEVICE_SET .*name=web0.*bus=vm1.*wmem=4096"
	"DISCONNECT .*name=web0.*bus=vm1"
	"DEVICE_SET .*name=web0.*txqlen=10"
	"DEVICE_DEL .*name=web0"
	"BUS_DEL .*name=vm1"
	"BUS_NEW .*name=vm9"
)
for i in "${!expected[@]}"; do
	read -r event <&3 || fail "event $i missing (expected ${expected[$i]})"
	echo "$event"
	echo "$event" | grep -Eq "^${expected[$i]}" || fail "event $i: expected '${expected[$i]}', got: $event"
done
wait "$listener" || fail "listener failed"
"$nl" bus-del vm9
rmmod vbus

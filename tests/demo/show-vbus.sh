# The demo, run inside the test VM by tools/demo: load vbus.ko, build a small
# fabric over generic netlink (through libvbus's test driver, until vbusctl
# drives it through vbusd), and tune it through sysfs as the seed's
# "echo 0 > /sys/vbus/devices/$dev/zcthresh" does. It asserts as it goes.
. "$VBUS_SRCDIR/tests/vm/lib.sh"

show() {
	echo "vbus-vm# $*"
	"$@"
	echo
}

vbusctl=$VBUS_BUILDDIR/cli/vbusctl
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
echo "kernel $(uname -r), vbus.ko from $VBUS_MODULES/kmod"
vbus_insmod vbus
show "$vbusctl" version
show genl ctrl get name vbus

coproc LISTEN { exec "$nl" listen --count 6 --timeout-ms 30000; }
exec 3<&"${LISTEN[0]}"
listener=$LISTEN_PID
read -r ready <&3
[ "$ready" = ready ] || fail "event listener not ready"

show "$nl" bus-new vm1 connector=ivshmem domain=web-vm
show "$nl" dev-new web0 mtu=9000
show "$nl" dev-new web1
show "$nl" connect web0 vm1
show "$nl" connect web1 vm1
show ls -l /sys/vbus/buses/vm1/devices
show cat /sys/vbus/devices/web0/zcthresh
echo "vbus-vm# echo 0 > /sys/vbus/devices/web0/zcthresh"
echo 0 > /sys/vbus/devices/web0/zcthresh
show cat /sys/vbus/devices/web0/zcthresh
show "$nl" dev-dump
echo "events seen by a listener on the \"events\" multicast group:"
for _ in 1 2 3 4 5 6; do
	read -r event <&3 || fail "missing event"
	echo "  $event"
done
wait "$listener"
rmmod vbus

# Unloading vbus.ko with buses, devices and connections present removes them
# all cleanly (the documented policy), and a reload starts empty.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
"$nl" bus-new vm1 connector=loop
"$nl" bus-new vm2
for i in 0 1 2 3; do "$nl" dev-new "web$i" mtu=9000; done
"$nl" connect web0 vm1
"$nl" connect web1 vm1
"$nl" connect web2 vm2
[ "$(ls /sys/vbus/devices | wc -l)" -eq 4 ] || fail "expected 4 devices in sysfs"
[ -L /sys/vbus/buses/vm1/devices/web1 ] || fail "connection link missing"

rmmod vbus
[ ! -e /sys/vbus ] || fail "/sys/vbus left behind"

vbus_insmod vbus
[ -z "$(ls /sys/vbus/devices)" ] || fail "devices survived a reload"
[ -z "$(ls /sys/vbus/buses)" ] || fail "buses survived a reload"
[ -z "$("$nl" dev-dump)" ] || fail "dump after reload is not empty"
rmmod vbus

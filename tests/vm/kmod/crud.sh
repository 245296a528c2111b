# Buses and devices through their whole life over generic netlink (libvbus),
# with sysfs showing the same state at every step.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
sys=/sys/vbus

vbus_insmod vbus
"$nl" bus-new vm1 connector=ivshmem region=2097152 domain=web-vm uuid=5f1e0a2c-1b7d-4c3e-9a4b-0d2e6f7a8b9c
"$nl" bus-new vm2
"$nl" bus-get vm1 | tee out
for kv in name=vm1 connector=ivshmem region_size=2097152 domain=web-vm \
	uuid=5f1e0a2c-1b7d-4c3e-9a4b-0d2e6f7a8b9c state=ok devices=0; do
	grep -qw -- "$kv" out || fail "bus-get vm1 lacks $kv"
done
[ "$(cat $sys/buses/vm1/connector)" = ivshmem ] || fail "sysfs connector"
[ "$(cat $sys/buses/vm1/region_size)" = 2097152 ] || fail "sysfs region_size"
[ "$(cat $sys/buses/vm1/domain)" = web-vm ] || fail "sysfs domain"
[ "$(cat $sys/buses/vm1/uuid)" = 5f1e0a2c-1b7d-4c3e-9a4b-0d2e6f7a8b9c ] || fail "sysfs uuid"
[ "$(cat $sys/buses/vm2/connector)" = none ] || fail "default connector"
[ "$(cat $sys/buses/vm2/region_size)" = 1048576 ] || fail "default region size"

"$nl" dev-new web0 mac=02:11:22:33:44:55 mtu=9000 zcthresh=0 wmem=2097152 txqlen=500 ifname=vbt-front
"$nl" dev-new db0
"$nl" dev-get web0 | tee out
for kv in name=web0 type=venet bus= mac=02:11:22:33:44:55 mtu=9000 zcthresh=0 \
	wmem=2097152 txqlen=500 ifname=vbt-front; do
	grep -qw -- "$kv" out || fail "dev-get web0 lacks $kv"
done
"$nl" dev-get db0 | tee out
for kv in mtu=1500 zcthresh=256 wmem=1048576 txqlen=1000 ifname=vbt-db0; do
	grep -qw -- "$kv" out || fail "dev-get db0 lacks default $kv"
done
[ "$(cat $sys/devices/web0/type)" = venet ] || fail "sysfs type"
[ "$(cat $sys/devices/web0/mac)" = 02:11:22:33:44:55 ] || fail "sysfs mac"
[ "$(cat $sys/devices/web0/wmem)" = 2097152 ] || fail "sysfs wmem"
[ "$(cat $sys/devices/web0/ifname)" = vbt-front ] || fail "sysfs ifname"
[ "$(cat $sys/devices/web0/stats/tx_packets)" = 0 ] || fail "sysfs stats"

"$nl" dev-set web0 mtu=1400 txqlen=2000
"$nl" dev-get web0 | grep -qw 'mtu=1400' || fail "set mtu"
"$nl" dev-get web0 | grep -qw 'txqlen=2000' || fail "set txqlen"
"$nl" dev-get web0 | grep -qw 'zcthresh=0' || fail "set changed an attribute it was not given"

"$nl" connect web0 vm1
"$nl" connect db0 vm1
[ "$(cat $sys/devices/web0/bus)" = vm1 ] || fail "sysfs bus after connect"
[ "$(readlink -f $sys/buses/vm1/devices/web0)" = "$(readlink -f $sys/devices/web0)" ] || fail "sysfs link"
"$nl" bus-get vm1 | grep -qw 'devices=2' || fail "device count after connect"
"$nl" dev-get web0 | grep -qw 'bus=vm1' || fail "dev-get bus after connect"

[ "$("$nl" dev-dump | wc -l)" -eq 2 ] || fail "device dump"
[ "$("$nl" bus-dump | wc -l)" -eq 2 ] || fail "bus dump"
[ "$("$nl" stats-dump | wc -l)" -eq 2 ] || fail "stats dump"
"$nl" stats web0 | grep -qw 'tx_packets=0' || fail "stats"

"$nl" disconnect web0
[ -z "$(cat $sys/devices/web0/bus)" ] || fail "sysfs bus after disconnect"
[ ! -e $sys/buses/vm1/devices/web0 ] || fail "sysfs link after disconnect"
"$nl" bus-get vm1 | grep -qw 'devices=1' || fail "device count after disconnect"

"$nl" disconnect db0
"$nl" dev-del web0
"$nl" dev-del db0
"$nl" bus-del vm1
"$nl" bus-del vm2
[ -z "$(ls -A $sys/devices)$(ls -A $sys/buses)" ] || fail "objects left in sysfs"
[ -z "$("$nl" dev-dump)$("$nl" bus-dump)" ] || fail "objects left in dumps"
rmmod vbus

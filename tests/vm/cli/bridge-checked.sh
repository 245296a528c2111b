# A bridge that cannot work is refused up front, the rest reported once
# (issue 15 item 10): "device set bd1 bridge=lo" fails (exit 1, "lo is not a
# bridge") and changes nothing; a bridge that does not exist yet is accepted,
# listed in status as a problem and logged once however many events the
# interface sees, and used when it appears; a name that turns out not to be
# a bridge is a problem in status, logged once.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
for m in bridge dummy; do
	modprobe $m || fail "no $m module"
done
vbus_insmod vbus
vbusd_start
vbusctl bus create b1 connector=none
vbusctl device create bd1
vbusctl connect bd1 b1

expect_exit 1 vbusctl device set bd1 bridge=lo
grep -q 'bridge lo: lo is not a bridge' err || fail "bridge=lo: $(cat err)"
vbusctl device show bd1 | tee show
grep -qx 'bridge: *-' show || fail "a refused bridge=lo is in the desired state"

# The host interface exists while a guest is attached.
hold_bus b1
ifname=$(cat /sys/vbus/devices/bd1/ifname)
wait_for "$ifname" test -e "/sys/class/net/$ifname"

expect_exit 0 vbusctl device set bd1 bridge=brlater
wait_for "status to list the missing bridge" sh -c 'vbusctl status | grep -q "bridge brlater does not exist"'
# events of the interface: the warning is not repeated
for i in 1 2 3; do
	ip link set "$ifname" down
	ip link set "$ifname" up
done
ip link add brlater type bridge
ip link set brlater up
wait_for "$ifname on brlater" sh -c "[ \"\$(basename \"\$(readlink /sys/class/net/$ifname/master)\")\" = brlater ]"
wait_for "the problem to go" sh -c '! vbusctl status | grep -q brlater'

expect_exit 0 vbusctl device set bd1 bridge=later2
ip link add later2 type dummy
wait_for "status to say later2 is not a bridge" sh -c 'vbusctl status | grep -q "bridge later2: later2 is not a bridge"'
for i in 1 2 3; do
	ip link set "$ifname" down
	ip link set "$ifname" up
done
expect_exit 11 vbusctl status
# the last event has been handled once status answers after it
n=$(grep -c 'device bd1: bridge later2: later2 is not a bridge' vbusd.log || true)
[ "$n" = 1 ] || fail "the later2 warning was logged $n times, not once: $(grep later2 vbusd.log)"

release_bus
ip link del later2
ip link del brlater
vbusd_stop

# The host interface's MTU is part of the device (issue 15 item 8): after
# "ip link set vbt-hm0 mtu 1400" on a device managed with mtu 9000, vbusd
# with --drift=restore puts 9000 back; with --drift=report it leaves it and
# status lists it as a problem (exit 11) until it is right again.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
attach=$VBUS_BUILDDIR/tests/tools/vbus-attach
[ -x "$attach" ] || fail "$attach is not built: run make in $VBUS_BUILDDIR"

vbus_insmod vbus
vbusd_start
vbusctl bus create hb connector=none
vbusctl device create hm0 mtu=9000
vbusctl connect hm0 hb

# the host interface exists while a guest is attached
rm -f hold.in hold.out
mkfifo hold.in hold.out
"$attach" hold hb $((1 << 20)) <hold.in >hold.out &
holder=$!
exec {hold_in}>hold.in
exec {hold_out}<hold.out
read -r -t 60 line <&"$hold_out" && [ "$line" = attached ] || fail "attach: '$line'"
ifname=$(cat /sys/vbus/devices/hm0/ifname)
mtu() { cat "/sys/class/net/$ifname/mtu"; }
wait_for "$ifname at mtu 9000" test "$(mtu)" = 9000

ip link set "$ifname" mtu 1400
wait_for "vbusd to put mtu 9000 back" test "$(mtu)" = 9000
vbusctl status

vbusd_stop
vbusd_start --drift=report
echo "report mode: setting mtu 1400"
timeout 60 ip link set "$ifname" mtu 1400 || fail "ip link set mtu 1400: exit $?"
echo "report mode: mtu now $(mtu)"
[ "$(mtu)" = 1400 ] || fail "ip link set mtu 1400 did not hold: $(mtu)"
reported() { { vbusctl status || true; } | grep -q "host interface $ifname has mtu 1400, not 9000"; }
for i in $(seq 100); do
	reported && break
	sleep 0.1
done
reported || { ip link show "$ifname"; vbusctl -j status; fail "status does not report the mtu"; }
expect_exit 11 vbusctl status
[ "$(mtu)" = 1400 ] || fail "--drift=report changed the mtu"
ip link set "$ifname" mtu 9000
wait_for "the problem to go" vbusctl status

exec {hold_in}>&-
wait "$holder" || fail "vbus-attach failed"
vbusd_stop

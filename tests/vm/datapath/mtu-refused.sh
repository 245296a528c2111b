# An mtu the host interface refuses (here: it is a team port, and the team
# driver forbids its ports' mtu changes) is refused by the sysfs write and by a netlink set,
# and the device keeps its mtu: the config never says what the netdev is not
# (issue 10 item 6).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
va=$VBUS_BUILDDIR/tests/tools/vbus-attach
size=262144

vbus_insmod vbus
modprobe team
"$nl" bus-new vm1 region=$size
"$nl" dev-new web0
"$nl" connect web0 vm1
mkfifo in out
"$va" hold vm1 $size <in >out &
holder=$!
exec 4>in 3<out
read -r -t 30 line <&3 || fail "holder said nothing"
[ "$line" = attached ] || fail "holder said '$line'"

ip link add team0 type team
ip link set vbt-web0 master team0
expect_fail ip link set vbt-web0 mtu 1400 2>/dev/null

out=$(bash -c "echo 1400 > /sys/vbus/devices/web0/mtu" 2>&1) &&
	fail "the sysfs write of an mtu vbt-web0 refuses succeeded"
echo "sysfs: $out"
[ "$(cat /sys/vbus/devices/web0/mtu)" = 1500 ] || fail "sysfs mtu $(cat /sys/vbus/devices/web0/mtu) after a refused write"
if "$nl" dev-set web0 mtu=1400 2>err; then
	fail "the netlink set of an mtu vbt-web0 refuses succeeded"
fi
cat err
grep -q 'refused this mtu' err || fail "no extack message: $(cat err)"
"$nl" dev-get web0 | grep -qw mtu=1500 || fail "netlink: $("$nl" dev-get web0)"
[ "$(cat /sys/class/net/vbt-web0/mtu)" = 1500 ] || fail "vbt-web0 mtu $(cat /sys/class/net/vbt-web0/mtu)"

# Out of the team, the mtu is taken.
ip link set vbt-web0 nomaster
echo 1400 > /sys/vbus/devices/web0/mtu
[ "$(cat /sys/class/net/vbt-web0/mtu)" = 1400 ] || fail "vbt-web0 did not take 1400"
ip link del team0
exec 4>&- 3<&-
wait "$holder" || fail "holder failed"
rmmod vbus

# The seed's command works as written: echo 0 > /sys/vbus/devices/$dev/zcthresh
# sets zcthresh, cat shows it, netlink sees it, and an events listener gets the
# same DEVICE_SET a netlink set raises. Bad input is refused and changes nothing.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
dev=web0
"$nl" dev-new $dev zcthresh=4096
[ "$(cat /sys/vbus/devices/$dev/zcthresh)" = 4096 ] || fail "zcthresh not 4096 after create"

coproc LISTEN { exec "$nl" listen --count 2 --timeout-ms 20000; }
# bash forgets LISTEN once the listener exits: keep its output and pid.
exec 3<&"${LISTEN[0]}"
listener=$LISTEN_PID
read -r line <&3
[ "$line" = ready ] || fail "listener said '$line', not ready"

echo 0 > /sys/vbus/devices/$dev/zcthresh
[ "$(cat /sys/vbus/devices/$dev/zcthresh)" = 0 ] || fail "cat does not show 0"
"$nl" dev-get $dev | grep -qw 'zcthresh=0' || fail "netlink does not show zcthresh=0"
"$nl" dev-set $dev zcthresh=512

read -r first <&3 || fail "no event for the sysfs write"
read -r second <&3 || fail "no event for the netlink set"
echo "$first"; echo "$second"
case $first in DEVICE_SET*name=$dev*zcthresh=0*) ;; *) fail "sysfs write event: $first" ;; esac
case $second in DEVICE_SET*name=$dev*zcthresh=512*) ;; *) fail "netlink set event: $second" ;; esac
wait "$listener" || fail "listener failed"

# Refused input: not a number, out of range; the value stays.
expect_fail bash -c "echo abc > /sys/vbus/devices/$dev/zcthresh" 2>/dev/null
expect_fail bash -c "echo 70000 > /sys/vbus/devices/$dev/zcthresh" 2>/dev/null
expect_fail bash -c "echo 10 > /sys/vbus/devices/$dev/mtu" 2>/dev/null
[ "$(cat /sys/vbus/devices/$dev/zcthresh)" = 512 ] || fail "a refused write changed zcthresh"
[ "$(cat /sys/vbus/devices/$dev/mtu)" = 1500 ] || fail "a refused write changed mtu"
out=$(bash -c "echo 70000 > /sys/vbus/devices/$dev/zcthresh" 2>&1 || true)
echo "$out" | grep -q 'out of range' || fail "out-of-range write did not fail with ERANGE: $out"
# The kernel log says the valid range (issue 15 item 12).
grep -q "vbus: device $dev: zcthresh 70000 is out of range 0..65536" <<<"$(dmesg)" ||
	fail "no kernel log line with the valid range: $(dmesg | tail -3)"
# Read-only files stay read-only.
expect_fail bash -c "echo 02:00:00:00:00:01 > /sys/vbus/devices/$dev/mac" 2>/dev/null
"$nl" dev-del $dev
rmmod vbus

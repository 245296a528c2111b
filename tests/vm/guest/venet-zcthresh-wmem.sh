# The host's zcthresh and wmem as a venet guest sees them. wmem: the
# device's wmem (2 MiB here) shows in /sys/class/net/IF/venet/wmem, udev's
# rule (guest/90-vbus-guest.rules) runs vbus-guest-tune for a venet
# interface (udevadm test), and vbus-guest-tune raises the guest's
# net.core.wmem_max, wmem_default and tcp_wmem maximum to it, lowering
# nothing. zcthresh: with 256, a verified stream from the guest moves the
# host's zero-copy counter (ethtool -S host_tx_zerocopy); with 0 only the
# copied one moves; the data is intact either way.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/guest/venet-lib"
restore_sysctls() {
	sysctl -q -w net.core.wmem_max="$wmem_max" net.core.wmem_default="$wmem_default" \
		net.ipv4.tcp_wmem="$tcp_wmem" || true
}
wmem_max=$(sysctl -n net.core.wmem_max)
wmem_default=$(sysctl -n net.core.wmem_default)
tcp_wmem=$(sysctl -n net.ipv4.tcp_wmem)
trap 'restore_sysctls; venet_cleanup' EXIT

venet_modules
"$nl" bus-new lp0 connector=loop region=4194304
"$nl" dev-new zc0 wmem=2097152 zcthresh=256
"$nl" connect zc0 lp0
vbus_insmod vbus_loop
wait_until "the guest interface" 30 has_guest_netdev zc0
g=$(guest_netdev zc0)
[ "$(cat /sys/class/net/$g/venet/wmem)" = 2097152 ] ||
	fail "venet/wmem says $(cat /sys/class/net/$g/venet/wmem), not the host's 2097152"

# The rule as make install writes it, with the build's tool.
rule=/etc/udev/rules.d/90-vbus-guest.rules
mkdir -p /etc/udev/rules.d
sed "s|@vbusguestdir@|$VBUS_SRCDIR/guest|" "$VBUS_SRCDIR/guest/90-vbus-guest.rules.in" >$rule
grep -q "vbus-guest-tune $g" <<<"$(udevadm test --action=add "/sys/class/net/$g" 2>&1)" ||
	fail "udev's rule does not run vbus-guest-tune for $g: $(udevadm test --action=add /sys/class/net/$g 2>&1 | tail -20)"
rm -f $rule
echo "udev runs vbus-guest-tune $g for a venet interface"

sysctl -q -w net.core.wmem_max=212992 net.core.wmem_default=4194304 \
	net.ipv4.tcp_wmem="4096 16384 1048576"
"$VBUS_SRCDIR/guest/vbus-guest-tune" "$g"
[ "$(sysctl -n net.core.wmem_max)" = 2097152 ] || fail "wmem_max $(sysctl -n net.core.wmem_max)"
[ "$(sysctl -n net.core.wmem_default)" = 4194304 ] ||
	fail "wmem_default lowered to $(sysctl -n net.core.wmem_default)"
[ "$(sysctl -n net.ipv4.tcp_wmem | awk '{ print $3 }')" = 2097152 ] ||
	fail "tcp_wmem $(sysctl -n net.ipv4.tcp_wmem)"
"$VBUS_SRCDIR/guest/vbus-guest-tune" lo 2>/dev/null && fail "vbus-guest-tune accepted lo"
echo "vbus-guest-tune: wmem_max and tcp_wmem raised to the host's wmem, nothing lowered"

venet_pair zc0 81
# One frame per buffer (no TSO chains), each above zcthresh.
ip netns exec g ethtool -K gzc0 tso off >/dev/null
zc=$(ethtool_stat gzc0 host_tx_zerocopy)
copied=$(ethtool_stat gzc0 host_tx_copied)
tcp_stream g h 10.81.0.1 $((16 << 20))
dzc=$(( $(ethtool_stat gzc0 host_tx_zerocopy) - zc ))
echo "zcthresh 256: $dzc frames zero-copy"
[ "$dzc" -gt 1000 ] || fail "zcthresh 256: only $dzc frames went zero-copy"

"$nl" dev-set zc0 zcthresh=0
zc=$(ethtool_stat gzc0 host_tx_zerocopy)
copied=$(ethtool_stat gzc0 host_tx_copied)
tcp_stream g h 10.81.0.1 $((16 << 20))
dzc=$(( $(ethtool_stat gzc0 host_tx_zerocopy) - zc ))
dcopied=$(( $(ethtool_stat gzc0 host_tx_copied) - copied ))
echo "zcthresh 0: $dzc zero-copy, $dcopied copied"
[ "$dzc" = 0 ] || fail "zcthresh 0: $dzc frames still went zero-copy"
[ "$dcopied" -gt 1000 ] || fail "zcthresh 0: only $dcopied frames copied"

restore_sysctls
venet_cleanup
trap - EXIT
"$nl" disconnect zc0
"$nl" dev-del zc0
"$nl" bus-del lp0
rmmod vbus

# The venet guest driver carries traffic: over a loop bus (the whole guest
# stack in the same kernel as vbus.ko, the host code path a VM gets), the
# guest interface in namespace g and the host's vbt-* in namespace h: ping
# with no loss; a 64 MiB TCP stream each way with every byte verified, with
# the offloads on (TSO both ways: frames above the MTU are seen on each
# side) and with checksum and segmentation offload off on both sides
# (ethtool -K); 10,000 verified request/response round trips; MTU 9000 on
# a second bus (ping of 8972 bytes with DF, a verified stream); and the
# counters: packets on both sides agree, doorbells and interrupts are
# counted, and a stream costs fewer notifications than packets (the event
# indices suppress them).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/guest/venet-lib"
trap venet_cleanup EXIT

venet_modules
"$nl" bus-new lp0 connector=loop
"$nl" dev-new vn0
"$nl" connect vn0 lp0
"$nl" bus-new lp1 connector=loop region=4194304
"$nl" dev-new vj0 mtu=9000
"$nl" connect vj0 lp1
vbus_insmod vbus_loop
venet_pair vn0 77
venet_pair vj0 78

ip -n g link show gvn0 | grep -q 'state UP' || fail "guest interface not up: $(ip -n g link show gvn0)"
ip -n g link show gvn0 | grep -q 'LOWER_UP' || fail "guest interface has no carrier"
drv=$(ip netns exec g ethtool -i gvn0 | awk '$1 == "driver:" { print $2 }')
[ "$drv" = venet ] || fail "ethtool -i says driver $drv"

# Ping both ways, no loss.
ip netns exec g ping -c 50 -i 0.01 -q 10.77.0.1 | tee /dev/stderr | grep -q ' 0% packet loss' ||
	fail "guest -> host ping lost packets"
ip netns exec h ping -c 50 -i 0.01 -q 10.77.0.2 | grep -q ' 0% packet loss' ||
	fail "host -> guest ping lost packets"
echo "ping: 50 each way, none lost"

# The offloads the host offers are taken: TSO and checksum on the guest side.
ip netns exec g ethtool -k gvn0 | grep -q '^tcp-segmentation-offload: on' ||
	fail "guest interface without TSO: $(ip netns exec g ethtool -k gvn0 | head -20)"

# avg_frame NS DEV DIR: bytes per packet DEV counted in DIR (rx or tx).
counter() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"
}

before_tx=$(ethtool_stat gvn0 tx_packets)
before_txb=$(counter g gvn0 tx_bytes)
before_n=$(( $(ethtool_stat gvn0 tx_doorbells) + $(ethtool_stat gvn0 interrupts) ))
tcp_stream g h 10.77.0.1 $((64 << 20))
packets=$(( $(ethtool_stat gvn0 tx_packets) - before_tx ))
avg=$(( ($(counter g gvn0 tx_bytes) - before_txb) / packets ))
echo "guest -> host: $packets frames, $avg bytes each on average"
[ "$avg" -gt 1514 ] || fail "guest -> host frames average $avg bytes: no TSO frame went"
before_rx=$(counter g gvn0 rx_packets)
before_rxb=$(counter g gvn0 rx_bytes)
tcp_stream h g 10.77.0.2 $((64 << 20))
avg=$(( ($(counter g gvn0 rx_bytes) - before_rxb) / ($(counter g gvn0 rx_packets) - before_rx) ))
echo "host -> guest: $avg bytes per frame on average"
[ "$avg" -gt 1514 ] || fail "host -> guest frames average $avg bytes: no large frame came"
packets=$(( $(ethtool_stat gvn0 tx_packets) + $(ethtool_stat gvn0 rx_packets) - before_tx - before_rx ))
notes=$(( $(ethtool_stat gvn0 tx_doorbells) + $(ethtool_stat gvn0 interrupts) - before_n ))
echo "streams: $packets frames, doorbells + interrupts $notes"
[ "$notes" -lt "$packets" ] || fail "as many notifications ($notes) as frames ($packets)"

# Offloads off on both sides: plain frames, still intact.
ip netns exec g ethtool -K gvn0 tx off tso off >/dev/null
ip netns exec h ethtool -K vbt-vn0 tx off tso off >/dev/null
tcp_stream g h 10.77.0.1 $((16 << 20))
tcp_stream h g 10.77.0.2 $((16 << 20))
ip netns exec g ethtool -K gvn0 tx on tso on >/dev/null
ip netns exec h ethtool -K vbt-vn0 tx on tso on >/dev/null
echo "offloads off and on again: verified streams both ways"

tcp_rr g h 10.77.0.1 10000

# The two sides count the same frames, once the last ones (a TCP close, a
# neighbour probe) are through: the two reads are not one instant.
counters_agree() {
	g_tx=$(ip netns exec g cat /sys/class/net/gvn0/statistics/tx_packets)
	h_rx=$(ip netns exec h cat /sys/class/net/vbt-vn0/statistics/rx_packets)
	[ "$g_tx" = "$h_rx" ]
}
counters_agree || wait_seconds 30 "the guest's tx count ($g_tx) and the host's rx count ($h_rx) to agree" counters_agree
[ "$(ethtool_stat gvn0 tx_drops)" = 0 ] || fail "guest TX drops: $(ethtool_stat gvn0 tx_drops)"
[ "$(ethtool_stat gvn0 rx_drops)" = 0 ] || fail "guest RX drops: $(ethtool_stat gvn0 rx_drops)"
ip netns exec g ethtool -S gvn0

# MTU 9000.
[ "$(ip netns exec g cat /sys/class/net/gvj0/mtu)" = 9000 ] ||
	fail "guest MTU $(ip netns exec g cat /sys/class/net/gvj0/mtu), not the host's 9000"
ip -n h link set vbt-vj0 mtu 9000
ip netns exec g ping -c 5 -i 0.05 -M do -s 8972 -q 10.78.0.1 | grep -q ' 0% packet loss' ||
	fail "9000-byte frames do not pass"
tcp_stream g h 10.78.0.1 $((32 << 20))
tcp_stream h g 10.78.0.2 $((32 << 20))
echo "MTU 9000: full-size frames and verified streams both ways"

venet_cleanup
trap - EXIT
"$nl" disconnect vn0
"$nl" disconnect vj0
"$nl" dev-del vn0
"$nl" dev-del vj0
"$nl" bus-del lp0
"$nl" bus-del lp1
rmmod vbus

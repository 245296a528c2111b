# The venet benchmark's part in the test VM (see tests/bench/venet/run).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/guest/venet-lib"
trap venet_cleanup EXIT
rounds=${VBUS_BENCH_ROUNDS:-5}
bytes=${VBUS_BENCH_BYTES:-$((256 << 20))}
rrs=${VBUS_BENCH_RR:-5000}

venet_modules
modprobe veth
# A region large enough for scatter-gather and TSO (see venet(4)).
"$nl" bus-new lp0 connector=loop region=16777216
"$nl" dev-new bn0
"$nl" connect bn0 lp0
vbus_insmod vbus_loop
venet_pair bn0 82
ip link add vg0 netns g type veth peer name vh0 netns h
ip -n g addr add 10.83.0.2/24 dev vg0
ip -n h addr add 10.83.0.1/24 dev vh0
ip -n g link set vg0 up
ip -n h link set vh0 up
wait_until "veth to answer" 30 ip netns exec g ping -c 1 -W 1 -q 10.83.0.1 >/dev/null

# busy_jiffies: CPU time the whole machine spent, in USER_HZ ticks.
busy() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}
notes() {
	echo $(( $(ethtool_stat gbn0 tx_doorbells) + $(ethtool_stat gbn0 rx_doorbells) + \
		$(ethtool_stat gbn0 interrupts) ))
}
frames() {
	echo $(( $(ethtool_stat gbn0 tx_packets) + $(ethtool_stat gbn0 rx_packets) ))
}

# stream FROM TO ADDR: "Mb/s cpu-seconds-per-GB" of one verified stream.
stream() {
	local out b0 b1 mbps
	out=$(mktemp)
	ip netns exec "$2" "$tcp" sink 5001 >"$out" &
	local sink=$!
	wait_until "the sink" 30 grep -q listening "$out"
	b0=$(busy)
	ip netns exec "$1" "$tcp" source "$3" 5001 "$bytes" >/dev/null || fail "stream failed"
	wait $sink || fail "stream $1 -> $2 not intact: $(cat "$out")"
	b1=$(busy)
	mbps=$(sed -n 's/.*mbps=\([0-9.]*\).*/\1/p' "$out")
	rm -f "$out"
	awk -v m="$mbps" -v j=$((b1 - b0)) -v b="$bytes" \
		'BEGIN { printf "%s %.2f\n", m, j / 100 / (b / 1e9) }'
}

# rr FROM TO ADDR: transactions/s of verified round trips.
rr() {
	local out
	out=$(mktemp)
	ip netns exec "$2" "$tcp" echo 5002 >"$out" &
	local server=$!
	wait_until "the echo server" 30 grep -q listening "$out"
	ip netns exec "$1" "$tcp" rr "$3" 5002 "$rrs" 64 | sed -n 's/.*tps=\([0-9]*\).*/\1/p'
	wait $server
	rm -f "$out"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

results=$(mktemp -d)
# config NAME: interleaved rounds of every measure, venet and veth in turn.
config() {
	local name=$1 i f0 n0
	for ((i = 0; i < rounds; i++)); do
		f0=$(frames)
		n0=$(notes)
		stream g h 10.82.0.1 >>"$results/$name.venet.gh"
		stream h g 10.82.0.2 >>"$results/$name.venet.hg"
		echo "$(( $(notes) - n0 )) $(( $(frames) - f0 ))" >>"$results/$name.venet.notes"
		stream g h 10.83.0.1 >>"$results/$name.veth.gh"
		stream h g 10.83.0.2 >>"$results/$name.veth.hg"
		f0=$(frames)
		n0=$(notes)
		rr g h 10.82.0.1 >>"$results/$name.venet.rr"
		echo "$(( $(notes) - n0 )) $(( $(frames) - f0 ))" >>"$results/$name.venet.rrnotes"
		rr g h 10.83.0.1 >>"$results/$name.veth.rr"
	done
}

report() {
	local name=$1 m v c
	echo "== $name ($rounds interleaved rounds, median; stream $((bytes >> 20)) MiB, $rrs round trips of 64 bytes)"
	printf "%-28s %12s %12s %8s\n" measure venet veth ratio
	for m in gh hg; do
		v=$(awk '{ print $1 }' "$results/$name.venet.$m" | median)
		c=$(awk '{ print $1 }' "$results/$name.veth.$m" | median)
		printf "%-28s %12s %12s %8.2f\n" "TCP stream $m Mb/s" "$v" "$c" "$(echo "$v $c" | awk '{ print $1 / $2 }')"
		v=$(awk '{ print $2 }' "$results/$name.venet.$m" | median)
		c=$(awk '{ print $2 }' "$results/$name.veth.$m" | median)
		printf "%-28s %12s %12s %8.2f\n" "  CPU s/GB $m" "$v" "$c" "$(echo "$v $c" | awk '{ print $1 / $2 }')"
	done
	v=$(median <"$results/$name.venet.rr")
	c=$(median <"$results/$name.veth.rr")
	printf "%-28s %12s %12s %8.2f\n" "request/response tps" "$v" "$c" "$(echo "$v $c" | awk '{ print $1 / $2 }')"
	printf "%-28s %12s\n" "venet notifications/frame" \
		"$(awk '{ print $1 / $2 }' "$results/$name.venet.notes" | median)"
	# per wire packet: a TSO frame carries up to 64 KiB; counted here per
	# 1448-byte TCP segment of the two streams' payload
	printf "%-28s %12s\n" "  per 1448-byte segment" \
		"$(awk -v b="$bytes" '{ print $1 / (2 * b / 1448) }' "$results/$name.venet.notes" | median)"
	printf "%-28s %12s\n" "  in request/response" \
		"$(awk '{ print $1 / $2 }' "$results/$name.venet.rrnotes" | median)"
}

echo "venet (loop bus, region 16 MiB, features $(ip netns exec g cat /sys/class/net/gbn0/venet/features)) vs veth, kernel $(uname -r), $(nproc) vCPUs under TCG"
config offloads
"$nl" dev-set bn0 zcthresh=0
config zcthresh0
"$nl" dev-set bn0 zcthresh=256
for ns_dev in "g gbn0" "h vbt-bn0" "g vg0" "h vh0"; do
	set -- $ns_dev
	ip netns exec "$1" ethtool -K "$2" tx off tso off >/dev/null
done
config no-offloads
report offloads
report zcthresh0
report no-offloads

venet_cleanup
trap - EXIT
"$nl" disconnect bn0
"$nl" dev-del bn0
"$nl" bus-del lp0
rmmod vbus

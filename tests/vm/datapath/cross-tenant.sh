# One guest cannot stall another (issue 10 item 1). Guests A and B, their
# vbt-* on one host bridge, zcthresh 256: for 10 s A sends 1,000-byte frames,
# every other one to B's MAC, the rest to a host UDP receiver. With B
# draining, then with B posting no RX buffer at all (hung or hostile), A's
# frames to the host must keep flowing every second and all arrive; B's
# stalled device drops (and counts) the frames sent to it. Then A detaches
# while B, still stalled, stays attached: A's region (128 MiB) must be
# released, MemFree back within 48 MiB.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/datapath/testguest.bash"
seconds=10
size=1000
region=$((128 << 20))
margin_kib=$((48 << 10))
failures=0

modprobe bridge || fail "no bridge module"
vbus_insmod vbus
"$nl" bus-new tga region=$region
"$nl" bus-new tgb
"$nl" dev-new tgneta zcthresh=256
"$nl" dev-new tgnetb zcthresh=256
"$nl" connect tgneta tga
"$nl" connect tgnetb tgb
b_mac=$(cat /sys/vbus/devices/tgnetb/mac)

ip link add br0 type bridge
sysctl -qw net.ipv6.conf.br0.disable_ipv6=1 || true
ip link set br0 address "$host_mac"
ip addr add "$host_ip/24" dev br0
ip link set br0 up

# bridge_port IFNAME: IFNAME up in br0, forwarding (bounded wait).
bridge_port() {
	local i
	sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" || true
	ip link set "$1" master br0
	ip link set "$1" up
	for i in $(seq 100); do
		bridge link show dev "$1" | grep -q "state forwarding" && return 0
		sleep 0.1
	done
	fail "$1 is not forwarding in br0: $(bridge link show dev "$1")"
}

# b_start [OPTIONS...]: guest B sinking frames (--no-rx: posting no buffer).
b_start() {
	rm -f b.in b.out
	mkfifo b.in b.out
	"$guest" --ready --json --timeout-ms 600000 "$@" tgb sink <b.in >b.out &
	b_pid=$!
	exec {b_in}>b.in
	exec {b_out}<b.out
	wait_ready "$b_out" "guest B"
	bridge_port "$(cat /sys/vbus/devices/tgnetb/ifname)"
	echo go >&"$b_in"
}

b_stop() {
	echo stop >&"$b_in"
	wait "$b_pid" || fail "guest B failed"
	cat <&"$b_out" >"$1"
	exec {b_in}>&- {b_out}<&-
}

# a_stream LABEL: A streams for $seconds; 0 if its frames to the host kept
# flowing every second and every one arrived intact.
a_stream() {
	local label=$1 sent received rc=0
	rm -f a.in a.out
	mkfifo a.in a.out
	"$guest" --ready --json --timeout-ms 5000 --size $size --dst-mac "$host_mac" \
		--also-mac "$b_mac" tga stream $seconds <a.in >a.out &
	a_pid=$!
	exec {a_in}>a.in
	exec {a_out}<a.out
	wait_ready "$a_out" "guest A"
	bridge_port "$(cat /sys/vbus/devices/tgneta/ifname)"
	receiver_start 16777216 --until-idle --timeout-ms 3000
	echo go >&"$a_in"
	wait "$a_pid" || rc=$?
	cat <&"$a_out" >"$label.json"
	exec {a_in}>&- {a_out}<&-
	receiver_wait "$label.receive" || rc=1
	cat "$label.json"
	if [ $rc != 0 ]; then
		echo "$label: guest A failed (its transmit stopped)"
		return 1
	fi
	sent=$(json_field "$label.json" frames_sent)
	received=$(awk '{ print $2 }' "$label.receive")
	echo "$label: A sent $sent frames to the host" \
		"($(json_field "$label.json" frames_per_second) frames/s, slowest second" \
		"$(json_field "$label.json" slowest_second)) and $(json_field "$label.json" \
		frames_sent_other) to B; the host received $received"
	[ "$(json_field "$label.json" slowest_second)" -gt 0 ] ||
		{ echo "$label: a whole second without a frame from A"; return 1; }
	[ "$received" = "$sent" ] || { echo "$label: frames to the host lost"; return 1; }
}

b_start
a_stream healthy || failures=$((failures + 1))
b_stop b-healthy.json
echo "B draining received $(json_field b-healthy.json frames_received) frames"

b_start --no-rx
b_if=$(cat /sys/vbus/devices/tgnetb/ifname)
sync
echo 3 >/proc/sys/vm/drop_caches
before=$(awk '/^MemFree/ { print $2 }' /proc/meminfo)
a_stream stalled || failures=$((failures + 1))
dropped=$(cat "/sys/class/net/$b_if/statistics/tx_dropped")
echo "B stalled: $b_if tx_dropped $dropped"
[ "$dropped" -gt 0 ] || { echo "B's frames were not dropped and counted"; failures=$((failures + 1)); }

# A has detached; B is still attached and stalled.
# Page cache that grew meanwhile is not what is measured: dropped each
# time. At most 10 s (drop_caches itself takes seconds under TCG).
deadline=$((SECONDS + 10))
while :; do
	sync
	echo 3 >/proc/sys/vm/drop_caches
	after=$(awk '/^MemFree/ { print $2 }' /proc/meminfo)
	[ $((before - after)) -le $margin_kib ] || [ $SECONDS -ge $deadline ] && break
	sleep 0.1
done
echo "MemFree before A attached ${before} KiB, after A detached ${after} KiB" \
	"(A's region $((region >> 10)) KiB)"
if [ $((before - after)) -gt $margin_kib ]; then
	echo "A's region was not released while B is attached"
	failures=$((failures + 1))
fi
[ "$(cat /sys/vbus/buses/tgb/state)" = ok ] || fail "B's bus is $(cat /sys/vbus/buses/tgb/state)"
b_stop b-stalled.json
[ "$(json_field b-stalled.json frames_received)" = 0 ] || fail "B posted no buffer but received"
[ $failures = 0 ] || fail "$failures check(s) failed"

ip link del br0
for x in a b; do
	"$nl" disconnect tgnet$x
	"$nl" dev-del tgnet$x
	"$nl" bus-del tg$x
done
rmmod vbus || fail "vbus.ko does not unload"

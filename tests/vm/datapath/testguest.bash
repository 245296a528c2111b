# Helpers for the VM tests that drive vbus.ko with the userspace test guest
# (tests/tools/vbus-test-guest) through /dev/vbus; sourced after lib.sh.
# Background programs talk through fifos (bash keeps only one coproc).
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
guest=$VBUS_BUILDDIR/tests/tools/vbus-test-guest
frames=$VBUS_BUILDDIR/tests/tools/vbus-frames
host_ip=10.77.0.1
# The host interface's MAC is random: the tests set this one, so that the
# guest knows where to send before the interface exists.
host_mac=02:77:00:00:00:01
for tool in "$nl" "$guest" "$frames"; do
	[ -x "$tool" ] || fail "$tool is not built: run make in $VBUS_BUILDDIR"
done

# testguest_setup BUS DEVICE [DEVICE-ATTRIBUTES...]: the module, a bus and
# a venet device connected to it.
testguest_setup() {
	local bus=$1 dev=$2
	shift 2
	vbus_insmod vbus
	[ -c /dev/vbus ] || fail "/dev/vbus missing after loading vbus.ko"
	"$nl" bus-new "$bus"
	"$nl" dev-new "$dev" "$@"
	"$nl" connect "$dev" "$bus"
}

# wait_ready FD WHO: the first line on FD must be "ready" (bounded wait).
wait_ready() {
	local line
	read -r -t 60 line <&"$1" || fail "$2 did not start"
	[ "$line" = ready ] || fail "$2 said '$line', not ready"
}

# guest_start ARGS...: the test guest with --ready in the background; once
# it is attached (and has posted its RX buffers), sets up the host interface
# of DEVICE (which exists while a guest is attached). Sets guest_pid,
# guest_in, guest_out (its output), ifname, guest_mac. guest_go starts it;
# guest_wait waits and saves its output.
guest_start() {
	local dev=$1
	shift
	rm -f guest.in guest.out
	mkfifo guest.in guest.out
	"$guest" --ready "$@" <guest.in >guest.out &
	guest_pid=$!
	exec {guest_in}>guest.in
	exec {guest_out}<guest.out
	wait_ready "$guest_out" "the test guest"
	ifname=$(cat "/sys/vbus/devices/$dev/ifname")
	[ -d "/sys/class/net/$ifname" ] || fail "no host interface $ifname while attached"
	# Only our frames on the wire: no IPv6 autoconfiguration chatter.
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1" || true
	ip link set "$ifname" address "$host_mac"
	# The default fq_codel drops frames that wait (for guest buffers) too
	# long, silently; pfifo refuses with ENOBUFS, which vbus-frames retries.
	tc qdisc replace dev "$ifname" root pfifo limit 1000
	ip link set "$ifname" up
	ip addr add "$host_ip/24" dev "$ifname"
	guest_mac=$(cat "/sys/vbus/devices/$dev/mac")
}

# wait_forwarding PORT...: each bridge PORT forwards. A port enslaved right
# after its carrier came on is disabled until linkwatch reports the carrier
# (up to a second, longer under load), and the bridge drops what comes
# meanwhile.
wait_forwarding() {
	local port
	for port in "$@"; do
		wait_seconds 30 "$port to forward on its bridge" \
			grep -qx 3 "/sys/class/net/$port/brport/state"
	done
}

guest_go() {
	echo go >&"$guest_in"
}

# guest_wait FILE: 0 if the guest succeeded; its output (the counters) in FILE.
guest_wait() {
	local rc=0
	wait "$guest_pid" || rc=$?
	cat <&"$guest_out" >"$1"
	exec {guest_in}>&- {guest_out}<&-
	cat "$1"
	return $rc
}

# receiver_start COUNT [OPTIONS...]: the host's UDP receiver, ready.
receiver_start() {
	rm -f receiver.out
	mkfifo receiver.out
	"$frames" receive "$@" --timeout-ms 30000 >receiver.out &
	receiver_pid=$!
	exec {receiver_out}<receiver.out
	wait_ready "$receiver_out" "the host receiver"
}

# receiver_wait FILE: 0 if every frame arrived intact; its report in FILE.
receiver_wait() {
	local rc=0
	wait "$receiver_pid" || rc=$?
	cat <&"$receiver_out" >"$1"
	exec {receiver_out}<&-
	cat "$1"
	return $rc
}

# testguest_teardown BUS DEVICE: everything gone, the module unloads.
testguest_teardown() {
	"$nl" disconnect "$2"
	"$nl" dev-del "$2"
	"$nl" bus-del "$1"
	rmmod vbus || fail "vbus.ko does not unload"
}

# dev_stat DEVICE NAME: one counter of /sys/vbus/devices/DEVICE/stats.
dev_stat() {
	cat "/sys/vbus/devices/$1/stats/$2"
}

# json_field FILE KEY: a value from the test guest's --json line.
json_field() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

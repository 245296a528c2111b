# Helpers for the VM tests that drive vbus.ko with the userspace test guest
# (tests/tools/vbus-test-guest) through /dev/vbus; sourced after lib.sh.
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
guest=$VBUS_BUILDDIR/tests/tools/vbus-test-guest
frames=$VBUS_BUILDDIR/tests/tools/vbus-frames
host_ip=10.77.0.1
for tool in "$nl" "$guest" "$frames"; do
	[ -x "$tool" ] || fail "$tool is not built: run make in $VBUS_BUILDDIR"
done

# testguest_setup BUS DEVICE [DEVICE-ATTRIBUTES...]: the module, a bus, a
# venet device connected to it, and its host interface up with $host_ip.
testguest_setup() {
	local bus=$1 dev=$2
	shift 2
	vbus_insmod vbus
	[ -c /dev/vbus ] || fail "/dev/vbus missing after loading vbus.ko"
	"$nl" bus-new "$bus"
	"$nl" dev-new "$dev" "$@"
	"$nl" connect "$dev" "$bus"
	ifname=$(cat "/sys/vbus/devices/$dev/ifname")
	[ -d "/sys/class/net/$ifname" ] || fail "no host interface $ifname for $dev"
	# Only our frames on the wire: no IPv6 autoconfiguration chatter.
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1" || true
	ip link set "$ifname" up
	ip addr add "$host_ip/24" dev "$ifname"
	host_mac=$(cat "/sys/class/net/$ifname/address")
	guest_mac=$(cat "/sys/vbus/devices/$dev/mac")
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

# json_field FILE KEY: a number from the test guest's --json line.
json_field() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# wait_ready FD WHO: the first line on FD must be "ready" (bounded wait).
wait_ready() {
	local line
	read -r -t 60 line <&"$1" || fail "$2 did not start"
	[ "$line" = ready ] || fail "$2 said '$line', not ready"
}

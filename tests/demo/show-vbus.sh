# The demo, run inside the test VM by tools/demo: vbusd applies the example
# fabric (examples/two-vms.json) through vbusctl, the seed's zcthresh knob is
# turned from vbusctl and from sysfs and both show up live in vbusctl
# monitor, then the userspace test guest attaches to bus "db" through
# /dev/vbus and pushes frames through db0's rings into the host stack, where
# a UDP receiver verifies every one. Last, the guest drivers: a bus of
# connector loop made by vbusctl, whose venet device the guest stack of the
# same kernel (vbus_proxy, vbus_loop, venet) turns into a network interface
# that pings and streams verified TCP with the host's vbt-*. It asserts as it
# goes.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/datapath/testguest.bash"
. "$VBUS_SRCDIR/tests/vm/guest/venet-lib"

show() {
	echo "vbus-vm# $*"
	"$@"
	echo
}

vbusctl=$VBUS_BUILDDIR/cli/vbusctl
vbusd=$VBUS_BUILDDIR/daemon/vbusd
frames_count=${VBUS_DEMO_FRAMES:-20000}
echo "kernel $(uname -r), vbus.ko from $VBUS_MODULES/kmod"
vbus_insmod vbus
modprobe bridge
ip link add br0 type bridge
ip link set br0 up

mkdir -p state fabric.d
"$vbusd" --no-system-bus --state-dir "$PWD/state" --config-dir "$PWD/fabric.d" 2>vbusd.log &
vbusd_pid=$!
for _ in $(seq 600); do
	"$vbusctl" status >/dev/null 2>&1 && break
	kill -0 $vbusd_pid 2>/dev/null || fail "vbusd exited: $(cat vbusd.log)"
	sleep 0.1	# polling a condition, bounded by the loop
done

show "$vbusctl" apply -f "$VBUS_SRCDIR/examples/two-vms.json"
show "$vbusctl" status
show "$vbusctl" bus show
show "$vbusctl" device show

"$vbusctl" monitor >monitor.out 2>monitor.err &
monitor_pid=$!
for _ in $(seq 300); do
	grep -q Listening monitor.err && break
	sleep 0.1	# polling a condition, bounded by the loop
done
show "$vbusctl" device set web0 zcthresh=0
echo "vbus-vm# echo 0 > /sys/vbus/devices/web1/zcthresh"
echo 0 >/sys/vbus/devices/web1/zcthresh
for _ in $(seq 300); do
	[ "$(grep -c zcthresh monitor.out)" -ge 2 ] && break
	sleep 0.1	# polling a condition, bounded by the loop
done
kill $monitor_pid
wait $monitor_pid || true
echo "vbusctl monitor saw:"
sed 's/^/  /' monitor.out
[ "$(grep -c zcthresh monitor.out)" -ge 2 ] || fail "monitor did not show both zcthresh changes"
show "$vbusctl" device show web1

echo "The test guest attaches to bus db through /dev/vbus and sends $frames_count frames:"
guest_start db0 --json --dst-mac $host_mac db send "$frames_count"
receiver_start "$frames_count"
guest_go
guest_wait send.json >/dev/null || fail "the guest could not send"
receiver_wait receive.out || fail "the host did not receive every frame intact"
show "$vbusctl" stats db0

echo "The guest drivers: a venet device on a loop bus becomes a guest network interface"
show "$vbusctl" bus create vm connector=loop
show "$vbusctl" device create eth0 type=venet mtu=9000
show "$vbusctl" connect eth0 vm
vbus_insmod vbus_proxy
vbus_insmod venet
vbus_insmod vbus_loop
venet_pair eth0 77
echo "vbus-vm# ip netns exec g ip -br addr show geth0"
ip netns exec g ip -br addr show geth0
echo
show ip netns exec g ping -c 3 10.77.0.1
echo "vbus-vm# a verified TCP stream each way (64 MiB, every byte checked)"
tcp_stream g h 10.77.0.1 $((64 << 20))
tcp_stream h g 10.77.0.2 $((64 << 20))
echo
show ip netns exec g ethtool -S geth0
show "$vbusctl" stats eth0
ip netns del g
ip netns del h
rmmod vbus_loop venet vbus_proxy

echo "vbus-vm# $vbusctl -j export | $vbusctl apply -f - --dry-run"
"$vbusctl" -j export | "$vbusctl" apply -f - --dry-run
kill -TERM $vbusd_pid
wait $vbusd_pid || fail "vbusd did not stop cleanly"
echo "vbusd stopped; the kernel keeps the fabric: $(ls /sys/vbus/devices | tr '\n' ' ')"
for dev in web0 web1 db0 eth0; do
	"$nl" disconnect $dev
	"$nl" dev-del $dev
done
"$nl" bus-del web
"$nl" bus-del db
"$nl" bus-del vm
ip link del br0
rmmod vbus

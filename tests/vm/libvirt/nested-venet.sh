# End to end, with nothing but real components (issues 13 and 14): inside the
# test VM, a libvirt domain defined with vbus metadata and an ivshmem-doorbell
# <shmem> is started by real libvirtd; libvirt's hook has vbusd make its bus
# and device; QEMU (TCG) connects to vbusd's socket; the nested guest (this
# kernel, an initramfs of busybox, the guest modules, vbus-tcp and ethtool)
# loads vbus_proxy, vbus_ivshmem and venet: the bus shows its name and UUID,
# the device its MODALIAS, the plain ivshmem device beside it is left alone,
# and the nested venet interface exchanges verified traffic with the host's
# vbt-nv0: ping, and a TCP stream each way with every byte checked. Then
# "virsh destroy" takes the bus down. One nested boot: 2-5 minutes under TCG
# inside TCG, so once per run (on 6.12).
#
# NOT in the VM tier yet, because it fails: the nested guest binds, sees its
# bus and device, and its frames reach the host (vbt-nv0 counts them), but
# nothing reaches the guest: the host finds none of the RX buffers the
# guest posted (it counts the frames for it as dropped, guest starved)
# while the same drivers over vbus_loop pass every venet test. Run it by
# hand while that is found:
#   tests/vm/run --builddir build -k 6.12.118+deb12-amd64 tests/nested/venet-libvirt.sh
# vm-test-kernel: 6.12
# vm-test-timeout: 1200
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
. "$VBUS_SRCDIR/tests/vm/libvirt/libvirt-lib"
tcp=$VBUS_BUILDDIR/tests/tools/vbus-tcp
domain=vbus-nested
bus=vbus-nested
device=nv0
bytes=$((8 << 20))
kernel=/boot/vmlinuz-$VBUS_KVER
[ -r "$kernel" ] || fail "no $kernel to boot the nested guest with"
[ -x /bin/busybox ] || fail "no /bin/busybox: run tools/install-deps (busybox-static)"
command -v ethtool >/dev/null || fail "no ethtool: run tools/install-deps (ethtool)"
# QEMU runs as libvirt-qemu: its files where it may read and write them
dir=/var/lib/libvirt/images/$domain
mkdir -p "$dir"
chmod 755 "$dir"

vbus_insmod vbus
vbusd_start
libvirt_start

# The nested guest's initramfs: busybox, the guest modules of this kernel,
# vbus-tcp and ethtool with their libraries, and an init that reports on
# the console, each line "NESTED ...".
root=$PWD/initramfs
mkdir -p "$root"/{bin,dev,proc,sys,tmp,m}
cp /bin/busybox "$root/bin/"
for m in vbus_proxy vbus_ivshmem venet; do
	cp "$(find "$VBUS_MODULES" -name $m.ko | head -1)" "$root/m/" || fail "no $m.ko built"
done
for program in "$tcp" "$(command -v ethtool)"; do
	cp "$program" "$root/bin/"
	for lib in $(ldd "$program" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
insmod /m/vbus_proxy.ko
insmod /m/vbus_ivshmem.ko
insmod /m/venet.ko
for i in \$(seq 600); do
	ifc=\$(ls /sys/bus/vbus-proxy/devices/*/net 2>/dev/null | head -1)
	[ -n "\$ifc" ] && break
	sleep 0.1
done
for b in /sys/bus/pci/drivers/vbus_ivshmem/*:*; do
	[ -e "\$b" ] && echo "NESTED vbus_ivshmem bound \$(basename \$b)"
done
bus=\$(ls -d /sys/devices/*/*/vbus-* /sys/devices/*/vbus-* 2>/dev/null | head -1)
echo "NESTED bus name=\$(cat \$bus/name) uuid=\$(cat \$bus/uuid) state=\$(cat \$bus/state)"
echo "NESTED device modalias=\$(cat /sys/bus/vbus-proxy/devices/*/modalias) netdev=\$ifc"
dmesg | grep -i 'vbus' | sed 's/^/NESTED dmesg /'
ip link set \$ifc up
ip addr add 10.84.0.2/24 dev \$ifc
if ping -c 3 -W 10 10.84.0.1 >/dev/null; then
	echo "NESTED ping ok"
else
	echo "NESTED ping failed"
	ethtool -S \$ifc 2>&1 | sed 's/^/NESTED ethtool /'
	echo "NESTED ethtool rc=\$?"
	grep -H . /sys/class/net/\$ifc/statistics/*packets /sys/class/net/\$ifc/statistics/*dropped /sys/class/net/\$ifc/statistics/*errors | sed 's/^/NESTED stat /'
	ip addr show \$ifc | sed 's/^/NESTED addr /'
	sed 's/^/NESTED irq /' /proc/interrupts
	ip -s link show \$ifc | sed 's/^/NESTED link /'
fi
vbus-tcp source 10.84.0.1 5001 $bytes | sed 's/^/NESTED /'
vbus-tcp sink 5002 | sed 's/^/NESTED /'
ethtool -S \$ifc 2>&1 | sed 's/^/NESTED ethtool /'
echo "NESTED done"
poweroff -f
INIT
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initrd.gz"
cp "$kernel" "$dir/vmlinuz"
: >"$dir/console.log"
chmod 666 "$dir/console.log"

cat >domain.xml <<XML
<domain type='qemu'>
  <name>$domain</name>
  <memory unit='MiB'>384</memory>
  <vcpu>1</vcpu>
  <metadata>
    <vbus:bus xmlns:vbus='urn:vbus:domain:1' name='$bus'>
      <vbus:device name='$device' type='venet'/>
    </vbus:bus>
  </metadata>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$dir/vmlinuz</kernel>
    <initrd>$dir/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_crash>destroy</on_crash>
  <devices>
    <shmem name='$bus'>
      <model type='ivshmem-doorbell'/>
      <server path='/run/vbus/bus/$bus.sock'/>
      <msi vectors='2' ioeventfd='on'/>
    </shmem>
    <shmem name='$domain-plain'>
      <model type='ivshmem-plain'/>
      <size unit='M'>1</size>
    </shmem>
    <serial type='file'>
      <source path='$dir/console.log'/>
    </serial>
  </devices>
</domain>
XML
virsh -q define domain.xml >/dev/null
uuid=$(virsh domuuid $domain | tr -d ' \n')
start=$SECONDS
virsh -q start $domain || fail "virsh start failed: $(tail -n 20 vbusd.log)"
echo "virsh start took $((SECONDS - start)) s"
wait_for "QEMU to connect to vbusd" grep -q "bus $bus: ivshmem client" vbusd.log
wait_for "vbt-$device (the bus attached)" test -e /sys/class/net/vbt-$device
console=$dir/console.log
# wait_console PATTERN SECONDS: the nested console says so; fails early if
# the domain stops.
wait_console() {
	local deadline=$((SECONDS + $2))
	until grep -q "$1" "$console"; do
		[[ $(virsh -q domstate $domain) == running* ]] ||
			fail "the nested domain stopped before '$1': $(tail -n 30 "$console")"
		[ $SECONDS -lt $deadline ] || {
			echo "--- the host's side"
			ip -s link show vbt-$device || true
			ethtool -S vbt-$device 2>/dev/null || true
			grep -H . /sys/vbus/buses/$bus/* /sys/vbus/devices/$device/stats/* 2>/dev/null || true
			ip addr show vbt-$device || true
			"$VBUS_BUILDDIR/cli/vbusctl" stats $device || true
			fail "no '$1' on the nested console: $(grep -v ethtool "$console" | tail -n 60)"
		}
		sleep 1
	done
}

# vbus_ivshmem resets the bus when it binds, which makes the host interface
# anew: it is configured after that (the nested guest pings for 30 s)
reset_seen() { dmesg | grep -q "vbus: bus $bus: reset by the guest"; }
wait_seconds 900 "the nested guest's vbus_ivshmem to reset the bus" reset_seen
wait_for "vbt-$device after the reset" test -e /sys/class/net/vbt-$device
ip addr add 10.84.0.1/24 dev vbt-$device
ip link set vbt-$device up
"$tcp" sink 5001 >sink.out &
sink=$!
wait_console "NESTED bus" 300
echo "nested guest up $((SECONDS - start)) s after virsh start"
wait_console "NESTED device" 120
grep NESTED "$console" | grep -v ethtool
grep -q "NESTED bus name=$bus uuid=$uuid state=ok" "$console" ||
	fail "the bus's identity in the nested guest"
grep -q "NESTED device modalias=vbus:venet" "$console" || fail "no vbus:venet device in the nested guest"
[ "$(grep -c "NESTED vbus_ivshmem bound" "$console")" = 1 ] ||
	fail "vbus_ivshmem bound $(grep -c "NESTED vbus_ivshmem bound" "$console") devices, not the one vbus device"
wait_console "NESTED ping ok" 120
wait $sink || fail "the stream from the nested guest was not intact: $(cat sink.out)"
grep -q "bytes=$bytes .*verified=yes" sink.out || fail "nested -> host: $(cat sink.out)"
echo "nested -> host: $(grep received sink.out)"
wait_console "NESTED listening port=5002" 120
"$tcp" source 10.84.0.2 5002 $bytes >/dev/null || fail "the stream to the nested guest failed"
wait_console "NESTED done" 300
grep -q "NESTED received bytes=$bytes .*verified=yes" "$console" ||
	fail "host -> nested: $(grep 'NESTED received' "$console")"
echo "host -> nested: $(grep 'NESTED received' "$console")"
grep "NESTED ethtool" "$console" | grep -E "packets|doorbells|interrupts|zerocopy|copied" || true

# powered off: destroyed, and the bus goes with it
wait_seconds 120 "the nested domain to power off" sh -c "virsh -q domstate $domain | grep -q 'shut off'"
wait_for "the bus to go with the domain" test ! -e /sys/vbus/buses/$bus
virsh -q undefine $domain >/dev/null

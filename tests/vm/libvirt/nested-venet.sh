# End to end, with nothing but real components (issues 13 and 14): inside the
# test VM, a libvirt domain defined with vbus metadata and an ivshmem-doorbell
# <shmem> is started by real libvirtd; libvirt's hook has vbusd make its bus
# and device; QEMU (TCG) connects to vbusd's socket; the nested guest (this
# kernel, an initramfs of busybox, the guest modules, vbus-tcp and ethtool)
# loads vbus_proxy, vbus_ivshmem and venet: the bus shows its name and UUID,
# the device its MODALIAS, the plain ivshmem device beside it is left alone,
# and the nested venet interface exchanges verified traffic with the host's
# vbt-nv0: ping, and a TCP stream each way with every byte checked. Then
# `vbusctl domain detach --live` takes the device away: libvirt unplugs the
# bus's <shmem>, the nested guest ejects it (ACPI hot-unplug: vbus_ivshmem's
# and venet's remove paths in a real guest), QEMU leaves the socket and the
# bus goes; the plain ivshmem device stays. Once the host has checked the
# running domain, it unplugs the plain device too, and on that the nested
# guest reboots and libvirt ends the domain (on_reboot destroy). (It once
# failed: the guest rebooted on its own after the unplug, and a check that
# read the metadata after the domain had ended read the definition's.) One nested boot: 2-5 minutes under TCG inside TCG,
# so once per run (on 6.12).
#
# It once failed: host -> nested frames were all dropped. The
# nested guest's venet loads minutes after its bus comes up, the host had
# marked it stalled meanwhile, and a stalled guest never came back
# (guest/venet-late-driver shows that over loop).
# vm-test-kernel: 6.12
# vm-test-timeout: 1200
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
. "$VBUS_SRCDIR/tests/vm/libvirt/libvirt-lib"
. "$VBUS_SRCDIR/tests/vm/nested-guest"
tcp=$nested_tcp
domain=vbus-nested
bus=vbus-nested
device=nv0
bytes=$((8 << 20))
# QEMU runs as libvirt-qemu: its files where it may read and write them
dir=/var/lib/libvirt/images/$domain

vbus_insmod vbus
vbusd_start
libvirt_start

# The nested guest's part, after its venet interface is up as 10.84.0.2.
cat >part.sh <<PART
if ping -c 3 -W 10 10.84.0.1 >/dev/null; then
	echo "NESTED ping ok"
else
	echo "NESTED ping failed"
	ethtool -S \$ifc 2>&1 | sed 's/^/NESTED ethtool /'
	grep -H . /sys/class/net/\$ifc/statistics/*packets /sys/class/net/\$ifc/statistics/*dropped | sed 's/^/NESTED stat /'
	sed 's/^/NESTED irq /' /proc/interrupts
fi
vbus-tcp source 10.84.0.1 5001 $bytes | sed 's/^/NESTED /'
# Not through a pipe: the ready line must reach the console while the
# sink waits, not when it exits.
vbus-tcp sink 5002 >/tmp/sink.out 2>&1 &
sinkpid=\$!
for i in \$(seq 600); do
	grep -q listening /tmp/sink.out && break
	sleep 0.1
done
sed 's/^/NESTED /' /tmp/sink.out
wait \$sinkpid
echo "NESTED sink rc=\$?"
grep -v listening /tmp/sink.out | sed 's/^/NESTED /'
ethtool -S \$ifc 2>&1 | sed 's/^/NESTED ethtool /'
# The host detaches the device live: libvirt asks this guest (ACPI) to give
# up the bus's ivshmem-doorbell device; the kernel ejects it, vbus_ivshmem's
# remove takes the bus and venet's interface away.
echo "NESTED ready for unplug"
for i in \$(seq 1200); do
	[ -e /sys/class/net/\$ifc ] || break
	sleep 0.1
done
if [ -e /sys/class/net/\$ifc ]; then
	echo "NESTED unplug: \$ifc still there after 120 s"
else
	echo "NESTED unplugged: \$ifc gone, vbus devices: \$(ls /sys/bus/vbus-proxy/devices | wc -l)"
fi
# Up until the host has checked the running domain (its live XML and
# metadata: a domain that has ended shows its definition instead), which it
# says by unplugging the plain ivshmem device too.
plain() { grep -l 0x1110 /sys/bus/pci/devices/*/device 2>/dev/null | head -1; }
echo "NESTED plain ivshmem: \$(plain)"
for i in \$(seq 3000); do
	[ -n "\$(plain)" ] || break
	sleep 0.1
done
echo "NESTED plain ivshmem: \$([ -n "\$(plain)" ] && echo still there || echo gone)"
PART
nested_initramfs "$dir" part.sh
kernel=$dir/vmlinuz
: >"$dir/console.log"
chmod 666 "$dir/console.log"

cat >domain.xml <<XML
<domain type='qemu'>
  <name>$domain</name>
  <memory unit='MiB'>384</memory>
  <vcpu>1</vcpu>
  <cpu mode='custom' match='exact' check='none'>
    <model fallback='forbid'>qemu64</model>
    <feature policy='disable' name='cx16'/>
  </cpu>
  <metadata>
    <vbus:bus xmlns:vbus='urn:vbus:domain:1' name='$bus'>
      <vbus:device name='$device' type='venet'/>
    </vbus:bus>
  </metadata>
  <features>
    <acpi/>
  </features>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$kernel</kernel>
    <initrd>$dir/initrd.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
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
running() { [[ $(virsh -q domstate $domain) == running* ]]; }
wait_console() { nested_wait_console "$console" "$1" "$2" running; }

# The host side set up at once: vbus_ivshmem resets the bus when it binds,
# and the host interface outlives that reset (same netdev, its address kept)
ifindex=$(cat /sys/class/net/vbt-$device/ifindex)
ip addr add 10.84.0.1/24 dev vbt-$device
ip link set vbt-$device up
nested_wait_reset "$console" $bus running
[ "$(cat /sys/class/net/vbt-$device/ifindex 2>/dev/null)" = "$ifindex" ] ||
	fail "the guest's reset made vbt-$device anew (ifindex $ifindex before)"
addrs=$(ip -o addr show dev vbt-$device)
[[ $addrs == *" 10.84.0.1/24 "* ]] || fail "vbt-$device lost its address at the guest's reset: $addrs"
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
wait_console "NESTED ready for unplug" 300
grep -q "NESTED received bytes=$bytes .*verified=yes" "$console" ||
	fail "host -> nested: $(grep 'NESTED received' "$console")"
echo "host -> nested: $(grep 'NESTED received' "$console")"
grep "NESTED ethtool" "$console" | grep -E "packets|doorbells|interrupts|zerocopy|copied" || true

# The device detached live: the bus's <shmem> is unplugged, the guest
# ejects it (ACPI), QEMU leaves vbusd's socket and the bus goes.
"$VBUS_BUILDDIR/cli/vbusctl" domain detach $domain $device --live 2>&1 | tee detach.out
wait_console "NESTED unplug" 180
grep -q "NESTED unplugged: .* gone, vbus devices: 0" "$console" ||
	fail "the nested guest did not let the bus go: $(grep 'NESTED unplug' "$console")"
wait_for "the bus to go when the guest ejected it" test ! -e /sys/vbus/buses/$bus
# (libvirt drops it from the live XML when it handles QEMU's DEVICE_DELETED)
shmem_gone() { ! grep -q "<shmem name='$bus'>" <<<"$(virsh dumpxml $domain)"; }
wait_for "libvirt to drop the bus's <shmem> from the live domain" shmem_gone
grep -q "<shmem name='$domain-plain'>" <<<"$(virsh dumpxml $domain)" || fail "the plain ivshmem device went too"
grep -q "device name=\"$device\"" <<<"$(virsh metadata $domain urn:vbus:domain:1 2>/dev/null)" &&
	fail "the device is still in the live metadata"
! grep -E "Oops|BUG:|WARNING:|general protection" "$console" ||
	nested_fail "$console" "the nested kernel complained"
echo "unplug: the nested guest ejected the bus's device, the bus went"
# (the nested guest waits for this before it ends)
virsh -q detach-device $domain --live /dev/stdin <<XML >/dev/null
<shmem name='$domain-plain'><model type='ivshmem-plain'/><size unit='M'>1</size></shmem>
XML
wait_console "NESTED plain ivshmem: gone" 180

# ended by its reboot: destroyed
wait_seconds 120 "the nested domain to end" sh -c "virsh -q domstate $domain | grep -q 'shut off'"
virsh -q undefine $domain >/dev/null

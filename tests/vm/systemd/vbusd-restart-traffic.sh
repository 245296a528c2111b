# A running VM's NIC keeps working across `systemctl restart vbusd` and a
# `kill -9` of vbusd followed by systemd's restart (issue 14's acceptance),
# with everything real: systemd as PID 1 runs vbusd and (socket-activated)
# libvirtd; a domain defined with vbus metadata and its <shmem> is started
# by libvirtd, the hook has vbusd make its bus, QEMU connects to vbusd's
# socket, and the nested guest (tests/vm/nested-guest) streams 48 MiB to the
# host's vbt-* with every byte checked while the host pings it and vbusd is
# restarted both ways. The stream ends intact, every ping is answered, the
# device counts no drop during the restarts, the restarted vbusd adopts the
# same QEMU connection and keeps the running domain's bus (its libvirt
# resync finds the domain running). What carries it: vbusd is not on the
# data path (vbus.ko holds the region and the eventfds), and the fds it
# holds come back from systemd's store. One nested boot (2-4 minutes under
# TCG inside TCG): once per run, on 6.12.
# vm-test-kernel: 6.12
# vm-test-timeout: 1500
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/systemd/vbusd-lib"
. "$VBUS_SRCDIR/tests/vm/libvirt/libvirt-lib"
. "$VBUS_SRCDIR/tests/vm/nested-guest"

domain=vbus-restart
bus=vbus-restart
device=rs0
bytes=$((48 << 20))
dir=/var/lib/libvirt/images/$domain
mark() { journalctl -n 1 -o json --no-pager | jq -r .__CURSOR; }
journal_has() { journalctl -u vbusd.service --after-cursor "$1" -o cat --no-pager | grep -E -q "$2"; }
stat() { cat /sys/vbus/devices/$device/stats/$1; }

# The nested guest stays up after its stream until the host, done pinging
# it, says so with a short stream to port 5003 (it once rebooted on its own
# while the host's last pings were under way: they went unanswered).
cat >part.sh <<PART
vbus-tcp sink 5003 >/tmp/end.out 2>&1 &
endpid=\$!
ping -c 3 -W 10 10.84.0.1 >/dev/null && echo "NESTED ping ok" || echo "NESTED ping failed"
vbus-tcp source 10.84.0.1 5001 $bytes >/tmp/source.out 2>&1
echo "NESTED source rc=\$?"
sed 's/^/NESTED /' /tmp/source.out
ethtool -S \$ifc 2>&1 | sed 's/^/NESTED ethtool /'
echo "NESTED waiting for the host's word to end"
wait \$endpid
echo "NESTED told to end: rc=\$?"
PART
nested_initramfs "$dir" part.sh
console=$dir/console.log
: >"$console"
chmod 666 "$console"

# libvirtd is socket-activated here (vbusd's connection or virsh starts
# it): the hook and qemu.conf before anything connects.
libvirt_hook_install
grep -qx 'namespaces = \[ \]' /etc/libvirt/qemu.conf || echo 'namespaces = [ ]' >>/etc/libvirt/qemu.conf
systemctl start vbusd.service
wait_for "vbusd active" 60 test "$(systemctl is-active vbusd.service)" = active
wait_seconds 180 "libvirtd (socket-activated)" virsh -q version
wait_for "vbusd's libvirt connection" 120 \
	bash -c 'grep -q "libvirt: connected" <<<"$(journalctl -u vbusd.service -o cat --no-pager)"'

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
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$dir/vmlinuz</kernel>
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
    <serial type='file'>
      <source path='$console'/>
    </serial>
  </devices>
</domain>
XML
virsh -q define domain.xml >/dev/null
start=$SECONDS
virsh -q start $domain || fail "virsh start failed: $(journalctl -u vbusd.service -o cat --no-pager | tail -n 20)"
running() { [[ $(virsh -q domstate $domain) == running* ]]; }

# vbus_ivshmem resets the bus when it binds (vbt-* stays through it); the
# host side is configured after that.
nested_wait_reset "$console" $bus running
wait_for "vbt-$device after the reset" 60 test -e /sys/class/net/vbt-$device
ip addr add 10.84.0.1/24 dev vbt-$device
ip link set vbt-$device up
"$nested_tcp" sink 5001 >sink.out &
sink=$!
nested_wait_console "$console" "NESTED device" 300 running
echo "nested guest up $((SECONDS - start)) s after virsh start"
nested_wait_console "$console" "NESTED ping ok" 120 running

# The stream is under way, the host pings the guest, then vbusd restarts.
flowing() { [ "$(stat tx_bytes)" -gt $((2 << 20)) ]; }
wait_seconds 300 "the nested guest's stream to flow" flowing
drops=$(stat drops)
# (-w: until all 30 are answered, or 90 s: a late answer is not a loss)
ping -c 30 -i 0.5 -w 90 10.84.0.2 >ping.out 2>&1 &
pinger=$!

# restarted HOW OLD SINCE: vbusd is back as a new process, adopted QEMU's
# connection, and kept the running domain's bus.
restarted() {
	wait_for "vbusd active again after $1" 120 \
		bash -c '[ "$(systemctl is-active vbusd.service)" = active ] &&
			[ "$(systemctl show -P MainPID vbusd.service)" != '"$2"' ]'
	journal_has "$3" "bus $bus: adopted ivshmem client" ||
		fail "$1: vbusd did not adopt QEMU's connection: $(journalctl -u vbusd.service --after-cursor "$3" -o cat --no-pager)"
	wait_for "vbusd's libvirt resync after $1" 120 journal_has "$3" "domain $domain .*running with vbus metadata"
	[ -e /sys/vbus/buses/$bus ] || fail "$1: the running domain's bus is gone"
	echo "$1: vbusd $2 -> $(main_pid) at $(stat tx_bytes) bytes of the stream"
}
old=$(main_pid)
since=$(mark)
systemctl restart vbusd.service
restarted "systemctl restart" "$old" "$since"
old=$(main_pid)
since=$(mark)
kill -9 "$old"
restarted "kill -9" "$old" "$since"

wait "$sink" || fail "the stream across the restarts was not intact: $(cat sink.out)"
grep -q "bytes=$bytes .*verified=yes" sink.out || fail "guest -> host: $(cat sink.out)"
echo "guest -> host across both restarts: $(grep received sink.out)"
wait "$pinger" || fail "pings across the restarts: $(tail -n 3 ping.out)"
grep -q " 0% packet loss" ping.out || fail "pings across the restarts: $(tail -n 3 ping.out)"
echo "host -> guest across both restarts: $(grep 'packet loss' ping.out)"
[ "$(stat drops)" = "$drops" ] ||
	fail "the device dropped $(($(stat drops) - drops)) frames during the restarts"
nested_wait_console "$console" "NESTED waiting for the host's word to end" 300 running
"$nested_tcp" source 10.84.0.2 5003 4096 >/dev/null || fail "could not tell the nested guest to end"
nested_wait_console "$console" "NESTED done" 300 running
grep -q "NESTED told to end: rc=0" "$console" || fail "the nested guest's end: $(grep 'NESTED told' "$console")"
grep -q "NESTED source rc=0" "$console" || fail "the nested source: $(grep 'NESTED source' "$console")"
grep "NESTED ethtool" "$console" | grep -E "packets|doorbells|interrupts" || true
wait_seconds 120 "the domain to end at the nested guest's reboot" sh -c "virsh -q domstate $domain | grep -q 'shut off'"
wait_for "the bus to go with the domain" 60 test ! -e /sys/vbus/buses/$bus
virsh -q undefine $domain >/dev/null
echo "restart under traffic, libvirt domain: pass"

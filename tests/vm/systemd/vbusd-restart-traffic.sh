# A running VM's NIC keeps working across `systemctl restart vbusd` and a
# `kill -9` of vbusd followed by systemd's restart (issue 14's acceptance):
# a nested guest (QEMU as libvirt-qemu, TCG, ivshmem-doorbell on the socket
# vbusd serves for an ivshmem bus of fabric.d) streams to the host's
# vbt-web0 with every byte checked while vbusd is restarted both ways; the
# stream ends intact, the device counts no drop during the restarts, the
# same QEMU stays connected, and host -> guest works afterwards (ping).
# What carries it: vbusd is not on the data path (vbus.ko holds the region
# and the eventfds), and the fds it holds come back from systemd's store.
# One nested boot (2-4 minutes under TCG inside TCG): once per run, on 6.12.
# vm-test-kernel: 6.12
# vm-test-timeout: 1500
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/systemd/vbusd-lib"
. "$VBUS_SRCDIR/tests/vm/nested-guest"
qemu=
# QEMU goes first: vbus.ko cannot unload while the bus is attached.
finish() {
	[ -z "$qemu" ] || kill $qemu 2>/dev/null || true
	[ -z "$qemu" ] || wait $qemu 2>/dev/null || true
	cleanup
}
trap finish EXIT

sock=/run/vbus/bus/vm1.sock
bytes=$((48 << 20))
dir=/var/lib/vbus-nested
getent passwd libvirt-qemu >/dev/null || fail "no user libvirt-qemu: run tools/install-deps (libvirt-daemon-system)"
mark() { journalctl -n 1 -o json --no-pager | jq -r .__CURSOR; }
journal_has() { journalctl -u vbusd.service --after-cursor "$1" -o cat --no-pager | grep -E -q "$2"; }

cat >part.sh <<PART
ping -c 3 -W 10 10.84.0.1 >/dev/null && echo "NESTED ping ok" || echo "NESTED ping failed"
vbus-tcp source 10.84.0.1 5001 $bytes >/tmp/source.out 2>&1
echo "NESTED source rc=\$?"
sed 's/^/NESTED /' /tmp/source.out
ethtool -S \$ifc 2>&1 | sed 's/^/NESTED ethtool /'
PART
nested_initramfs "$dir" part.sh
console=$dir/console.log
: >"$console"
chmod 666 "$console"

cat >/etc/vbus/fabric.d/10-vm1.json <<'JSON'
{"version": 1, "buses": [{"name": "vm1", "connector": "ivshmem"}],
 "devices": [{"name": "web0", "type": "venet", "bus": "vm1"}]}
JSON
systemctl start vbusd.service
wait_for "vbusd serving $sock" 60 test -S "$sock"

start=$SECONDS
setpriv --reuid=libvirt-qemu --regid=kvm --init-groups \
	qemu-system-x86_64 -M pc -accel tcg -m 384 -nodefaults -display none -no-reboot \
	-kernel "$dir/vmlinuz" -initrd "$dir/initrd.gz" -append "console=ttyS0 panic=-1 quiet" \
	-serial file:"$console" \
	-chardev socket,id=vbus,path="$sock" \
	-device ivshmem-doorbell,chardev=vbus,vectors=2 </dev/null >qemu.out 2>&1 &
qemu=$!
alive() { kill -0 $qemu 2>/dev/null; }

# vbus_ivshmem resets the bus when it binds, which makes vbt-web0 anew: the
# host side is configured after that.
reset_seen() { dmesg | grep -q "vbus: bus vm1: reset by the guest"; }
wait_seconds 900 "the nested guest's vbus_ivshmem to reset the bus" reset_seen
wait_for "vbt-web0 after the reset" 60 test -e /sys/class/net/vbt-web0
ip addr add 10.84.0.1/24 dev vbt-web0
ip link set vbt-web0 up
"$nested_tcp" sink 5001 >sink.out &
sink=$!
nested_wait_console "$console" "NESTED device" 300 alive
echo "nested guest up $((SECONDS - start)) s after QEMU started"
nested_wait_console "$console" "NESTED ping ok" 120 alive

# The stream is under way (the guest's frames arrive), then vbusd restarts.
stat() { cat /sys/vbus/devices/web0/stats/$1; }
flowing() { [ "$(stat tx_bytes)" -gt $((2 << 20)) ]; }
wait_seconds 300 "the nested guest's stream to flow" flowing
drops=$(stat drops)

old=$(main_pid)
since=$(mark)
systemctl restart vbusd.service
wait_for "vbusd active again after systemctl restart" 120 \
	bash -c '[ "$(systemctl is-active vbusd.service)" = active ] &&
		[ "$(systemctl show -P MainPID vbusd.service)" != '"$old"' ]'
journal_has "$since" "bus vm1: adopted ivshmem client" ||
	fail "systemctl restart: vbusd did not adopt QEMU's connection"
echo "systemctl restart: vbusd $old -> $(main_pid) at $(stat tx_bytes) bytes of the stream"

old=$(main_pid)
since=$(mark)
kill -9 "$old"
wait_for "vbusd active again after kill -9" 120 \
	bash -c '[ "$(systemctl is-active vbusd.service)" = active ] &&
		[ "$(systemctl show -P MainPID vbusd.service)" != '"$old"' ]'
journal_has "$since" "bus vm1: adopted ivshmem client" ||
	fail "kill -9: vbusd did not adopt QEMU's connection"
echo "kill -9: vbusd $old -> $(main_pid) at $(stat tx_bytes) bytes of the stream"
[ "$(stat tx_bytes)" -lt "$bytes" ] ||
	echo "note: the stream had ended before the second restart (the machine was fast)"

wait "$sink" || fail "the stream across the restarts was not intact: $(cat sink.out)"
grep -q "bytes=$bytes .*verified=yes" sink.out || fail "nested -> host: $(cat sink.out)"
echo "nested -> host across both restarts: $(grep received sink.out)"
[ "$(stat drops)" = "$drops" ] ||
	fail "the device dropped $(($(stat drops) - drops)) frames during the restarts"
alive || fail "QEMU died"
ping -c 3 -W 10 10.84.0.2 >/dev/null || fail "host -> guest after the restarts: no answer"
echo "host -> guest ping after the restarts: ok; drops $(stat drops) before and after"
nested_wait_console "$console" "NESTED done" 300 alive
grep -q "NESTED source rc=0" "$console" || fail "the nested source: $(grep 'NESTED source' "$console")"
grep "NESTED ethtool" "$console" | grep -E "packets|doorbells|interrupts" || true
wait_seconds 120 "QEMU to exit at the nested guest's reboot" sh -c "! kill -0 $qemu 2>/dev/null"
wait $qemu || true
echo "restart under traffic: pass"

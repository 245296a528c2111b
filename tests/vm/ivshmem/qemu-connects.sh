# vbusd's ivshmem server (daemon/ivshmem-server.c, hosted by
# vbus-ivshmem-serve) with real QEMU: an ivshmem-doorbell device run as
# libvirt-qemu connects through the socket's ACL, realizes (1af4:1110 in
# "info pci"), and the bus is attached in vbus.ko (vbt-web0 exists) while
# it is connected, and only then; a second QEMU is refused with the first
# unharmed; garbage and an early close never stop the server; a QEMU that
# comes back gets a fresh id.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
serve=$VBUS_BUILDDIR/tests/tools/vbus-ivshmem-serve
size=1048576
sock=/run/vbus/bus/vm1.sock

getent passwd libvirt-qemu >/dev/null || fail "no user libvirt-qemu: run tools/install-deps (libvirt-daemon-system)"
vbus_insmod vbus
mkdir -p /run/vbus/bus
"$nl" bus-new vm1 connector=ivshmem region=$size
"$nl" dev-new web0
"$nl" connect web0 vm1

# wait_line FD PATTERN: the next line of FD that matches; 120 s at most.
wait_line() {
	local line
	while read -r -t 120 line <&"$1"; do
		if [[ $line == *$2* ]]; then
			echo "$line"
			return 0
		fi
	done
	fail "no line matching '$2' on fd $1"
}

mkfifo serve.in serve.out
"$serve" vm1 "$sock" $size libvirt-qemu <serve.in >serve.out &
server=$!
exec 4>serve.in 3<serve.out
wait_line 3 listening >/dev/null
[ -e /sys/class/net/vbt-web0 ] && fail "attached before any client"
# Only root and libvirt-qemu (the socket's ACL) may connect.
expect_fail setpriv --reuid=nobody --regid=nogroup --clear-groups python3 -c \
	'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$sock" 2>/dev/null

# qemu_start NAME: QEMU as libvirt-qemu with one ivshmem-doorbell on the
# socket, stopped (-S, TCG: no guest runs), its HMP monitor on NAME.in/out.
qemu_start() {
	mkfifo "$1.in" "$1.out"
	setpriv --reuid=libvirt-qemu --regid=kvm --init-groups \
		qemu-system-x86_64 -M pc -accel tcg -m 64 -nodefaults -display none -S \
		-chardev socket,id=vbus,path="$sock" \
		-device ivshmem-doorbell,chardev=vbus,vectors=2 \
		-monitor stdio <"$1.in" >"$1.out" 2>"$1.err" &
}

qemu_start q1
q1=$!
exec 6>q1.in 5<q1.out
echo "info pci" >&6
wait_line 5 "1af4:1110" >/dev/null
line=$(wait_line 3 connected)
[[ $line == "connected id=1 pid=$q1 attached=1 "* ]] || fail "first QEMU: '$line' (pid $q1)"
[ -e /sys/class/net/vbt-web0 ] || fail "QEMU connected, but no vbt-web0: the bus is not attached"
expect_fail "$nl" bus-del vm1 2>/dev/null

# A second QEMU on the same bus: refused, fails to start with QEMU's
# message (not stuck in realize); the first stays.
timeout 120 setpriv --reuid=libvirt-qemu --regid=kvm --init-groups \
	qemu-system-x86_64 -M pc -accel tcg -m 64 -nodefaults -display none -S \
	-chardev socket,id=vbus,path="$sock" \
	-device ivshmem-doorbell,chardev=vbus,vectors=2 -monitor none </dev/null 2>q2.err &&
	fail "a second QEMU started on a served bus"
cat q2.err
grep -q "server sent version -1" q2.err || fail "second QEMU: $(cat q2.err)"
wait_line 3 refused >/dev/null
kill -0 "$q1" || fail "the first QEMU died"
echo "info pci" >&6
wait_line 5 "1af4:1110" >/dev/null

echo quit >&6
wait "$q1" || fail "first QEMU exit status $?"
exec 6>&- 5<&-
line=$(wait_line 3 disconnected)
[[ $line == "disconnected id=1 "* ]] || fail "after quit: '$line'"
[ -e /sys/class/net/vbt-web0 ] && fail "the attachment outlived its client"

# Garbage from a client that read its setup: dropped. Then a client gone at
# once: dropped at its setup, or seen to leave. The server keeps serving.
python3 - "$sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
setup = b""
while len(setup) < 7 * 8:
    chunk = s.recv(7 * 8 - len(setup))
    assert chunk, "setup cut short"
    setup += chunk
s.send(b"garbage!")
s.settimeout(60)
assert s.recv(8) == b"", "still connected after garbage"
s.close()
PY
line=$(wait_line 3 "disconnected id=2 ")
[[ $line == *dropped=1* ]] || fail "garbage client: '$line'"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$sock"
while read -r -t 120 line <&3; do
	[[ $line == dropped* || $line == disconnected* ]] && break
	[[ $line == connected* ]] || fail "early close: '$line'"
done
[[ $line == dropped* || $line == disconnected* ]] || fail "early close: nothing said"
kill -0 "$server" || fail "the server died"

qemu_start q3
q3=$!
exec 6>q3.in 5<q3.out
echo "info pci" >&6
wait_line 5 "1af4:1110" >/dev/null
line=$(wait_line 3 "pid=$q3 ")
[[ $line == connected*attached=1* ]] || fail "QEMU back: '$line'"
[ -e /sys/class/net/vbt-web0 ] || fail "QEMU back, but no vbt-web0"
id=$(sed -n 's/^connected id=\([0-9]*\) .*/\1/p' <<<"$line")
[ "${id:-0}" -gt 2 ] || fail "QEMU back: '$line', expected a fresh id"
echo quit >&6
wait "$q3" || fail "third QEMU exit status $?"
exec 6>&- 5<&-

exec 4>&-
wait "$server" || fail "server exit status $?"
[ -e "$sock" ] && fail "$sock outlived its server"
[ -e /sys/class/net/vbt-web0 ] && fail "vbt-web0 outlived the attachment"
"$nl" bus-del vm1 >/dev/null 2>&1 || true
"$nl" dev-del web0 >/dev/null 2>&1 || true
rmmod vbus

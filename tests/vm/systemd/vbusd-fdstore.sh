# vbusd restarts without losing the data path (systemd's fd store): a real
# QEMU (ivshmem-doorbell, as libvirt-qemu) connected to the socket vbusd
# serves for an ivshmem bus stays connected, with the same peer id, and the
# bus stays attached in vbus.ko, across `systemctl restart vbusd` and across
# a `kill -9` followed by systemd's Restart=on-failure; the restarted vbusd
# holds the client (it notices the QEMU leaving and detaches the bus, so the
# bus can be deleted), and a new QEMU is then served.
# vm-test-timeout: 900
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/systemd/vbusd-lib"

sock=/run/vbus/bus/vm1.sock
getent passwd libvirt-qemu >/dev/null || fail "no user libvirt-qemu: run tools/install-deps (libvirt-daemon-system)"
[ "$(systemctl show -P FileDescriptorStoreMax vbusd.service)" -gt 0 ] ||
	fail "vbusd.service has no FileDescriptorStoreMax="
# mark: the journal's cursor now; journal_has MARK PATTERN: vbusd logged a
# line matching PATTERN after MARK; journal_since MARK: those lines.
mark() { journalctl -n 1 -o json --no-pager | jq -r .__CURSOR; }
journal_since() { journalctl -u vbusd.service --after-cursor "$1" -o cat --no-pager; }
journal_has() { journal_since "$1" | grep -E -q "$2"; }

cat >/etc/vbus/fabric.d/10-vm1.json <<'JSON'
{"version": 1, "buses": [{"name": "vm1", "connector": "ivshmem"}],
 "devices": [{"name": "web0", "type": "venet", "bus": "vm1"}]}
JSON
start=$(mark)
systemctl start vbusd.service
wait_for "vbusd serving $sock" 60 test -S "$sock"
[ -e /sys/class/net/vbt-web0 ] && fail "attached before any client"

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


# QEMU as libvirt-qemu, stopped (-S, TCG), its HMP monitor on fds 6/5.
mkfifo q1.in q1.out
setpriv --reuid=libvirt-qemu --regid=kvm --init-groups \
	qemu-system-x86_64 -M pc -accel tcg -m 64 -nodefaults -display none -S \
	-chardev socket,id=vbus,path="$sock" \
	-device ivshmem-doorbell,chardev=vbus,vectors=2 \
	-monitor stdio <q1.in >q1.out 2>q1.err &
q1=$!
exec 6>q1.in 5<q1.out
echo "info pci" >&6
wait_line 5 "1af4:1110" >/dev/null
wait_for "vbusd to log the QEMU's connection" 60 \
	journal_has "$start" "ivshmem client 1 \(pid $q1\) connected"
[ -e /sys/class/net/vbt-web0 ] || fail "QEMU connected, but the bus is not attached (no vbt-web0)"
conn=$(ss -xpn | grep "pid=$q1," | awk '{print $6}' | sort -u | tr '\n' ' ')
echo "QEMU's unix sockets: $conn"
[ -n "$conn" ] || fail "no unix socket of QEMU in ss"

# The data path, vbusd not on it: QEMU's copies of the host's doorbell
# eventfds (taken with pidfd_getfd; QEMU's other eventfds, its own vectors
# and main-loop notifiers, take a spurious wake-up under -S) still kick the
# bus in vbus.ko: web0's doorbell counter (vector 1) goes up.
kick_qemu() {
	python3 - "$q1" <<'PY'
import ctypes, os, sys
pid = int(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
pidfd = os.pidfd_open(pid)
kicked = 0
for fd in os.listdir(f"/proc/{pid}/fd"):
    try:
        if os.readlink(f"/proc/{pid}/fd/{fd}") != "anon_inode:[eventfd]":
            continue
    except OSError:
        continue
    mine = libc.syscall(438, pidfd, int(fd), 0)  # pidfd_getfd
    if mine < 0:
        raise OSError(ctypes.get_errno(), "pidfd_getfd")
    os.write(mine, (1).to_bytes(8, "little"))
    os.close(mine)
    kicked += 1
assert kicked, "QEMU holds no eventfd"
PY
}
doorbells() { cat /sys/vbus/devices/web0/stats/doorbells; }
doorbell_check() {
	local before
	before=$(doorbells)
	kick_qemu || fail "$1: cannot kick through QEMU's eventfds"
	wait_for "$1: web0's doorbells above $before" 30 test "$(doorbells)" -gt "$before"
	echo "$1: web0 doorbells $before -> $(doorbells)"
}
doorbell_check "before any restart"

# restart_check HOW: after vbusd came back, the QEMU is the same process,
# adopted with the same id, its socket the same, and the bus still attached.
restart_check() {
	local how=$1 since=$2 old=$3 pid
	wait_for "vbusd active again after $how" 120 \
		bash -c '[ "$(systemctl is-active vbusd.service)" = active ] &&
			[ "$(systemctl show -P MainPID vbusd.service)" != '"$old"' ]'
	pid=$(main_pid)
	echo "$how: vbusd $old -> $pid"
	journal_has "$since" "took back [0-9]+ file descriptors" ||
		fail "$how: vbusd took back no fd from systemd's store"
	journal_has "$since" "bus vm1: adopted ivshmem client 1 \(pid $q1\)" ||
		fail "$how: vbusd did not adopt QEMU's connection: $(journal_since "$since")"
	journal_has "$since" "not adopting|closing the inherited" &&
		fail "$how: an inherited fd was rejected: $(journal_since "$since")"
	kill -0 "$q1" || fail "$how: QEMU died"
	[ -e /sys/class/net/vbt-web0 ] || fail "$how: the bus was detached (no vbt-web0)"
	# the connection QEMU holds is the one vbusd now holds: vbusd's
	# process has the peer end of QEMU's socket
	[ "$(ss -xpn | grep "pid=$q1," | awk '{print $6}' | sort -u | tr '\n' ' ')" = "$conn" ] ||
		fail "$how: QEMU's socket changed (a reconnect)"
	ss -xpn | grep "pid=$pid," | awk '{print $8}' | grep -qw -f <(tr ' ' '\n' <<<"$conn" | grep .) ||
		fail "$how: the new vbusd ($pid) does not hold the peer of QEMU's connection: $(ss -xpn | grep -e "pid=$pid," -e "pid=$q1,")"
	echo "info pci" >&6
	wait_line 5 "1af4:1110" >/dev/null
	doorbell_check "$how"
	# no new connection was accepted
	journal_has "$since" "ivshmem client [0-9]+ \(pid [0-9]+\) connected" &&
		fail "$how: a new connection was served"
	return 0
}

since=$(mark)
old=$(main_pid)
systemctl restart vbusd.service
restart_check "systemctl restart" "$since" "$old"

since=$(mark)
old=$(main_pid)
kill -9 "$old"
restart_check "kill -9 and Restart=on-failure" "$since" "$old"
[ "$(systemctl show -P NRestarts vbusd.service)" -ge 1 ] || fail "systemd did not restart vbusd"

# The restarted vbusd holds the client: QEMU leaving is noticed, the bus
# detached (and deletable), and the fds leave systemd's store.
since=$(mark)
echo "QEMU quits"
echo quit >&6
exited() { [ "$(awk '{print $3}' "/proc/$q1/stat" 2>/dev/null)" = Z ] || ! kill -0 "$q1" 2>/dev/null; }
wait_for "QEMU to exit after quit" 60 exited
wait "$q1" || fail "QEMU exit status $?"
exec 6>&- 5<&-
echo "QEMU exited"
wait_for "vbusd to notice QEMU leaving" 60 journal_has "$since" "ivshmem client 1 \(pid $q1\) left"
echo "vbusd noticed QEMU leaving"
wait_for "the bus detached" 60 test ! -e /sys/class/net/vbt-web0
echo "bus detached"

# A restart now inherits no client (its fds left the store): a new QEMU is
# served as usual.
since=$(mark)
systemctl restart vbusd.service
wait_for "vbusd active" 120 test "$(systemctl is-active vbusd.service)" = active
journal_has "$since" "adopted ivshmem client" && fail "adopted a client that had left"
journal_has "$since" "not adopting|closing the inherited" &&
	fail "stale fds came back: $(journal_since "$since")"
timeout 120 setpriv --reuid=libvirt-qemu --regid=kvm --init-groups \
	qemu-system-x86_64 -M pc -accel tcg -m 64 -nodefaults -display none -S \
	-chardev socket,id=vbus,path="$sock" \
	-device ivshmem-doorbell,chardev=vbus,vectors=2 -monitor none </dev/null >q2.out 2>q2.err &
q2=$!
# (q2 is timeout's pid, QEMU its child)
wait_for "a new QEMU served" 120 journal_has "$since" "ivshmem client [0-9]+ \(pid [0-9]+\) connected"
[ -e /sys/class/net/vbt-web0 ] || fail "the new QEMU's bus is not attached"
echo "a new QEMU served after a restart without one"
kill "$q2"
wait "$q2" || true
echo "fdstore restart: pass"

# Fixture: the test runs under systemd as PID 1, inside vbus-test.service,
# and can start a Type=notify service (a stand-in made here: no vbusd needed)
# whose state, status text, journal and sandbox are what its unit says.
. "$VBUS_SRCDIR/tests/vm/lib.sh"

[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm)"
grep -q 'vbus-test.service' /proc/self/cgroup || fail "not in vbus-test.service: $(cat /proc/self/cgroup)"

# A transient unit (systemd-run): no daemon-reload, which is slow under TCG.
trap 'systemctl stop vbus-standin.service; rm -f /run/vbus-standin.py' EXIT
cat >/run/vbus-standin.py <<'PY'
import os, socket, time
print('stand-in ready', flush=True)
addr = os.environ['NOTIFY_SOCKET']
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect('\0' + addr[1:] if addr.startswith('@') else addr)
s.send(b'READY=1\nSTATUS=standing in')
time.sleep(3600)
PY
systemd-run --unit=vbus-standin.service -p Type=notify -p NotifyAccess=main \
	-p CapabilityBoundingSet=CAP_NET_ADMIN -p ProtectSystem=strict \
	/usr/bin/python3 /run/vbus-standin.py
[ "$(systemctl is-active vbus-standin.service)" = active ] || fail "stand-in not active"
[ "$(systemctl show -P StatusText vbus-standin.service)" = "standing in" ] ||
	fail "status text: '$(systemctl show -P StatusText vbus-standin.service)'"
pid=$(systemctl show -P MainPID vbus-standin.service)
# CAP_NET_ADMIN is bit 12.
grep -q '^CapBnd:[[:space:]]*0000000000001000$' "/proc/$pid/status" ||
	fail "bounding set not applied: $(grep CapBnd "/proc/$pid/status")"
# In the stand-in's mount namespace, /usr is read-only even for us.
if nsenter -t "$pid" -m touch /usr/vbus-probe 2>/dev/null; then
	fail "/usr is writable in the stand-in's namespace (ProtectSystem=strict not applied)"
fi
for _ in $(seq 50); do
	journalctl -u vbus-standin.service -o cat | grep -q 'stand-in ready' && exit 0
	sleep 0.2
done
fail "the stand-in's output is not in its journal"

# vbusd as the installed service: "systemctl start" returns once it is ready
# (Type=notify), its status text counts the fabric, its journal entries carry
# VBUS_* fields, it serves the private socket and org.vbus.Manager1 on the
# system bus, whose policy lets anyone read and only root change, and its
# sandbox is applied (capabilities, no new privileges, seccomp, read-only /usr).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/systemd/vbusd-lib"

cp "$VBUS_SRCDIR/examples/two-vms.json" /etc/vbus/fabric.d/10-two-vms.json
systemctl start dbus.socket
systemctl start vbusd.service
[ "$(systemctl is-active vbusd.service)" = active ] || fail "vbusd is $(systemctl is-active vbusd.service)"
status=$(systemctl show -P StatusText vbusd.service)
echo "StatusText: $status"
[[ $status =~ ^2\ buses,\ 3\ devices ]] || fail "status text: '$status'"
[ "$(sys_devices | tr '\n' ' ')" = "db0 web0 web1 " ] || fail "fabric.d not applied: $(sys_devices)"

# The same text over both ways in.
[ "$(busctl --address=unix:path=$socket get-property org.vbus.Manager1 /org/vbus/Manager1 \
	org.vbus.Manager1 StatusText)" = "s \"$status\"" ] || fail "StatusText on the private socket"
wait_for "org.vbus.Manager1 on the system bus" 30 \
	busctl --system status org.vbus.Manager1 >/dev/null 2>&1
[ "$(busctl --system get-property org.vbus.Manager1 /org/vbus/Manager1 \
	org.vbus.Manager1 StatusText)" = "s \"$status\"" ] || fail "StatusText on the system bus"
busctl --system --json=short call org.vbus.Manager1 /org/vbus/Manager1 org.vbus.Manager1 \
	GetStatus | jq -e '.data[0] | fromjson | .devices == 3' >/dev/null || fail "GetStatus on the system bus"

# The D-Bus policy: anyone reads, only root changes.
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
as_nobody busctl --system call org.vbus.Manager1 /org/vbus/Manager1 org.vbus.Manager1 \
	GetStatus >/dev/null || fail "nobody may not read GetStatus"
as_nobody busctl --system call org.vbus.Manager1 /org/vbus/Manager1 org.vbus.Manager1 \
	Export >/dev/null || fail "nobody may not Export"
if out=$(as_nobody busctl --system call org.vbus.Manager1 /org/vbus/Manager1 \
	org.vbus.Manager1 CreateBus 'sa{sv}t' sys0 0 0 2>&1); then
	fail "nobody created a bus"
fi
echo "nobody's CreateBus: $out"
grep -qi 'access denied' <<<"$out" || fail "not an access denial: $out"
[ ! -d /sys/vbus/buses/sys0 ] || fail "nobody's CreateBus made sys0"
busctl --system call org.vbus.Manager1 /org/vbus/Manager1 org.vbus.Manager1 \
	CreateBus 'sa{sv}t' sys0 0 0 || fail "root may not CreateBus on the system bus"
[ -d /sys/vbus/buses/sys0 ] || fail "root's CreateBus did not make sys0"
wait_for "status text with 3 buses" 30 \
	bash -c '[[ $(systemctl show -P StatusText vbusd.service) =~ ^3\ buses,\ 3\ devices ]]'

# Structured journal entries: some vbusd entry has a VBUS_* field.
fields=$(journalctl -b -u vbusd.service -o json --no-pager | jq -r 'keys[]' | grep '^VBUS_' | sort -u | tr '\n' ' ')
echo "journal fields: $fields"
[ -n "$fields" ] || fail "no VBUS_* field in vbusd's journal: $(journalctl -b -u vbusd.service -o json --no-pager | tail -n 3)"

# The sandbox, as the kernel sees it.
pid=$(main_pid)
grep -q '^CapBnd:[[:space:]]*0000000000001000$' "/proc/$pid/status" ||
	fail "bounding set is not CAP_NET_ADMIN alone: $(grep CapBnd "/proc/$pid/status")"
grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$pid/status" || fail "NoNewPrivs not set"
grep -q '^Seccomp:[[:space:]]*2$' "/proc/$pid/status" || fail "no seccomp filter"
if nsenter -t "$pid" -m touch /usr/vbus-probe 2>/dev/null; then
	fail "/usr is writable in vbusd's namespace"
fi
nsenter -t "$pid" -m test -w /var/lib/vbus || fail "/var/lib/vbus is not writable for vbusd"
if nsenter -t "$pid" -m test -e /dev/sda -o -e /dev/vda -o -e /dev/mem; then
	fail "vbusd sees hardware devices (PrivateDevices)"
fi
[ "$(stat -c %a "$socket")" = 600 ] || fail "$socket is $(stat -c %a "$socket"), not root-only"

systemctl reload vbusd.service || fail "reload failed"
[ "$(systemctl is-active vbusd.service)" = active ] || fail "not active after reload"
[ "$(main_pid)" = "$pid" ] || fail "reload restarted vbusd"

# The Event signal on the private socket: the kernel's events, whoever caused
# them (vbusd's apply, or vbus-nl), and vbusd's own apply and drift events.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

vbus_insmod vbus
vbusd_start
# vbusd's Event signals into ./events
events_listen 120

vbusd_get Apply sst "$(cat "$VBUS_SRCDIR/examples/two-vms.json")" two-vms.json 0 >/dev/null
"$nl" dev-new stray
"$nl" dev-set stray zcthresh=0
has() { grep -q "$1" events; }
for line in '^bus-new bus web {"name":"web","connector":"ivshmem","region_size":2097152' \
	'^device-new device web0 ' '^connect connection web0 {"device":"web0","bus":"web"}' \
	'^apply fabric two-vms.json {"dry_run":false,"changed":true' '^device-new device stray ' \
	'^device-set device stray .*"zcthresh":0'; do
	wait_for "event $line" has "$line"
done
# the apply is told after the kernel events it caused, named by its source
apply_line=$(grep -n '^apply fabric two-vms.json ' events | cut -d: -f1 | head -1)
last_kernel=$(grep -n '^\(bus-new\|device-new\|connect\) [a-z]* \(web\|db\)' events | cut -d: -f1 | tail -1)
[ "$apply_line" -gt "$last_kernel" ] || fail "the apply (line $apply_line) came before its kernel events (line $last_kernel): $(cat events)"
"$nl" disconnect db0
wait_for "drift-restored" has '^drift-restored connection db0 '
kill "$listener"
wait "$listener" 2>/dev/null || true
cat events
vbusd_stop

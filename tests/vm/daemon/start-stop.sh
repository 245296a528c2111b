# Start-up and stop: without vbus.ko vbusd says so with the fix and exits 1;
# a second vbusd on the same state refuses to start; fabric.d is applied at
# start and on SIGHUP; SIGTERM leaves every object in place.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

if "$vbusd" --no-system-bus --state-dir "$state" --config-dir "$config" >out 2>&1; then
	fail "vbusd ran without vbus.ko"
else
	[ $? -eq 1 ] || fail "exit status without vbus.ko"
fi
cat out
grep -q 'vbus.ko is not loaded.*modprobe vbus' out || fail "no hint: $(cat out)"

vbus_insmod vbus
cp "$VBUS_SRCDIR/examples/two-vms.json" "$config/10-two-vms.json"
vbusd_start
[ "$(sys_devices | tr '\n' ' ')" = "db0 web0 web1 " ] || fail "fabric.d not applied at start"
if "$vbusd" --no-system-bus --state-dir "$state" --config-dir "$config" \
	--private-socket /run/vbus/other >out 2>&1; then
	fail "a second vbusd started"
fi
cat out
grep -q "$state/lock: another vbusd runs (pid $vbusd_pid)" out || fail "second vbusd: $(cat out)"
vbusd_call GetStatus >/dev/null || fail "the first vbusd was disturbed"

# SIGHUP re-reads fabric.d
cat >"$config/20-more.json" <<'JSON'
{ "version": 1, "devices": [ { "name": "cache0", "type": "venet", "bus": "db" } ] }
JSON
kill -HUP "$vbusd_pid"
cache_on_db() { [ "$(cat /sys/vbus/devices/cache0/bus 2>/dev/null)" = db ]; }
wait_for "cache0 from SIGHUP" cache_on_db
vbusd_get GetStatus | jq -e '.in_sync and .devices == 4' >/dev/null || fail "status after reload"
[ "$(busctl --address=unix:path=$socket get-property org.vbus.Manager1 /org/vbus/Manager1 \
	org.vbus.Manager1 StatusText)" = 's "2 buses, 4 devices, in sync"' ] || fail "StatusText"
[ "$(busctl --address=unix:path=$socket get-property org.vbus.Manager1 /org/vbus/Manager1 \
	org.vbus.Manager1 DriftPolicy)" = 's "restore"' ] || fail "DriftPolicy"
vbusd_stop
[ "$(sys_devices | wc -l)" -eq 4 ] || fail "objects removed on stop"
[ ! -e $socket ] || fail "socket left after stop"

# vbusd applies examples/two-vms.json: the kernel then has exactly it; a second
# apply, and an apply of its own export (dry run), change nothing; a dry run
# changes nothing; the desired state is persisted.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

vbus_insmod vbus
vbusd_start
fabric=$(cat "$VBUS_SRCDIR/examples/two-vms.json")

# dry run first: the plan, and nothing made
vbusd_get Apply sst "$fabric" two-vms.json 1 >dry
jq -e '.dry_run == true and .changed == true' dry >/dev/null || fail "dry run result: $(cat dry)"
[ "$(jq '.operations | length' dry)" -eq 8 ] || fail "dry run plan: $(cat dry)"
[ -z "$(sys_devices)" ] && [ -z "$(sys_buses)" ] || fail "a dry run changed the kernel"
jq -e '.devices | length == 0' "$state/fabric.json" >/dev/null || fail "a dry run persisted its fabric"

vbusd_get Apply sst "$fabric" two-vms.json 0 >first
jq -e '.dry_run == false and .changed == true' first >/dev/null || fail "apply: $(cat first)"
[ "$(sys_buses | tr '\n' ' ')" = "db web " ] || fail "buses: $(sys_buses)"
[ "$(sys_devices | tr '\n' ' ')" = "db0 web0 web1 " ] || fail "devices: $(sys_devices)"
[ "$(cat /sys/vbus/devices/web0/bus)" = web ] || fail "web0 not on web"
[ "$(cat /sys/vbus/devices/db0/bus)" = db ] || fail "db0 not on db"
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "web0 mtu"
[ "$(cat /sys/vbus/devices/db0/zcthresh)" = 0 ] || fail "db0 zcthresh"
[ "$(cat /sys/vbus/devices/web1/mac)" = 02:00:00:00:01:01 ] || fail "web1 mac"
[ "$(cat /sys/vbus/buses/web/connector)" = ivshmem ] || fail "web connector"
[ "$(cat /sys/vbus/buses/web/region_size)" = 2097152 ] || fail "web region_size"
jq -e '.devices | length == 3' "$state/fabric.json" >/dev/null || fail "state not persisted"
[ ! -e "$state/pending.json" ] || fail "pending.json left after a good apply"

vbusd_get Apply sst "$fabric" two-vms.json 0 >second
jq -e '.changed == false and (.operations | length) == 0' second >/dev/null ||
	fail "second apply changed something: $(cat second)"

vbusd_get Export >export.json
vbusd_get Apply sst "$(cat export.json)" export.json 1 >again
jq -e '.changed == false' again >/dev/null || fail "export does not re-apply as a no-op: $(cat again)"

vbusd_get GetStatus >status
jq -e '.in_sync == true and .buses == 2 and .devices == 3 and .last_apply.result == "ok"' \
	status >/dev/null || fail "status: $(cat status)"
vbusd_get GetDevices as 1 web0 >devices
jq -e '.devices[0].name == "web0" and .devices[0].bus == "web" and .devices[0].managed == true' \
	devices >/dev/null || fail "GetDevices web0: $(cat devices)"
vbusd_get GetBuses as 0 >buses
jq -e '[.buses[].name] | sort == ["db", "web"]' buses >/dev/null || fail "GetBuses: $(cat buses)"
vbusd_get GetStats as 0 >stats
jq -e '.devices | length == 3' stats >/dev/null || fail "GetStats: $(cat stats)"
if out=$(vbusd_call GetDevices as 1 nosuch 2>&1); then fail "GetDevices of no such device: $out"; fi
echo "$out" | grep -q 'device nosuch: no such device' || fail "NotFound message: $out"

# SIGTERM leaves every object in place
vbusd_stop
[ "$(sys_devices | wc -l)" -eq 3 ] || fail "vbusd removed devices on stop"

# 500 devices: the time one apply takes (printed), and kill -9 in the middle
# of an apply: after a restart the kernel has exactly the 500 devices, each
# once, and the persisted state says so.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

python3 - >500.json <<'PY'
import json
print(json.dumps({"version": 1,
                  "buses": [{"name": "b%d" % b, "connector": "ivshmem"} for b in range(2)],
                  "devices": [{"name": "d%03d" % i, "type": "venet", "bus": "b%d" % (i % 2),
                               "mtu": 9000} for i in range(500)]}))
PY
check_500() {
	[ "$(ls /sys/vbus/devices | wc -l)" -eq 500 ] || fail "$1: $(ls /sys/vbus/devices | wc -l) devices"
	[ "$("$nl" dev-dump | grep -o 'name=d[0-9]*' | sort -u | wc -l)" -eq 500 ] ||
		fail "$1: duplicates or gaps"
	[ "$(ls /sys/vbus/buses/b0/devices | wc -l)" -eq 250 ] || fail "$1: b0 devices"
	[ "$(ls /sys/vbus/buses/b1/devices | wc -l)" -eq 250 ] || fail "$1: b1 devices"
	jq -e '(.devices | length) == 500 and (.buses | length) == 2' "$state/fabric.json" >/dev/null ||
		fail "$1: persisted state"
	[ ! -e "$state/pending.json" ] || fail "$1: pending.json left"
}

vbus_insmod vbus
vbusd_start
start=$(date +%s.%N)
vbusd_get Apply sst "$(cat 500.json)" 500.json 0 >result
end=$(date +%s.%N)
echo "TIME: applying 500 devices on 2 buses (1002 operations): $(awk "BEGIN { print $end - $start }") s"
[ "$(jq '.operations | length' result)" -eq 1002 ] || fail "plan of $(jq '.operations | length' result)"
check_500 "first apply"

# everything away (prune with an empty fabric), then the same apply, killed midway
start=$(date +%s.%N)
vbusd_get Apply sst '{"version": 1}' empty.json 2 >/dev/null
end=$(date +%s.%N)
echo "TIME: pruning them: $(awk "BEGIN { print $end - $start }") s"
[ -z "$(ls /sys/vbus/devices)" ] || fail "prune left devices"
vbusd_call Apply sst "$(cat 500.json)" 500.json 0 >/dev/null 2>&1 &
caller=$!
# a tight loop of shell builtins (no fork), so that the kill lands while the
# plan runs: once the 51st device exists, before the 500 connections
deadline=$((SECONDS + 60))
until [ -e /sys/vbus/devices/d050 ]; do
	[ $SECONDS -lt $deadline ] || fail "the apply did not start"
done
kill -9 "$vbusd_pid"
wait "$vbusd_pid" 2>/dev/null || true
wait "$caller" 2>/dev/null || true
vbusd_pid=
made=$(ls /sys/vbus/devices | wc -l)
echo "killed with $made devices made"
[ "$made" -lt 500 ] || [ "$(ls /sys/vbus/buses/b1/devices | wc -l)" -lt 250 ] ||
	fail "the apply had finished its kernel part before the kill"
[ -e "$state/pending.json" ] || fail "no pending.json after a kill during apply"

vbusd_start
check_500 "after the restart"
grep -q 'an apply was interrupted: finishing it' vbusd.log || fail "no roll-forward logged"

# a restart with everything present adopts it all and changes nothing
vbusd_stop
vbusd_start
check_500 "second restart"
vbusd_get GetStatus | jq -e '.in_sync == true and .devices == 500 and .unmanaged.devices == []' \
	>/dev/null || fail "status after restart"
vbusd_stop

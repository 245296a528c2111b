# A bus's poll_us (the host worker's busy-poll window) end to end, through
# every way a user has: the fabric file, "vbusctl bus set", the kernel's
# sysfs knob. Each reaches the kernel, shows in "bus show" (text and -j) and
# "stats", is announced in "vbusctl monitor", and a change made outside
# vbusd (sysfs) is adopted into the desired state, so a later apply of
# another object does not set it back. Out-of-range values are refused
# (vbusctl: usage error, exit 2; sysfs: ERANGE with the range in the kernel
# log) and change nothing.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start

cat >fabric.json <<'EOF'
{
  "version": 1,
  "buses": [
    { "name": "pa", "connector": "ivshmem", "poll_us": 20 },
    { "name": "pb", "connector": "ivshmem" }
  ]
}
EOF
vbusctl apply -f fabric.json >/dev/null
sysfs=/sys/vbus/buses
[ "$(cat $sysfs/pa/poll_us)" = 20 ] || fail "the fabric's poll_us 20 is not in the kernel: $(cat $sysfs/pa/poll_us)"
default=$(cat $sysfs/pb/poll_us)
[ "$default" -gt 0 ] || fail "a bus without poll_us should get the default window, not $default"
expect_exit 0 vbusctl diff -f fabric.json --exit-code

# bus_poll NAME: poll_us as "vbusctl -j bus show NAME" reports it
bus_poll() {
	vbusctl -j bus show "$1" | python3 -c '
import json, sys
b = json.load(sys.stdin)["buses"]
assert len(b) == 1, b
print(b[0]["poll_us"])'
}

vbusctl monitor >monitor.out 2>monitor.err &
monitor=$!
wait_for "monitor to listen" grep -q '^Listening' monitor.err

# vbusctl bus set: kernel, show, monitor.
vbusctl bus set pa poll_us=0
[ "$(cat $sysfs/pa/poll_us)" = 0 ] || fail "bus set poll_us=0 did not reach the kernel"
[ "$(bus_poll pa)" = 0 ] || fail "bus show -j after bus set: $(bus_poll pa)"
vbusctl bus show pa | tee show
grep -Eqx 'poll_us: +0' show || fail "bus show pa: no 'poll_us: 0' after bus set poll_us=0"
vbusctl bus show | tee table
head -1 table | grep -q POLL_US || fail "the bus table has no POLL_US column"
wait_for "the monitor to show the bus set" grep -q '^bus-set bus pa .*poll_us=0' monitor.out

# Out of range: refused, nothing changes.
expect_exit 2 vbusctl bus set pa poll_us=10001
grep -q 'poll_us' err || fail "bus set poll_us=10001: the error does not name poll_us: $(cat err)"
[ "$(cat $sysfs/pa/poll_us)" = 0 ] || fail "a refused bus set changed the kernel"
dmesg -c >/dev/null
if echo 100000 >$sysfs/pa/poll_us 2>sysfs.err; then
	fail "sysfs accepted poll_us 100000"
fi
grep -q 'Numerical result out of range' sysfs.err || fail "sysfs poll_us 100000: $(cat sysfs.err), not ERANGE"
grep -q 'bus pa: poll_us 100000 is out of range 0\.\.10000' <<<"$(dmesg)" ||
	fail "the kernel log does not give poll_us's range: $(dmesg | tail -3)"
[ "$(cat $sysfs/pa/poll_us)" = 0 ] || fail "a refused sysfs write changed poll_us"

# sysfs: announced, shown by vbusd, adopted into the desired state: a later
# apply (of another object) does not set it back.
echo 300 >$sysfs/pa/poll_us
wait_for "the monitor to show the sysfs write" grep -q '^bus-set bus pa .*poll_us=300' monitor.out
wait_for "vbusd to show poll_us 300" test "$(bus_poll pa)" = 300
wait_for "vbusd to log the adoption" grep -q 'bus pa: changed outside vbusd (poll_us 300): adopted' vbusd.log
python3 -c '
import json, sys
buses = {b["name"]: b for b in json.load(open(sys.argv[1]))["buses"]}
assert buses["pa"].get("poll_us") == 300, buses["pa"]' "$state/fabric.json"
vbusctl bus create pc connector=ivshmem
[ "$(cat $sysfs/pa/poll_us)" = 300 ] || fail "an apply of another object set pa's poll_us back"
vbusctl status | tee status
grep -q 'in sync' status || fail "status after an adopted sysfs change is not in sync"

# stats shows what polling costs, per bus.
vbusctl -j stats | python3 -c '
import json, sys
buses = {b["name"]: b for b in json.load(sys.stdin)["buses"]}
assert buses["pa"]["poll_us"] == 300 and buses["pb"]["poll_us"] > 0, buses
for key in ("poll_windows", "poll_hits", "poll_time_ns"):
    assert isinstance(buses["pa"][key], int), (key, buses["pa"])'

kill -INT "$monitor"
wait "$monitor" || fail "monitor exited with $? on SIGINT"
vbusd_stop

# The seed's zcthresh change, both ways: "vbusctl device set web0 zcthresh=0"
# and "echo 0 > /sys/vbus/devices/web0/zcthresh" each appear in vbusctl
# monitor (text and -j) and in vbusctl device show web0.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start
vbusctl apply -f "$VBUS_SRCDIR/examples/two-vms.json" >/dev/null
vbusctl device set web0 zcthresh=256
[ "$(cat /sys/vbus/devices/web0/zcthresh)" = 256 ] || fail "zcthresh=256 not in the kernel"

vbusctl monitor >monitor.out 2>monitor.err &
monitor=$!
vbusctl -j monitor >monitor.json 2>monitor-json.err &
monitor_json=$!
wait_for "monitor to listen" grep -q '^Listening' monitor.err
wait_for "monitor -j to listen" grep -q '^Listening' monitor-json.err

# lines N: the monitor's Nth device-set line for web0 with zcthresh=0
zero_lines() {
	[ "$(grep -c '^device-set device web0 .*zcthresh=0' monitor.out)" -ge "$1" ] &&
	[ "$(grep -c '"kind":"device-set".*"name":"web0".*"zcthresh":0' monitor.json)" -ge "$1" ]
}

vbusctl device set web0 zcthresh=0
wait_for "the monitor to show vbusctl's zcthresh=0" zero_lines 1
[ "$(cat /sys/vbus/devices/web0/zcthresh)" = 0 ] || fail "vbusctl's zcthresh=0 not in the kernel"
vbusctl device show web0 | tee show
grep -qx 'zcthresh: 0' show || fail "device show web0 after vbusctl set"

vbusctl device set web0 zcthresh=256
wait_for "zcthresh back to 256" grep -q '^device-set device web0 .*zcthresh=256' monitor.out
echo 0 >/sys/vbus/devices/web0/zcthresh
wait_for "the monitor to show sysfs's zcthresh=0" zero_lines 2
vbusctl device show web0 | tee show
grep -qx 'zcthresh: 0' show || fail "device show web0 after the sysfs write"
vbusctl -j device show web0 | python3 -c '
import json, sys
d = json.load(sys.stdin)["devices"]
assert len(d) == 1 and d[0]["name"] == "web0" and d[0]["zcthresh"] == 0, d'

kill -INT "$monitor"
wait "$monitor" || fail "monitor exited with $? on SIGINT"
kill -TERM "$monitor_json"
wait "$monitor_json" || fail "monitor -j exited with $? on SIGTERM"
cat monitor.out
vbusd_stop

# vbusd survives "rmmod vbus; modprobe vbus" (issue 15 item 3): it hears the
# generic netlink family go and come (the controller's notifications), says
# so once in its log, as an Event (monitor) and in status (exit 11, the
# reason given), refuses changes meanwhile with that reason, and once the
# module is back adopts its fabric and applies the desired state it kept:
# the buses and devices are there again, in sync.
# vm-test-kernel: all
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start
vbusctl apply -f "$VBUS_SRCDIR/examples/two-vms.json" >/dev/null
before=$(sys_devices)
[ -n "$before" ] || fail "two-vms.json made no device"

vbusctl monitor >monitor.out 2>monitor.err &
monitor=$!
wait_for "monitor to listen" grep -q '^Listening' monitor.err

rmmod vbus || fail "rmmod vbus"
wait_for "the monitor to see vbus.ko go" grep -q '^module-unloaded kernel vbus' monitor.out
expect_exit 11 vbusctl status
grep -q 'vbus.ko is not loaded' out || fail "status while vbus.ko is gone: $(cat out) $(cat err)"
expect_exit 1 vbusctl device create late0
grep -q 'vbus.ko is not loaded' err || fail "a change while vbus.ko is gone: $(cat err)"

vbus_insmod vbus
wait_for "the monitor to see vbus.ko come back" grep -q '^module-loaded kernel vbus' monitor.out
wait_for "the devices to be back" test "$(sys_devices)" = "$before"
wait_for "status in sync" vbusctl status
expect_exit 0 vbusctl diff -f "$VBUS_SRCDIR/examples/two-vms.json" --exit-code
[ "$(grep -c 'vbus.ko was unloaded' vbusd.log)" = 1 ] || fail "the unload was not logged once: $(cat vbusd.log)"
grep -q 'vbus.ko is loaded again' vbusd.log || fail "the return was not logged"

# and again: the watch still works after a return
rmmod vbus || fail "rmmod vbus (second time)"
wait_for "the second unload" sh -c '[ "$(grep -c "^module-unloaded" monitor.out)" = 2 ]'
vbus_insmod vbus
wait_for "the devices to be back again" test "$(sys_devices)" = "$before"

kill -INT "$monitor"
wait "$monitor" || fail "monitor exited with $? on SIGINT"
vbusd_stop

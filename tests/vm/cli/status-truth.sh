# status tells the truth about fabric.d (issue 15 item 5): started with an
# invalid file, vbusd's status lists its errors (exit 11) and its last apply
# names the persisted state it applied, not fabric.d; a reload (SIGHUP) that
# fails shows in status, not only in the journal; a file removed and
# reloaded takes its problems with it; vbusctl reload (item 18) reports a
# failing reload to its caller (exit 1, the file's errors).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
mkdir -p "$config"
echo '{ "version": 1, "buses": [ { "name": "sb", "connector": "bogus" } ] }' >"$config/bad.json"
vbusd_start
expect_exit 11 vbusctl status
cat out
grep -q 'bad.json: \$\.buses\[0\]\.connector' out || fail "start-up: bad.json's error is not in status"
grep -q '^State: .*problem' out || fail "start-up: the State line does not mention the problem"
grep '^Last apply:' out | grep -q "$config" && fail "start-up: the last apply claims fabric.d was applied"

# fixed: the file goes, a good one comes, a reload: no problem left
rm "$config/bad.json"
echo '{ "version": 1, "buses": [ { "name": "sb", "connector": "loop" } ] }' >"$config/good.json"
kill -HUP "$vbusd_pid"
wait_for "the reload to apply good.json" test -e /sys/vbus/buses/sb
wait_for "status without problems" vbusctl status
vbusctl status

# a reload that fails is in status until a reload succeeds
echo '{ "version": 1, "buses": [ { "name": "sc", "region_size": 5 } ] }' >"$config/bad2.json"
kill -HUP "$vbusd_pid"
wait_for "status to list bad2.json" sh -c 'vbusctl status | grep -q "bad2.json: "'
expect_exit 11 vbusctl status
# "vbusctl reload" is that reload with its errors told to the caller
expect_exit 1 vbusctl reload
grep -q 'bad2.json: \$\.buses\[0\]\.region_size' err || fail "vbusctl reload: $(cat err)"
rm "$config/bad2.json"
expect_exit 0 vbusctl reload
wait_for "bad2.json's problem to go with it" vbusctl status
[ -e /sys/vbus/buses/sb ] || fail "good.json's bus went"
vbusd_stop

# Checkpoints (issue 15 item 18): "apply --checkpoint=SECONDS" is rolled back
# by vbusd when no commit follows (waited for on its Event, not by sleeping),
# kept by "commit", undone at once by "rollback"; status shows the pending
# one; a vbusd restarted with one pending rolls back at start; what vbusd
# does not manage is never touched by a rollback.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

vbus_insmod vbus
vbusd_start
cat >base.json <<'EOT'
{ "version": 1, "buses": [ { "name": "cb", "connector": "loop" } ],
  "devices": [ { "name": "c0", "type": "venet", "bus": "cb", "mtu": 1500 } ] }
EOT
cat >change.json <<'EOT'
{ "version": 1, "buses": [ { "name": "cb", "connector": "loop" } ],
  "devices": [ { "name": "c0", "type": "venet", "bus": "cb", "mtu": 9000 },
               { "name": "c1", "type": "venet", "bus": "cb" } ] }
EOT
vbusctl apply base.json >/dev/null
"$VBUS_BUILDDIR/tests/tools/vbus-nl" dev-new stray0	# unmanaged: never touched
back_to_base() {
	[ "$(cat /sys/vbus/devices/c0/mtu)" = 1500 ] && [ ! -e /sys/vbus/devices/c1 ] &&
		[ -e /sys/vbus/devices/stray0 ]
}

vbusctl monitor >monitor.out 2>monitor.err &
monitor=$!
wait_for "monitor to listen" grep -q '^Listening' monitor.err

# 1. no commit: rolled back at the deadline
expect_exit 0 vbusctl apply change.json --checkpoint=3
grep -q 'rolls this back in 3 s unless "vbusctl commit"' err || fail "apply --checkpoint: $(cat err)"
[ "$(cat /sys/vbus/devices/c0/mtu)" = 9000 ] && [ -e /sys/vbus/devices/c1 ] || fail "the change was not made"
vbusctl status | tee status
grep -q '^Checkpoint: *pending: rolled back at ' status || fail "status does not show the checkpoint"
wait_for "the rollback event" grep -q '^checkpoint-rollback fabric not committed in time' monitor.out
back_to_base || fail "after the deadline: not back to base.json"
vbusctl status | tee status
grep -q '^Checkpoint:' status && fail "status still shows a checkpoint"
expect_exit 0 vbusctl diff base.json --exit-code

# 2. commit keeps it; a second checkpoint while one is pending is refused
vbusctl apply change.json --checkpoint=600 >/dev/null 2>&1
expect_exit 1 vbusctl apply base.json --checkpoint
grep -q 'a checkpoint is pending' err || fail "a second checkpoint: $(cat err)"
expect_exit 0 vbusctl commit
expect_exit 3 vbusctl commit
[ "$(cat /sys/vbus/devices/c0/mtu)" = 9000 ] && [ -e /sys/vbus/devices/c1 ] || fail "commit did not keep the change"

# 3. rollback now (from base again: c1 goes, c0 back to 1500)
vbusctl device destroy c1 --force
vbusctl apply base.json >/dev/null
back_to_base || fail "not at base.json before step 3"
vbusctl apply change.json --checkpoint=600 >/dev/null 2>&1
expect_exit 0 vbusctl rollback
cat out
back_to_base || fail "rollback: not back to base.json"
expect_exit 3 vbusctl rollback

# 4. vbusd restarted with a checkpoint pending: rolled back at start
vbusctl apply change.json --checkpoint=600 >/dev/null 2>&1
kill "$monitor"; wait "$monitor" 2>/dev/null || true
vbusd_stop
vbusd_start
back_to_base || fail "a restarted vbusd did not roll back the pending checkpoint"
grep -q 'checkpoint: one was pending when vbusd stopped' vbusd.log || fail "not logged"
expect_exit 0 vbusctl diff base.json --exit-code
expect_exit 2 vbusctl apply base.json --checkpoint --dry-run
vbusd_stop

# A hung vbusd (SIGSTOP) misses its watchdog pings: systemd aborts it and,
# Restart=on-failure, starts a new one, which is ready and keeps the objects.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/systemd/vbusd-lib"

mkdir -p "$dropins"
cat >"$dropins/watchdog.conf" <<'CONF'
[Service]
WatchdogSec=4s
TimeoutAbortSec=5s
CONF
systemctl daemon-reload

cp "$VBUS_SRCDIR/examples/two-vms.json" /etc/vbus/fabric.d/10-two-vms.json
systemctl start vbusd.service
# (WatchdogUSec shows the period of the running service only.)
[ "$(systemctl show -P WatchdogUSec vbusd.service)" = 4s ] ||
	fail "drop-in not applied: WatchdogUSec=$(systemctl show -P WatchdogUSec vbusd.service)"
old=$(main_pid)
[ "$old" -gt 0 ] || fail "no main PID"
# Pings keep it alive past several watchdog periods.
sleep 10 # the watchdog's period is what is tested: no event to wait on
[ "$(main_pid)" = "$old" ] || fail "vbusd was restarted although it pinged"

kill -STOP "$old"
new_pid() { local p; p=$(main_pid); [ "$p" -gt 0 ] && [ "$p" != "$old" ]; }
wait_for "a new vbusd after the watchdog fired" 60 new_pid
wait_for "the new vbusd to be active" 60 \
	bash -c '[ "$(systemctl is-active vbusd.service)" = active ]'
[ ! -d "/proc/$old" ] || fail "the hung vbusd $old still exists"
grep -q 'Watchdog timeout' <<<"$(journalctl -b -u vbusd.service --no-pager)" ||
	fail "systemd logged no watchdog timeout"
[ "$(systemctl show -P NRestarts vbusd.service)" -ge 1 ] || fail "NRestarts not counted"
[ "$(sys_devices | tr '\n' ' ')" = "db0 web0 web1 " ] || fail "objects after the restart: $(sys_devices)"
vbusd_get GetStatus | jq -e '.devices == 3 and .in_sync' >/dev/null || fail "status after the restart"

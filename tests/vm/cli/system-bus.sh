# vbusctl over the system bus (dbus-daemon, vbusd owning org.vbus.Manager1):
# as root with --system; as nobody, whom the private socket refuses, reads
# work and changes get exit 5 (AccessDenied) and change nothing; monitor gets
# the Event signals there too.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
command -v dbus-daemon >/dev/null || fail "dbus-daemon is missing: apt-get install dbus"
command -v setpriv >/dev/null || fail "setpriv is missing: apt-get install util-linux"

# A policy of our own (the VM's /etc is a tmpfs overlay): root owns the
# name, everyone may call; vbusd itself checks CAP_NET_ADMIN on changes.
cat >/etc/dbus-1/system.d/vbus-test.conf <<'XML'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root"><allow own="org.vbus.Manager1"/></policy>
  <policy context="default"><allow send_destination="org.vbus.Manager1"/></policy>
</busconfig>
XML
system_bus_start
trap 'system_bus_stop; rm -f /etc/dbus-1/system.d/vbus-test.conf; cleanup' EXIT

# No vbusd on either path: the same message as without a system bus.
expect_exit 4 vbusctl status
[ "$(cat err)" = "vbusctl: vbusd: cannot connect to /run/vbus/private: No such file or directory (hint: systemctl start vbusd)" ] ||
	fail "not running, with a system bus: $(cat err)"
expect_exit 4 vbusctl --system status
grep -q '(hint: systemctl start vbusd)$' err || fail "--system, not running: $(cat err)"

vbus_insmod vbus
"$vbusd" --state-dir "$state" --config-dir "$config" --private-socket $socket >>vbusd.log 2>&1 &
vbusd_pid=$!
on_system_bus() { status_answers --system; }
wait_for "vbusd on the system bus" on_system_bus
vbusctl --system apply -f "$VBUS_SRCDIR/examples/two-vms.json" >/dev/null
[ "$(sys_devices)" = "db0 web0 web1 " ] || fail "apply over the system bus: $(sys_devices)"

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VBUS_BUILDDIR/cli/vbusctl" "$@"
}
expect_exit 0 as_nobody status
grep -qx 'Objects:    2 buses, 3 devices' out || fail "nobody's status: $(cat out)"
expect_exit 0 as_nobody device show web0
grep -qx 'mtu:      9000' out || fail "nobody's device show: $(cat out)"
expect_exit 5 as_nobody device set web0 mtu=1500
grep -q 'run vbusctl as root' err || fail "no hint for nobody: $(cat err)"
expect_exit 5 as_nobody device destroy web1
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "nobody changed web0's mtu"
[ "$(sys_devices)" = "db0 web0 web1 " ] || fail "nobody changed the devices: $(sys_devices)"

vbusctl --system monitor >monitor.out 2>monitor.err &
wait_for "monitor on the system bus to listen" grep -q '^Listening' monitor.err
vbusctl --system device set web1 txqlen=500
wait_for "the txqlen change in monitor" grep -q '^device-set device web1 .*txqlen=500' monitor.out
vbusd_stop

# vbusd(8): dry runs need no privilege. With the D-Bus policy vbus ships
# (systemd/dbus-1/system.d), nobody's diff and apply --dry-run over the
# system bus print the plan and change nothing; nobody's real apply is still
# refused (exit 5, AccessDenied from vbusd).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
command -v dbus-daemon >/dev/null || fail "dbus-daemon is missing: apt-get install dbus"
command -v setpriv >/dev/null || fail "setpriv is missing: apt-get install util-linux"

cp "$VBUS_SRCDIR/systemd/dbus-1/system.d/org.vbus.Manager1.conf" /etc/dbus-1/system.d/
system_bus_start
trap 'system_bus_stop; rm -f /etc/dbus-1/system.d/org.vbus.Manager1.conf; cleanup' EXIT

vbus_insmod vbus
"$vbusd" --state-dir "$state" --config-dir "$config" --private-socket $socket >>vbusd.log 2>&1 &
vbusd_pid=$!
on_system_bus() { vbusctl --system status >/dev/null 2>&1; }
wait_for "vbusd on the system bus" on_system_bus
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VBUS_BUILDDIR/cli/vbusctl" "$@"
}
fabric=$VBUS_SRCDIR/examples/two-vms.json
cp "$fabric" /tmp/fabric.json && chmod 644 /tmp/fabric.json

expect_exit 0 as_nobody diff -f /tmp/fabric.json
grep -qx '+ bus web (ivshmem, region_size 2MiB, domain web)' out || fail "nobody's diff: $(cat out) $(cat err)"
expect_exit 0 as_nobody apply --dry-run -f /tmp/fabric.json
grep -q '^+ device web0 ' out || fail "nobody's apply --dry-run: $(cat out) $(cat err)"
[ -z "$(sys_devices)" ] || fail "a dry run changed the kernel: $(sys_devices)"
expect_exit 5 as_nobody apply -f /tmp/fabric.json
grep -q 'permission denied' err || fail "nobody's apply: $(cat err)"
[ -z "$(sys_devices)" ] || fail "nobody's apply changed the kernel: $(sys_devices)"
vbusd_stop

# An unprivileged user (nobody) gets exit status 5 and a hint, for reading
# and changing alike (the private socket is root's and no system bus runs
# here), and changes nothing.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
command -v setpriv >/dev/null || fail "setpriv is missing: apt-get install util-linux"

vbus_insmod vbus
vbusd_start
vbusctl apply -f "$VBUS_SRCDIR/examples/two-vms.json" >/dev/null
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VBUS_BUILDDIR/cli/vbusctl" "$@"
}

expect_exit 5 as_nobody device set web0 mtu=1500
grep -q '^vbusctl: vbusd: cannot connect to /run/vbus/private: Permission denied (hint: .*root' err ||
	fail "no permission message: $(cat err)"
expect_exit 5 as_nobody device destroy web1
expect_exit 5 as_nobody apply -f "$VBUS_SRCDIR/examples/two-vms.json" --prune
expect_exit 5 as_nobody status
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "nobody changed web0's mtu"
[ "$(sys_devices)" = "db0 web0 web1 " ] || fail "nobody changed the devices: $(sys_devices)"
vbusctl status | grep -qx 'State:      in sync' || fail "vbusd not in sync after the attempts"
vbusd_stop

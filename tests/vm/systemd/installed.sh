# What "make install" puts in place works under systemd as PID 1, before
# vbusd runs: systemd-modules-load loaded vbus from modules-load.d/vbus.conf,
# systemd-tmpfiles made vbus's directories with their modes, systemd knows
# vbusd.service from the installed unit, and the system bus loaded the
# D-Bus policy of org.vbus.Manager1.
. "$VBUS_SRCDIR/tests/vm/lib.sh"

[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm), not systemd"

[ "$(systemctl show -P ActiveState systemd-modules-load.service)" = active ] ||
	fail "systemd-modules-load.service is not active: $(systemctl status --no-pager systemd-modules-load.service 2>&1 | tail -n 5)"
[ -d /sys/module/vbus ] || fail "vbus.ko was not loaded at boot (modules-load.d/vbus.conf)"

mode_of() { stat -c '%a %U' "$1"; }
[ "$(mode_of /run/vbus)" = "755 root" ] || fail "/run/vbus: $(mode_of /run/vbus), expected 755 root"
[ "$(mode_of /var/lib/vbus)" = "700 root" ] || fail "/var/lib/vbus: $(mode_of /var/lib/vbus), expected 700 root"
[ "$(mode_of /etc/vbus/fabric.d)" = "755 root" ] || fail "/etc/vbus/fabric.d: $(mode_of /etc/vbus/fabric.d)"

path=$(systemctl show -P FragmentPath vbusd.service)
[ -n "$path" ] && [ -f "$path" ] || fail "systemd does not know vbusd.service"
echo "vbusd.service: $path"
sbindir=$(sed -n 's|^ExecStart=\(.*\)/vbusd$|\1|p' "$path")
[ -n "$sbindir" ] || fail "no ExecStart=SBINDIR/vbusd in $path"
[ "$(systemctl show -P Type vbusd.service)" = notify ] || fail "vbusd.service is not Type=notify"
grep -q '^WatchdogSec=[1-9]' "$path" || fail "vbusd.service has no watchdog"

# The system bus runs with the policy of org.vbus.Manager1 where
# dbus-daemon reads it (tests/vm/systemd-overlay includes a prefix's).
systemctl start dbus.service
busctl --system --no-pager status >/dev/null || fail "no system bus"
grep -rqs org.vbus.Manager1 /usr/share/dbus-1/system.d /etc/dbus-1/system.d \
	$(sed -n 's|.*<includedir>\(.*\)</includedir>.*|\1|p' /etc/dbus-1/system.d/vbus-test-prefix.conf 2>/dev/null) ||
	fail "the policy of org.vbus.Manager1 is not where dbus-daemon reads it"

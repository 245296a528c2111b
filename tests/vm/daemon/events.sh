# The Event signal on the private socket: the kernel's events, whoever caused
# them (vbusd's apply, or vbus-nl), and vbusd's own apply and drift events.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null ||
	fail "python3-dbus and python3-gi are missing: apt-get install python3-dbus python3-gi"

vbus_insmod vbus
vbusd_start
# a peer-to-peer listener: prints "ready", then one line per Event signal
/usr/bin/python3 -u - "unix:path=$socket" >events 2>listener.log <<'PY' &
import sys
import dbus
import dbus.mainloop.glib
from gi.repository import GLib

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
connection = dbus.connection.Connection(sys.argv[1])
connection.add_signal_receiver(
    lambda kind, obj, name, details: print(kind, obj, name, details, flush=True),
    signal_name="Event", dbus_interface="org.vbus.Manager1")
# a call, so that vbusd has accepted the connection before "ready"
connection.call_blocking("org.vbus.Manager1", "/org/vbus/Manager1", "org.vbus.Manager1",
                         "GetStatus", "", [], timeout=120)
print("ready", flush=True)
GLib.timeout_add_seconds(120, lambda: sys.exit(1))
GLib.MainLoop().run()
PY
listener=$!
trap 'cat listener.log >&2 2>/dev/null; cleanup' EXIT
listening() { grep -q '^ready' events; }
wait_for "the listener" listening

vbusd_get Apply sst "$(cat "$VBUS_SRCDIR/examples/two-vms.json")" two-vms.json 0 >/dev/null
"$nl" dev-new stray
"$nl" dev-set stray zcthresh=0
has() { grep -q "$1" events; }
for line in '^bus-new bus web {"name":"web","connector":"ivshmem","region_size":2097152' \
	'^device-new device web0 ' '^connect connection web0 {"device":"web0","bus":"web"}' \
	'^apply fabric  {"dry_run":false,"changed":true' '^device-new device stray ' \
	'^device-set device stray .*"zcthresh":0'; do
	wait_for "event $line" has "$line"
done
"$nl" disconnect db0
wait_for "drift-restored" has '^drift-restored connection db0 '
kill "$listener"
wait "$listener" 2>/dev/null || true
cat events
vbusd_stop

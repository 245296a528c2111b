# Who may change things: on the private socket only root connects at all,
# and root without CAP_NET_ADMIN may read but not change (AccessDenied).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

vbus_insmod vbus
vbusd_start
[ "$(stat -c %a $socket)" = 600 ] || fail "socket mode $(stat -c %a $socket)"
[ "$(stat -c %a "$(dirname $socket)")" = 755 ] || fail "socket directory mode"
fabric=$(cat "$VBUS_SRCDIR/examples/two-vms.json")

# nobody: refused at the socket
if out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address=unix:path=$socket \
	call org.vbus.Manager1 /org/vbus/Manager1 org.vbus.Manager1 GetStatus 2>&1); then
	fail "uid 65534 reached vbusd: $out"
fi
echo "nobody: $out"

# root without CAP_NET_ADMIN: reads, but no changes
nocap() { setpriv --bounding-set=-net_admin --inh-caps=-net_admin "$@"; }
nocap busctl --address=unix:path=$socket call org.vbus.Manager1 /org/vbus/Manager1 \
	org.vbus.Manager1 GetStatus >/dev/null || fail "GetStatus without CAP_NET_ADMIN refused"
nocap busctl --address=unix:path=$socket call org.vbus.Manager1 /org/vbus/Manager1 \
	org.vbus.Manager1 Apply sst "$fabric" two-vms.json 1 >/dev/null || fail "dry run refused"
# dbus-send names the error and shows vbusd's message (busctl would only say
# "Access denied"); it is also a libdbus client, which vbusd must serve
denied() {
	local method=$1 out
	shift
	if out=$(nocap dbus-send --address=unix:path=$socket --print-reply --reply-timeout=280000 \
		--dest=org.vbus.Manager1 /org/vbus/Manager1 "org.vbus.Manager1.$method" "$@" 2>&1); then
		fail "$method without CAP_NET_ADMIN succeeded"
	fi
	[ "$out" = "Error org.freedesktop.DBus.Error.AccessDenied: vbusd: $method: permission denied (needs CAP_NET_ADMIN)" ] ||
		fail "$method: $out"
}
denied Apply string:"$fabric" string:two-vms.json uint64:0
denied DestroyDevice string:web0 uint64:0
denied Disconnect string:web0 uint64:1
denied Connect string:web0 string:web uint64:0
denied Move string:web0 string:web uint64:0
denied DestroyBus string:web uint64:0
denied Reload
denied Checkpoint uint32:30
denied Commit
denied Rollback
# a{sv} is beyond dbus-send: busctl, which shows the error as its errno
for call in "CreateBus sa{sv}t vm9 0 0" "SetDevice sa{sv}t web0 0 0" \
	"CreateDevice ssa{sv}t d9 venet 0 0"; do
	# shellcheck disable=SC2086
	if out=$(nocap busctl --address=unix:path=$socket call org.vbus.Manager1 \
		/org/vbus/Manager1 org.vbus.Manager1 $call 2>&1); then
		fail "${call%% *} without CAP_NET_ADMIN succeeded"
	fi
	[ "$out" = "Call failed: Access denied" ] || fail "${call%% *}: $out"
done
[ -z "$(ls /sys/vbus/devices)" ] && [ -z "$(ls /sys/vbus/buses)" ] ||
	fail "an unprivileged caller changed the kernel"

# root with it: allowed
vbusd_get Apply sst "$fabric" two-vms.json 0 >/dev/null
[ "$(ls /sys/vbus/devices | wc -l)" -eq 3 ] || fail "root's apply"
vbusd_stop

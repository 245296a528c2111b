# A MAC the kernel generated is pinned in the desired state the moment the
# device is made: made again (here drift restore, after someone else deleted
# it), the device has the same MAC, and the persisted state names it.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
command -v jq >/dev/null || fail "jq is missing: apt-get install jq"

vbus_insmod vbus
vbusd_start
vbusctl device create macx >/dev/null
mac=$(cat /sys/vbus/devices/macx/mac)
jq -e --arg mac "$mac" '.devices[] | select(.name == "macx") | .mac == $mac' \
	"$state/fabric.json" >/dev/null || fail "the generated MAC $mac is not in the desired state: $(cat "$state/fabric.json")"
"$VBUS_BUILDDIR/tests/tools/vbus-nl" dev-del macx
restored() { [ -e /sys/vbus/devices/macx ]; }
wait_for "macx restored" restored
[ "$(cat /sys/vbus/devices/macx/mac)" = "$mac" ] ||
	fail "restored with MAC $(cat /sys/vbus/devices/macx/mac), was $mac"
vbusctl status | grep -qx 'State:      in sync' || fail "not in sync: $(vbusctl status)"
vbusd_stop

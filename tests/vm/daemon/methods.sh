# The object methods: CreateBus, CreateDevice, SetDevice, Connect,
# Disconnect, DestroyDevice, DestroyBus, with their errors and flags, each a
# transaction on the desired state and the kernel.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

vbus_insmod vbus
vbusd_start
desired() { jq -c "$1" "$state/fabric.json"; }

vbusd_call CreateBus 'sa{sv}t' vm1 2 connector s ivshmem region_size u 2097152 0 >/dev/null
[ "$(cat /sys/vbus/buses/vm1/connector)" = ivshmem ] || fail "CreateBus"
if out=$(vbusd_call CreateBus 'sa{sv}t' vm1 0 0 2>&1); then fail "CreateBus twice: $out"; fi
echo "$out" | grep -q 'bus vm1: exists' || fail "Exists: $out"
vbusd_call CreateBus 'sa{sv}t' vm1 1 connector s ivshmem 1 >/dev/null || fail "may exist"

vbusd_call CreateDevice 'ssa{sv}t' web0 venet 2 mtu u 9000 zcthresh u 0 0 >/dev/null
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "CreateDevice mtu"
vbusd_call SetDevice 'sa{sv}t' web0 1 wmem u 2097152 0 >/dev/null
[ "$(cat /sys/vbus/devices/web0/wmem)" = 2097152 ] || fail "SetDevice wmem"
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "SetDevice lost mtu"
[ "$(desired '.devices[0] | [.mtu, .zcthresh, .wmem]')" = "[9000,0,2097152]" ] ||
	fail "desired after SetDevice: $(desired .)"

vbusd_call Connect sst web0 vm1 0 >/dev/null
[ "$(cat /sys/vbus/devices/web0/bus)" = vm1 ] || fail "Connect"
[ "$(desired '.devices[0].bus')" = '"vm1"' ] || fail "desired after Connect"
if out=$(vbusd_call DestroyBus st vm1 0 2>&1); then fail "DestroyBus with a device: $out"; fi
echo "$out" | grep -q 'bus vm1: device web0 is connected to it (disconnect it first)' || fail "Busy: $out"
vbusd_call Disconnect st web0 0 >/dev/null
[ -z "$(cat /sys/vbus/devices/web0/bus)" ] || fail "Disconnect"
[ "$(desired '.devices[0].bus')" = null ] || fail "desired after Disconnect: $(desired .)"
if out=$(vbusd_call Disconnect st web0 0 2>&1); then fail "Disconnect twice: $out"; fi
vbusd_call Disconnect st web0 1 >/dev/null || fail "Disconnect if exists"

# an unmanaged device on an unmanaged bus: Connect adopts both
"$nl" bus-new other
"$nl" dev-new stray
vbusd_call Connect sst stray other 0 >/dev/null
vbusd_get GetDevices as 1 stray | jq -e '.devices[0].managed and .devices[0].bus == "other"' \
	>/dev/null || fail "stray not managed"
vbusd_get GetBuses as 1 other | jq -e '.buses[0].managed and .buses[0].devices == ["stray"]' \
	>/dev/null || fail "bus other not managed"

vbusd_call DestroyDevice st web0 0 >/dev/null
[ ! -e /sys/vbus/devices/web0 ] || fail "DestroyDevice"
if out=$(vbusd_call DestroyDevice st web0 0 2>&1); then fail "DestroyDevice twice: $out"; fi
echo "$out" | grep -q 'device web0: no such device' || fail "NotFound: $out"
vbusd_call DestroyDevice st web0 1 >/dev/null || fail "DestroyDevice if exists"
vbusd_call DestroyBus st vm1 0 >/dev/null
[ ! -e /sys/vbus/buses/vm1 ] || fail "DestroyBus"
[ -e /sys/vbus/devices/stray ] && [ -e /sys/vbus/buses/other ] || fail "removal took others along"
[ "$(desired '[.buses[].name, .devices[].name]')" = '["other","stray"]' ] ||
	fail "desired at the end: $(desired .)"
vbusd_stop

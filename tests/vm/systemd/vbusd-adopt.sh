# "systemctl stop vbusd" leaves the kernel's objects in place, and the next
# start adopts them: none is duplicated or recreated, those vbusd made are
# managed, one made behind its back while it was stopped is unmanaged.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/systemd/vbusd-lib"

systemctl start vbusd.service
vbusd_call CreateBus 'sa{sv}t' b0 1 connector s none 0 || fail "CreateBus"
vbusd_call CreateDevice 'ssa{sv}t' d0 venet 1 mtu u 1400 0 || fail "CreateDevice"
vbusd_call Connect sst d0 b0 0 || fail "Connect"
id=$(cat /sys/vbus/devices/d0/id 2>/dev/null || true)

systemctl stop vbusd.service
[ "$(systemctl is-active vbusd.service)" != active ] || fail "vbusd still active"
[ -d /sys/vbus/devices/d0 ] && [ -d /sys/vbus/buses/b0 ] || fail "stop removed objects"
[ "$(cat /sys/vbus/devices/d0/bus)" = b0 ] || fail "stop disconnected d0"
[ -d /run/vbus ] || fail "/run/vbus removed on stop (RuntimeDirectoryPreserve)"
"$nl" dev-new stray type=venet >/dev/null || fail "making a device behind vbusd's back"

systemctl start vbusd.service
[ "$(sys_devices | tr '\n' ' ')" = "d0 stray " ] || fail "devices after the restart: $(sys_devices)"
[ "$(sys_buses | tr '\n' ' ')" = "b0 " ] || fail "buses after the restart: $(sys_buses)"
[ "$(cat /sys/vbus/devices/d0/id 2>/dev/null || true)" = "$id" ] || fail "d0 was recreated"
[ "$(cat /sys/vbus/devices/d0/mtu)" = 1400 ] || fail "d0 lost its mtu"
vbusd_get GetDevices as 0 >devices
jq -e '[.devices[].name] | sort == ["d0", "stray"]' devices >/dev/null || fail "GetDevices: $(cat devices)"
jq -e '.devices[] | select(.name == "d0") | .managed == true and .bus == "b0"' devices >/dev/null ||
	fail "d0 is not managed on b0: $(cat devices)"
jq -e '.devices[] | select(.name == "stray") | .managed == false' devices >/dev/null ||
	fail "stray is managed: $(cat devices)"
vbusd_get GetStatus >status
jq -e '.devices == 2 and .buses == 1 and (.unmanaged.devices == ["stray"])' status >/dev/null ||
	fail "status: $(cat status)"
echo "status: $(systemctl show -P StatusText vbusd.service)"

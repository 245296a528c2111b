# A fabric with three mistakes is refused as InvalidConfig with one line per
# mistake, and nothing changes: not the kernel, not the persisted state.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

vbus_insmod vbus
vbusd_start
vbusd_get Apply sst "$(cat "$VBUS_SRCDIR/examples/two-vms.json")" two-vms.json 0 >/dev/null
cp "$state/fabric.json" before.json
corpus=$VBUS_SRCDIR/tests/fuzz/corpus/fabric-parse

for file in three-mistakes.json three-semantic-mistakes.json; do
	vbusd_error Apply string:"$(cat "$corpus/$file")" string:$file uint64:0 >out
	head -1 out | grep -q '^org.vbus.Error.InvalidConfig: ' || fail "$file: $(cat out)"
	[ "$(wc -l <out)" -eq 3 ] || fail "$file: not one line per mistake: $(cat out)"
	grep -c "^\(org.vbus.Error.InvalidConfig: \)\?$file: " out | grep -qx 3 ||
		fail "$file: lines do not name the file: $(cat out)"
done
cat out
[ "$(sys_devices | tr '\n' ' ')" = "db0 web0 web1 " ] || fail "devices changed: $(sys_devices)"
cmp -s before.json "$state/fabric.json" || fail "the persisted state changed"

# the object methods check attributes as a file's (busctl: dbus-send has no a{sv})
if out=$(vbusd_call SetDevice 'sa{sv}t' web0 1 mtu b true 0 2>&1); then fail "mtu as a boolean: $out"; fi
echo "$out" | grep -q 'attribute mtu: type b' || fail "SetDevice with a bad type: $out"
if out=$(vbusd_call SetDevice 'sa{sv}t' web0 1 mtu u 70000 0 2>&1); then fail "mtu 70000: $out"; fi
echo "$out" | grep -q 'SetDevice: $.devices\[0\].mtu' || fail "SetDevice mtu 70000: $out"
[ "$(cat /sys/vbus/devices/web0/mtu)" = 9000 ] || fail "a refused SetDevice changed mtu"
vbusd_stop

# A plan the validator accepts but the kernel refuses midway (a bus that
# another client filled to its 256 devices) fails as ApplyFailed naming the
# operation and the kernel's reason, and is rolled back: the kernel and the
# persisted state are as before. Also: a restart adopts objects vbusd did not
# make as unmanaged, and never duplicates them.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"

vbus_insmod vbus
# 255 devices on bus "full", made through vbusd, then forgotten by it: a new
# state directory makes them someone else's
python3 - >full.json <<'PY'
import json
print(json.dumps({"version": 1, "buses": [{"name": "full"}],
                  "devices": [{"name": "f%d" % i, "type": "venet", "bus": "full"} for i in range(255)]}))
PY
vbusd_start
vbusd_get Apply sst "$(cat full.json)" full.json 0 >/dev/null
vbusd_stop
rm -rf "$state"
vbusd_start
vbusd_get GetStatus >status
jq -e '.devices == 255 and (.unmanaged.devices | length) == 255 and .unmanaged.buses == ["full"]' \
	status >/dev/null || fail "not adopted as unmanaged: $(head -c 300 status)"
[ "$(sys_devices | wc -l)" -eq 255 ] || fail "restart changed the devices"

cat >more.json <<'JSON'
{ "version": 1,
  "buses": [ { "name": "full" }, { "name": "side", "connector": "loop" } ],
  "devices": [ { "name": "x1", "type": "venet", "bus": "full", "mtu": 1400 },
               { "name": "x2", "type": "venet", "bus": "full" },
               { "name": "x3", "type": "venet", "bus": "side" } ] }
JSON
vbusd_get Apply sst "$(cat more.json)" more.json 1 >plan
jq -r .text plan
sys_devices >before
vbusd_error Apply string:"$(cat more.json)" string:more.json uint64:0 >out
cat out
grep -q '^org.vbus.Error.ApplyFailed: operation 6 of 7: + connection x2 -> full: .*; rolled back$' out ||
	fail "ApplyFailed message: $(cat out)"
sys_devices | cmp -s - before || fail "kernel devices not rolled back: $(sys_devices | grep x)"
[ ! -e /sys/vbus/buses/side ] || fail "bus side not rolled back"
[ "$(ls /sys/vbus/buses/full/devices | wc -l)" -eq 255 ] ||
	fail "bus full changed"
jq -e '.devices | length == 0' "$state/fabric.json" >/dev/null || fail "failed apply persisted"
[ ! -e "$state/pending.json" ] || fail "pending.json left after a rollback"
vbusd_get GetStatus >status
jq -e '.last_apply.result == "rolled back" and (.last_apply.error | test("operation 6 of 7"))' \
	status >/dev/null || fail "last_apply: $(jq .last_apply status)"
vbusd_stop

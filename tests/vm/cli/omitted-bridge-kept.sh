# vbus-fabric(5): an attribute left out of a file is not managed. Applying a
# file that leaves out a device's "bridge" keeps the bridge vbusd puts its
# host interface on (here absent: no guest is attached), and the plan that
# says "no changes" tells the truth; --prune is what removes it.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
command -v jq >/dev/null || fail "jq is missing: apt-get install jq"
modprobe bridge || fail "no bridge module for $VBUS_KVER"

vbus_insmod vbus
ip link add br0 type bridge
trap 'ip link del br0 2>/dev/null || true; cleanup' EXIT
vbusd_start
cat >with.json <<'JSON'
{"version": 1, "buses": [{"name": "vm1", "connector": "ivshmem"}],
 "devices": [{"name": "bd0", "type": "venet", "bus": "vm1", "mtu": 9000, "bridge": "br0"}]}
JSON
jq 'del(.devices[0].bridge)' with.json >without.json
bridge_of() { vbusctl -j device show bd0 | jq -r '.devices[0].bridge'; }

vbusctl apply -f with.json >/dev/null
[ "$(bridge_of)" = br0 ] || fail "after the apply with bridge: $(bridge_of)"
vbusctl apply -f without.json | tee plan
[ "$(cat plan)" = "no changes" ] || fail "the plan without bridge: $(cat plan)"
[ "$(bridge_of)" = br0 ] || fail "a file without bridge unset it: $(bridge_of)"
vbusctl status | grep -qx 'State:      in sync' || fail "not in sync: $(vbusctl status)"
# kept across a restart (persisted), and by a reload of fabric.d without it
vbusd_stop
cp without.json "$config/10-bd.json"
vbusd_start
[ "$(bridge_of)" = br0 ] || fail "after a restart with fabric.d without bridge: $(bridge_of)"
# prune applies the file as the whole desired state: the bridge goes
vbusctl apply --prune -f without.json | tee pruned
grep -q 'bridge br0 -> (none)' pruned || fail "prune does not say it removes the bridge: $(cat pruned)"
[ "$(bridge_of)" = null ] || fail "after --prune: $(bridge_of)"
vbusd_stop

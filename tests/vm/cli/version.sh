# vbusctl version talks to the loaded vbus.ko over generic netlink (libvbus,
# libnl-3), in text and JSON, and fails with a hint when the module is absent.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
vbusctl=$VBUS_BUILDDIR/cli/vbusctl

rc=0
"$vbusctl" version >out 2>err || rc=$?
[ "$rc" -eq 1 ] || fail "without vbus.ko: exit status $rc, expected 1"
grep -q 'vbus.ko is not loaded' err || fail "without vbus.ko: no clear error: $(cat err)"
grep -q 'hint: modprobe vbus' err || fail "without vbus.ko: no hint: $(cat err)"

vbus_insmod vbus
"$vbusctl" version | tee out
grep -qx "vbus.ko $(cat /sys/vbus/version) (generic netlink family vbus, version 1)" out ||
	fail "module version differs from /sys/vbus/version"

"$vbusctl" --json version >out.json
python3 - out.json /sys/vbus/version <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["genl_version"] == 1, v
assert v["module"] == open(sys.argv[2]).read().strip(), v
PY

rc=0
"$vbusctl" version extra 2>err || rc=$?
[ "$rc" -eq 2 ] || fail "extra argument: exit status $rc, expected 2 (usage)"
rmmod vbus

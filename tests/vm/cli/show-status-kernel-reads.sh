# vbusctl show, status's exit code and the reads without vbusd (issue 15
# items 19, 20, 15), against the real vbusd and vbus.ko: show is one tree
# (buses -> devices -> host interface, link, bridge; then devices on no
# bus); status exits 0 in sync and 11 with drift; when vbusd is down, show,
# device show, bus show and stats read the kernel and say so; tables are
# sorted; counts are singular when one.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
vbusd_start --drift=report
cat >fabric.json <<'JSON'
{"version": 1,
 "buses": [{"name": "zz", "connector": "loop"}, {"name": "aa", "connector": "loop", "region_size": 2097152}],
 "devices": [{"name": "web0", "type": "venet", "bus": "aa", "mtu": 9000},
             {"name": "spare0", "type": "venet"}]}
JSON
vbusctl apply fabric.json >/dev/null

# The tree.
expect_exit 0 vbusctl show
cat out
cat >expected <<'EOF2'
bus aa (connector loop, region 2MiB, state ok, domain -)
    device web0 (venet, mac MAC, mtu 9000)
        interface vbt-web0: link LINK, bridge -
bus zz (connector loop, region 1MiB, state ok, domain -)
    no devices
on no bus
    device spare0 (venet, mac MAC, mtu 1500)
        interface vbt-spare0: link LINK, bridge -
EOF2
sed -E 's/mac [0-9a-f:]{17}/mac MAC/; s/link (up|down|absent)/link LINK/' out >got
diff -u expected got || fail "vbusctl show is not the tree"
vbusctl show -j | python3 -c '
import json, sys
tree = json.load(sys.stdin)
assert [b["name"] for b in tree["buses"]] == ["aa", "zz"], tree
assert [d["name"] for d in tree["buses"][0]["devices"]] == ["web0"], tree
assert tree["buses"][1]["devices"] == [], tree
assert [d["name"] for d in tree["unconnected"]] == ["spare0"], tree
assert "source" not in tree, tree'

# Sorted bus table; singular counts.
expect_exit 0 vbusctl bus show
[ "$(awk 'NR > 1 { print $1 }' out | tr '\n' ' ')" = "aa zz " ] || fail "bus table not sorted: $(cat out)"
expect_exit 0 vbusctl status
grep -q '^Last apply: .*fabric.json: ok, 5 operations$' out || fail "status: $(cat out)"
vbusctl device create one0 >/dev/null
expect_exit 0 vbusctl status
grep -q '^Last apply: .*: ok, 1 operation$' out || fail "not singular: $(cat out)"

# status: 0 in sync; 11 with drift (a managed device deleted behind vbusd's
# back, reported under --drift=report), the text printed all the same.
"$nl" dev-del spare0 >/dev/null
drifted() { vbusctl status >/dev/null 2>&1; [ $? -eq 11 ]; }
wait_for "status to exit 11 with drift" drifted
expect_exit 11 vbusctl status
grep -q '^State:      NOT in sync' out || fail "status text with drift: $(cat out)"
grep -q '^Drift: *device spare0: deleted' out || fail "drift not listed: $(cat out)"
expect_exit 11 vbusctl status -j
python3 -c 'import json, sys; assert json.load(open("out"))["in_sync"] is False' ||
	fail "status -j with drift: $(cat out)"
vbusctl apply fabric.json >/dev/null
expect_exit 0 vbusctl status

# vbusd down: the reads come from the kernel, and say so.
vbusd_stop
expect_exit 0 vbusctl device show
head -1 out | grep -q '^vbusd is not reachable (No such file or directory): read from the kernel directly' ||
	fail "device show without vbusd: $(cat out)"
grep -Eq '^web0 +venet +aa +[0-9a-f:]{17} +9000 ' out || fail "device table from the kernel: $(cat out)"
expect_exit 0 vbusctl bus show aa
grep -qx 'region_size: 2MiB' out || fail "bus show aa from the kernel: $(cat out)"
expect_exit 0 vbusctl stats web0
grep -q '^web0 ' out || fail "stats from the kernel: $(cat out)"
expect_exit 0 vbusctl -j show
python3 -c '
import json
tree = json.load(open("out"))
assert tree["source"] == "kernel", tree
assert [d["name"] for d in tree["buses"][0]["devices"]] == ["web0"], tree'
expect_exit 3 vbusctl device show nosuch
grep -qx 'vbusctl: device nosuch: no such device' err || fail "not found from the kernel: $(cat err)"
# status needs vbusd: 4, as before
expect_exit 4 vbusctl status
# neither vbusd nor vbus.ko: 4, with both reasons
rmmod vbus
expect_exit 4 vbusctl show
grep -q '^vbusctl: vbusd: cannot connect to /run/vbus/private' err || fail "no vbusd reason: $(cat err)"
grep -qx 'vbusctl: kernel: vbus.ko is not loaded either (hint: modprobe vbus)' err ||
	fail "no kernel reason: $(cat err)"

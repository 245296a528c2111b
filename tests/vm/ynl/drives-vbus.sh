# The kernel's own netlink client drives vbus.ko knowing nothing but
# schemas/netlink/vbus.yaml: tools/net/ynl/cli.py of linux-source-6.12
# (unpacked on the host by tests/vm/ynl/host-setup) under Debian's python3.
# It shares no code with libvbus: if the spec and the module disagree on a
# name, a value, a type, a nest or an event, a request or its decoding fails.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
ynl_src=$VBUS_BUILDDIR/tests/ynl/linux-source-6.12
python=/usr/bin/python3

[ -f "$ynl_src/tools/net/ynl/cli.py" ] ||
	fail "$ynl_src/tools/net/ynl/cli.py missing: tests/vm/run runs tests/vm/ynl/host-setup before booting"
"$python" -c 'import yaml, jsonschema' ||
	fail "$python lacks yaml or jsonschema: run tools/install-deps (python3-yaml python3-jsonschema)"

spec=$VBUS_SRCDIR/schemas/netlink/vbus.yaml
schema=$ynl_src/Documentation/netlink/genetlink-c.yaml

# ynl ARGS...: cli.py on our spec; the reply as one JSON document. The spec
# is validated against genetlink-c.yaml once, by the first request: under
# TCG that costs 2.5 s a call.
ynl() {
	"$python" "$ynl_src/tools/net/ynl/cli.py" --spec "$spec" --no-schema \
		--output-json "$@"
}

# expect FILE EXPR: the Python expression EXPR holds over FILE's JSON
# documents, out[0], out[1]...
expect() {
	"$python" - "$@" <<-'EOF' || fail "does not hold: $2, for: $(cat "$1")"
	import json, sys
	out = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
	sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)
	EOF
}

# refused TEXT... -- ARGS...: ynl ARGS must fail and print every TEXT (the
# errno's text, the extack as ynl decodes it).
refused() {
	local texts=() rc=0 t
	while [ "$1" != -- ]; do texts+=("$1"); shift; done
	shift
	ynl "$@" >err || rc=$?
	[ "$rc" -eq 1 ] || fail "ynl $*: exit status $rc, expected 1: $(cat err)"
	for t in "${texts[@]}"; do
		grep -qF -- "$t" err || fail "ynl $*: expected \"$t\" in: $(cat err)"
	done
	echo "refused as expected: $(tr '\n' ' ' <err)"
}

vbus_insmod vbus

# The events, from a second client: ynl's library itself, which collects
# them until the last bus is gone. (6.12's cli.py cannot take --subscribe
# with --do: an event read before the ack crashes its receive loop.)
"$python" - "$ynl_src/tools/net/ynl" "$spec" >events <<-'EOF' &
	import json, select, sys, time
	sys.path.insert(0, sys.argv[1])
	from lib import YnlFamily
	ynl = YnlFamily(sys.argv[2], '')
	ynl.ntf_subscribe('events')
	open('listening', 'w').close()
	deadline = time.monotonic() + 240
	while time.monotonic() < deadline:
	    select.select([ynl.sock], [], [], 1)
	    ynl.check_ntf()
	    if any(e['name'] == 'bus-del-ntf' and e['msg']['bus-name'] == 'vm2'
	           for e in ynl.async_msg_queue):
	        break
	for e in ynl.async_msg_queue:
	    print(json.dumps(e, default=bytes.hex))
	EOF
listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT
for _ in $(seq 300); do
	[ -e listening ] && break
	sleep 0.2
done
[ -e listening ] || fail "the event listener did not subscribe within 60 s"

"$python" "$ynl_src/tools/net/ynl/cli.py" --spec "$spec" --schema "$schema" \
	--output-json --do get-version >out
expect out 'out[0]["version"] == 1 and out[0]["module-version"]'

# Buses: mutations answer with an ack only.
ynl --do bus-new --json '{"bus-name": "vm1", "bus-connector": "ivshmem",
	"bus-region-size": 2097152, "bus-domain": "web-vm",
	"bus-uuid": "5f1e0a2c1b7d4c3e9a4b0d2e6f7a8b9c"}' >out
expect out 'out == [None]'
ynl --do bus-new --json '{"bus-name": "vm2"}'
ynl --do bus-get --json '{"bus-name": "vm1"}' >out
expect out 'out[0] == {"bus-name": "vm1", "bus-connector": "ivshmem", "bus-region-size": 2097152,
	"bus-state": "ok", "bus-device-count": 0, "bus-poll-us": 50, "bus-poll-windows": 0,
	"bus-poll-hits": 0, "bus-poll-time-ns": 0, "bus-domain": "web-vm",
	"bus-uuid": "5f1e0a2c-1b7d-4c3e-9a4b-0d2e6f7a8b9c"}'
# poll_us changes in place (bus-set), and is announced
ynl --do bus-set --json '{"bus-name": "vm1", "bus-poll-us": 20}' >out
expect out 'out == [None]'
ynl --do bus-get --json '{"bus-name": "vm1"}' >out
expect out 'out[0]["bus-poll-us"] == 20'

# Devices, with the venet nest.
ynl --do device-new --json '{"device-name": "web0", "device-type": "venet",
	"device-venet": {"mac": "021122334455", "mtu": 9000, "zcthresh": 0, "txqlen": 500}}'
ynl --do device-new --json '{"device-name": "db0", "device-type": "venet"}'
ynl --do device-get --json '{"device-name": "web0"}' >out
expect out 'out[0]["device-name"] == "web0" and out[0]["device-type"] == "venet"
	and isinstance(out[0]["device-id"], int) and "bus-name" not in out[0]
	and out[0]["device-venet"] == {"mac": "02:11:22:33:44:55", "mtu": 9000, "zcthresh": 0,
		"wmem": 1048576, "txqlen": 500, "ifname": "vbt-web0"}'
ynl --dump device-get >out
expect out 'sorted(d["device-name"] for d in out[0]) == ["db0", "web0"]'

ynl --do device-set --json '{"device-name": "web0", "device-venet": {"zcthresh": 1024}}'
ynl --do device-get --json '{"device-name": "web0"}' >out
expect out 'out[0]["device-venet"]["zcthresh"] == 1024 and out[0]["device-venet"]["mtu"] == 9000'

ynl --do connect --json '{"device-name": "web0", "bus-name": "vm1"}'
ynl --dump bus-get >out
expect out 'sorted((b["bus-name"], b["bus-device-count"]) for b in out[0]) == [("vm1", 1), ("vm2", 0)]'
ynl --dump device-get >out
expect out 'sorted((d["device-name"], d.get("bus-name")) for d in out[0]) == [("db0", None), ("web0", "vm1")]'
ynl --do stats-get --json '{"device-name": "web0"}' >out
expect out 'out[0]["device-name"] == "web0" and out[0]["device-stats"]["tx-packets"] == 0'
ynl --dump stats-get >out
expect out 'len(out[0]) == 2'

# Refusals, with the extack text the module gives and ynl decodes.
refused "Netlink error: File exists" "'msg': 'a device of that name exists'" "'bad-attr': '.device-name'" -- \
	--do device-new --json '{"device-name": "web0", "device-type": "venet"}'
refused "Netlink error: Numerical result out of range" "'bad-attr': '.device-venet.mtu'" -- \
	--do device-set --json '{"device-name": "db0", "device-venet": {"mtu": 67}}'

ynl --do disconnect --json '{"device-name": "web0"}'
ynl --do device-del --json '{"device-name": "web0"}'
ynl --do device-del --json '{"device-name": "db0"}'
ynl --do bus-del --json '{"bus-name": "vm1"}'
ynl --do bus-del --json '{"bus-name": "vm2"}'
ynl --dump bus-get >out
ynl --dump device-get >>out
expect out 'out == [[], []]'

# Every change as its event, in order, with the message the spec gives it.
wait "$listener" || fail "the event listener failed"
trap - EXIT
expect events '[(e["name"], e["msg"].get("device-name", e["msg"].get("bus-name"))) for e in out] == [
		("bus-new-ntf", "vm1"), ("bus-new-ntf", "vm2"), ("bus-set-ntf", "vm1"),
		("device-new-ntf", "web0"), ("device-new-ntf", "db0"),
		("device-set-ntf", "web0"), ("connect-ntf", "web0"), ("disconnect-ntf", "web0"),
		("device-del-ntf", "web0"), ("device-del-ntf", "db0"),
		("bus-del-ntf", "vm1"), ("bus-del-ntf", "vm2")]
	and out[0]["msg"]["bus-connector"] == "ivshmem" and out[0]["msg"]["bus-domain"] == "web-vm"
	and out[2]["msg"]["bus-poll-us"] == 20
	and out[3]["msg"]["device-venet"]["mtu"] == 9000
	and out[5]["msg"]["device-venet"]["zcthresh"] == 1024
	and out[6]["msg"] == out[7]["msg"] == {"device-name": "web0", "bus-name": "vm1"}
	and "bus-name" not in out[8]["msg"]'
rmmod vbus

# The benchmark's part inside the test VM (tests/bench/apply/run boots it):
# times vbusctl apply of N venet devices on M buses against ip -batch of N
# veth pairs, and reads vbusd's RSS before and after. Prints figures only.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
devices=${VBUS_BENCH_DEVICES:-1000}
buses=${VBUS_BENCH_BUSES:-100}
vbusd=$VBUS_BUILDDIR/daemon/vbusd
vbusctl=$VBUS_BUILDDIR/cli/vbusctl
[ -x "$vbusd" ] || fail "$vbusd not built (make in the build tree)"

now() { date +%s.%N; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# CPU time (user + system, in clock ticks) the process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Ticks used over 10 s of idleness (a measuring interval, not a wait).
idle_ticks() {
	local before
	before=$(cpu_ticks "$1")
	sleep 10
	echo $(($(cpu_ticks "$1") - before))
}

vbus_insmod vbus
work=$(mktemp -d)
mkdir -p "$work/state" "$work/config"
"$vbusd" --state-dir "$work/state" --config-dir "$work/config" \
	--private-socket "$work/private" --no-system-bus 2>"$work/vbusd.log" &
pid=$!
export VBUS_ADDRESS="unix:path=$work/private"
for _ in $(seq 600); do
	"$vbusctl" status >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "vbusd exited: $(cat "$work/vbusd.log")"
	sleep 0.1	# polling a condition, bounded by the loop
done
"$vbusctl" status >/dev/null || fail "vbusd did not answer within 60 s"
rss_idle=$(rss_kib "$pid")
cpu_idle=$(idle_ticks "$pid")

python3 - "$devices" "$buses" >"$work/fabric.json" <<'PY'
import json, sys
devices, buses = int(sys.argv[1]), int(sys.argv[2])
print(json.dumps({
    "version": 1,
    "buses": [{"name": "vm%d" % b, "connector": "ivshmem"} for b in range(buses)],
    "devices": [{"name": "d%d" % d, "type": "venet", "bus": "vm%d" % (d % buses)}
                for d in range(devices)],
}))
PY
start=$(now)
"$vbusctl" apply -f "$work/fabric.json" >/dev/null
end=$(now)
vbus_time=$(awk "BEGIN { print $end - $start }")
rss_after=$(rss_kib "$pid")
cpu_after=$(idle_ticks "$pid")
created=$(ls /sys/vbus/devices | wc -l)
[ "$created" -eq "$devices" ] || fail "vbusd made $created devices, expected $devices"

start=$(now)
"$vbusctl" apply -f "$work/fabric.json" >/dev/null
end=$(now)
noop_time=$(awk "BEGIN { print $end - $start }")

modprobe veth
for i in $(seq 0 $((devices - 1))); do
	echo "link add vb$i type veth peer name vbp$i"
done >"$work/veth.batch"
start=$(now)
ip -batch "$work/veth.batch"
end=$(now)
veth_time=$(awk "BEGIN { print $end - $start }")
veths=$(ip -o link show type veth | wc -l)
[ "$veths" -eq $((2 * devices)) ] || fail "ip -batch made $veths veth interfaces, expected $((2 * devices))"

kill "$pid"
wait "$pid" || true
for i in $(seq 0 $((devices - 1))); do echo "link del vb$i"; done | ip -batch -
rmmod vbus

printf '\nbench apply (%s, TCG, %d devices on %d buses)\n' "$VBUS_KVER" "$devices" "$buses"
printf '  %-44s %8.2f s\n' "vbusctl apply (vbusd, netlink)" "$vbus_time"
printf '  %-44s %8.2f s\n' "vbusctl apply again (no change)" "$noop_time"
printf '  %-44s %8.2f s\n' "ip -batch: $devices veth pairs" "$veth_time"
printf '  %-44s %8.2f\n' "ratio vbusctl apply / ip -batch" "$(awk "BEGIN { print $vbus_time / $veth_time }")"
printf '  %-44s %8d KiB\n' "vbusd RSS idle" "$rss_idle"
printf '  %-44s %8d KiB\n' "vbusd RSS after the apply" "$rss_after"
printf '  %-44s %8d ticks\n' "vbusd CPU over 10 s idle (start)" "$cpu_idle"
printf '  %-44s %8d ticks\n' "vbusd CPU over 10 s idle (after the apply)" "$cpu_after"

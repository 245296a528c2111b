# The libvirt qemu hook (libvirt/qemu-hook.in, as make builds it) against a
# real vbusd on vbus.ko, called as libvirt calls it (DOMAIN OPERATION SUB-OP
# EXTRA, the domain XML on stdin): prepare makes the example domain's bus
# (ivshmem, owned by the domain), devices and socket, prints nothing on
# stdout, and its time is measured (also with the bus made anew each time,
# beside an empty shell's start in the same VM); a domain without vbus metadata is
# untouched; migrate fails naming vbus; release tears down all but the
# persistent device; with vbusd down prepare fails with one stderr line.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
hook=$VBUS_BUILDDIR/libvirt/vbus
export VBUSCTL=$VBUS_BUILDDIR/cli/vbusctl
domain=$VBUS_SRCDIR/examples/libvirt/vbus-i440fx.xml
sock=/run/vbus/bus/vbus-i440fx.sock

vbus_insmod vbus
vbusd_start

# run_hook OPERATION SUB-OP XML: the hook's status in rc, its stdout in
# ./out, its stderr in ./err, its duration in ms in ms.
run_hook() {
	local start end
	start=$(date +%s%N)
	rc=0
	"$hook" vbus-i440fx "$1" "$2" - <"$3" >out 2>err || rc=$?
	end=$(date +%s%N)
	ms=$(( (end - start) / 1000000 ))
}

times=()
for i in 1 2 3 4 5; do
	run_hook prepare begin "$domain"
	[ "$rc" -eq 0 ] || fail "prepare: status $rc: $(cat err)"
	[ -s out ] && fail "prepare printed on stdout: $(cat out)"
	times+=("$ms")
done
echo "hook prepare begin with vbusd up (vbus domain, 5 runs, ms): ${times[*]}"
bus=$(vbusd_get GetBuses as 1 vbus-i440fx | jq -c '.buses[0]')
[ "$(jq -r .connector <<<"$bus")" = ivshmem ] || fail "bus: $bus"
[ "$(jq -r .domain <<<"$bus")" = vbus-i440fx ] || fail "bus not owned by the domain: $bus"
[ "$(jq -r '.devices | sort | join(",")' <<<"$bus")" = web0,web1 ] || fail "devices: $bus"
[ -S "$sock" ] || fail "no socket $sock"
[ "$(cat /sys/vbus/devices/web0/bus)" = vbus-i440fx ] || fail "web0 not connected"

# What the hook's time means under TCG: the same prepare, each one making
# the bus and its devices anew (a release before each), beside what it
# costs this VM to start a shell that does nothing and vbusctl alone.
# Figures only (never a verdict on time).
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
timed() {
	local start end
	start=$(date +%s%N)
	"$@" >/dev/null 2>&1 </dev/null || true
	end=$(date +%s%N)
	echo $(( (end - start) / 1000000 ))
}
made=() shell=() ctl=()
for i in 1 2 3 4 5; do
	run_hook release end "$domain"
	[ "$rc" -eq 0 ] || fail "release: status $rc: $(cat err)"
	run_hook prepare begin "$domain"
	[ "$rc" -eq 0 ] || fail "prepare: status $rc: $(cat err)"
	[ -e /sys/vbus/buses/vbus-i440fx ] || fail "prepare made no bus"
	made+=("$ms")
	shell+=("$(timed sh -c :)")
	ctl+=("$(timed "$VBUSCTL" --version)")
done
m=$(median "${made[@]}") s=$(median "${shell[@]}") c=$(median "${ctl[@]}")
echo "hook prepare, bus and devices made each time (5 runs, ms): ${made[*]}; median $m ms"
echo "in this TCG VM: sh -c : median $s ms, vbusctl --version median $c ms;" \
	"the hook costs $(awk -v m="$m" -v s="$s" 'BEGIN { printf "%.1f", m / (s > 0 ? s : 1) }') empty shells"

# A domain without vbus metadata: nothing done, nothing said.
echo "<domain type='qemu'><name>plain</name></domain>" >plain.xml
before=$(sys_buses)
times=()
for i in 1 2 3 4 5; do
	run_hook prepare begin plain.xml
	[ "$rc" -eq 0 ] || fail "plain domain: status $rc: $(cat err)"
	[ -s out ] || [ -s err ] && fail "plain domain: output: $(cat out err)"
	times+=("$ms")
done
echo "hook prepare begin (domain without vbus, 5 runs, ms): ${times[*]}"
[ "$(sys_buses)" = "$before" ] || fail "a plain domain changed the buses"

# Migration: refused, with vbus named.
run_hook migrate begin "$domain"
[ "$rc" -ne 0 ] || fail "migrate begin succeeded"
grep -q "vbus" err || fail "migrate: no word of vbus: $(cat err)"
[ -s out ] && fail "migrate printed on stdout"
cat err

# Operations the hook does not handle: nothing.
run_hook started begin "$domain"
[ "$rc" -eq 0 ] && [ ! -s out ] && [ ! -s err ] || fail "started: $rc $(cat out err)"

# Release: web0 destroyed, web1 (persistent) kept and disconnected, the
# bus and its socket gone.
run_hook release end "$domain"
[ "$rc" -eq 0 ] || fail "release: status $rc: $(cat err)"
echo "hook release end: $ms ms"
[ -e /sys/vbus/devices/web0 ] && fail "web0 outlived the release"
[ -e /sys/vbus/devices/web1 ] || fail "persistent web1 was destroyed"
[ -z "$(cat /sys/vbus/devices/web1/bus)" ] || fail "web1 still on $(cat /sys/vbus/devices/web1/bus)"
[ -e /sys/vbus/buses/vbus-i440fx ] && fail "the bus outlived the release"
wait_for "the socket to go" test ! -e "$sock"

# vbusd down: the start fails with one line on stderr.
vbusd_stop
run_hook prepare begin "$domain"
[ "$rc" -ne 0 ] || fail "prepare without vbusd succeeded"
[ "$(wc -l <err)" -eq 1 ] || fail "prepare without vbusd: $(cat err)"
[ -s out ] && fail "prepare without vbusd printed on stdout"
echo "without vbusd: $(cat err)"
"$nl" dev-del web1 >/dev/null
rmmod vbus

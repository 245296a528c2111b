# A host that writes garbage into the region (issue 13, item 8): vbus_loop's
# test-only poke (module parameter poke=1, debugfs vbus_loop/lp0/poke) stores
# into the region as a broken host would and raises the bus interrupt. For
# each kind of garbage, on a guest whose venet interface carried traffic:
# the guest logs "the host broke the region protocol: <why>", stops the bus
# (its device goes), and does not oops, WARN or hang; a reset through the
# bus's sysfs brings the device back and traffic flows again. At the end
# everything unloads cleanly. What is poked: the event queue's producer
# index (far ahead), an event descriptor pointing outside the region, an
# event for a slot beyond the device table, venet's TX and RX consumer
# indices (giving back what was never posted), an RX buffer given back
# longer than it is, one whose header claims 1000 buffers, the venet slot's
# state (neither free nor present) or type (changed under the same id), its
# config block's MTU (out of range, read again on CONFIG_CHANGED), each with
# an event that makes the guest look: the bus stops. An RX frame whose
# virtio_net_hdr is garbage (unknown GSO type, offsets past the frame) is
# only dropped.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/guest/venet-lib"
trap venet_cleanup EXIT

[ -d /sys/kernel/debug/vbus_loop ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
venet_modules
"$nl" bus-new lp0 connector=loop
"$nl" dev-new gh0
"$nl" connect gh0 lp0
vbus_insmod vbus_loop poke=1
dbg=/sys/kernel/debug/vbus_loop/lp0
[ -w $dbg/poke ] || fail "no $dbg/poke with poke=1"
bus=/sys/devices/vbus-lp0
venet_pair gh0 86

# region.py WHAT: the poke lines (OFFSET SIZE VALUE) for one kind of garbage,
# from the region as it is now (read through debugfs).
cat >region.py <<'PY'
import struct, sys
r = open(sys.argv[1], "rb").read()
what = sys.argv[2]
u32 = lambda o: struct.unpack_from("<I", r, o)[0]
dev_off, dev_count, ev_off, ev_count, entry_off = u32(16), u32(20), u32(24), u32(28), u32(32)
PI, CI, DESC = 128, 256, 640          # vbus_ioq_ring: indices, descriptors
pokes = []
def event(slot, queue, device, etype=1):
    """One more event on the queue, as the host posts them (QUEUE_WORK)."""
    p = u32(ev_off + PI)
    i = p % ev_count
    e = entry_off + 16 * i
    d = ev_off + DESC + 16 * i
    pokes.extend([(e, 2, etype), (e + 2, 2, queue), (e + 4, 2, slot), (e + 8, 4, device),
                  (d, 4, e), (d + 4, 4, 16), (d + 12, 2, 0), (ev_off + PI, 4, p + 1)])
def venet_slot():
    for s in range(dev_count):
        o = dev_off + 128 * s
        if u32(o + 4) == 1 and u32(o + 8) == 1:   # venet, present
            return s, o
    sys.exit("no venet slot")
if what == "event-index":
    pokes.append((ev_off + PI, 4, (u32(ev_off + PI) + 100000) & 0xffffffff))
elif what == "event-desc":
    p = u32(ev_off + PI)
    d = ev_off + DESC + 16 * (p % ev_count)
    pokes.extend([(d, 4, 0xfffffff0), (d + 4, 4, 16), (ev_off + PI, 4, p + 1)])
elif what == "event-slot":
    event(4000, 0, 1)
elif what in ("tx-consumer", "rx-consumer"):
    s, o = venet_slot()
    q = 0 if what == "tx-consumer" else 1
    ring = u32(o + 24 + 8 * q)
    pokes.append((ring + CI, 4, (u32(ring + CI) + 5000) & 0xffffffff))
    event(s, q, u32(o))
elif what in ("rx-length", "rx-num-buffers", "rx-gso"):
    # the next RX buffer given back, with garbage in what the host writes:
    # its length, or the virtio_net_hdr at its start
    s, o = venet_slot()
    ring = u32(o + 24 + 8)
    c = u32(ring + CI)
    d = ring + DESC + 16 * (c % u32(ring + 4))
    buf = u32(d)
    if what == "rx-length":
        pokes.append((d + 4, 4, 0x7fffffff))
    elif what == "rx-num-buffers":
        pokes.extend([(buf, 8, 0), (buf + 8, 2, 0), (buf + 10, 2, 1000), (d + 4, 4, 100)])
    else:
        # NEEDS_CSUM, an unknown GSO type, offsets past the frame
        pokes.extend([(buf, 1, 1), (buf + 1, 1, 0x77), (buf + 2, 2, 0xffff), (buf + 4, 2, 1),
                      (buf + 6, 2, 0xfff0), (buf + 8, 2, 0xfff0), (buf + 10, 2, 1),
                      (d + 4, 4, 100)])
    pokes.append((ring + CI, 4, c + 1))
    event(s, 1, u32(o))
elif what in ("slot-state", "slot-type"):
    # the venet device's slot, then a DEVICE_ADDED that makes the guest
    # read it again: a state neither free nor present, or another type
    # under the same id
    s, o = venet_slot()
    pokes.append((o + 8, 4, 7) if what == "slot-state" else (o + 4, 4, 2))
    event(s, 0, u32(o), 2)
elif what == "config-mtu":
    # the venet config block's MTU out of range, then CONFIG_CHANGED
    s, o = venet_slot()
    pokes.append((o + 64 + 8, 4, 5))
    event(s, 0, u32(o), 4)
else:
    sys.exit("unknown " + what)
for o, n, v in pokes:
    print(o, n, v)
PY

broken_count() { dmesg | grep -c "the host broke the region protocol" || true; }
bad_kernel() {
	dmesg | grep -E "Oops|BUG:|WARNING:|general protection|KASAN|UBSAN|soft lockup|hung task|Call Trace" || true
}
gone() { [ -z "$(ls $devices)" ]; }

rx_drops() { ethtool_stat ggh0 rx_drops; }

# poke WHAT: the garbage of that kind, written into the region.
poke() {
	python3 region.py $dbg/region "$1" >pokes
	while read -r line; do
		echo "$line" >$dbg/poke
	done <pokes
}

# poke_until WHAT COUNT BEFORE WHICH: the garbage WHAT written again, from
# the region as it is then, until COUNT (a function printing a number) is
# above BEFORE, waiting 5 s after each writing, 6 at most (their number in
# $tries); else the test fails saying the guest never did WHICH. The real
# host still posts events and frames of its own (the IPv6 chatter of a fresh
# interface), and one written between the region's reading and the pokes
# overwrites the forged one.
poke_until() {
	local what=$1 count=$2 before=$3 which=$4 deadline
	tries=0
	while [ $tries -lt 6 ]; do
		poke "$what"
		tries=$((tries + 1))
		deadline=$((SECONDS + 5))
		until [ "$("$count")" -gt "$before" ]; do
			[ $SECONDS -lt $deadline ] || continue 2
			sleep 0.1
		done
		return 0
	done
	fail "the guest never $which ($what, $tries tries)"
}

# re_pair: the device's interfaces again, after a reset.
re_pair() {
	echo 1 >$bus/reset
	[ "$(cat $bus/state)" = ok ] || fail "$1: bus state $(cat $bus/state) after the reset"
	ip netns exec h ip link set vbt-gh0 netns 1 2>/dev/null || true
	ip netns del g
	ip netns del h
	venet_pair gh0 86
	echo "$1: after the reset, the guest interface is back and pings"
}

# Garbage the guest must refuse: the bus stops, its device goes.
for what in event-index event-desc event-slot tx-consumer rx-consumer rx-length rx-num-buffers \
	slot-state slot-type config-mtu; do
	# (no traffic meanwhile; the host's own events are poke_until's business)
	poke_until $what broken_count "$(broken_count)" "logged the broken protocol"
	why=$(dmesg | grep "the host broke the region protocol" | tail -n 1 | sed 's/.*protocol: //')
	wait_until "the device to go after $what" 30 gone
	[ -z "$(bad_kernel)" ] || fail "$what: the kernel complained: $(bad_kernel)"
	[ "$(cat $bus/state)" = broken ] || fail "$what: bus state $(cat $bus/state), not broken"
	echo "$what: $why; the device went, no oops ($tries tries)"
	re_pair $what
done

# A frame whose header the stack would refuse is dropped, and no more.
before=$(broken_count)
drops=$(rx_drops)
poke_until rx-gso rx_drops "$drops" "dropped the frame with a garbage header"
[ "$(broken_count)" = "$before" ] || fail "rx-gso: the bus broke for one bad frame"
[ -z "$(bad_kernel)" ] || fail "rx-gso: the kernel complained: $(bad_kernel)"
echo "rx-gso: the frame was dropped (rx_drops $drops -> $(rx_drops)), the bus is $(cat $bus/state) ($tries tries)"
# (the event and index it came with were not the host's: reset before more traffic)
re_pair rx-gso

tcp_stream h g 10.86.0.2 $((8 << 20))
tcp_stream g h 10.86.0.1 $((8 << 20))
[ -z "$(bad_kernel)" ] || fail "the kernel complained: $(bad_kernel)"

venet_cleanup
trap - EXIT
"$nl" disconnect gh0
"$nl" dev-del gh0
"$nl" bus-del lp0
rmmod vbus

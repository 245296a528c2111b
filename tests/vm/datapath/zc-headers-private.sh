# The copy-vs-filter race of a zero-copy frame (issue 10 item 7): what
# leaves the host must be what its filters checked. A guest's frame above
# zcthresh keeps its payload in guest pages; if its headers stay there too,
# the guest can rewrite them after a bridge filter passed the frame and
# before it leaves. Made deterministic: the frame (IPv6, a destination-options
# header putting UDP at byte 150, UDP port 9999) crosses a bridge whose nft
# forward chain drops UDP port 23, and is held by a plug qdisc on the way out;
# then the guest rewrites its buffer to port 23 (checksum fixed up) and the
# qdisc lets the frame go. What reaches the receiver's interface must be
# port 9999. A first frame sent as port 23 shows the filter drops it.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/datapath/testguest.bash"
command -v nft >/dev/null || fail "nft missing: run tools/install-deps (nftables)"
for m in bridge sch_plug veth nf_tables nft_meta_bridge; do
	modprobe $m || fail "no $m module"
done
testguest_setup tgz tgzd zcthresh=256
ns=zcrx
rx_mac=02:77:00:00:00:02

cleanup_net() {
	ip netns del $ns 2>/dev/null || true
	ip link del brz 2>/dev/null || true
	nft delete table bridge zcfilter 2>/dev/null || true
}
trap 'cleanup_net' EXIT

ip link add brz type bridge
ip netns add $ns
ip link add vh0 type veth peer name vr0 netns $ns
for i in brz vh0; do
	sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1"
done
ip link set vh0 master brz
ip link set vh0 up
ip link set brz up
ip -n $ns link set vr0 address $rx_mac
ip -n $ns addr add fd77::2/64 dev vr0 nodad
ip -n $ns link set vr0 up
ip -n $ns link set lo up
nft -f - <<'EOF'
table bridge zcfilter {
	chain forward {
		type filter hook forward priority 0; policy accept;
		udp dport 23 counter drop
	}
}
EOF
tc qdisc add dev vh0 root plug limit 100000

# make_frames GUEST-MAC: frame.a (port 9999) and frame.b (port 23), and
# b.a = b.b = frame.b (the filter's own check).
make_frames() {
	python3 - "$1" "$rx_mac" <<'EOF'
import ipaddress, struct, sys
src_mac, dst_mac = (bytes.fromhex(m.replace(":", "")) for m in sys.argv[1:3])
src, dst = (ipaddress.IPv6Address(a).packed for a in ("fd77::1", "fd77::2"))
payload = bytes(i % 251 for i in range(800))
# Destination options: next header UDP, 96 bytes (PadN filling it).
options = bytes([17, 11, 1, 92]) + bytes(92)
def frame(port):
    length = 8 + len(payload)
    udp = struct.pack("!HHHH", 40000, port, length, 0) + payload
    pseudo = src + dst + struct.pack("!IxxxB", length, 17)
    data = pseudo + udp
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    checksum = ~total & 0xffff or 0xffff
    udp = udp[:6] + struct.pack("!H", checksum) + udp[8:]
    ip6 = struct.pack("!IHBB", 6 << 28, len(options) + length, 60, 64) + src + dst
    return dst_mac + src_mac + b"\x86\xdd" + ip6 + options + udp
a, b = frame(9999), frame(23)
assert len(a) == len(b) and a[14 + 40 + 96 + 2:14 + 40 + 96 + 4] == b"\x27\x0f"
assert [i for i in range(len(a)) if a[i] != b[i]] == [152, 153, 156, 157]
for name, data in (("frame.a", a), ("frame.b", b), ("b.a", b), ("b.b", b)):
    open(name, "wb").write(data)
EOF
}

# receiver_up: what leaves the host, as the receiver's interface gets it
# (AF_PACKET on vr0): prints every frame seen (diagnostics) and then, for the
# first of the guest's IPv6 frames, "port N" (its UDP destination port), or
# "none" after 150 s.
receiver_up() {
	rm -f rx.out
	mkfifo rx.out
	ip netns exec $ns python3 -c '
import select, socket, struct, sys
guest = bytes.fromhex(sys.argv[1].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("vr0", 0))
print("ready", flush=True)
while True:
    r, _, _ = select.select([s], [], [], 150)
    if not r:
        print("port none", flush=True)
        break
    frame = s.recv(65536)
    kind = frame[12:14].hex()
    print("seen %d bytes from %s type %s" % (len(frame), frame[6:12].hex(":"), kind),
          file=sys.stderr, flush=True)
    if frame[6:12] == guest and kind == "86dd" and len(frame) >= 158:
        print("port %d" % struct.unpack("!H", frame[152:154])[0], flush=True)
        break' "$guest_mac" >rx.out 2>rx.err &
	rx_pid=$!
	exec {rx_out}<rx.out
	wait_ready "$rx_out" "the receiver"
}

# send_held PREFIX REWRITE: the guest sends PREFIX.a; once the plug qdisc
# holds it, the guest rewrites it (PREFIX.b); then the qdisc lets it go.
# Sets held (frames the qdisc held).
send_held() {
	local line
	tc qdisc change dev vh0 root plug block
	guest_start tgzd --timeout-ms 60000 tgz rewrite "$PWD/$1"
	ip link set "$ifname" master brz
	wait_forwarding "$ifname" vh0
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
	guest_go
	read -r -t 60 line <&"$guest_out" || fail "the guest did not send"
	[ "$line" = sent ] || fail "the guest said '$line', not sent"
	# Once the bridge forwarded it (filters passed), the frame waits in the
	# plug qdisc; a dropped frame never gets there: wait for either.
	wait_for_frame() {
		held=$(tc -s qdisc show dev vh0 | awk '/backlog/ { sub("p", "", $3); print $3; exit }')
		[ "$held" -gt 0 ] || [ "$(nft_drops)" -gt "$drops_before" ]
	}
	wait_until 30 wait_for_frame || fail "the frame neither reached the qdisc nor was dropped"
	echo go >&"$guest_in"
	read -r -t 60 line <&"$guest_out" || fail "the guest did not rewrite"
	[ "$line" = rewritten ] || fail "the guest said '$line', not rewritten"
	tc qdisc change dev vh0 root plug release_indefinite
	guest_wait "$1.guest" || fail "the guest did not get its buffer back"
}

nft_drops() {
	nft list chain bridge zcfilter forward |
		awk '/counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# wait_until SECONDS COMMAND...: COMMAND succeeds within SECONDS (polled).
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

guest_mac=$(cat /sys/vbus/devices/tgzd/mac)
make_frames "$guest_mac"

# 1. The filter works: a frame sent as port 23 is dropped.
drops_before=$(nft_drops)
receiver_up
send_held b
[ "$(nft_drops)" -eq $((drops_before + 1)) ] || fail "the nft rule did not drop the port 23 frame"

# 2. The race: port 9999 passes the filter, is held, rewritten to 23 in
# guest memory, released. The receiver (still waiting) must get 9999.
drops_before=$(nft_drops)
zc_before=$(dev_stat tgzd tx_zerocopy)
send_held frame
[ "$held" -ge 1 ] || fail "the qdisc held no frame"
[ "$(dev_stat tgzd tx_zerocopy)" -gt "$zc_before" ] || fail "the frame was not sent zero-copy"
read -r -t 200 _ port <&"$rx_out" || port=
cat rx.err
echo "the frame left with UDP port ${port:-(nothing seen)}"
[ -n "$port" ] && [ "$port" != none ] || {
	tc -s qdisc show dev vh0
	ip -n $ns -s link show vr0
	fail "no frame of the guest left the host"
}
[ "$port" = 9999 ] ||
	fail "the frame left as port $port: its headers were read from guest memory after the filter passed it"
[ "$(nft_drops)" -eq "$drops_before" ] || fail "the port 9999 frame was dropped"
wait "$rx_pid" || true
cleanup_net
trap - EXIT
testguest_teardown tgz tgzd

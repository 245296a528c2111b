# The seed's comparison, in the test VM (see tests/bench/seed/run): one
# nested guest (QEMU, TCG) with two NICs, venet on a vbus over QEMU's
# ivshmem-doorbell and virtio-net-pci on a tap; the same verified TCP
# stream (guest -> host) and 64-byte request/response over each, rounds
# interleaved, counting from the guest's side what would be exits and
# interrupts on a KVM host: venet's doorbells rung and interrupts taken
# (ethtool -S), virtio-net's kicks (ethtool -S) and the interrupts of its
# vectors (/proc/interrupts). Figures only.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/nested-guest"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
serve=$VBUS_BUILDDIR/tests/tools/vbus-ivshmem-serve
rounds=${VBUS_BENCH_ROUNDS:-3}
bytes=${VBUS_BENCH_BYTES:-$((32 << 20))}
rrs=${VBUS_BENCH_RR:-2000}
size=$((16 << 20))
sock=/run/vbus/bus/seed.sock
dir=$PWD/nested
qemu=
server=
loops=()
finish() {
	set +e
	[ -z "$qemu" ] || { kill "$qemu"; wait "$qemu"; } 2>/dev/null
	for p in "${loops[@]}"; do kill "$p" 2>/dev/null; done
	pkill -f "vbus-tcp (sink|echo)" 2>/dev/null
	[ -z "$server" ] || { exec 4>&-; wait "$server"; } 2>/dev/null
	ip link del vtap0 2>/dev/null
}
trap finish EXIT

vbus_insmod vbus
mkdir -p /run/vbus/bus
"$nl" bus-new seed connector=ivshmem region=$size
"$nl" dev-new sd0
"$nl" connect sd0 seed
mkfifo serve.in serve.out
"$serve" seed "$sock" $size <serve.in >serve.out &
server=$!
exec 4>serve.in 3<serve.out
read -r -t 60 line <&3 && [ "$line" = listening ] || fail "the ivshmem server did not start"
modprobe tun 2>/dev/null || true
ip tuntap add vtap0 mode tap || fail "no tap device (tun module): $(ls -l /dev/net/tun 2>&1)"
ip addr add 10.85.0.1/24 dev vtap0
ip link set vtap0 up

# The host's servers, one connection each, again and again (the nested
# guest retries until one listens).
(while :; do "$nested_tcp" sink 5001 || true; done) >sinks.out 2>&1 &
loops+=($!)
(while :; do "$nested_tcp" echo 5002 || true; done) >echoes.out 2>&1 &
loops+=($!)

cat >part.sh <<PART
insmod /m/failover.ko
insmod /m/net_failover.ko
insmod /m/virtio_net.ko
vif=
for i in \$(seq 300); do
	for n in /sys/class/net/*; do
		[ "\$(basename "\$(readlink \$n/device/driver 2>/dev/null)")" = virtio_net ] && vif=\$(basename \$n)
	done
	[ -n "\$vif" ] && break
	sleep 0.1
done
ip addr add 10.85.0.2/24 dev \$vif
ip link set \$vif up
echo "NESTED virtio-net \$vif"
ping -c 3 -W 10 10.84.0.1 >/dev/null && ping -c 3 -W 10 10.85.0.1 >/dev/null && echo "NESTED ping ok"
# notes NAME: exits and interrupts so far, "exits interrupts frames".
notes() {
	local s=/sys/class/net/\$2/statistics
	local frames=\$((\$(cat \$s/rx_packets) + \$(cat \$s/tx_packets)))
	if [ \$1 = venet ]; then
		ethtool -S \$2 | awk -v f=\$frames '/ (rx|tx)_doorbells:/ { e += \$2 } / interrupts:/ { i += \$2 } END { print e, i, f }'
	else
		local irq=\$(awk '/virtio[0-9]*-(input|output)/ { for (c = 2; c <= NF && \$c ~ /^[0-9]+\$/; c++) s += \$c } END { print s + 0 }' /proc/interrupts)
		ethtool -S \$2 | awk -v f=\$frames -v i=\$irq '/kicks:/ { e += \$2 } END { print e, i, f }'
	fi
}
# retry CMD...: until the host's server listens (it restarts after each).
retry() {
	local i
	for i in \$(seq 100); do
		"\$@" && return 0
		sleep 0.2
	done
	return 1
}
for r in \$(seq $rounds); do
	for nic in "venet \$ifc 10.84.0.1" "virtio \$vif 10.85.0.1"; do
		set -- \$nic
		n0=\$(notes \$1 \$2)
		out=\$(retry vbus-tcp source \$3 5001 $bytes) || echo "NESTED stream \$1 failed"
		n1=\$(notes \$1 \$2)
		echo "NESTED stream \$1 \$r \$(echo "\$out" | sed -n 's/.*mbps=\([0-9.]*\).*/\1/p') \$n0 \$n1"
		out=\$(retry vbus-tcp rr \$3 5002 $rrs 64) || echo "NESTED rr \$1 failed"
		n2=\$(notes \$1 \$2)
		echo "NESTED rr \$1 \$r \$(echo "\$out" | sed -n 's/.*tps=\([0-9]*\).*/\1/p') \$n1 \$n2"
	done
done
PART
nested_initramfs "$dir" part.sh failover net_failover virtio_net
console=$dir/console.log
qemu-system-x86_64 -M pc -accel tcg -cpu qemu64,-cx16 -m 512 -nodefaults -display none -no-reboot \
	-kernel "$dir/vmlinuz" -initrd "$dir/initrd.gz" -append "console=ttyS0 panic=-1 quiet" \
	-serial file:"$console" \
	-chardev socket,id=vbus,path="$sock" -device ivshmem-doorbell,chardev=vbus,vectors=2 \
	-netdev tap,id=n0,ifname=vtap0,script=no,downscript=no,vhost=off \
	-device virtio-net-pci,netdev=n0 </dev/null >qemu.out 2>&1 &
qemu=$!
alive() { kill -0 "$qemu" 2>/dev/null; }
nested_wait_reset "$console" seed alive
wait_seconds 60 "vbt-sd0 after the reset" test -e /sys/class/net/vbt-sd0
ip addr add 10.84.0.1/24 dev vbt-sd0
ip link set vbt-sd0 up
nested_wait_console "$console" "NESTED ping ok" 600 alive
nested_wait_console "$console" "NESTED done" 1800 alive
grep -Eq "NESTED (stream|rr) [a-z]+ failed" "$console" && fail "a measurement failed: $(grep NESTED "$console" | tail -n 20)"
verified=$(grep -c "verified=yes" sinks.out)
[ "$verified" -ge $((2 * rounds)) ] || fail "only $verified verified streams on the host: $(cat sinks.out)"

# One line per measure and NIC: the medians, and the counts per frame.
median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
figures() { # KIND NIC: "rate exits/frame irqs/frame exits/s"
	local lines
	lines=$(grep "^NESTED $1 $2 " "$console")
	printf "%s %s %s\n" \
		"$(awk '{ print $5 }' <<<"$lines" | median)" \
		"$(awk '{ print ($9 - $6) / ($11 - $8) }' <<<"$lines" | median)" \
		"$(awk '{ print ($10 - $7) / ($11 - $8) }' <<<"$lines" | median)"
}
echo "seed comparison: nested guest (QEMU TCG inside the TCG test VM, kernel $(uname -r)), venet over ivshmem-doorbell vs virtio-net-pci (QEMU userspace backend, vhost off), $rounds interleaved rounds, median; stream $((bytes >> 20)) MiB guest -> host, $rrs round trips of 64 bytes"
printf "%-26s %12s %12s %8s\n" measure venet virtio-net ratio
for kind in stream rr; do
	read -r vr ve vi <<<"$(figures $kind venet)"
	read -r cr ce ci <<<"$(figures $kind virtio)"
	unit=Mb/s
	[ $kind = rr ] && unit=tps
	printf "%-26s %12s %12s %8.2f\n" "$kind $unit" "$vr" "$cr" "$(awk -v a="$vr" -v b="$cr" 'BEGIN { print b ? a / b : 0 }')"
	printf "%-26s %12.3f %12.3f %8.2f\n" "  exits/frame" "$ve" "$ce" "$(awk -v a="$ve" -v b="$ce" 'BEGIN { print b ? a / b : 0 }')"
	printf "%-26s %12.3f %12.3f %8.2f\n" "  interrupts/frame" "$vi" "$ci" "$(awk -v a="$vi" -v b="$ci" 'BEGIN { print b ? a / b : 0 }')"
done
echo "(exits: venet doorbells rung, virtio-net kicks; the seed reports venet at about half of virtio-pci's exits)"

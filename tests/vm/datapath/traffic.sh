# Frames both ways through a venet slot with a minimal guest (vbus-attach
# traffic): guest TX reaches the host stack zero-copy (zcthresh) or copied
# (zcthresh 0) and every buffer comes back; host xmit fills the guest's RX
# buffers; the device's stats count it all.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
va=$VBUS_BUILDDIR/tests/tools/vbus-attach
size=1048576
stat() { cat /sys/vbus/devices/web0/stats/$1; }

vbus_insmod vbus
"$nl" bus-new vm1 region=$size
"$nl" dev-new web0 zcthresh=256
"$nl" connect web0 vm1

"$va" traffic vm1 $size 32 1000 0 | tee out || fail "zero-copy frames not all given back"
grep -q 'tx_done=32' out || fail "not 32 frames given back"
[ "$(stat tx_packets)" = 32 ] || fail "tx_packets $(stat tx_packets)"
[ "$(stat tx_bytes)" = 32000 ] || fail "tx_bytes $(stat tx_bytes)"
[ "$(stat tx_zerocopy)" = 32 ] || fail "tx_zerocopy $(stat tx_zerocopy)"
[ "$(stat doorbells)" -ge 1 ] || fail "no doorbell counted"
[ "$(stat interrupts)" -ge 1 ] || fail "no interrupt counted"

echo 0 > /sys/vbus/devices/web0/zcthresh
"$va" traffic vm1 $size 32 100 0 | tee out || fail "copied frames not all given back"
[ "$(stat tx_copied)" = 32 ] || fail "tx_copied $(stat tx_copied)"
[ "$(stat tx_zerocopy)" = 32 ] || fail "zcthresh 0 still sent zero-copy"

# Host to guest: the host's frames (ARP, IPv6) land in the guest's RX buffers.
mkfifo gout
"$va" traffic vm1 $size 1 60 2 >gout &
guest=$!
exec 3<gout
read -r -t 30 line <&3 || fail "guest said nothing"
[ "$line" = sent ] || fail "guest said '$line'"
[ -e /sys/class/net/vbt-web0 ] || fail "no vbt-web0 while attached: guest says $(cat <&3)"
# Link-up alone sends frames (IPv6 MLD, RS) and the guest may detach once it
# has 2: configure before, and let ping fail when the link is gone already.
ip addr add 10.91.0.1/24 dev vbt-web0
ip link set vbt-web0 up
ping -c 3 -i 0.5 -W 1 10.91.0.2 >/dev/null 2>&1 || true
wait "$guest" || fail "the guest got fewer than 2 frames"
cat <&3
[ "$(stat rx_packets)" -ge 2 ] || fail "rx_packets $(stat rx_packets)"
for s in tx_packets tx_bytes rx_packets rx_bytes drops doorbells interrupts suppressed \
	tx_zerocopy tx_copied; do
	echo "$s=$(stat $s)"
done
[ "$(cat /sys/vbus/buses/vm1/state)" = ok ] || fail "bus state $(cat /sys/vbus/buses/vm1/state)"
"$nl" disconnect web0
rmmod vbus

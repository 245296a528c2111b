# A slot reused while its DEVICE_REMOVED still waits for room in a full
# event queue keeps that event: a guest that drains late is told of every
# device that left (issue 10 item 6, kmod/region.c).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
race=$VBUS_BUILDDIR/tests/tools/vbus-attach-race
size=262144

vbus_insmod vbus
"$nl" bus-new vm1 region=$size
for d in p1 p2 p3 p4 p5 p6 p7 p8 q; do
	"$nl" dev-new $d
done

mkfifo in out
"$race" events vm1 $size <in >out &
guest=$!
exec 4>in 3<out
read -r -t 30 line <&3 || fail "the guest said nothing"
echo "$line"
[ "$line" = "attached slots=8 events=32" ] || fail "unexpected layout: $line"

for d in p1 p2 p3 p4 p5 p6 p7 p8; do
	"$nl" connect $d vm1
done
# Fill the event queue (the guest takes nothing): config changes post events.
full=
for i in $(seq 1 200); do
	echo pending >&4
	read -r -t 30 line <&3 || fail "the guest did not answer"
	if [ "${line#pending }" -ge 32 ]; then
		full=yes
		break
	fi
	"$nl" dev-set p$((i % 8 + 1)) mtu=$((1400 + i))
done
[ -n "$full" ] || fail "the event queue did not fill: $line"

# Every slot gets a DEVICE_REMOVED to post; q reuses one of them and leaves.
for d in p1 p2 p3 p4 p5 p6 p7 p8; do
	"$nl" disconnect $d
done
"$nl" connect q vm1
"$nl" disconnect q

echo drain >&4
: >events
while read -r -t 60 line <&3; do
	echo "$line" >>events
	case $line in drained*) break ;; esac
done
tail -1 events | grep -q '^drained' || fail "the guest did not finish draining"
for d in p1 p2 p3 p4 p5 p6 p7 p8; do
	id=$(cat /sys/vbus/devices/$d/id)
	grep -q "^event type=3 slot=[0-9]* device=$id\$" events ||
		fail "no DEVICE_REMOVED for $d (id $id): $(grep 'type=3' events | tr '\n' ' ')"
done
exec 4>&- 3<&-
wait "$guest" || fail "the guest failed"
rmmod vbus

# Every refusal has the right errno and an extack text that says what is
# wrong: duplicates, missing objects, busy objects, every attribute out of
# range, malformed names and values.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

# refused ERRNO TEXT ARGS...: vbus-nl ARGS must fail with ERRNO and TEXT.
refused() {
	local errno=$1 text=$2 rc=0
	shift 2
	"$nl" "$@" 2>err || rc=$?
	[ "$rc" -eq 1 ] || fail "'$*': exit status $rc, expected 1: $(cat err)"
	grep -q "$errno" err || fail "'$*': expected $errno: $(cat err)"
	grep -q -- "$text" err || fail "'$*': expected '$text' in: $(cat err)"
	echo "ok: $* -> $(cat err)"
}

vbus_insmod vbus
"$nl" bus-new vm1
"$nl" dev-new web0
"$nl" dev-new web1
"$nl" connect web0 vm1

refused EEXIST "bus of that name exists" bus-new vm1
refused EEXIST "device of that name exists" dev-new web0
refused ENOENT "no such bus" bus-del nope
refused ENOENT "no such bus" bus-get nope
refused ENOENT "no such bus" connect web1 nope
refused ENOENT "no such device" dev-del nope
refused ENOENT "no such device" dev-get nope
refused ENOENT "no such device" dev-set nope mtu=1400
refused ENOENT "no such device" connect nope vm1
refused ENOENT "no such device" stats nope
refused EBUSY "connected to this bus already" connect web0 vm1
refused EBUSY "disconnect them first" bus-del vm1
refused EBUSY "disconnect it first" dev-del web0
refused ENOTCONN "not connected" disconnect web1

# Out of range, at both edges, for every ranged attribute.
refused ERANGE "mtu" dev-new x mtu=67
refused ERANGE "mtu" dev-new x mtu=65536
refused ERANGE "zcthresh" dev-set web1 zcthresh=65537
refused ERANGE "wmem" dev-set web1 wmem=4095
refused ERANGE "wmem" dev-set web1 wmem=67108865
refused ERANGE "txqlen" dev-set web1 txqlen=0
refused ERANGE "txqlen" dev-set web1 txqlen=65537
refused ERANGE "region" bus-new vm2 region=65535
refused ERANGE "region" bus-new vm2 region=1073745920
refused EINVAL "multiple of the page size" bus-new vm2 region=69633
refused EINVAL "name must match" bus-new Vm2
refused EINVAL "name must match" dev-new -web
refused EINVAL "name must match" dev-new web/0
refused EINVAL "unicast" dev-set web1 mac=01:00:5e:00:00:01
refused EINVAL "unicast" dev-set web1 mac=00:00:00:00:00:00
refused EINVAL "interface name" dev-set web1 ifname=a/b

# The limits hold at the edges too.
"$nl" dev-set web1 mtu=68 zcthresh=65536 wmem=4096 txqlen=65536
"$nl" dev-set web1 mtu=65535 wmem=67108864 txqlen=1
"$nl" bus-new vm2 region=65536
"$nl" bus-new vm3 region=1073741824
"$nl" dev-new abcdefghijklmnopqrstuvwxyz01234

# Nothing refused left a trace.
[ "$("$nl" dev-dump | wc -l)" -eq 3 ] || fail "refused creations left devices"
[ "$("$nl" bus-dump | wc -l)" -eq 3 ] || fail "refused creations left buses"
"$nl" dev-get web1 | grep -q 'mac=[0-9a-f]' || fail "web1 lost its mac"
rmmod vbus

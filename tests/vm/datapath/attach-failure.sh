# An attach that fails inside (a host interface name taken, so
# register_netdev refuses the second device) while the guest scribbles the
# event queue: looped, it must leave no worker running on a freed
# attachment (no refcount warning, no oops), the bus ok and attachable.
# Default host interface names that would be cut to the same vbt- name are
# refused at creation, with a message naming the clash (issue 10 item 3).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
va=$VBUS_BUILDDIR/tests/tools/vbus-attach
race=$VBUS_BUILDDIR/tests/tools/vbus-attach-race
size=262144

vbus_insmod vbus
"$nl" bus-new vm1 region=$size
# vbt-abcdefghijk1 is cut to vbt-abcdefghijk (IFNAMSIZ).
"$nl" dev-new abcdefghijk1
"$nl" connect abcdefghijk1 vm1
clash_accepted=
if "$nl" dev-new abcdefghijk2 2>err; then
	# The module accepts the clash (the defect): it makes the failing attach.
	clash_accepted=yes
	second=abcdefghijk2
else
	cat err
	grep -q 'EEXIST.*host interface name' err || fail "not refused as a name clash: $(cat err)"
	# 6.1 has no formatted extack messages (NL_SET_ERR_MSG_FMT came in 6.2).
	case $VBUS_KVER in
	6.1.*) ;;
	*)
		grep -q 'vbt-abcdefghijk is device abcdefghijk1' err ||
			fail "the refusal does not name the clash: $(cat err)" ;;
	esac
	# A host interface of that name made by someone else does the same.
	modprobe dummy
	ip link add vbt-taken type dummy
	"$nl" dev-new second ifname=vbt-taken
	second=second
	# An explicit name is held to the same rule.
	if "$nl" dev-set second ifname=vbt-abcdefghijk 2>err; then
		fail "a device was given another device's host interface name"
	fi
	grep -q EEXIST err || fail "ifname clash: $(cat err)"
fi
"$nl" connect $second vm1

"$race" fail-loop vm1 $size 150 | tee out
grep -q 'errno=EEXIST' out || fail "the attach did not fail on the name: $(cat out)"
[ "$(cat /sys/vbus/buses/vm1/state)" = ok ] || fail "failed attaches left the bus $(cat /sys/vbus/buses/vm1/state)"

# The bus is whole: without the clash it attaches and serves.
"$nl" disconnect $second
"$va" traffic vm1 $size 4 100 0 || fail "no traffic after the failed attaches"
[ -n "$clash_accepted" ] && fail "two devices got the same default host interface name vbt-abcdefghijk"
ip link del vbt-taken
"$nl" dev-del second
"$nl" disconnect abcdefghijk1
"$nl" dev-del abcdefghijk1
"$nl" bus-del vm1
rmmod vbus

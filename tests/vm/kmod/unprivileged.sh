# Without CAP_NET_ADMIN every mutation is refused with EPERM, over netlink and
# through sysfs, while reads (get, dump, stats, sysfs) still work.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl
command -v setpriv >/dev/null || fail "setpriv missing (util-linux)"

vbus_insmod vbus
"$nl" bus-new vm1
"$nl" dev-new web0
"$nl" dev-new web1
"$nl" connect web1 vm1

# Root, but without CAP_NET_ADMIN in any set.
unpriv() {
	setpriv --inh-caps=-net_admin --bounding-set=-net_admin -- "$@"
}
unpriv grep -q '^CapEff:' /proc/self/status
[ "$(unpriv sh -c 'grep ^CapEff: /proc/self/status')" != "$(grep ^CapEff: /proc/self/status)" ] ||
	fail "setpriv did not drop CAP_NET_ADMIN"

mutations=(
	"bus-new vm2"
	"bus-del vm1"
	"dev-new web2"
	"dev-del web0"
	"dev-set web0 mtu=9000"
	"connect web0 vm1"
	"disconnect web1"
)
for m in "${mutations[@]}"; do
	rc=0
	# shellcheck disable=SC2086
	unpriv "$nl" $m 2>err || rc=$?
	[ "$rc" -ne 0 ] || fail "unprivileged '$m' succeeded"
	grep -q 'EPERM' err || fail "unprivileged '$m': not EPERM: $(cat err)"
done

for f in mtu zcthresh wmem txqlen; do
	rc=0
	unpriv bash -c "echo 1000 > /sys/vbus/devices/web0/$f" 2>err || rc=$?
	[ "$rc" -ne 0 ] || fail "unprivileged write to $f succeeded"
	grep -qi 'not permitted' err || fail "unprivileged write to $f: $(cat err)"
done

unpriv "$nl" dev-get web0 >/dev/null || fail "unprivileged get refused"
[ "$(unpriv "$nl" dev-dump | wc -l)" -eq 2 ] || fail "unprivileged dump incomplete"
unpriv "$nl" bus-dump | grep -q 'name=vm1' || fail "unprivileged bus dump"
unpriv "$nl" stats web0 >/dev/null || fail "unprivileged stats refused"
unpriv cat /sys/vbus/devices/web0/zcthresh >/dev/null || fail "unprivileged sysfs read refused"

# Nothing changed.
[ "$("$nl" dev-dump | wc -l)" -eq 2 ] || fail "device count changed"
"$nl" dev-get web0 | grep -qw 'mtu=1500' || fail "mtu changed"
"$nl" dev-get web1 | grep -qw 'bus=vm1' || fail "connection changed"
rmmod vbus

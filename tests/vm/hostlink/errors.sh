# host-link's configure refuses what cannot be done with the right errno and
# one line that says why, and changes nothing when it refuses.
. "$VBUS_SRCDIR/tests/vm/hostlink/lib.bash"

# refused ERRNO TEXT ARGS...: "host-link-tool configure ARGS" fails so.
refused() {
	local errno=$1 text=$2 rc=0
	shift 2
	"$tool" configure "$@" 2>err || rc=$?
	[ "$rc" -eq 1 ] || fail "'$*': exit status $rc, expected 1: $(cat err)"
	grep -q "$errno" err || fail "'$*': expected $errno: $(cat err)"
	grep -qF -- "$text" err || fail "'$*': expected '$text' in: $(cat err)"
	echo "ok: $* -> $(cat err)"
}

link_add br0 type bridge
link_add br1 type bridge
link_add d0 type dummy
link_add d1 type dummy

refused ENODEV "interface d9 does not exist" d9 1400 br0
refused ENODEV "interface d9 does not exist" d9 0
refused ENOENT "bridge br9 does not exist" d0 1400 br9
refused EINVAL "d1 is not a bridge (its kind is dummy)" d0 1400 d1
refused EINVAL "interface name 'abcdefghijklmnop' is not a valid" abcdefghijklmnop 0
refused EINVAL "bridge name 'bbbbbbbbbbbbbbbb' is not a valid" d0 0 bbbbbbbbbbbbbbbb
# The kernel's own refusal comes with its extack message.
refused ELOOP "interface br1: cannot enslave it to br0: Can not enslave a bridge to a bridge" br1 0 br0

[ "$("$tool" get d0)" = "d0 present=yes up=no running=no mtu=1500 master=-" ] || fail "refusals changed d0: $("$tool" get d0)"
[ "$("$tool" get br1)" = "br1 present=yes up=no running=no mtu=1500 master=-" ] || fail "refusals changed br1: $("$tool" get br1)"
[ "$("$tool" get d9)" = "d9 present=no" ] || fail "get d9: $("$tool" get d9)"


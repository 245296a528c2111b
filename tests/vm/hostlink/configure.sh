# host-link's configure brings an interface up, sets its MTU and enslaves it
# to a bridge, sends no change request when all that already holds, and
# releases. strace counts the requests really sent: the kernel announces no
# event for a write that changes nothing, so a monitor could not tell.
. "$VBUS_SRCDIR/tests/vm/hostlink/lib.bash"
command -v strace >/dev/null || fail "strace is missing: apt-get install strace (tools/install-deps)"

# configure ARGS...: runs "host-link-tool configure ARGS"; sets $out to what
# it printed and $writes to the number of link change requests it sent.
configure() {
	out=$(strace -f -qq -e trace=sendto,sendmsg -e signal=none -o trace "$tool" configure "$@")
	# Undecoded when strace cannot tell the socket's protocol in the VM:
	# RTM_NEWLINK is 0x10, RTM_SETLINK 0x13.
	writes=$(grep -cE 'nlmsg_type=(RTM_NEWLINK|RTM_SETLINK|0x10 |0x13 )' trace || true)
	echo "configure $*: $out, $writes change request(s)"
}

link_add br0 type bridge
ip link set br0 up
link_add d0 type dummy
[ "$("$tool" get d0)" = "d0 present=yes up=no running=no mtu=1500 master=-" ] || fail "get d0: $("$tool" get d0)"

watch_start
configure d0 1400 br0
[ "$out" = changed ] || fail "first configure said '$out'"
# Two: the master alone, then MTU and IFF_UP together.
[ "$writes" -eq 2 ] || fail "first configure sent $writes change requests, not 2"
[[ ,$(link_field d0 flags), == *,UP,* ]] || fail "d0 is not up: $(link_field d0 flags)"
[ "$(link_field d0 mtu)" = 1400 ] || fail "d0 mtu is $(link_field d0 mtu)"
[ "$(link_field d0 master)" = br0 ] || fail "d0 master is '$(link_field d0 master)'"
[ "$("$tool" get d0)" = "d0 present=yes up=yes running=yes mtu=1400 master=br0" ] || fail "get d0: $("$tool" get d0)"
watch_until '^d0 present=yes up=yes running=yes mtu=1400 master=br0$'

configure d0 1400 br0
[ "$out" = unchanged ] || fail "second configure said '$out'"
[ "$writes" -eq 0 ] || fail "second configure sent $writes change requests"

# No bridge argument (NULL) leaves the master alone; MTU 0 leaves the MTU.
configure d0 0
[ "$out" = unchanged ] && [ "$writes" -eq 0 ] || fail "configure d0 0: $out, $writes requests"
[ "$(link_field d0 master)" = br0 ] || fail "configure without bridge moved d0 to '$(link_field d0 master)'"

# "" releases d0 from br0, once; the watcher hears it.
configure d0 1400 ""
[ "$out" = changed ] && [ "$writes" -eq 1 ] || fail "release: $out, $writes requests"
[ -z "$(link_field d0 master)" ] || fail "d0 still has master $(link_field d0 master)"
watch_until '^d0 present=yes up=yes running=yes mtu=1400 master=-$'
configure d0 1400 ""
[ "$out" = unchanged ] && [ "$writes" -eq 0 ] || fail "second release: $out, $writes requests"

# Only what differs is sent: a down link gets one request (MTU and up).
ip link set d0 down
configure d0 9000
[ "$out" = changed ] && [ "$writes" -eq 1 ] || fail "configure d0 9000: $out, $writes requests"
[ "$("$tool" get d0)" = "d0 present=yes up=yes running=yes mtu=9000 master=-" ] || fail "get d0: $("$tool" get d0)"
configure d0 9000 br0
[ "$out" = changed ] && [ "$writes" -eq 1 ] || fail "configure d0 9000 br0: $out, $writes requests"
[ "$("$tool" get d0)" = "d0 present=yes up=yes running=yes mtu=9000 master=br0" ] || fail "get d0: $("$tool" get d0)"
watch_stop
echo "ok: configure, no-op, release, reconfigure"

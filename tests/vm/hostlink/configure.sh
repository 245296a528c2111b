# host-link's configure brings an interface up, sets its MTU and enslaves it
# to a bridge, writes nothing when all that already holds, and releases.
. "$VBUS_SRCDIR/tests/vm/hostlink/lib.bash"

# forward_delay 0: no port timer that would report d0 15 s later.
link_add br0 type bridge forward_delay 0
ip link set br0 up
link_add d0 type dummy
[ "$("$tool" get d0)" = "d0 present=yes up=no running=no mtu=1500 master=-" ] || fail "get d0: $("$tool" get d0)"

watch_start
out=$("$tool" configure d0 1400 br0)
[ "$out" = changed ] || fail "first configure said '$out'"
[[ ,$(link_field d0 flags), == *,UP,* ]] || fail "d0 is not up: $(link_field d0 flags)"
[ "$(link_field d0 mtu)" = 1400 ] || fail "d0 mtu is $(link_field d0 mtu)"
[ "$(link_field d0 master)" = br0 ] || fail "d0 master is '$(link_field d0 master)'"
[ "$("$tool" get d0)" = "d0 present=yes up=yes running=yes mtu=1400 master=br0" ] || fail "get d0: $("$tool" get d0)"

# The kernel's own follow-ups (linkwatch: d0's, then br0's carrier going
# on) end with br0 running; the marker s0 then flushes what the watcher
# still holds from them. After that, any change of d0 is the tool's.
watch_until '^br0 present=yes up=yes running=yes '
link_add s0 type dummy
watch_until '^s0 '

# The second configure sends nothing: no change of d0 is reported before
# the marker link m0, which the kernel announces after it.
out=$("$tool" configure d0 1400 br0)
[ "$out" = unchanged ] || fail "second configure said '$out'"
link_add m0 type dummy
watch_until '^m0 '
[[ $watched != *d0* ]] || fail "the second configure changed d0: $watched"

# NULL bridge (no argument) leaves the master alone; MTU 0 leaves the MTU.
out=$("$tool" configure d0 0)
[ "$out" = unchanged ] || fail "configure without bridge said '$out'"
link_add m1 type dummy
watch_until '^m1 '
[[ $watched != *d0* ]] || fail "configure without bridge changed d0: $watched"

# "" releases d0 from br0, once; the watcher hears it.
out=$("$tool" configure d0 1400 "")
[ "$out" = changed ] || fail "release said '$out'"
[ -z "$(link_field d0 master)" ] || fail "d0 still has master $(link_field d0 master)"
watch_until '^d0 present=yes up=yes running=yes mtu=1400 master=-$'
out=$("$tool" configure d0 1400 "")
[ "$out" = unchanged ] || fail "second release said '$out'"

# A change of MTU only, then back into the bridge, a down link brought up.
ip link set d0 down
out=$("$tool" configure d0 9000 br0)
[ "$out" = changed ] || fail "configure 9000 said '$out'"
[ "$("$tool" get d0)" = "d0 present=yes up=yes running=yes mtu=9000 master=br0" ] || fail "get d0: $("$tool" get d0)"
watch_stop

echo "ok: configure, no-op, release, reconfigure"

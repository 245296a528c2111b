# host-link reports links that appear, change, go and are renamed: a rename
# is reported under the old name (now absent) and the new one.
. "$VBUS_SRCDIR/tests/vm/hostlink/lib.bash"

watch_start
link_add w0 type dummy
watch_until '^w0 present=yes up=no running=no mtu=1500 master=-$'
ip link set w0 mtu 1280
watch_until '^w0 present=yes up=no running=no mtu=1280 master=-$'
ip link del w0
watch_until '^w0 present=no$'

link_add w1 type dummy
watch_until '^w1 present=yes '
ip link set w1 name w2
made+=(w2)
watch_until '^w1 present=no$'
watch_until '^w2 present=yes '
ip link del w2
watch_until '^w2 present=no$'

# A bridge port leaving its bridge is reported, and is no deletion.
link_add br0 type bridge
link_add w3 master br0 type dummy
watch_until '^w3 present=yes up=no running=no mtu=1500 master=br0$'
ip link set w3 nomaster
watch_until '^w3 present=yes up=no running=no mtu=1500 master=-$'
watch_stop
echo "ok: add, change, delete, rename, release reported"

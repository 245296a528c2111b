# vbusd acting on libvirt's domains (issue 14 item 4), with real libvirtd,
# virsh, QEMU (TCG) and vbusd, one domain started once:
# - the domain's live vbus metadata edited while it runs: a device added is
#   made and connected by vbusd (hot-plug), a device taken out is destroyed
#   (hot-unplug), each logged with the domain's name and UUID;
# - libvirtd killed and restarted while the domain runs: vbusd reconnects,
#   resyncs, and nothing of the domain's vbus is lost;
# - the domain destroyed while vbusd is down (the hook's release cannot
#   reach it): vbusd's first resync takes the bus down, and keeps the
#   persistent device, disconnected.
# vm-test-timeout: 900
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
. "$VBUS_SRCDIR/tests/vm/libvirt/libvirt-lib"
example=$VBUS_SRCDIR/examples/libvirt/vbus-i440fx.xml
ns=urn:vbus:domain:1
domain=vbus-i440fx
bus=vbus-i440fx

# on_bus DEVICE: DEVICE is connected to the domain's bus.
on_bus() { [ "$(cat /sys/vbus/devices/$1/bus 2>/dev/null)" = "$bus" ]; }
gone() { [ ! -e "/sys/vbus/$1" ]; }
logged() { grep -qF -- "$1" vbusd.log; }
connects() { [ "$(grep -c "libvirt: connected to qemu:///system" vbusd.log)" -ge "$1" ]; }
# set_live_metadata FILE: the domain's live vbus element becomes FILE's.
set_live_metadata() {
	virsh metadata $domain $ns --key vbus --set "$(cat "$1")" --live >/dev/null
}

vbus_insmod vbus
vbusd_start
libvirt_start
wait_for "vbusd to connect to libvirtd" connects 1

virsh -q define "$example" >/dev/null
uuid=$(virsh domuuid $domain | tr -d ' \n')
start=$(date +%s)
virsh -q start $domain || fail "virsh start failed: $(tail -n 20 vbusd.log)"
echo "virsh start took $(( $(date +%s) - start )) s"
wait_for "QEMU to connect" logged "bus $bus: ivshmem client"
on_bus web0 && on_bus web1 || fail "the domain's devices are not connected"

# the vbus element as virsh takes it: no namespace declaration, no prefix
xmllint --xpath "//*[local-name()='metadata']/*" "$example" |
	sed -e "s/ xmlns:vbus=[\"'][^\"']*[\"']//" -e 's/vbus://g' >vbus.xml
grep -q "<device name=.web0" vbus.xml || fail "cannot read the example's metadata: $(cat vbus.xml)"

# hot-plug: web2 added to the running domain's metadata
sed "s|</bus>|<device name='web2' type='venet' mtu='1500'/></bus>|" vbus.xml >plus.xml
set_live_metadata plus.xml
wait_for "web2 made and connected by vbusd" on_bus web2
wait_for "web2's host interface (the bus is attached)" test -e /sys/class/net/vbt-web2
[ "$(cat /sys/class/net/vbt-web2/mtu)" = 1500 ] || fail "web2's mtu is not the metadata's"
logged "domain $domain ($uuid): running: its vbus made as its metadata says" ||
	fail "the hot-plug is not logged with the domain's name and UUID"

# hot-unplug: web0 taken out (not persistent: destroyed)
sed '/name=.web0./d' plus.xml >minus.xml
grep -q web0 minus.xml && fail "test bug: web0 still in minus.xml"
set_live_metadata minus.xml
wait_for "web0 destroyed by vbusd" gone devices/web0
on_bus web1 && on_bus web2 || fail "the other devices went with web0"
logged "domain $domain ($uuid): metadata edited: its vbus taken down" ||
	fail "the hot-unplug is not logged"

# libvirtd killed and restarted while the domain runs: reconnect, resync,
# nothing lost
libvirtd_stop
libvirt_start
wait_for "vbusd to reconnect" connects 2
[[ $(virsh -q domstate $domain) == running* ]] || fail "the domain stopped with libvirtd"
on_bus web1 && on_bus web2 || fail "devices lost across libvirtd's restart"
gone devices/web0 || fail "web0 came back at the resync"
[ -e /sys/class/net/vbt-web1 ] && [ -e /sys/class/net/vbt-web2 ] ||
	fail "bus $bus no longer attached after libvirtd's restart"

# destroyed while vbusd is down: the hook cannot reach vbusd, so vbusd's
# first resync takes the bus down; web1 (persistent) stays, disconnected
vbusd_stop
virsh -q destroy $domain
vbusd_start
wait_for "the bus to go at vbusd's first resync" gone buses/$bus
[ -e /sys/vbus/devices/web1 ] || fail "persistent web1 went with the domain"
[ -z "$(cat /sys/vbus/devices/web1/bus)" ] || fail "web1 still on a bus"
logged "domain $domain ($uuid): not running: its vbus taken down" ||
	fail "the take-down is not logged: $(tail -n 20 vbusd.log)"
virsh -q undefine $domain >/dev/null

# vbusd <-> libvirtd (issue 14 item 4) with a real libvirtd and no domain
# started: vbusd without libvirtd serves and says "not connected"; with
# libvirtd it connects and resyncs the defined domains (vbus metadata
# counted, each logged with VBUS_DOMAIN/VBUS_DOMAIN_UUID's name and UUID);
# a metadata change (the vbus element removed, set again) is followed; with
# libvirtd killed status says not connected, and connected again after
# libvirtd's restart, within the backoff; undefine forgets; --no-libvirt and
# --libvirt-uri are honoured. Every wait polls status, bounded in seconds.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
for tool in libvirtd virtlogd virsh; do
	command -v $tool >/dev/null || fail "$tool missing: run tools/install-deps (libvirt-daemon-system)"
done
example=$VBUS_SRCDIR/examples/libvirt/vbus-i440fx.xml
ns=urn:vbus:domain:1

stop_libvirtd() {
	local pid
	pid=$(cat /run/libvirtd.pid 2>/dev/null || true)
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null || true
	# bounded: libvirtd removes its pid file on exit
	wait_for "libvirtd to exit" sh -c "! kill -0 $pid 2>/dev/null"
}
stop_libvirt() {
	local pid
	stop_libvirtd
	pid=$(cat /run/virtlogd.pid 2>/dev/null || true)
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
}
trap 'stop_libvirt; cleanup' EXIT

# status_says TEXT: vbusctl status's libvirt line contains TEXT.
status_says() {
	{ vbusctl status || true; } | grep '^libvirt:' | grep -qF -- "$1"
}

vbus_insmod vbus

# without libvirtd: vbusd starts, serves, says so; the reason is libvirt's
vbusd_start
wait_for "status: not connected" status_says "not connected to qemu:///system ("
{ vbusctl status || true; } | grep '^libvirt:'
status_says "retrying in " || fail "no retry countdown"
vbusctl -j status | jq -e '.libvirt.connected == false and (.libvirt.reason | length > 0)' \
	>/dev/null || fail "-j: $(vbusctl -j status | jq -c .libvirt)"
# it serves everything else: a bus made and gone
vbusctl bus create lv0 connector=loop >/dev/null
wait_for "bus lv0" test -e /sys/vbus/buses/lv0

# libvirtd comes: connected, with the two defined domains, one with vbus
echo 'namespaces = [ ]' >>/etc/libvirt/qemu.conf
virtlogd -d
libvirtd -d
wait_for "libvirtd" virsh -q version
virsh -q define "$example" >/dev/null
cat >plain.xml <<'XML'
<domain type='qemu'>
  <name>plain-lv</name>
  <memory unit='MiB'>128</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>
XML
virsh -q define plain.xml >/dev/null
uuid=$(virsh domuuid vbus-i440fx | tr -d ' \n')
wait_for "status: connected, 1 domain with vbus" \
	status_says "connected to qemu:///system (1 domain with vbus)"
{ vbusctl status || true; } | grep '^libvirt:'
vbusctl -j status | jq -e '.libvirt.connected and .libvirt.domains == 1 and .libvirt.running == 0' \
	>/dev/null || fail "-j: $(vbusctl -j status | jq -c .libvirt)"
grep -q "domain vbus-i440fx ($uuid): defined with vbus metadata" vbusd.log ||
	fail "no log line naming the domain and its UUID: $(cat vbusd.log)"
grep -q "plain-lv" vbusd.log && fail "a domain without vbus metadata was logged"
# the journal fields (journald runs in the VM when systemd does; the log
# line above is the same message)
if journalctl --version >/dev/null 2>&1 && [ -S /run/systemd/journal/socket ]; then
	journalctl -o json VBUS_DOMAIN_UUID="$uuid" | jq -e -s 'length > 0' >/dev/null ||
		fail "no journal entry with VBUS_DOMAIN_UUID=$uuid"
fi

# metadata edited: the vbus element removed, then set again
virsh metadata vbus-i440fx $ns --remove --config
wait_for "status: 0 domains with vbus" status_says "(0 domains with vbus)"
# without its namespace declaration: virsh gives it ns under the key's prefix
xmllint --xpath "//*[local-name()='metadata']/*" "$example" |
	sed -e "s/ xmlns:vbus=[\"'][^\"']*[\"']//" -e 's/vbus://g' >vbus.xml
virsh metadata vbus-i440fx $ns --key vbus --set "$(cat vbus.xml)" --config
wait_for "status: 1 domain with vbus again" status_says "(1 domain with vbus)"

# libvirtd killed: not connected (the close callback); restarted: connected
# again within the backoff (1 s after the loss, doubling)
stop_libvirtd
wait_for "status: not connected after libvirtd went" status_says "not connected"
{ vbusctl status || true; } | grep '^libvirt:'
libvirtd -d
start=$(date +%s)
wait_for "status: connected again" status_says "connected to qemu:///system (1 domain"
echo "reconnected $(( $(date +%s) - start )) s after libvirtd's restart"
[ "$(grep -c "libvirt: connected to qemu:///system" vbusd.log)" -ge 2 ] ||
	fail "the reconnect is not logged"

# undefine: forgotten
virsh -q undefine vbus-i440fx >/dev/null
wait_for "status: 0 domains after undefine" status_says "(0 domains with vbus)"
grep -q "domain vbus-i440fx ($uuid): undefined, forgotten" vbusd.log || fail "undefine not logged"
virsh -q undefine plain-lv >/dev/null
[ -e /sys/vbus/buses/lv0 ] || fail "bus lv0 went with libvirt's comings and goings"
vbusd_stop

# --no-libvirt: not followed; --libvirt-uri: the URI in status
vbusd_start --no-libvirt
status_says "not followed (vbusd --no-libvirt)" || fail "--no-libvirt: $(vbusctl status)"
vbusctl -j status | jq -e '.libvirt == null' >/dev/null || fail "--no-libvirt -j"
vbusd_stop
vbusd_start --libvirt-uri=qemu+unix:///system?socket=/nonexistent
wait_for "status: not connected to the URI given" status_says "not connected to qemu+unix:///system?socket=/nonexistent"
vbusd_stop

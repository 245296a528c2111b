# vbusd as the installed service, in its sandbox, follows a real libvirtd
# (issue 14 item 4): without libvirtd it runs and says "not connected"; with
# libvirtd started it connects to /run/libvirt/libvirt-sock through the
# unit's sandbox (AF_UNIX, read-only /run, no CAP_DAC_OVERRIDE) and counts
# a defined domain's vbus metadata; its journal entry about that domain
# carries VBUS_DOMAIN and VBUS_DOMAIN_UUID; libvirtd stopped: not connected.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/systemd/vbusd-lib"
command -v libvirtd >/dev/null || fail "libvirtd missing: run tools/install-deps (libvirt-daemon-system)"
vbusctl=$VBUS_BUILDDIR/cli/vbusctl
example=$VBUS_SRCDIR/examples/libvirt/vbus-i440fx.xml

stop_libvirtd() {
	local pid
	systemctl stop libvirtd.service libvirtd.socket libvirtd-ro.socket \
		libvirtd-admin.socket 2>/dev/null || true
	pid=$(cat /run/libvirtd.pid 2>/dev/null || true)
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
		wait_for "libvirtd to exit" 30 sh -c "! kill -0 $pid 2>/dev/null"
	fi
}
trap 'virsh -q undefine vbus-i440fx >/dev/null 2>&1; stop_libvirtd; cleanup' EXIT

status_says() {
	{ "$vbusctl" status || true; } | grep '^libvirt:' | grep -qF -- "$1"
}

stop_libvirtd
systemctl start dbus.socket
systemctl start vbusd.service
wait_for "status: not connected" 30 status_says "not connected to qemu:///system ("
{ "$vbusctl" status || true; } | grep '^libvirt:'
[ "$(systemctl is-active vbusd.service)" = active ] || fail "vbusd is not active without libvirtd"

grep -q '^namespaces = \[ \]' /etc/libvirt/qemu.conf || echo 'namespaces = [ ]' >>/etc/libvirt/qemu.conf
pgrep -x virtlogd >/dev/null || virtlogd -d
libvirtd -d
wait_for "libvirtd" 120 virsh -q version
virsh -q define "$example" >/dev/null
uuid=$(virsh domuuid vbus-i440fx | tr -d ' \n')
# the backoff: at most 30 s between attempts
wait_for "status: connected, 1 domain with vbus" 60 \
	status_says "connected to qemu:///system (1 domain with vbus)"
{ "$vbusctl" status || true; } | grep '^libvirt:'
wait_for "a journal entry with VBUS_DOMAIN_UUID=$uuid" 10 sh -c \
	"journalctl -b -u vbusd.service -o json VBUS_DOMAIN_UUID=$uuid | jq -e -s 'length > 0 and .[0].VBUS_DOMAIN == \"vbus-i440fx\"' >/dev/null"

virsh -q undefine vbus-i440fx >/dev/null
stop_libvirtd
wait_for "status: not connected after libvirtd went" 30 status_says "not connected"
[ "$(systemctl is-active vbusd.service)" = active ] || fail "vbusd went with libvirtd"

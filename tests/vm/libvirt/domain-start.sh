# The acceptance path with real components: real libvirtd (qemu driver,
# TCG), real virsh, real vbusd with vbus.ko, the hook installed where libvirt
# reads it. "virsh define" + "virsh start" of each example domain
# (examples/libvirt/: i440fx, and q35 with its pcie-to-pci-bridge) gives a bus
# owned by the domain, its devices connected, QEMU connected to the bus's
# socket (the bus attached in vbus.ko) and 1af4:1110 in the domain's PCI
# tree; "virsh destroy" tears it down but the persistent devices.
# libvirt probes QEMU's capabilities at its first start (21-80 s under TCG)
# and each domain's QEMU starts under TCG: 80 s on a quiet machine, 470 s
# on a loaded one.
# vm-test-timeout: 900
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
. "$VBUS_SRCDIR/tests/vm/libvirt/libvirt-lib"

vbus_insmod vbus
vbusd_start
# libvirt probes QEMU's capabilities once per boot (21-80 s under TCG, several
# minutes on a loaded machine): the VM's writes do not reach the host, so no
# cache survives between boots.
libvirt_start

# check_domain NAME: define, start, check, destroy, undefine.
check_domain() {
	local domain=$1 example=$VBUS_SRCDIR/examples/libvirt/$1.xml
	local bus devices persistent device qemu start
	local vbus="//*[local-name()='metadata']/*[local-name()='bus']"

	bus=$(attribute_values "$example" "$vbus/@name")
	devices=$(attribute_values "$example" "$vbus/*/@name" | sort)
	persistent=$(attribute_values "$example" "$vbus/*[@persistent='yes']/@name" 2>/dev/null || true)
	virsh -q define "$example" >/dev/null
	start=$(date +%s)
	virsh -q start "$domain" || fail "$domain: virsh start failed (vbusd.log below)"
	echo "$domain: virsh start took $(( $(date +%s) - start )) s"

	json=$(vbusd_get GetBuses as 1 "$bus" | jq -c '.buses[0]')
	[ "$(jq -r .domain <<<"$json")" = "$domain" ] || fail "$domain: bus not owned by it: $json"
	[ "$(jq -r .connector <<<"$json")" = ivshmem ] || fail "$domain: bus $json"
	[ "$(jq -r '.devices[]' <<<"$json" | sort)" = "$devices" ] || fail "$domain: devices $json"
	for device in $devices; do
		[ "$(cat /sys/vbus/devices/$device/bus)" = "$bus" ] || fail "$device not connected"
	done
	qemu=$(pgrep -f "guest=$domain," | head -n 1)
	[ -n "$qemu" ] || fail "$domain: no QEMU process"
	wait_for "$domain's QEMU to connect" grep -q "bus $bus: ivshmem client [0-9]* (pid $qemu) connected" vbusd.log
	for device in $devices; do
		[ -e /sys/class/net/vbt-$device ] || fail "$bus not attached in vbus.ko (no vbt-$device)"
	done
	wait_for "1af4:1110 in $domain's PCI tree" domain_has_1110 "$domain"
	virsh qemu-monitor-command "$domain" --hmp 'info pci' | grep -B1 1af4:1110

	virsh -q destroy "$domain"
	wait_for "$domain's bus to go" test ! -e "/sys/vbus/buses/$bus"
	for device in $devices; do
		if grep -qx "$device" <<<"$persistent"; then
			[ -e "/sys/vbus/devices/$device" ] || fail "persistent $device went with $domain"
			vbusd_call DestroyDevice st "$device" 0 >/dev/null
		else
			[ -e "/sys/vbus/devices/$device" ] && fail "$device outlived $domain"
		fi
	done
	virsh -q undefine "$domain" >/dev/null
}

check_domain vbus-i440fx
check_domain vbus-q35

# vbusctl domain attach / detach / show (issue 14 item 3) with real
# components: real libvirtd (qemu driver, TCG), real virsh, real vbusd on
# vbus.ko, the hook installed. On i440fx: attach --config to a defined domain
# (its XML passes virt-xml-validate, the metadata the RelaxNG schema), the
# errors (twice, a bad value, a region size not a power of two: nothing
# changed, an absent device), detach
# --config; the domain started without vbus, attach --live hot-plugs the
# bus's <shmem> after vbusd made the bus (QEMU shows 1af4:1110 and connects
# to the socket; the bus has the --region-size asked, and keeps it: another
# size live is refused), a second device joins the bus, show (-j) tells bus, peer
# and links, detach --live lets the devices go. On q35 without a
# pcie-to-pci-bridge: attach --live exits 12 saying the domain must be
# restarted, its definition gains the bridge and the <shmem> and validates;
# started again (with the bridge, without vbus), attach --live hot-plugs into
# the bridge's free slot.
# One boot of the i440fx domain and two of the q35 one; each QEMU start
# under TCG takes 80-470 s, libvirt's capability probe 21-80 s.
# vm-test-timeout: 1800
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/daemon/vbusd-lib"
. "$VBUS_SRCDIR/tests/vm/libvirt/libvirt-lib"
command -v virt-xml-validate >/dev/null || fail "virt-xml-validate missing (libvirt-clients)"
vbusctl=$VBUS_BUILDDIR/cli/vbusctl
schema=$VBUS_SRCDIR/schemas/vbus-domain.rng

vbus_insmod vbus
vbusd_start
libvirt_start

# domain_xml NAME MACHINE [DEVICES]: a domain without vbus (no disk: QEMU
# starts, the firmware finds nothing to boot, which is all the test needs).
domain_xml() {
	cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='$2'>hvm</type></os>
  <features><acpi/></features>
  <devices>${3:-}
    <serial type='pty'/>
    <console type='pty'/>
  </devices>
</domain>
XML
}

# check_valid DOMAIN [--inactive]: its XML passes virt-xml-validate and its
# vbus metadata (when it has some) the schema.
check_valid() {
	virsh dumpxml "$@" >dom.xml
	virt-xml-validate dom.xml domain >/dev/null || fail "$1: virt-xml-validate: $(cat dom.xml)"
	if virsh metadata "$1" urn:vbus:domain:1 ${2:+--config} >meta.xml 2>/dev/null; then
		# virsh prints the element without its namespace
		sed -i '1s|^<bus|<bus xmlns="urn:vbus:domain:1"|' meta.xml
		xmllint --noout --relaxng "$schema" meta.xml || fail "$1: metadata: $(cat meta.xml)"
	fi
}

# shmem_count DOMAIN [--inactive]: the <shmem> devices of its XML.
shmem_count() {
	virsh dumpxml "$@" >count.xml
	xmllint --xpath 'count(/domain/devices/shmem)' count.xml
}

# run_vbusctl ARGS...: vbusctl's status in rc, its stderr in err.
run_vbusctl() {
	rc=0
	"$vbusctl" "$@" 2>err || rc=$?
}

# device_bus DEVICE: the bus vbusd has DEVICE on ("null" when on none,
# "absent" when there is no such device).
device_bus() {
	vbusd_get GetDevices as 0 | jq -r --arg d "$1" \
		'[.devices[] | select(.name == $d)] | if length == 0 then "absent" else .[0].bus // "null" end'
}

# --- i440fx -----------------------------------------------------------------
domain_xml att-pc pc >pc.xml
virsh -q define pc.xml >/dev/null

# --config to the defined domain (not running: the default is --config)
"$vbusctl" domain attach att-pc pc0 mtu=9000 wmem=2MiB --region-size 2M
[ "$(shmem_count att-pc --inactive)" = 1 ] || fail "attach --config: no <shmem>"
metadata=$(virsh metadata att-pc urn:vbus:domain:1 --config)
[[ $metadata == *'<device name="pc0" mtu="9000" wmem="2097152"/>'* ]] || fail "metadata: $metadata"
[[ $metadata == *'region_size="2097152"'* ]] || fail "--region-size 2M: $metadata"
check_valid att-pc --inactive
virsh dumpxml --inactive att-pc >before.xml
# twice: refused (exit 1), accepted with --may-exist; nothing changes
run_vbusctl domain attach att-pc pc0
[ "$rc" = 1 ] && grep -q "device pc0 is already in the domain's vbus metadata" err ||
	fail "attach twice: $rc $(cat err)"
"$vbusctl" domain attach att-pc pc0 --may-exist
# a bad value: one line naming the key and the range, exit 2, nothing changed
run_vbusctl domain attach att-pc pc1 mtu=70000
[ "$rc" = 2 ] || fail "mtu=70000: exit $rc"
[ "$(wc -l <err)" = 1 ] && grep -q "mtu=70000: out of range (expected 68..65535)" err ||
	fail "mtu=70000: $(cat err)"
run_vbusctl domain attach att-pc pc1 persistent=maybe
[ "$rc" = 2 ] && grep -q "persistent=maybe: expected yes or no" err || fail "persistent: $(cat err)"
run_vbusctl domain attach att-pc pc1 --region-size 3M
[ "$rc" = 2 ] && grep -q -- "--region-size 3M: 3145728 bytes is not a power of two" err ||
	fail "--region-size 3M: $rc $(cat err)"
virsh dumpxml --inactive att-pc >after.xml
cmp -s after.xml before.xml || fail "a refused attach changed the domain"
# detach of a device not there: exit 3; --if-exists: 0
run_vbusctl domain detach att-pc nope
[ "$rc" = 3 ] && grep -q "device nope is not in the domain's vbus metadata" err ||
	fail "detach absent: $rc $(cat err)"
"$vbusctl" domain detach att-pc nope --if-exists
# --live on a domain that does not run: refused
run_vbusctl domain attach att-pc pc1 --live
[ "$rc" = 1 ] && grep -q "is not running" err || fail "--live, shut off: $rc $(cat err)"
# the last device goes with its <shmem>
"$vbusctl" domain detach att-pc pc0
[ "$(shmem_count att-pc --inactive)" = 0 ] || fail "detach --config left the <shmem>"
virsh metadata att-pc urn:vbus:domain:1 --config >/dev/null 2>&1 && fail "metadata left"
check_valid att-pc --inactive

start=$SECONDS
virsh -q start att-pc
echo "att-pc: virsh start took $((SECONDS - start)) s"
domain_has_1110 att-pc && fail "att-pc has an ivshmem device before any attach"
# --live: vbusd makes bus and device, then the <shmem> is hot-plugged
start=$SECONDS
"$vbusctl" domain attach att-pc pc0 mtu=9000 --live --region-size 4M
echo "att-pc: domain attach --live took $((SECONDS - start)) s"
wait_for "1af4:1110 in att-pc's PCI tree" domain_has_1110 att-pc
virsh qemu-monitor-command att-pc --hmp 'info pci' | grep -B1 1af4:1110
qemu=$(pgrep -f "guest=att-pc," | head -n 1)
wait_for "att-pc's QEMU to connect" grep -q "bus att-pc: ivshmem client [0-9]* (pid $qemu) connected" vbusd.log
bus=$(vbusd_get GetBuses as 1 att-pc | jq -c '.buses[0]')
[ "$(jq -r .domain <<<"$bus")" = att-pc ] || fail "bus not owned by att-pc: $bus"
jq -e --argjson pid "$qemu" '.ivshmem.connected and .ivshmem.peer_pid == $pid' <<<"$bus" >/dev/null ||
	fail "GetBuses: no QEMU peer: $bus"
[ "$(jq -r .region_size <<<"$bus")" = 4194304 ] || fail "--region-size 4M, live: $bus"
# a running bus keeps its region: another size live is refused, nothing changed
run_vbusctl domain attach att-pc pc1 --live --region-size 8M
[ "$rc" = 1 ] && grep -q "bus att-pc's region is 4194304 bytes and cannot change size while the domain runs" err ||
	fail "--region-size 8M on the running bus: $rc $(cat err)"
[ "$(device_bus pc1)" = absent ] || fail "a refused attach made pc1: $(device_bus pc1)"
[ "$(device_bus pc0)" = att-pc ] || fail "pc0 not connected: $(device_bus pc0)"
check_valid att-pc
# not in the definition: --live alone
virsh metadata att-pc urn:vbus:domain:1 --config >/dev/null 2>&1 && fail "--live changed the definition"
# a second device joins the running bus (no second <shmem>)
"$vbusctl" domain attach att-pc pc1 persistent=yes --live
[ "$(shmem_count att-pc)" = 1 ] || fail "a second <shmem>"
[ "$(device_bus pc1)" = att-pc ] || fail "pc1 not connected: $(device_bus pc1)"
"$vbusctl" domain show att-pc | tee show.txt
grep -q "^bus att-pc: state ok, socket /run/vbus/bus/att-pc.sock, QEMU peer [0-9]* (pid $qemu) connected" show.txt ||
	fail "show: no peer"
grep -q "^device pc1: type venet, persistent; connected, link " show.txt || fail "show: pc1"
grep -q "^migration: cannot be live-migrated" show.txt || fail "show: migration"
"$vbusctl" -j domain show att-pc >show.json
jq -e --argjson pid "$qemu" '.running and .bus.exists and .bus.ivshmem.peer_pid == $pid and
	([.devices[].name] == ["pc0", "pc1"]) and (.devices | all(.connected)) and
	(.devices[0].mtu == 9000) and .devices[1].persistent and (.migratable | not)' show.json \
	>/dev/null || fail "show -j: $(cat show.json)"
# detach --live: the persistent device stays, disconnected; the last goes
# with the bus, after its <shmem> was asked out
"$vbusctl" domain detach att-pc pc1 --live
[ "$(device_bus pc1)" = null ] || fail "pc1 after detach: $(device_bus pc1)"
run_vbusctl domain detach att-pc pc0 --live
[ "$rc" = 0 ] || fail "detach --live pc0: exit $rc: $(cat err)"
[ "$(device_bus pc0)" = absent ] || fail "pc0 after detach: $(device_bus pc0)"
# Without a guest OS nothing answers the ACPI unplug request: QEMU keeps the
# device (and its connection) until a guest ejects it; the bus stays the
# domain's (its metadata an empty bus) until then or until the domain stops.
if domain_has_1110 att-pc; then
	echo "att-pc: QEMU keeps 1af4:1110 after the unplug request (no guest OS)"
	grep -q "bus att-pc stays until the guest releases its ivshmem-doorbell device" err ||
		fail "detach: no word about the bus kept: $(cat err)"
	[ -e /sys/vbus/buses/att-pc ] || fail "bus att-pc went while QEMU has it"
	[ "$(virsh metadata att-pc urn:vbus:domain:1 | tr -d ' \n')" = '<busname="att-pc"region_size="4194304"/>' ] ||
		fail "live metadata: $(virsh metadata att-pc urn:vbus:domain:1)"
	virsh -q destroy att-pc
	# the hook's release: the empty bus goes with the domain
	wait_for "bus att-pc to go" test ! -e /sys/vbus/buses/att-pc
else
	wait_for "bus att-pc to go" test ! -e /sys/vbus/buses/att-pc
	virsh metadata att-pc urn:vbus:domain:1 >/dev/null 2>&1 && fail "live metadata left"
	virsh -q destroy att-pc
fi
vbusd_call DestroyDevice st pc1 0 >/dev/null

# --- q35 without a pcie-to-pci-bridge ----------------------------------------
domain_xml att-q35 q35 >q35.xml
virsh -q define q35.xml >/dev/null
virsh dumpxml --inactive att-q35 >q35-def.xml
grep -q "model='pcie-to-pci-bridge'" q35-def.xml && fail "att-q35 has a pcie-to-pci-bridge from libvirt already"
start=$SECONDS
virsh -q start att-q35
echo "att-q35: virsh start took $((SECONDS - start)) s"
run_vbusctl domain attach att-q35 q0 --live
cat err
[ "$rc" = 12 ] || fail "q35 without bridge: exit $rc, 12 expected"
grep -q "the domain must be restarted (shut down and started) for it to appear" err ||
	fail "q35: no restart message"
grep -qi "does not support hotplugging" err && fail "q35: libvirt's bare message"
[ "$(shmem_count att-q35)" = 0 ] || fail "q35: the running domain got a <shmem>"
virsh dumpxml --inactive att-q35 >q35-def.xml
index=$(xmllint --xpath "string(/domain/devices/controller[@model='pcie-to-pci-bridge']/@index)" q35-def.xml)
[ -n "$index" ] || fail "q35: no pcie-to-pci-bridge in the definition"
[ "$(xmllint --xpath 'string(/domain/devices/shmem/address/@bus)' q35-def.xml)" = \
  "$(printf '0x%02x' "$index")" ] || fail "q35: the <shmem> is not on the bridge: $(cat q35-def.xml)"
check_valid att-q35 --inactive
virsh -q destroy att-q35

# --- q35 with a pcie-to-pci-bridge: hot-plug into its free slot ----------------
"$vbusctl" domain detach att-q35 q0 --config
[ "$(shmem_count att-q35 --inactive)" = 0 ] || fail "q35: detach --config left the <shmem>"
start=$SECONDS
virsh -q start att-q35
echo "att-q35 (with bridge): virsh start took $((SECONDS - start)) s"
"$vbusctl" domain attach att-q35 q0 --live
wait_for "1af4:1110 in att-q35's PCI tree" domain_has_1110 att-q35
virsh qemu-monitor-command att-q35 --hmp 'info pci' | grep -B1 1af4:1110
virsh dumpxml att-q35 >q35-live.xml
[ "$(xmllint --xpath 'string(/domain/devices/shmem/address/@bus)' q35-live.xml)" = \
  "$(printf '0x%02x' "$index")" ] || fail "q35: the live <shmem> is not on the bridge"
[ "$(device_bus q0)" = att-q35 ] || fail "q0 not connected: $(device_bus q0)"
qemu=$(pgrep -f "guest=att-q35," | head -n 1)
wait_for "att-q35's QEMU to connect" grep -q "bus att-q35: ivshmem client [0-9]* (pid $qemu) connected" vbusd.log
check_valid att-q35
virsh -q destroy att-q35
wait_for "bus att-q35 to go" test ! -e /sys/vbus/buses/att-q35
virsh -q undefine att-q35 >/dev/null
virsh -q undefine att-pc >/dev/null

# The demo, run inside the test VM by tools/demo: load vbus.ko and show what
# it offers. It asserts as it goes, so the demo fails loudly if something is off.
. "$VBUS_SRCDIR/tests/vm/lib.sh"

show() {
	echo "vbus-vm# $*"
	"$@"
	echo
}

vbusctl=$VBUS_BUILDDIR/cli/vbusctl
echo "kernel $(uname -r), vbus.ko from $VBUS_MODULES/kmod"
vbus_insmod vbus
show lsmod | grep '^vbus'
show ls -l /sys/vbus
show cat /sys/vbus/version
show genl ctrl get name vbus
show "$vbusctl" version
show "$vbusctl" --json version
show rmmod vbus

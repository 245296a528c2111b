# The demo, run inside the test VM by tools/demo: load vbus.ko and show what
# it offers. (Asserts as it goes, so the demo fails loudly if something is off.)
. "$VBUS_SRCDIR/tests/vm/lib.sh"
set -x
uname -r
vbus_insmod vbus
lsmod | grep '^vbus'
ls -l /sys/vbus
cat /sys/vbus/version
genl ctrl get name vbus
"$VBUS_BUILDDIR/cli/vbusctl" version
"$VBUS_BUILDDIR/cli/vbusctl" --json version
rmmod vbus

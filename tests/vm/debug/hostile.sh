# The acceptance run of issue 10 on the debug kernel: a hostile test guest
# scribbles over every structure of its region for 60 s while sending and
# ringing doorbells (tests/vm/datapath/testguest-hostile.sh, which also
# checks that every break is announced), then everything is torn down and
# vbus.ko unloads. The harness fails it on any KASAN, lockdep, DEBUG_OBJECTS
# or UBSAN report in the kernel log, and on a kmemleak leak from vbus code.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/debug/lib.bash"
require_debug_kernel
export VBUS_HOSTILE_SECONDS=${VBUS_HOSTILE_SECONDS:-60}
# shellcheck source=../datapath/testguest-hostile.sh
. "$VBUS_SRCDIR/tests/vm/datapath/testguest-hostile.sh"
[ ! -d /sys/module/vbus ] || fail "vbus.ko still loaded after the teardown"
lockdep_still_on
echo "debug: $VBUS_HOSTILE_SECONDS s of hostile guest, clean unload, lockdep still on"

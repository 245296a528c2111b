# Fixture (lockdep: two mutexes taken in both orders): exits 0, but the debug kernel reports it: the tier must fail it.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
vbus_insmod debug_lockdep
rmmod debug_lockdep

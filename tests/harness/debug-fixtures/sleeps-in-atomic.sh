# Fixture (DEBUG_ATOMIC_SLEEP: might_sleep() with preemption off): exits 0, but the debug kernel reports it: the tier must fail it.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
vbus_insmod debug_sleep
rmmod debug_sleep

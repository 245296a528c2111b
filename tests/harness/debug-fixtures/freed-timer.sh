# Fixture (DEBUG_OBJECTS: a pending timer freed): exits 0, but the debug kernel reports it: the tier must fail it.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
vbus_insmod debug_odebug
rmmod debug_odebug

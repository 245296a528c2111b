# Fixture (kmemleak: a buffer allocated and forgotten): exits 0, but the debug kernel reports it: the tier must fail it.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
vbus_insmod debug_leak
rmmod debug_leak

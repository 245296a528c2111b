# Fixture (KASAN: a write past a kmalloc'ed buffer): exits 0, but the debug kernel reports it: the tier must fail it.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
vbus_insmod debug_kasan
rmmod debug_kasan

# Fixture: a test that passes (the harness must not fail everything).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
[ -d /sys/kernel ] || fail "no sysfs"

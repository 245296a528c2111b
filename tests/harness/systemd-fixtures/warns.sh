# Fixture: as ../fixtures/warns.sh (exits 0, the kernel WARNs), under systemd.
. "$VBUS_SRCDIR/tests/harness/fixtures/warns.sh"

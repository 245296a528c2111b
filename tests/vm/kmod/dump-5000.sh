# Dumps work in many parts: 5,000 devices come back, each once, over netlink
# and in sysfs; deleting them all leaves nothing.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
"$nl" dev-new-many d 5000
"$nl" dev-dump >dump
[ "$(wc -l <dump)" -eq 5000 ] || fail "dump returned $(wc -l <dump) devices, not 5000"
[ "$(grep -o 'name=d[0-9]*' dump | sort -u | wc -l)" -eq 5000 ] || fail "dump has duplicates or gaps"
[ "$("$nl" stats-dump | wc -l)" -eq 5000 ] || fail "stats dump incomplete"
[ "$(ls /sys/vbus/devices | wc -l)" -eq 5000 ] || fail "sysfs does not list 5000 devices"
"$nl" dev-del-many d 5000
[ -z "$("$nl" dev-dump)" ] || fail "devices left after deleting all"
rmmod vbus

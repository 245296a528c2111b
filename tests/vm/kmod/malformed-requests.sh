# Malformed requests (wrong types, oversize or unterminated strings, unknown,
# reply-only and truncated attributes, unknown command) are refused, each
# with an extack text naming what is wrong, and leave nothing behind.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
tool=$VBUS_BUILDDIR/tests/tools/nl-malformed
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
"$tool" | tee out || fail "a malformed request was accepted"

expect() {
	grep -E -q "^$1 $2 .*$3" out || fail "case $1: expected $2 and '$3'"
}
expect wrong-type 'E[A-Z]+' 'bus-connector'
expect oversize-name 'E[A-Z]+' 'bus-name'
expect oversize-domain 'E[A-Z]+' 'bus-domain'
expect unterminated-string 'E[A-Z]+' 'bus-name'
expect unknown-attribute EINVAL '[Uu]nknown attribute'
expect reply-only-attribute EINVAL 'device-id'
expect wrong-uuid-length 'E[A-Z]+' 'bus-uuid'
expect nested-wrong-type 'E[A-Z]+' 'mtu'
expect nested-unknown EINVAL '[Uu]nknown attribute'
expect missing-type EINVAL 'device-type'
expect truncated-attribute EINVAL '.'
expect unknown-command EOPNOTSUPP ''

[ -z "$("$nl" dev-dump)$("$nl" bus-dump)" ] || fail "a refused request left an object"
"$nl" bus-new vm1 || fail "the family does not work after the malformed requests"
"$nl" bus-del vm1
rmmod vbus

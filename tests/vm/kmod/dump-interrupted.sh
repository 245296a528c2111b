# A dump in many parts during changes is flagged NLM_F_DUMP_INTR (libvbus
# then says EINTR and vbusd dumps again); a dump without changes is whole
# and not flagged (issue 10 item 6).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
"$nl" dev-new-many d 2000
"$nl" dev-dump >dump || fail "a quiet dump failed"
[ "$(wc -l <dump)" -eq 2000 ] || fail "a quiet dump returned $(wc -l <dump) devices"

# the churn stops between two changes when told: a change still running
# would interrupt the quiet dump below (killing the loop leaves its child)
(while [ ! -e stop-churn ]; do "$nl" dev-set d1 wmem=$((4096 + RANDOM)) >/dev/null; done) &
churn=$!
interrupted=
for i in $(seq 1 30); do
	if ! "$nl" dev-dump >dump 2>err; then
		grep -q EINTR err || fail "a dump failed otherwise: $(cat err)"
		interrupted=$i
		break
	fi
done
touch stop-churn
wait "$churn" || fail "the churn failed"
[ -n "$interrupted" ] || fail "30 dumps during changes, none flagged NLM_F_DUMP_INTR"
echo "dump $interrupted during changes was flagged interrupted"

"$nl" dev-dump >dump || fail "a quiet dump after the changes failed"
[ "$(wc -l <dump)" -eq 2000 ] || fail "a quiet dump returned $(wc -l <dump) devices"
"$nl" dev-del-many d 2000
rmmod vbus

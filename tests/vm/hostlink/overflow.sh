# When the kernel drops link events (the watcher's socket overflowed),
# host-link reports every link again: none of the changes is lost.
. "$VBUS_SRCDIR/tests/vm/hostlink/lib.bash"
count=800

watch_start stall
for i in $(seq $count); do echo "link add o$i type dummy"; done > add
for i in $(seq $count); do echo "link del o$i"; done > del
trap 'ip -force -batch del >/dev/null 2>&1 || true; cleanup' EXIT
ip -batch add

# The kernel did drop events for the watcher's monitoring socket.
inodes=$(find /proc/"$watcher"/fd -lname 'socket:*' -printf '%l\n' | tr -dc '0-9\n')
drops=$(awk -v inodes="$inodes" 'BEGIN { n = split(inodes, list, "\n"); for (i = 1; i <= n; i++) mine[list[i]] = 1 }
	NR > 1 && ($10 in mine) { total += $9 } END { print total + 0 }' /proc/net/netlink)
[ "$drops" -gt 0 ] || fail "no events were dropped: $count links are too few to overflow"
echo "the kernel dropped $drops events"

echo go >&4
declare -A seen=()
while [ ${#seen[@]} -lt $count ] && read -r -t 30 line <&3; do
	if [[ $line =~ ^(o[0-9]+)\ present=yes ]]; then
		seen[${BASH_REMATCH[1]}]=1
	fi
done
[ ${#seen[@]} -eq $count ] || fail "${#seen[@]} of the $count links reported"
watch_stop
echo "ok: all $count links reported after an overflow"

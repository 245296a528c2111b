# Helpers of the host-link VM tests (not a test itself: run picks up *.sh).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
tool=$VBUS_BUILDDIR/tests/tools/host-link-tool
[ -x "$tool" ] || fail "$tool is missing: run make in $VBUS_BUILDDIR"
command -v python3 >/dev/null || fail "python3 is missing: apt-get install python3"

# The interfaces these tests make (dummy, bridge) need their modules.
modprobe dummy || fail "no dummy module for $VBUS_KVER: install linux-image-$VBUS_KVER"
modprobe bridge || fail "no bridge module for $VBUS_KVER: install linux-image-$VBUS_KVER"

# link_add NAME ARGS...: "ip link add NAME ARGS"; the link goes when the
# test exits, whatever its end, so the next test starts clean.
made=()
link_add() {
	ip link add "$@"
	made+=("$1")
}

cleanup() {
	if [ -n "${watcher:-}" ]; then
		kill "$watcher" 2>/dev/null || true
	fi
	local link
	for link in "${made[@]}"; do
		ip link del "$link" 2>/dev/null || true
	done
}
trap cleanup EXIT

# link_field IFNAME KEY: KEY of "ip -j link show IFNAME" ("" when absent),
# flags as a comma-separated list.
link_field() {
	ip -j link show "$1" | python3 -c '
import json, sys
link = json.load(sys.stdin)[0]
value = link.get(sys.argv[1], "")
print(",".join(value) if isinstance(value, list) else value)' "$2"
}

# watch_start [stall]: runs "host-link-tool watch" with its output on fd 3
# and its input on fd 4 (its pid in $watcher); returns once it has subscribed.
watch_start() {
	coproc WATCH { exec "$tool" watch 100000 120000 "$@"; }
	exec 3<&"${WATCH[0]}" 4>&"${WATCH[1]}"
	watcher=$WATCH_PID
	local line
	read -r -t 30 line <&3 || fail "the watcher did not start"
	[ "$line" = ready ] || fail "the watcher said '$line', not ready"
}

watch_stop() {
	kill "$watcher"
	wait "$watcher" || true
	watcher=
	exec 3<&- 4>&-
}

# watch_until REGEX: reads the watcher's lines until one matches (30 s at
# most); the lines read before it are left in $watched.
watch_until() {
	local line
	watched=
	while read -r -t 30 line <&3; do
		echo "watch: $line"
		if [[ $line =~ $1 ]]; then
			return 0
		fi
		watched+="$line"$'\n'
	done
	fail "no change matching '$1' reported within 30 s"
}

# 8 writers hammer create/connect/disconnect/delete on shared names for 30 s
# (racing each other and sysfs readers/writers): no unexpected error, no
# leaked object, no kernel warning (the harness checks dmesg), clean unload.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
nl=$VBUS_BUILDDIR/tests/tools/vbus-nl

vbus_insmod vbus
# sysfs readers and writers race the hammer until it ends; their files
# vanish under them, so their failures are expected and ignored.
stop=$(mktemp)
(
	set +e
	while [ -e "$stop" ]; do
		for d in /sys/vbus/devices/*/; do
			cat "$d"zcthresh "$d"bus "$d"stats/tx_packets 2>/dev/null
			echo 128 2>/dev/null >"$d"zcthresh
		done >/dev/null
	done
	exit 0
) &
sysfs_pid=$!
"$nl" hammer --threads 8 --seconds 30 | tee out
rm -f "$stop"
wait "$sysfs_pid"

[ -z "$("$nl" dev-dump)" ] || fail "devices leaked: $("$nl" dev-dump | head)"
[ -z "$("$nl" bus-dump)" ] || fail "buses leaked: $("$nl" bus-dump | head)"
[ -z "$(ls -A /sys/vbus/devices)$(ls -A /sys/vbus/buses)" ] || fail "sysfs entries leaked"
rmmod vbus

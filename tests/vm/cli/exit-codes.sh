# vbusctl's documented exit codes with the real vbusd: every verb's --help
# 0, usage errors 2, not found 3, vbusd not running 4 (with the hint).
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

for verb in "device create" "device destroy" "device set" "device show" "bus create" \
	"bus destroy" "bus show" connect disconnect apply diff export status stats monitor \
	version device bus; do
	expect_exit 0 vbusctl $verb --help
	grep -q "^usage: vbusctl $verb" out || fail "$verb --help: no usage: $(cat out)"
done
expect_exit 0 vbusctl --help
for verb in device bus connect disconnect apply diff export status stats monitor version; do
	grep -q "^  $verb " out || fail "vbusctl --help does not list $verb"
done

expect_exit 2 vbusctl frobnicate
grep -qx "vbusctl: unknown command 'frobnicate' (see vbusctl --help)" err || fail "$(cat err)"
expect_exit 2 vbusctl device frobnicate
expect_exit 2 vbusctl connect web0
expect_exit 2 vbusctl status --frobnicate

# Not running: exit 4 and how to start it.
vbus_insmod vbus
expect_exit 4 vbusctl status
[ "$(cat err)" = "vbusctl: vbusd: cannot connect to /run/vbus/private: No such file or directory (hint: systemctl start vbusd)" ] ||
	fail "not running: $(cat err)"

vbusd_start
expect_exit 3 vbusctl device show nosuch
expect_exit 3 vbusctl device set nosuch mtu=1500
expect_exit 3 vbusctl device destroy nosuch
expect_exit 0 vbusctl device destroy nosuch --if-exists
expect_exit 3 vbusctl bus show nosuch
expect_exit 3 vbusctl disconnect nosuch
expect_exit 3 vbusctl stats nosuch

# Gone: exit 4 again, with the daemon's socket removed (the reads, which
# fall back to the kernel, exit 0: show-status-kernel-reads.sh).
vbusd_stop
expect_exit 4 vbusctl status
# An --address that is no D-Bus address is a usage error, not "start vbusd".
expect_exit 2 vbusctl --address bogus status
[ "$(cat err)" = "vbusctl: --address: bogus: not a D-Bus address (hint: expected TRANSPORT:KEY=VALUE, e.g. unix:path=/run/vbus/private)" ] ||
	fail "--address bogus: $(cat err)"
expect_exit 4 vbusctl --address unix:path=/nonexistent status
grep -q 'hint: is vbusd listening there?' err || fail "--address to nowhere: $(cat err)"

# Back: the verbs that change objects, one by one.
vbusd_start
expect_exit 0 vbusctl bus create vm1 connector=loop
expect_exit 3 vbusctl connect nosuch vm1
expect_exit 1 vbusctl bus create vm1 connector=loop
grep -q '(hint: --may-exist accepts an existing object)$' err || fail "create twice: no hint: $(cat err)"
expect_exit 0 vbusctl bus create vm1 connector=loop --may-exist
expect_exit 0 vbusctl device create web0 mtu=9000 wmem=1M
expect_exit 0 vbusctl connect web0 vm1
[ "$(cat /sys/vbus/devices/web0/bus)" = vm1 ] || fail "web0 not on vm1"
expect_exit 1 vbusctl bus destroy vm1
expect_exit 0 vbusctl disconnect web0
[ "$(cat /sys/vbus/devices/web0/bus)" = "" ] || fail "disconnect: web0 still on $(cat /sys/vbus/devices/web0/bus)"
expect_exit 0 vbusctl device destroy web0
[ ! -e /sys/vbus/devices/web0 ] || fail "device destroy web0 exited 0, but web0 is still there"
expect_exit 0 vbusctl bus destroy vm1
[ ! -e /sys/vbus/buses/vm1 ] || fail "bus destroy vm1 exited 0, but vm1 is still there"
[ -z "$(sys_devices)$(sys_buses)" ] || fail "left: $(sys_devices) $(sys_buses)"
vbusd_stop


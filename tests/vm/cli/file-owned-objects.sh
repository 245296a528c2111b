# Objects a fabric.d file defines are that file's (issue 15 item 11): show
# names the file ("source"); an imperative change of one is refused with a
# message naming the file, unless --force, which warns (output and journal);
# the next reload puts the file's value back. vbusctl's own objects say so;
# status lists what each file defines and what vbusctl made.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"

cat >"$config/beta.json" <<'EOT'
{ "version": 1,
  "buses": [ { "name": "fb", "connector": "none" } ],
  "devices": [ { "name": "beta0", "type": "venet", "bus": "fb", "mtu": 1500 } ] }
EOT
vbus_insmod vbus
vbusd_start
vbusctl device create own0
vbusctl device show beta0 | tee show
grep -qx "source: *$config/beta.json" show || fail "device show does not name the file"
vbusctl bus show fb | grep -qx "source: *$config/beta.json" || fail "bus show does not name the file"
[ "$(vbusctl -j device show beta0 | jq -r '.devices[0].source')" = "$config/beta.json" ] ||
	fail "device show -j: $(vbusctl -j device show beta0)"
[ "$(vbusctl -j device show own0 | jq -r '.devices[0].source')" = vbusctl ] ||
	fail "own0's source: $(vbusctl -j device show own0)"
vbusctl show | tee tree
grep -q "device beta0 (.*source $config/beta.json)" tree || fail "show does not name the file"

cat >"$config/alpha.json" <<'EOT'
{ "version": 1, "devices": [ { "name": "alpha1", "type": "venet" }, { "name": "alpha0", "type": "venet" } ] }
EOT
vbusctl reload
vbusctl bus create own-bus connector=none
{ vbusctl status || true; } | tee status
grep -qx "Files: *$config/alpha.json: devices alpha0 alpha1" status || fail "status: no alpha.json line"
grep -qx " *$config/beta.json: bus fb, device beta0" status || fail "status: no beta.json line"
grep -qx " *made by vbusctl: bus own-bus, device own0" status || fail "status: no vbusctl line"
{ vbusctl -j status || true; } | jq -c '.sources' >sources
[ "$(cat sources)" = "[{\"source\":\"$config/alpha.json\",\"buses\":[],\"devices\":[\"alpha0\",\"alpha1\"]},{\"source\":\"$config/beta.json\",\"buses\":[\"fb\"],\"devices\":[\"beta0\"]},{\"source\":\"vbusctl\",\"buses\":[\"own-bus\"],\"devices\":[\"own0\"]}]" ] ||
	fail "status -j sources (files in name order, vbusctl last): $(cat sources)"

expect_exit 1 vbusctl device set beta0 mtu=9000
grep -qF "device beta0 is defined in $config/beta.json: edit that file and run vbusctl reload, or use --force" err ||
	fail "device set beta0: $(cat err)"
[ "$(cat /sys/vbus/devices/beta0/mtu)" = 1500 ] || fail "a refused set changed mtu"
expect_exit 1 vbusctl disconnect beta0
grep -qF "device beta0 is defined in $config/beta.json" err || fail "disconnect beta0: $(cat err)"
expect_exit 1 vbusctl bus destroy fb --force	# busy: beta0 is on it
expect_exit 0 vbusctl device set own0 mtu=9000	# vbusctl's own: no question

expect_exit 0 vbusctl device set beta0 mtu=9000 --force
grep -qF "warning: device beta0 is defined in $config/beta.json" err || fail "no warning: $(cat err)"
[ "$(cat /sys/vbus/devices/beta0/mtu)" = 9000 ] || fail "a forced set did not change mtu"
grep -q "device beta0: changed by SetDevice with force, though $config/beta.json defines it" vbusd.log ||
	fail "no warning in vbusd's log"
vbusctl device show beta0 | grep -qx "source: *$config/beta.json" || fail "a forced set took beta0 from its file"

vbusctl reload
[ "$(cat /sys/vbus/devices/beta0/mtu)" = 1500 ] || fail "reload did not put the file's mtu back"
[ "$(cat /sys/vbus/devices/own0/mtu)" = 9000 ] || fail "reload changed own0"

# a restart keeps ownership (fabric.d is read again)
vbusd_stop
vbusd_start
expect_exit 1 vbusctl connect beta0 fb2
vbusctl bus create fb2 connector=none
expect_exit 1 vbusctl connect beta0 fb2 --move
grep -qF "device beta0 is defined in $config/beta.json" err || fail "connect --move after a restart: $(cat err)"
vbusd_stop

# One JSON rule for every command of vbusctl's table (issue 15 item 13),
# against the real vbusd: -j after the command works, as before it; -j
# prints one line of JSON; --pretty alone prints indented JSON over several
# lines (it implies -j); the two are the same document. The table is walked
# from vbusctl --help, so a new command without a case here fails the test.
. "$VBUS_SRCDIR/tests/vm/lib.sh"
. "$VBUS_SRCDIR/tests/vm/cli/vbusd-lib"
two_vms=$VBUS_SRCDIR/examples/two-vms.json

# The arguments each command is run with; they may run twice.
arguments() {
	case $1 in
	show | "device show" | "bus show" | export | status | stats | version) echo "" ;;
	"bus create") echo "jb connector=loop --may-exist" ;;
	"device create") echo "j0 mtu=1500 --may-exist" ;;
	"device set") echo "j0 mtu=1400" ;;
	"bus set") echo "jb poll_us=20" ;;
	"domain hook") echo "release jsondom" ;;	# a domain without vbus: stdin below
	connect) echo "j0 jb" ;;
	disconnect) echo "j0 --if-exists" ;;
	"device destroy") echo "j0 --if-exists" ;;
	"bus destroy") echo "jb --if-exists" ;;
	apply | diff) echo "$two_vms" ;;
	reload | commit | rollback) echo "" ;;
	monitor) echo "" ;;
	*) return 1 ;;
	esac
}

# The commands of the table: vbusctl --help, then each group's --help.
commands_of() { sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'; }
commands=()
for verb in $(vbusctl --help | commands_of); do
	subs=$(vbusctl "$verb" --help | commands_of)
	if [ -z "$subs" ]; then
		commands+=("$verb")
		continue
	fi
	for sub in $subs; do
		commands+=("$verb $sub")
	done
done
[ "${#commands[@]}" -ge 17 ] || fail "the command table has ${#commands[@]} commands: ${commands[*]}"
# Run in an order where each change has what it needs; every command of the
# table must have a case (arguments) and a place here.
order=("bus create" "bus set" "device create" "device set" connect show "device show" "bus show" stats
       status export version apply diff reload commit rollback monitor "domain hook" disconnect "device destroy" "bus destroy")
in_order() {
	local placed
	for placed in "${order[@]}"; do
		[ "$placed" = "$1" ] && return 0
	done
	return 1
}
# The domain verbs but hook talk to libvirtd, which this test does not run:
# their JSON is checked against a real one in tests/vm/libvirt/domain-attach.sh.
libvirt_verbs=("domain attach" "domain detach" "domain show")
for command in "${commands[@]}"; do
	for skipped in "${libvirt_verbs[@]}"; do
		[ "$command" = "$skipped" ] && continue 2
	done
	arguments "$command" >/dev/null || fail "no JSON case for '$command': add one to this test"
	in_order "$command" || fail "'$command' has no place in this test's order"
done

vbus_insmod vbus
vbusd_start
vbusctl apply "$two_vms" >/dev/null

# monitor streams: one event per change, read until it came.
monitor_json() {
	local option=$1 out=$2 pid
	vbusctl monitor $option >"$out" 2>monitor.err &
	pid=$!
	listening() { grep -q '^Listening' monitor.err; }
	wait_for "monitor $option to listen" listening
	vbusctl device set web0 mtu=1400
	vbusctl device set web0 mtu=9000
	two_events() { [ "$(grep -c '"kind"' "$out")" -ge 2 ]; }
	wait_for "monitor $option to print two events" two_events
	kill "$pid"
	wait "$pid" || true
}

# Each command's outputs go to out/N.plain and out/N.pretty (with its name
# in out/N.command); one python3 checks them all at the end (a python3
# start costs seconds under TCG).
mkdir out
n=0
for command in "${order[@]}"; do
	args=$(arguments "$command")
	n=$((n + 1))
	echo "$command" >"out/$n.command"
	if [ "$command" = monitor ]; then
		monitor_json -j "out/$n.plain"
		monitor_json --pretty "out/$n.pretty"
		continue
	fi
	# commit and rollback need a pending checkpoint, each time they run
	checkpoint() {
		case $command in
		commit | rollback) vbusctl apply --checkpoint=600 "$two_vms" >/dev/null 2>&1 ;;
		esac
	}
	checkpoint
	# shellcheck disable=SC2086 # words on purpose
	case $command in
	*create | *destroy | *" set" | connect | disconnect | commit)
		# a change prints nothing: once, with --pretty (which implies -j)
		: >"out/$n.plain"
		vbusctl $command $args --pretty >"out/$n.pretty" ||
			fail "$command --pretty: exit $?: $(cat "out/$n.pretty")"
		continue ;;
	"domain hook")
		# libvirt's hook prints nothing on stdout, -j or not (libvirt takes
		# a qemu.d hook's stdout as replacement XML); the domain's XML on stdin
		: >"out/$n.plain"
		echo "<domain type='qemu'><name>jsondom</name></domain>" |
			vbusctl $command $args --pretty >"out/$n.pretty" ||
			fail "$command --pretty: exit $?: $(cat "out/$n.pretty")"
		continue ;;
	esac
	vbusctl $command $args -j >"out/$n.plain" || [ $? -eq 11 ] ||
		fail "$command -j: exit $?: $(cat "out/$n.plain")"
	checkpoint
	# shellcheck disable=SC2086
	vbusctl $command $args --pretty >"out/$n.pretty" || [ $? -eq 11 ] ||
		fail "$command --pretty: exit $?"
done
python3 - out "$n" <<'PY' || fail "the JSON rule does not hold (above)"
import json, sys
directory, count = sys.argv[1], int(sys.argv[2])
changes = ("bus create", "bus set", "device create", "device set", "connect", "disconnect",
           "domain hook", "commit",
           "device destroy", "bus destroy")
failed = False

def documents(text):
    decoder, position, found = json.JSONDecoder(), 0, []
    while position < len(text):
        document, position = decoder.raw_decode(text, position)
        found.append(document)
        while position < len(text) and text[position] in " \n":
            position += 1
    return found

for n in range(1, count + 1):
    command = open(f"{directory}/{n}.command").read().strip()
    plain = open(f"{directory}/{n}.plain").read()
    pretty = open(f"{directory}/{n}.pretty").read()
    try:
        plain_documents, pretty_documents = documents(plain), documents(pretty)
        lines = plain.rstrip("\n").split("\n") if plain else []
        if command in changes:
            assert plain == "" and pretty == "", "a change printed something"
        else:
            assert plain_documents, "-j printed nothing"
            assert len(lines) == len(plain_documents), "-j: not one line per document"
            assert len(pretty.rstrip("\n").split("\n")) > len(pretty_documents), \
                "--pretty: not indented"
            if command == "status":	# a countdown, read a moment apart
                for document in plain_documents + pretty_documents:
                    (document.get("libvirt") or {}).pop("retry_in", None)
            if command != "monitor":	# two different events each time
                assert plain_documents == pretty_documents, "-j and --pretty differ"
        print(f"ok: {command}")
    except (AssertionError, ValueError) as error:
        print(f"FAIL: {command}: {error}: -j {plain!r}, --pretty {pretty!r}")
        failed = True
sys.exit(1 if failed else 0)
PY

# -j before the command is the same as after it.
vbusctl -j version >before.json
vbusctl version -j >after.json
cmp before.json after.json || fail "-j version differs from version -j"
vbusd_stop

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
	connect) echo "j0 jb" ;;
	disconnect) echo "j0 --if-exists" ;;
	"device destroy") echo "j0 --if-exists" ;;
	"bus destroy") echo "jb --if-exists" ;;
	apply | diff) echo "$two_vms" ;;
	monitor) echo "" ;;
	*) return 1 ;;
	esac
}

# CHECK FILE: FILE is empty (a change that prints nothing) or one JSON
# document: on one line (LINES one) or several (LINES many).
check_json() {
	python3 - "$1" "$2" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
if text == "":
    sys.exit(0)
decoder, position, documents = json.JSONDecoder(), 0, []
while position < len(text):
    document, end = decoder.raw_decode(text, position)
    documents.append(document)
    position = end
    while position < len(text) and text[position] in " \n":
        position += 1
lines = text.rstrip("\n").split("\n")
if sys.argv[2] == "one":
    assert len(lines) == len(documents), f"not one line per document: {text!r}"
else:
    assert len(lines) > len(documents), f"--pretty is not indented: {text!r}"
json.dump(documents, open(sys.argv[1] + ".parsed", "w"), sort_keys=True)
PY
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
order=("bus create" "device create" "device set" connect show "device show" "bus show" stats
       status export version apply diff monitor disconnect "device destroy" "bus destroy")
in_order() {
	local placed
	for placed in "${order[@]}"; do
		[ "$placed" = "$1" ] && return 0
	done
	return 1
}
for command in "${commands[@]}"; do
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

for command in "${order[@]}"; do
	args=$(arguments "$command")
	if [ "$command" = monitor ]; then
		monitor_json -j plain.json
		monitor_json --pretty pretty.json
	else
		# shellcheck disable=SC2086 # words on purpose
		vbusctl $command $args -j >plain.json || [ $? -eq 11 ] ||
			fail "$command -j: exit $?: $(cat plain.json)"
		# shellcheck disable=SC2086
		vbusctl $command $args --pretty >pretty.json || [ $? -eq 11 ] ||
			fail "$command --pretty: exit $?"
	fi
	check_json plain.json one || fail "$command -j: not one line of JSON: $(cat plain.json)"
	check_json pretty.json many || fail "$command --pretty: not indented JSON: $(cat pretty.json)"
	case $command in
	monitor) ;;	# two different events each time
	*"create"|*"destroy"|"device set"|connect|disconnect)
		[ ! -s plain.json ] || fail "$command -j printed: $(cat plain.json)" ;;
	*)
		[ -s plain.json ] || fail "$command -j printed nothing"
		cmp -s plain.json.parsed pretty.json.parsed ||
			fail "$command: -j and --pretty differ: $(cat plain.json) / $(cat pretty.json)" ;;
	esac
	echo "ok: $command"
done

# -j before the command is the same as after it.
vbusctl -j version >before.json
vbusctl version -j >after.json
cmp before.json after.json || fail "-j version differs from version -j"
vbusd_stop

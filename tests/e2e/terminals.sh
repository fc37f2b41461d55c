#!/usr/bin/env bash
# terminals.sh: every terminal an SSH session lands in. binnacle runs in tmux
# on the Podman lab under the C and C.UTF-8 locales and the terminal types
# people meet (xterm-256color, xterm, screen, tmux, tmux-256color, linux,
# vt100, a 16-colour entry made with tic, a name this machine does not know,
# dumb), and the screen is read back:
# ASCII only in the C locale with its sort and cut marks, the same rows on
# every terminal, only the colours the terminal has, a production endpoint
# that stands out at 8 colours and in monochrome, and one sentence where
# there is no terminal to draw on.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
require_cmd tmux locale tic infocmp
locale -a | grep -qiE '^c\.utf-?8$' || skip_or_fail "the C.UTF-8 locale is missing"
# tmux itself reads and prints UTF-8 whatever binnacle's locale
export LC_ALL=C.UTF-8
start_podman demo

# a container whose label no ASCII terminal can show, too long for its cell
lq=$(printf '\xe2\x80\x9c') rq=$(printf '\xe2\x80\x9d') # curly quotes
label="note=café 日本 ${lq}q${rq} and a tail long enough to be cut at sixty cells"
lab_podman run -d --name intl --label "$label" localhost/busybox:lab sleep 999999 >/dev/null ||
	{ echo "FAIL: cannot start the intl container" >&2; exit 1; }

mkdir -p "$XDG_CONFIG_HOME/binnacle"
cat >"$XDG_CONFIG_HOME/binnacle/config.yaml" <<EOF
endpoints:
  - name: lab
    type: docker
    host: $DOCKER_HOST
  - name: prod
    type: docker
    host: $DOCKER_HOST
    production: true
EOF

expected_rows="cache running
cron running
intl running
migrate exited
standby created
web running
worker running"
# NAME and STATE of every row on screen, as the operator reads them
rows() { screen | awk '$2 ~ /^localhost\// { print $1, $3 }'; }
# bytes outside ASCII on screen
non_ascii() { screen | LC_ALL=C tr -d '\000-\177' | wc -c; }
# curses' notation for bytes it cannot show in the locale (~T~B, ~@)
garbage() { screen | grep -E '~[@-_]|M-'; }
no_garbage() { [ -z "$(garbage)" ]; }
lacks() { ! grep -qE -- "$1" <<<"$2"; }
header_sgr() { screen_sgr | head -1; }
# SGR colour codes on screen: 30-37/40-47 (8), 90-97/100-107 (16), 38;5/48;5 (256)
colours_used() { screen_sgr | grep -oE $'\e\\[[0-9;]*m' | grep -oE '(^|\[|;)(3[0-7]|4[0-7]|9[0-7]|10[0-7]|[34]8;5;[0-9]+)' | sort -u; }
quit() {
	keys q
	wait_until 5 screen_has "BINNACLE-EXITED-0"
}

# ---- the locales ----

TUI_TERM=xterm-256color TUI_LOCALE=C tui_start 280 20 -e lab
check "C locale: the dashboard starts" wait_until 15 screen_has "^worker "
keys w
check "C locale: wide columns shown" wait_until 5 screen_has "LABELS"
check "C locale: nothing but ASCII on screen" [ "$(non_ascii)" -eq 0 ]
check "C locale: no byte garbage" no_garbage
check "C locale: the header separator is |" wait_until 10 screen_has "lab unix://[^ ]+ [|] Podman"
check "C locale: the engine's middle dot is a dash" screen_has "[|] Podman [0-9.]+ - API [0-9.]+ "
check "C locale: the sort mark is ^" screen_has "^NAME\\^ "
# (the label's cell is as wide as the columns before it leave: how much of
# it shows depends on their widths, "Up 2 seconds" or "Exited (0) 1 second ago")
check "C locale: a non-ASCII label is ? per character" screen_has "note=caf\\? \\?\\? \"q\""
check "C locale: the cut cell ends in ~" screen_has "note=caf\\? [^~]*~( |$)"
check "C locale: the same rows" [ "$(rows)" = "$expected_rows" ]
keys i
check "C locale: inverted, the sort mark is v" wait_until 5 screen_has "^NAMEv "
keys i
tui_select intl
keys y
check "C locale: the description is shown" wait_until 10 screen_has "^Id: "
keys / note Enter
check "C locale: the description is ASCII too" wait_until 5 screen_has "note: caf\\? \\?\\? \"q\" and a tail"
check "C locale: the description is ASCII" [ "$(non_ascii)" -eq 0 ]
check "C locale: the breadcrumb separator is >" screen_has "Containers +> "
keys Escape
keys l
check "C locale: the log viewer waits with ..." wait_until 10 screen_has "waiting for log lines\\.\\.\\."
keys Escape
check "back to the table" wait_until 5 screen_has "LABELS"
keys C-d
check "C locale: the dialog is boxed in ASCII" wait_until 5 screen_has "^ *[+]- remove [a-z]+ -+[+] *$"
check "C locale: with ASCII sides" screen_has "^ *[|] Remove container intl on lab[?] +[|] *$"
check "C locale: the dialog is ASCII" [ "$(non_ascii)" -eq 0 ]
keys n
check "C locale: the dialog cancels" wait_until 5 screen_lacks "\\[y\\] yes"
check "C locale: still no garbage" no_garbage
check "C locale: quits" quit

TUI_TERM=xterm-256color TUI_LOCALE=C.UTF-8 tui_start 280 20 -e lab
check "C.UTF-8: the dashboard starts" wait_until 15 screen_has "^worker "
keys w
check "C.UTF-8: wide columns shown" wait_until 5 screen_has "LABELS"
check "C.UTF-8: the header separator is a box line" wait_until 10 screen_has "lab unix://[^ ]+ │ Podman [0-9.]+ · API"
check "C.UTF-8: the sort mark is an arrow" screen_has "^NAME↑ "
check "C.UTF-8: the label as it is" screen_has "note=café 日本 ${lq}q${rq}"
check "C.UTF-8: the cut cell ends in …" screen_has "note=café [^…]*…( |$)"
check "C.UTF-8: the same rows" [ "$(rows)" = "$expected_rows" ]
check "C.UTF-8: quits" quit

# the setting wins over the locale, both ways
TUI_LOCALE=C.UTF-8 tui_start 160 20 -e lab --charset ascii
check "--charset ascii in C.UTF-8: ASCII only" wait_until 15 screen_has "^NAME\\^ "
check "--charset ascii in C.UTF-8: nothing but ASCII" [ "$(non_ascii)" -eq 0 ]
check "--charset ascii: quits" quit
sed -i '1i charset: utf-8' "$XDG_CONFIG_HOME/binnacle/config.yaml"
TUI_LOCALE=C tui_start 160 20 -e lab
check "charset: utf-8 in the C locale: arrows and box lines" wait_until 15 screen_has "^NAME↑ "
check "charset: utf-8 in the C locale: no garbage" no_garbage
check "charset: utf-8: quits" quit
sed -i '1d' "$XDG_CONFIG_HOME/binnacle/config.yaml"

# ---- the terminal types ----

# no terminal of ncurses-base has 16 colours: make one
infocmp -x xterm-256color | sed -e 's/^xterm-256color|[^,]*,/binnacle-16color|xterm with 16 colours,/' \
	-e 's/colors#0x100/colors#16/' -e 's/pairs#0x10000/pairs#256/' >"$T/16color.src"
tic -x -o "$T/terminfo" "$T/16color.src" || { echo "FAIL: tic cannot build a 16-colour entry" >&2; exit 1; }

for term in xterm-256color xterm screen tmux tmux-256color linux vt100 binnacle-16color; do
	env=""
	[ "$term" = binnacle-16color ] && env="TERMINFO=$T/terminfo"
	for loc in C C.UTF-8; do
		TUI_TERM=$term TUI_LOCALE=$loc TUI_ENV=$env tui_start 100 20 -e lab
		if ! wait_until 15 screen_has "^worker "; then
			not_ok "TERM=$term $loc: the dashboard starts" "$(screen)"
			continue
		fi
		check "TERM=$term $loc: the same rows" [ "$(rows)" = "$expected_rows" ]
		check "TERM=$term $loc: the header" screen_has "^ binnacle lab unix://"
		check "TERM=$term $loc: no escape sequence shown as text" screen_lacks '\[[0-9;?]+[a-zA-Z]|\^\['
		if [ "$loc" = C ]; then
			check "TERM=$term C: ASCII only" [ "$(non_ascii)" -eq 0 ]
			check "TERM=$term C: the sort mark" screen_has "^NAME\\^ "
		else
			check "TERM=$term C.UTF-8: the sort mark" screen_has "^NAME↑ "
		fi
		used=$(colours_used | tr '\n' ' ')
		case $term in
		vt100)
			check "TERM=$term $loc: no colours at all" [ -z "$used" ] ;;
		*-256color)
			check "TERM=$term $loc: colours" [ -n "$used" ] ;;
		*-16color)
			check "TERM=$term $loc: the bright colours" grep -qE '(^|[[;])9[0-7]' <<<"$used"
			check "TERM=$term $loc: and no more than 16" lacks '8;5' "$used" ;;
		*)
			check "TERM=$term $loc: colours" [ -n "$used" ]
			bright=$(colours_used | grep -E '9[0-7]|10[0-7]|[34]8;5' | tr '\n' ' ')
			check "TERM=$term $loc: only the 8 colours it has" [ -z "$bright" ] ;;
		esac
		check "TERM=$term $loc: quits" quit
	done
done

# ---- the production cue where colours are few or none ----

# the lab's header, then the production one after Tab: never alike
for case in "xterm" "screen" "linux" "vt100" "xterm-256color NO_COLOR=1"; do
	read -r term env <<<"$case"
	TUI_TERM=$term TUI_ENV=$env tui_start 100 20
	wait_until 15 screen_has "^worker "
	plain=$(header_sgr)
	keys Tab
	if ! wait_until 10 screen_has "^ binnacle PRODUCTION prod "; then
		not_ok "$case: the production endpoint opens" "$(screen)"
		continue
	fi
	wait_until 10 screen_has "^worker "
	prod=$(header_sgr)
	check "$case: the production header is drawn unlike the others" [ "${plain%% binnacle*}" != "${prod%% binnacle*}" ]
	lead=${prod%% binnacle*}
	if [ "$term" = vt100 ] || [ -n "$env" ]; then
		check "$case: monochrome, production in reverse video" grep -qE $'\e\\[([0-9]+;)*7(;[0-9]+)*m' <<<"$lead"
		check "$case: and bold" grep -qE $'\e\\[1[;m]' <<<"$lead"
		check "$case: no colours" [ -z "$(colours_used)" ]
	else
		check "$case: 8 colours, production on red" grep -q $'\e\\[41m' <<<"$lead"
	fi
	check "$case: quits" quit
done

# ---- terminals binnacle does not know, or none ----

# at 80x24, where the sentence must fit
TUI_TERM=binnacle-nosuch tui_start 80 24 -e lab
check "unknown TERM: the dashboard starts anyway" wait_until 15 screen_has "^worker "
check "unknown TERM: the flash line says which entry it uses" \
	screen_has "^no terminfo entry for TERM=binnacle-nosuch here: drawing as xterm-256color *$"
check "unknown TERM: the same rows" [ "$(rows)" = "$expected_rows" ]
check "unknown TERM: quits" quit

TUI_TERM=dumb tui_start 200 20 -e lab
check "TERM=dumb: one sentence pointing at binnacle get" \
	wait_until 10 screen_has "needs a terminal that can move the cursor, and TERM=dumb cannot; use .binnacle get KIND"
check "TERM=dumb: exit status 2" wait_until 5 screen_has "BINNACLE-EXITED-2"

out=$("$BINNACLE" -e lab </dev/null 2>&1)
rc=$?
check "no terminal: exit status 2" [ "$rc" -eq 2 ]
# shellcheck disable=SC2016 # the backquotes are part of the sentence
check "no terminal: one sentence pointing at binnacle get" \
	grep -qx 'binnacle: the dashboard needs a terminal; use `binnacle get KIND` in scripts' <<<"$out"

# binnacle get: ASCII on request, UTF-8 into a pipe whatever the locale
out=$(LC_ALL=C "$BINNACLE" get containers -o wide --filter intl)
check "get into a pipe in the C locale keeps UTF-8" grep -q "note=café" <<<"$out"
out=$("$BINNACLE" get containers -o wide --filter intl --charset ascii)
check "get --charset ascii" grep -q "note=caf? ?? \"q\"" <<<"$out"
check "get --charset ascii: nothing but ASCII" [ "$(LC_ALL=C tr -d '\000-\177' <<<"$out" | wc -c)" -eq 0 ]

finish

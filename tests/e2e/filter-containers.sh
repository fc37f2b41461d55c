#!/usr/bin/env bash
# filter-containers.sh: end to end in a real terminal: open the containers
# view with a command, filter it down to one container, and read that
# container's state from the screen; then the help, sorting and Esc.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
start_podman demo

tui_start 80 24
check "the dashboard starts at 80x24" wait_until 15 screen_has "worker"

keys ':' 'img' Enter
check ":img opens the images view" wait_until 5 screen_has "REPOSITORY:TAG"
keys ':' 'co' Tab
check "Tab completes a command" wait_until 5 bash -c "tmux -L '$TMUX_SOCK' capture-pane -p | tail -1 | grep -q ':co'"
keys C-u 'ctr' Enter
check ":ctr opens the containers view" wait_until 5 screen_has "NAME"

keys '/' 'migr' Enter
check "the filter leaves one row" wait_until 5 screen_has "/migr  1/1"
line=$(screen_line '^migrate ')
check "the filtered container's state is read from the screen" grep -q ' exited ' <<<"$line"
check "the other containers are filtered out" screen_lacks "worker"

keys Escape
check "Esc clears the filter" wait_until 5 screen_has "worker"

keys '/' '!^(web|worker|cache|cron|standby)$' Enter
check "an inverted regular expression filter" wait_until 5 screen_has "1/1"
check "keeps only what does not match" screen_has "^migrate "
keys Escape

keys '?'
check "? shows the keys of the view" wait_until 5 screen_has "Keys in Containers"
keys Escape
check "Esc goes back to the table" wait_until 5 screen_has "NAME"

keys G
check "G selects the last row" wait_until 5 screen_has " 6/6"
keys g
check "g selects the first row" wait_until 5 screen_has " 1/6"

# resizing the terminal redraws for the new size
tmx resize-window -x 60 -y 16
check "shrunk to 60x16: the table is redrawn" wait_until 5 screen_has "^NAME"
check "keeping the rows that fit" wait_until 5 screen_has "^cache "
check "with the less important columns dropped" screen_lacks "PORTS"
widest() { tmux -L "$TMUX_SOCK" capture-pane -p | python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))'; }
check "and nothing wider than the terminal" [ "$(widest)" -le 60 ]
tmx resize-window -x 150 -y 40
check "grown to 150x40: the columns come back" wait_until 5 screen_has "PORTS"
check "and the rows are all there" wait_until 5 screen_has "^worker "

keys q
check "q quits" wait_until 5 screen_has "BINNACLE-EXITED-0"

finish

#!/usr/bin/env bash
# Opens the real desktop window under Xvfb and checks that it shows the
# session list: the UI must report rendered rows through the Wails logger,
# and the window must not be one flat colour. Then it opens the first row's
# detail from the keyboard (j focuses the first row, Return opens it), as a
# user would, and checks that the UI reports the detail of that session
# ("sessions-ui: detail ID") and that the window still is not a flat colour.
# Leaves a screenshot of the list and one of the detail behind.
#
#   BIN      the desktop binary               (default build/bin/sessions)
#   DATA     a data dir that holds sessions   (required)
#   SHOT     where to write the screenshot    (default build/window.png);
#            the detail's goes beside it, with -detail before the extension
#   CROP     also write the window's own area, without the screen around it,
#            to this file (optional; the README's picture)
#   TIMEOUT  seconds to wait for each step    (default 60)
#
# Exit 0 only when the window showed rows and then a session's detail.
set -euo pipefail

BIN=${BIN:-build/bin/sessions}
SHOT=${SHOT:-build/window.png}
TIMEOUT=${TIMEOUT:-60}

die() {
	echo "check-window: FAIL: $*" >&2
	exit 1
}

need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 not found: apt-get install $2"
}

# inside runs under xvfb-run, with DISPLAY set to the virtual screen.
inside() {
	local log=$WORK/app.log wid status='' rows=0 deadline
	# The first row is the newest session: the one the detail must show.
	NEWEST=$("$BIN" --data "$DATA" list --json --limit 1 | grep -oE '"id": *[0-9]+' | head -n 1 | grep -oE '[0-9]+$') ||
		die "$BIN --data $DATA list --json --limit 1 gave no session id"
	"$BIN" --data "$DATA" >"$log" 2>&1 &
	app=$! # global: the EXIT trap runs after this function has returned
	# The app and the web processes WebKit starts for it end with this shell.
	trap 'kill "$app" 2>/dev/null; for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$app" 2>/dev/null || break; sleep 0.5; done; kill -9 "$app" 2>/dev/null || true' EXIT

	alive() {
		kill -0 "$app" 2>/dev/null && return 0
		echo "--- app output ($log) ---" >&2
		tail -n 30 "$log" >&2
		die "$BIN exited before the check finished"
	}

	deadline=$((SECONDS + TIMEOUT))
	wid=''
	until wid=$(xdotool search --onlyvisible --name '^Sessions$' 2>/dev/null | head -n 1) && [ -n "$wid" ]; do
		alive
		[ "$SECONDS" -lt "$deadline" ] || die "no visible window named Sessions after ${TIMEOUT}s"
		sleep 0.25
	done
	echo "check-window: window $wid is up"

	# The frontend logs one of these once it has put the page on screen.
	deadline=$((SECONDS + TIMEOUT))
	until status=$(grep -oE 'sessions-ui: (rendered [0-9]+ rows|empty state|error: .*)' "$log" | tail -n 1) && [ -n "$status" ]; do
		alive
		[ "$SECONDS" -lt "$deadline" ] || {
			shoot "$wid" || true
			die "the UI did not report rendering within ${TIMEOUT}s (no 'sessions-ui:' line in the app output; is frontend/dist built?)"
		}
		sleep 0.25
	done
	echo "check-window: UI says: $status"

	# The page is in the DOM when the line is logged, but WebKit may paint it
	# a moment later: shoot until two screenshots in a row are the same.
	local shot='' last='' colours=0
	deadline=$((SECONDS + TIMEOUT))
	while :; do
		sleep 0.5
		shot=$(shoot "$wid") || die "could not take a screenshot with import/convert"
		colours=${shot%% *}
		[ "$shot" = "$last" ] && break
		[ "$SECONDS" -lt "$deadline" ] || break
		last=$shot
	done
	echo "check-window: screenshot $SHOT ($colours colours in the window)"

	case $status in
	*'empty state'*) die "the window shows the empty state: $DATA holds no sessions" ;;
	*'error: '*) die "the window shows an error: ${status#*error: }" ;;
	esac
	rows=${status//[^0-9]/}
	[ "${rows:-0}" -gt 0 ] || die "the window rendered no rows"
	[ "$colours" -gt 16 ] || die "the window is a flat colour ($colours colours): nothing was painted"
	echo "check-window: OK: the window shows $rows rows"

	detail "$wid" "$shot"
}

# detail opens the first row from the keyboard and waits for the UI to say
# which session it shows. There is no window manager under Xvfb, so the
# window is given the input focus directly; the keys go to it.
detail() {
	local wid=$1 listshot=$2 line='' id shot='' last='' colours=0 deadline tries=0
	local list=$SHOT CROP='' # the README's crop stays the list's
	SHOT=${SHOT%.*}-detail.${SHOT##*.}
	deadline=$((SECONDS + TIMEOUT))
	until line=$(grep -oE 'sessions-ui: detail [0-9]+' "$WORK/app.log" | tail -n 1) && [ -n "$line" ]; do
		alive
		[ "$SECONDS" -lt "$deadline" ] || {
			shoot "$wid" >/dev/null || true
			die "no 'sessions-ui: detail ID' line within ${TIMEOUT}s of pressing j and Return in the list (screenshot $SHOT)"
		}
		# Pressed again every few seconds: the first keys can come before
		# WebKit has the focus.
		if [ $((tries % 12)) = 0 ]; then
			xdotool windowfocus --sync "$wid" 2>/dev/null || xdotool windowfocus "$wid" || true
			xdotool key --clearmodifiers --delay 80 Escape j Return || die "xdotool could not send keys to the window"
		fi
		tries=$((tries + 1))
		sleep 0.25
	done
	id=${line##* }
	echo "check-window: UI says: $line"
	[ "$id" = "$NEWEST" ] || die "the detail is of session $id, want the first row's, the newest session: $NEWEST"

	deadline=$((SECONDS + TIMEOUT))
	while :; do
		sleep 0.5
		shot=$(shoot "$wid") || die "could not take a screenshot with import/convert"
		colours=${shot%% *}
		[ "$shot" = "$last" ] && break
		[ "$SECONDS" -lt "$deadline" ] || break
		last=$shot
	done
	echo "check-window: screenshot $SHOT ($colours colours in the window)"
	[ "$colours" -gt 16 ] || die "the detail is a flat colour ($colours colours): nothing was painted"
	[ "${shot#* }" != "${listshot#* }" ] || die "the window looks the same as the list before the detail opened"
	grep -qE "sessions-ui: error: " <(sed -n "/sessions-ui: detail $id/,\$p" "$WORK/app.log") &&
		die "the UI reported an error after opening the detail: $(grep -oE 'sessions-ui: error: .*' "$WORK/app.log" | tail -n 1)"
	echo "check-window: OK: the window shows the detail of session $id"
	SHOT=$list
}

# shoot writes the whole screen to $SHOT and prints the number of colours in
# the window's own area (the black screen around it does not count) and a
# hash of that area's pixels.
shoot() {
	local X Y WIDTH HEIGHT SCREEN WINDOW
	import -window root "$SHOT"
	eval "$(xdotool getwindowgeometry --shell "$1")"
	if [ -n "${CROP:-}" ]; then convert "$SHOT" -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$CROP"; fi
	convert "$SHOT" -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage -format '%k %#' info:
}

if [ "${1:-}" = __inside ]; then
	inside
	exit 0
fi

need xvfb-run "xvfb xauth"
need xauth xauth
need xdotool xdotool
need import imagemagick
need convert imagemagick
[ -n "${DATA:-}" ] || die "DATA is not set: point it at a data dir that holds sessions (\$BIN --data \$DATA import ...)"
[ -d "$DATA" ] || die "DATA=$DATA is not a directory"
[ -x "$BIN" ] || die "$BIN is not an executable: build the desktop binary first"
mkdir -p "$(dirname "$SHOT")"
CROP=${CROP:-}

WORK=$(mktemp -d)
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
export BIN DATA SHOT TIMEOUT WORK CROP

# Job control puts xvfb-run, Xvfb, the app and WebKit in one process group
# of their own, so an interrupted run can end all of them at once.
set -m
xvfb-run -a -s "-screen 0 1280x900x24" bash "$0" __inside &
xpid=$!
set +m
trap 'kill -TERM -- "-$xpid" 2>/dev/null || true; rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rc=0
wait "$xpid" || rc=$?
echo "check-window: screenshot: $SHOT"
exit "$rc"

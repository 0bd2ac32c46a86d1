#!/usr/bin/env bash
# Starts the real desktop app under Xvfb, on a store made by the CLI, and proves its window
# opens and draws: the window is found by its title, and a screenshot of it, saved in
# tests/out/, is not a blank rectangle.
#
#   tests/desktop/window-opens.sh                 the build in target/debug
#   tests/desktop/window-opens.sh --installed     the app installed in /usr/bin by its package,
#                                                 on a fresh data folder (its first screen)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=tests/out
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=target/debug shot=desktop-window.png fresh=0
if [ "${1:-}" = --installed ]; then
  bin=/usr/bin shot=installed-first-start.png fresh=1
fi

timeout 300 xvfb-run -a -s "-screen 0 1280x900x24" tests/with-secret-service.sh bash -c '
  set -euo pipefail
  work=$1; out=$2; bin=$3; shot=$4; fresh=$5
  if [ "$fresh" = 0 ]; then
    timeout 60 $bin/triangulate --data-dir "$work/data" init >/dev/null
    timeout 60 $bin/triangulate --data-dir "$work/data" worker set --name "Window Test" --role aaw >/dev/null
  fi
  $bin/triangulate-desktop --data-dir "$work/data" >"$work/app.log" 2>&1 &
  app=$!
  window=""
  for _ in $(seq 1 120); do
    window=$(xwininfo -root -tree 2>/dev/null | grep -E "\"Triangulate\": \(\"triangulate-desktop\"" | awk "{print \$1}" | head -n1 || true)
    [ -n "$window" ] && break
    kill -0 $app 2>/dev/null || { echo "FAILED: the app exited"; cat "$work/app.log"; exit 1; }
    sleep 0.5
  done
  [ -n "$window" ] || { echo "FAILED: no Triangulate window within 60 s"; cat "$work/app.log"; exit 1; }
  echo "window $window is open"
  # Wait until the page has drawn its status (the heading appears as dark pixels on white).
  drawn=0
  for _ in $(seq 1 60); do
    sleep 0.5
    timeout 20 import -window "$window" "$out/$shot"
    spread=$(convert "$out/$shot" -colorspace Gray -format "%[fx:standard_deviation]" info:)
    if awk -v s="$spread" "BEGIN { exit !(s > 0.15) }"; then drawn=1; break; fi
  done
  kill $app; wait $app 2>/dev/null || true
  [ $drawn = 1 ] || { echo "FAILED: the window stayed blank (grey spread $spread)"; cat "$work/app.log"; exit 1; }
  echo "the window drew its page (grey spread $spread): screenshot in $out/$shot"
  if [ "$fresh" = 0 ]; then
    timeout 60 $bin/triangulate --data-dir "$work/data" audit verify
  else
    # Where it has never run, the app made nothing before the worker chose to create the store.
    [ ! -e "$work/data/store.json" ] || { echo "FAILED: a store was made without the worker"; exit 1; }
    { timeout 60 $bin/triangulate --data-dir "$work/data" status --json || true; } | grep -q "not_initialised"
  fi
' bash "$work" "$out" "$bin" "$shot" "$fresh"

#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked GNOME Keyring: the
# desktop Secret Service, as a worker's logged-in desktop has it. The keyring lives in a
# temporary folder, so no keyring of this machine's user is used or changed.
#   tests/with-secret-service.sh COMMAND [ARGS…]
set -euo pipefail
keyrings=$(mktemp -d)
trap 'rm -rf "$keyrings"' EXIT
export XDG_DATA_HOME="$keyrings"
exec dbus-run-session -- bash -c '
  set -euo pipefail
  printf "triangulate-tests" | gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null
  exec "$@"
' bash "$@" 2> >(grep -v -E "^dbus-daemon\[[0-9]+\]" >&2)

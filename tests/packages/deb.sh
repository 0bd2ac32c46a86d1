#!/usr/bin/env bash
# The Debian package (target/packages/triangulate_*_amd64.deb, made by .ci/package), installed
# with apt as a council's IT would: its dependencies come with it; the command line is on
# PATH and says its version; the menu entry and icon are in place; the installed app,
# started from its installed path under Xvfb on a fresh data folder, opens its window on its
# first screen (a screenshot in tests/out/installed-first-start.png). Removed again after.
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=$(ls "$PWD"/target/packages/triangulate_*_amd64.deb)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
fail() { echo "FAILED: $*"; exit 1; }
trap '$sudo apt-get remove -y -qq triangulate >/dev/null 2>&1 || true' EXIT
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
[ "$(command -v triangulate)" = /usr/bin/triangulate ] || fail "triangulate is not on PATH"
said=$(triangulate --version)
[ "$said" = "triangulate $version" ] || fail "--version said '$said'"
triangulate-verify --help | grep -q "usage: triangulate-verify" || fail "triangulate-verify does not run"
entry=/usr/share/applications/triangulate.desktop
[ -f "$entry" ] || fail "no menu entry"
grep -qx "Exec=triangulate-desktop" "$entry" && grep -qx "Icon=triangulate" "$entry" || fail "the menu entry: $(cat "$entry")"
[ -f /usr/share/icons/hicolor/128x128/apps/triangulate.png ] || fail "no icon"
dpkg-query -W -f='${Depends}\n' triangulate | grep -q "libwebkit2gtk-4.1-0" || fail "WebKitGTK is not a declared dependency"
tests/desktop/window-opens.sh --installed
echo "the Debian package installs, runs and opens its first screen: $deb"

#!/usr/bin/env bash
# The real app under Xvfb, driven by tauri-driver and WebKitWebDriver (real-window.test.mjs),
# with the desktop Secret Service of a private GNOME Keyring. Needs target/debug/triangulate
# and target/debug/triangulate-desktop built on the current ui/dist.
set -euo pipefail
cd "$(dirname "$0")/../.."
TAURI_DRIVER=$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")
export TAURI_DRIVER
timeout 600 xvfb-run -a -s "-screen 0 1280x900x24" tests/with-secret-service.sh \
  node --test --test-reporter=spec tests/desktop/real-window.test.mjs

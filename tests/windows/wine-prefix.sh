#!/usr/bin/env bash
# Prepares a Wine prefix (a Windows "laptop" of its own) for the Windows tests and the
# installer's test: `tests/windows/wine-prefix.sh PREFIX`. Safe to run again.
#
# Into the prefix go two test aids, built here with mingw-w64 and never shipped:
# - bcryptprimitives.dll: Wine 8 lacks it, and Rust's standard library on Windows calls its
#   ProcessPrng for random numbers; Windows 10 and 11 have it. The stand-in calls
#   RtlGenRandom (tests/windows/bcryptprimitives.c).
# - sddl.exe, in C:\test-aids: prints the owner and DACL Windows keeps for each path given, so
#   that the tests can read back what the app set (tests/windows/sddl.c).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${1:?usage: wine-prefix.sh PREFIX}"
wine="$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)"
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$prefix/.triangulate-test-prefix" ]; then
  mkdir -p "$prefix"
  "$wine" wineboot --init >/dev/null 2>&1
  "$(dirname "$wine")/wineserver" -w 2>/dev/null || wineserver -w 2>/dev/null || true
  mkdir -p "$prefix/drive_c/test-aids"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$prefix/drive_c/windows/system32/bcryptprimitives.dll" \
    "$here/bcryptprimitives.c" -ladvapi32
  x86_64-w64-mingw32-gcc -municode -O2 -o "$prefix/drive_c/test-aids/sddl.exe" "$here/sddl.c" -ladvapi32
  touch "$prefix/.triangulate-test-prefix"
fi

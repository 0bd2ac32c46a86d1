#!/usr/bin/env bash
# The Windows installer (target/packages/*-windows-x64-setup.exe, made by .ci/package), on a
# fresh Wine prefix: installed silently (/S) for the user; the app, the command line and the
# uninstaller in place, the Start menu entries made, the command line on the user's PATH,
# the missing WebView2 runtime said in the install log (Wine has none) and found when it is
# there; the installed triangulate.exe runs and `init` makes the store in the default data
# folder; the uninstaller removes the program, its entries and its PATH entry and keeps the
# data folder. (The app's window cannot be opened under Wine: WebView2 does not run there.)
set -euo pipefail
cd "$(dirname "$0")/../.."
setup=$(ls target/packages/triangulate-*-windows-x64-setup.exe)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
work=$(mktemp -d)
trap 'WINEPREFIX="$work/prefix" wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
PATH="$PATH:/usr/lib/wine"
wine=$(command -v wine64 || command -v wine)
tests/windows/wine-prefix.sh "$WINEPREFIX"
fail() { echo "FAILED: $*"; exit 1; }
user=$(whoami)
local_app_data="$WINEPREFIX/drive_c/users/$user/AppData/Local"
installed="$local_app_data/Programs/Triangulate"
menu="$WINEPREFIX/drive_c/users/$user/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Triangulate"
user_path() { "$wine" reg query 'HKCU\Environment' /v Path 2>/dev/null | tr -d '\r' | awk '/Path/ {sub(/.*REG_(EXPAND_)?SZ[ \t]+/, ""); print}'; }

# A PATH of the user's own beforehand, to be kept as it was.
"$wine" reg add 'HKCU\Environment' /v Path /t REG_EXPAND_SZ /d 'C:\Tools' /f >/dev/null

"$wine" "$setup" /S
wineserver -w
for file in triangulate-desktop.exe WebView2Loader.dll bin/triangulate.exe bin/triangulate-verify.exe uninstall.exe install.log; do
  [ -f "$installed/$file" ] || fail "$file is not installed in $installed"
done
# Every DLL the app loads is Windows' own (in System32, or an API set the loader resolves) or
# installed beside it (WebView2's loader).
for dll in $(x86_64-w64-mingw32-objdump -p "$installed/triangulate-desktop.exe" | awk '/DLL Name/ {print $3}'); do
  case "$dll" in api-ms-win-* | ext-ms-win-*) continue ;; esac
  [ -f "$installed/$dll" ] || [ -n "$(find "$WINEPREFIX/drive_c/windows/system32" -maxdepth 1 -iname "$dll")" ] \
    || fail "the app loads $dll, which is neither Windows' own nor installed"
done
[ -f "$menu/Triangulate.lnk" ] || fail "no Start menu entry for the app"
[ -f "$menu/Uninstall Triangulate.lnk" ] || fail "no Start menu entry for the uninstaller"
path=$(user_path)
[ "$path" = 'C:\Tools;C:\users\'"$user"'\AppData\Local\Programs\Triangulate\bin' ] || fail "the user's PATH is '$path'"
grep -q "WebView2 Runtime is not installed" "$installed/install.log" || fail "the missing WebView2 runtime is not said: $(cat "$installed/install.log")"
echo "installed: $(tr -d '\r' <"$installed/install.log" | head -n1)"

# The installed command line: its version, and a store in the default data folder.
said=$("$wine" "$installed/bin/triangulate.exe" --version | tr -d '\r')
[ "$said" = "triangulate $version" ] || fail "--version said '$said'"
# Found on the PATH by a new Windows process, as in a new terminal.
from_path=$("$wine" cmd /c "triangulate --version" 2>/dev/null | tr -d '\r')
[ "$from_path" = "triangulate $version" ] || fail "triangulate on the PATH said '$from_path'"
"$wine" "$installed/bin/triangulate.exe" init >"$work/init.txt" || fail "init: $(cat "$work/init.txt")"
grep -q "Windows Credential Manager" "$work/init.txt" || fail "init did not say where the key is: $(cat "$work/init.txt")"
[ -f "$local_app_data/Triangulate/store.json" ] || fail "no store in %LOCALAPPDATA%\\Triangulate"

# Installed again over itself, with WebView2 there: found, and PATH still holds one entry.
"$wine" reg add 'HKCU\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' /v pv /d 131.0.2903.70 /f >/dev/null
"$wine" "$setup" /S
wineserver -w
grep -q "WebView2 Runtime 131.0.2903.70 is installed" "$installed/install.log" || fail "WebView2 not found: $(cat "$installed/install.log")"
[ "$(user_path)" = "$path" ] || fail "installed twice, the PATH is '$(user_path)'"

"$wine" "$installed/uninstall.exe" /S
wineserver -w
sleep 1
wineserver -w
[ ! -e "$installed/bin/triangulate.exe" ] || fail "the command line is still installed"
[ ! -e "$installed/triangulate-desktop.exe" ] || fail "the app is still installed"
[ ! -e "$menu" ] || fail "the Start menu entries are still there"
[ "$(user_path)" = 'C:\Tools' ] || fail "after uninstalling, the user's PATH is '$(user_path)'"
[ -f "$local_app_data/Triangulate/store.json" ] && [ -f "$local_app_data/Triangulate/triangulate.db" ] \
  || fail "the data folder was not kept"
echo "the Windows installer installs, runs, uninstalls and keeps the data folder: $setup"

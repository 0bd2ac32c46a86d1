; The Windows installer: per user, no administrator rights needed.
;   makensis -DVERSION=0.1.0 -DSOURCE=folder-with-the-exe-files -DOUTFILE=setup.exe installer.nsi
; Installs to %LOCALAPPDATA%\Programs\Triangulate: the app (triangulate-desktop.exe, and
; WebView2Loader.dll, which it loads) with its Start menu entry, and the command line (bin\triangulate.exe, bin\triangulate-verify.exe) on
; the user's PATH. The uninstaller removes those and keeps the data folder
; (%LOCALAPPDATA%\Triangulate), saying so.
; A 64-bit installer, as the app is: it runs where the app can.
Target amd64-unicode
RequestExecutionLevel user
!include "WinMessages.nsh"
; LZMA for what is given to councils; zlib (-DCOMPRESSOR=zlib) for the tests' quick builds.
!ifndef COMPRESSOR
  !define COMPRESSOR "/SOLID lzma"
!endif
SetCompressor ${COMPRESSOR}

!ifndef VERSION
  !error "give -DVERSION="
!endif
!ifndef SOURCE
  !error "give -DSOURCE= (the folder holding triangulate-desktop.exe, WebView2Loader.dll, triangulate.exe and triangulate-verify.exe)"
!endif
!ifndef OUTFILE
  !define OUTFILE "triangulate-${VERSION}-windows-x64-setup.exe"
!endif

!define PRODUCT "Triangulate"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Triangulate"
!define WEBVIEW2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Triangulate"
ShowInstDetails show
ShowUninstDetails show
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "${PRODUCT}"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

; Whether TEXT ($1) holds PART ($2) as one of its ;-separated entries: $0 = 1 or 0.
!macro HAS_ENTRY UN
Function ${UN}HasEntry
  StrCpy $0 0
  StrCpy $3 ";$1;"
  StrCpy $4 ";$2;"
  StrLen $5 $4
  StrLen $6 $3
  StrCpy $7 0
  loop:
    IntCmp $7 $6 done 0 done
    StrCpy $8 $3 $5 $7
    StrCmp $8 $4 found
    IntOp $7 $7 + 1
    Goto loop
  found:
    StrCpy $0 1
  done:
FunctionEnd
!macroend
!insertmacro HAS_ENTRY ""
!insertmacro HAS_ENTRY "un."

; What the installation did, also kept in $INSTDIR\install.log: a line to the log ($R9 is
; its handle) and to the details shown.
!macro NOTE TEXT
  DetailPrint "${TEXT}"
  FileWrite $R9 "${TEXT}$\r$\n"
!macroend

Function WarnWithoutWebView2
  ClearErrors
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_CLIENT}" "pv"
  StrCmp $0 "" 0 found
  ReadRegStr $0 HKLM "SOFTWARE\${WEBVIEW2_CLIENT}" "pv"
  StrCmp $0 "" 0 found
  ReadRegStr $0 HKCU "Software\${WEBVIEW2_CLIENT}" "pv"
  StrCmp $0 "" 0 found
  !insertmacro NOTE "The Microsoft Edge WebView2 Runtime is not installed: the app's window needs it. Ask your IT service to install it; the command line works without it."
  MessageBox MB_OK|MB_ICONEXCLAMATION "The Microsoft Edge WebView2 Runtime is not installed on this computer.$\r$\n$\r$\nTriangulate's window needs it: it is part of Windows 11 and of up-to-date Windows 10, and your IT service can install it (Evergreen Standalone Installer, from Microsoft). The command line (triangulate) works without it.$\r$\n$\r$\nTriangulate is being installed all the same." /SD IDOK
  Return
  found:
  !insertmacro NOTE "The Microsoft Edge WebView2 Runtime $0 is installed."
FunctionEnd

Section "Triangulate"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  FileOpen $R9 "$INSTDIR\install.log" w
  !insertmacro NOTE "Triangulate ${VERSION} installed in $INSTDIR for this user."
  Call WarnWithoutWebView2
  File "/oname=triangulate-desktop.exe" "${SOURCE}\triangulate-desktop.exe"
  File "${SOURCE}\WebView2Loader.dll"
  SetOutPath "$INSTDIR\bin"
  File "${SOURCE}\triangulate.exe"
  File "${SOURCE}\triangulate-verify.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\Triangulate"
  CreateShortcut "$SMPROGRAMS\Triangulate\Triangulate.lnk" "$INSTDIR\triangulate-desktop.exe"
  CreateShortcut "$SMPROGRAMS\Triangulate\Uninstall Triangulate.lnk" "$INSTDIR\uninstall.exe"

  ; The command line on the user's own PATH, once.
  ReadRegStr $1 HKCU "Environment" "Path"
  StrCpy $2 "$INSTDIR\bin"
  Call HasEntry
  StrCmp $0 1 path_done
  StrCmp $1 "" 0 +3
    WriteRegExpandStr HKCU "Environment" "Path" "$2"
    Goto path_told
  WriteRegExpandStr HKCU "Environment" "Path" "$1;$2"
  path_told:
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
  path_done:
  !insertmacro NOTE "The command line is $INSTDIR\bin\triangulate.exe, on your PATH in new terminals."
  !insertmacro NOTE "Your data folder will be $LOCALAPPDATA\Triangulate; uninstalling keeps it."
  FileClose $R9

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\triangulate-desktop.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" "$\"$INSTDIR\uninstall.exe$\""
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" "$\"$INSTDIR\uninstall.exe$\" /S"
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$INSTDIR\triangulate-desktop.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\bin\triangulate.exe"
  Delete "$INSTDIR\bin\triangulate-verify.exe"
  RMDir "$INSTDIR\bin"
  Delete "$INSTDIR\install.log"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Triangulate\Triangulate.lnk"
  Delete "$SMPROGRAMS\Triangulate\Uninstall Triangulate.lnk"
  RMDir "$SMPROGRAMS\Triangulate"

  ; The PATH without the entry the installer added; every other entry as it was.
  ReadRegStr $1 HKCU "Environment" "Path"
  StrCpy $2 "$INSTDIR\bin"
  Call un.HasEntry
  StrCmp $0 1 0 path_done
  StrCpy $3 ";$1;"
  StrCpy $4 ";$2;"
  StrLen $5 $4
  StrCpy $9 ""
  StrCpy $7 0
  StrLen $6 $3
  scan:
    StrCpy $8 $3 $5 $7
    StrCmp $8 $4 cut
    IntOp $7 $7 + 1
    IntCmp $7 $6 path_done 0 path_done
    Goto scan
  cut:
    StrCpy $9 $3 $7
    IntOp $7 $7 + $5
    StrCpy $8 $3 "" $7
    StrCpy $3 "$9;$8"
    ; Trim the ; added at each end.
    StrCpy $3 $3 "" 1
    StrLen $6 $3
    IntOp $6 $6 - 1
    StrCpy $3 $3 $6
    WriteRegExpandStr HKCU "Environment" "Path" "$3"
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
  path_done:

  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DetailPrint "Your data folder, $LOCALAPPDATA\Triangulate, is kept: the store, its exports' records and its logs stay."
  MessageBox MB_OK|MB_ICONINFORMATION "Triangulate is removed. Your data folder is kept:$\r$\n$\r$\n$LOCALAPPDATA\Triangulate$\r$\n$\r$\nIt holds the encrypted store. Delete it only when the council's retention policy allows; its database key stays in the Windows Credential Manager until then." /SD IDOK
SectionEnd

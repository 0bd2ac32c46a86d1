/*
 * A test aid, never shipped: prints, for each path given, the security descriptor Windows
 * keeps for it (owner and DACL, in SDDL), and first the SID of the user running it, so that
 * the Wine tests can read back what Triangulate set on its data folder, its files and its
 * exports. Built with mingw-w64 by tests/windows/wine.sh.
 *
 *   sddl.exe PATH...   ->   user S-1-5-21-...
 *                           PATH<TAB>O:...D:P(A;OICI;FA;;;S-1-5-21-...)...
 */
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv)
{
    HANDLE token;
    BYTE buffer[256];
    DWORD size;
    LPWSTR text;
    int failed = 0;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)
        || !GetTokenInformation(token, TokenUser, buffer, sizeof buffer, &size)
        || !ConvertSidToStringSidW(((TOKEN_USER *)buffer)->User.Sid, &text)) {
        fwprintf(stderr, L"the user's SID could not be read: %lu\n", GetLastError());
        return 2;
    }
    wprintf(L"user %ls\n", text);
    LocalFree(text);
    for (int i = 1; i < argc; i++) {
        PSECURITY_DESCRIPTOR sd = NULL;
        DWORD error = GetNamedSecurityInfoW(argv[i], SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, NULL, NULL, NULL, NULL, &sd);
        if (error != ERROR_SUCCESS
            || !ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1,
                   OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &text, NULL)) {
            fwprintf(stderr, L"%ls: no security descriptor (%lu)\n", argv[i], error ? error : GetLastError());
            failed = 1;
            continue;
        }
        wprintf(L"%ls\t%ls\n", argv[i], text);
        LocalFree(text);
        LocalFree(sd);
    }
    return failed;
}

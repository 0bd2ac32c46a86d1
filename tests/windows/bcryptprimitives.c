/*
 * A test aid, never shipped: Wine 8 has no bcryptprimitives.dll, whose ProcessPrng Rust's
 * standard library on Windows calls for random numbers. Windows 10 and 11 have it. This
 * stand-in, built with mingw-w64 by tests/windows/wine.sh into the Wine prefix the tests use,
 * gives the same function from RtlGenRandom (advapi32's SystemFunction036).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

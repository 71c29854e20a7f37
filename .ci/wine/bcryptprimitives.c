/* ProcessPrng for wine 8, which has no bcryptprimitives.dll: Rust's standard library asks it
 * for random bytes (HashMap seeds) at start-up. The bytes come from advapi32's RtlGenRandom
 * (SystemFunction036), which wine 8 has. Used only to run the Windows build under wine in CI. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a 32-bit length; larger requests are served in chunks. */
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

/*
 * Baseline for the compiler benchmark: an empty main. Its instruction count (start-up, the
 * result's output and exit) is subtracted from every kernel's count. C twin of empty.ts.
 */
#include <stdint.h>

uint64_t main(void)
{
    return 0;
}

#include "CTroupeBench.h"
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>

void troupe_bench_trim(void) {
    malloc_trim(0);
}
#else
void troupe_bench_trim(void) {}
#endif

#include "CTroupeBench.h"
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>

size_t troupe_bench_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks;
}

void troupe_bench_trim(void) {
    malloc_trim(0);
}
#else
size_t troupe_bench_heap_in_use(void) { return 0; }
void troupe_bench_trim(void) {}
#endif

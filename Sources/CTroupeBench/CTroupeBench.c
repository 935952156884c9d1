#include "CTroupeBench.h"
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double troupe_bench_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

double troupe_bench_mutex_ns(long rounds) {
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    double start = troupe_bench_seconds();
    for (long i = 0; i < rounds; i++) {
        pthread_mutex_lock(&mutex);
        pthread_mutex_unlock(&mutex);
    }
    return (troupe_bench_seconds() - start) / (double)rounds * 1e9;
}

double troupe_bench_page_fault_us(long pages) {
    size_t size = (size_t)pages * 4096;
    volatile char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return -1;
    double start = troupe_bench_seconds();
    for (long i = 0; i < pages; i++) memory[i * 4096] = 1;
    double elapsed = troupe_bench_seconds() - start;
    munmap((void *)memory, size);
    return elapsed / (double)pages * 1e6;
}

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>

void troupe_bench_trim(void) {
    malloc_trim(0);
}
#else
void troupe_bench_trim(void) {}
#endif

// Allocator statistics for troupe-bench (glibc's malloc.h is not visible from Swift's Glibc module).
#ifndef CTROUPEBENCH_H
#define CTROUPEBENCH_H
#include <stddef.h>

/// Returns free heap memory to the operating system (malloc_trim(0)) where supported.
void troupe_bench_trim(void);

/// Nanoseconds per uncontended pthread mutex lock+unlock pair, over `rounds` pairs: a machine
/// calibration printed beside the results (../shared/PERFORMANCE.md measured 3.6 ns here).
double troupe_bench_mutex_ns(long rounds);

/// Microseconds per first touch of a fresh 4 KiB page, over `pages` pages: the cost of growing the
/// heap, which the spawn scenario pays for every actor's memory.
double troupe_bench_page_fault_us(long pages);

#endif

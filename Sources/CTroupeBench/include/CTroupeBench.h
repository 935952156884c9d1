// Allocator statistics for troupe-bench (glibc's malloc.h is not visible from Swift's Glibc module).
#ifndef CTROUPEBENCH_H
#define CTROUPEBENCH_H
#include <stddef.h>

/// Returns free heap memory to the operating system (malloc_trim(0)) where supported.
void troupe_bench_trim(void);

#endif

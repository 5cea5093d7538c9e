/* Native driver of the CPU-bound benchmark for `cargo xtask bench wasm`: built with
 * cpu_bound.c by clang -O2, it calls run(iterations) once with the argument the wasm
 * engines get and prints the checksum (unsigned, as the other engines print it) and the
 * wall time of the call. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

unsigned int run(int iterations);

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s ITERATIONS\n", argv[0]);
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned int result = run(atoi(argv[1]));
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ms = (double)(end.tv_sec - start.tv_sec) * 1e3 +
                (double)(end.tv_nsec - start.tv_nsec) * 1e-6;
    printf("result=%u run_ms=%.3f\n", result, ms);
    return 0;
}

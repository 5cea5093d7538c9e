/* Native driver of the moving-average benchmark for `cargo xtask bench wasm`: built with
 * sma.c by clang -O2, it calls run(n, period, iters) once with the arguments the wasm
 * engines get and prints the result (six decimals, as the other engines print it) and the
 * wall time of the call. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double run(int n, int period, int iters);

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s N PERIOD ITERS\n", argv[0]);
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    double result = run(atoi(argv[1]), atoi(argv[2]), atoi(argv[3]));
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ms = (double)(end.tv_sec - start.tv_sec) * 1e3 +
                (double)(end.tv_nsec - start.tv_nsec) * 1e-6;
    printf("result=%.6f run_ms=%.3f\n", result, ms);
    return 0;
}

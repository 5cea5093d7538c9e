/* A TA-Lib-style simple moving average, as a legacy C library ported to WebAssembly.
 *
 * Built freestanding for wasm32 by clang (see core/wasm/tests/c_programs.rs), shaped like
 * an emscripten standalone build: it exports `memory`, `malloc` and `TA_SMA` with
 * TA-Lib's signature, and asks the host for more memory through the imported
 * `env.emscripten_resize_heap`, as emscripten's malloc does. */

typedef unsigned long size_t;

__attribute__((import_module("env"), import_name("emscripten_resize_heap")))
extern int emscripten_resize_heap(size_t requested_size);

extern unsigned char __heap_base;
static size_t heap_top;

/* A bump allocator: 8-byte aligned blocks, never freed. */
__attribute__((export_name("malloc")))
void *malloc(size_t size) {
    if (heap_top == 0)
        heap_top = (size_t)&__heap_base;
    size_t start = (heap_top + 7) & ~(size_t)7;
    size_t end = start + size;
    size_t have = __builtin_wasm_memory_size(0) * 65536;
    if (end > have && !emscripten_resize_heap(end))
        return 0;
    heap_top = end;
    return (void *)start;
}

/* TA-Lib's return codes used here. */
enum {
    TA_SUCCESS = 0,
    TA_BAD_PARAM = 2,
    TA_OUT_OF_RANGE_START_INDEX = 12,
    TA_OUT_OF_RANGE_END_INDEX = 13,
};

__attribute__((export_name("TA_SMA")))
int TA_SMA(int startIdx, int endIdx, const double *inReal, int optInTimePeriod,
           int *outBegIdx, int *outNBElement, double *outReal) {
    if (startIdx < 0)
        return TA_OUT_OF_RANGE_START_INDEX;
    if (endIdx < 0 || endIdx < startIdx)
        return TA_OUT_OF_RANGE_END_INDEX;
    if (!inReal || !outReal || !outBegIdx || !outNBElement)
        return TA_BAD_PARAM;
    if (optInTimePeriod < 2 || optInTimePeriod > 100000)
        return TA_BAD_PARAM;

    int lookback = optInTimePeriod - 1;
    if (startIdx < lookback)
        startIdx = lookback;
    if (startIdx > endIdx) {
        *outBegIdx = 0;
        *outNBElement = 0;
        return TA_SUCCESS;
    }
    int trailing = startIdx - lookback;
    double sum = 0;
    for (int i = trailing; i < startIdx; i++)
        sum += inReal[i];
    int count = 0;
    for (int i = startIdx; i <= endIdx; i++) {
        sum += inReal[i];
        outReal[count++] = sum / optInTimePeriod;
        sum -= inReal[trailing++];
    }
    *outBegIdx = startIdx;
    *outNBElement = count;
    return TA_SUCCESS;
}

/*
 * numlib: a small numeric library in the shape of an Emscripten standalone build, used
 * from the host the way a web page uses such a build: malloc buffers in its memory,
 * fill them, call, read the results back.
 *
 * Like Emscripten's own sbrk, the allocator asks the host for more memory through
 * env.emscripten_resize_heap (with the new total size in bytes) when the heap is full,
 * and reports heap corruption through env._abort_js. Freestanding, no libc:
 *
 *   clang --target=wasm32-unknown-unknown -O2 -nostdlib -Wl,--no-entry -o numlib.wasm numlib.c
 *
 * The functions follow TA-Lib's calling convention: start and end indices into the
 * input, out-parameters for the first output index and the number of outputs, and a
 * return code (0 success, 2 bad parameter, 12/13 start/end index out of range).
 */
#include <stddef.h>
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(module, name) __attribute__((import_module(#module), import_name(#name)))

IMPORT(env, emscripten_resize_heap) int emscripten_resize_heap(size_t requested_size);
IMPORT(env, _abort_js) void abort_js(void) __attribute__((noreturn));
IMPORT(env, emscripten_date_now) double emscripten_date_now(void);

enum { SUCCESS = 0, BAD_PARAM = 2, OUT_OF_RANGE_START = 12, OUT_OF_RANGE_END = 13 };

/* ---- allocator: first fit over a list of blocks, each with an 8-byte header ---- */

typedef struct block {
    uint32_t size; /* bytes after the header, a multiple of 8 */
    uint32_t free; /* 1 free, 0 used; anything else is corruption */
} block;

extern unsigned char __heap_base;
static unsigned char *heap_end;

static block *first_block(void) {
    return (block *)(((uintptr_t)&__heap_base + 7) & ~(uintptr_t)7);
}

static block *next_block(block *b) { return (block *)((unsigned char *)(b + 1) + b->size); }

static int grow_heap(size_t needed) {
    size_t have = __builtin_wasm_memory_size(0) * 65536;
    size_t end = (size_t)(heap_end + needed);
    if (end > have && !emscripten_resize_heap(end)) return 0;
    heap_end += needed;
    return 1;
}

EXPORT(malloc) void *malloc(size_t n) {
    if (n == 0 || n > 0x7fff0000u) return 0;
    uint32_t size = (uint32_t)((n + 7) & ~(size_t)7);
    if (!heap_end) heap_end = (unsigned char *)first_block();
    for (block *b = first_block(); (unsigned char *)b < heap_end; b = next_block(b)) {
        if (b->free > 1) abort_js();
        if (b->free && b->size >= size) {
            if (b->size >= size + sizeof(block) + 8) {
                block *rest = (block *)((unsigned char *)(b + 1) + size);
                rest->size = b->size - size - (uint32_t)sizeof(block);
                rest->free = 1;
                b->size = size;
            }
            b->free = 0;
            return b + 1;
        }
    }
    block *b = (block *)heap_end;
    if (!grow_heap(sizeof(block) + size)) return 0;
    b->size = size;
    b->free = 0;
    return b + 1;
}

EXPORT(free) void free(void *p) {
    if (!p) return;
    block *b = (block *)p - 1;
    if (b->free != 0) abort_js();
    b->free = 1;
    /* Merge with the free blocks that follow. */
    block *next = next_block(b);
    while ((unsigned char *)next < heap_end && next->free == 1) {
        b->size += (uint32_t)sizeof(block) + next->size;
        next = next_block(b);
    }
}

/* ---- numeric functions ---- */

static int check_range(int start, int end) {
    if (start < 0) return OUT_OF_RANGE_START;
    if (end < 0 || end < start) return OUT_OF_RANGE_END;
    return SUCCESS;
}

/* Simple moving average over `period` values. */
EXPORT(nl_sma)
int nl_sma(int start, int end, const double *in, int period, int *out_begin, int *out_count,
           double *out) {
    int rc = check_range(start, end);
    if (rc) return rc;
    if (period < 2 || period > 100000) return BAD_PARAM;
    if (start < period - 1) start = period - 1;
    *out_begin = start;
    *out_count = 0;
    if (start > end) return SUCCESS;
    double sum = 0;
    for (int i = start - period + 1; i < start; i++) sum += in[i];
    int n = 0;
    for (int i = start; i <= end; i++) {
        sum += in[i];
        out[n++] = sum / period;
        sum -= in[i - period + 1];
    }
    *out_count = n;
    return SUCCESS;
}

/* Exponential moving average, seeded with the simple average of the first period. */
EXPORT(nl_ema)
int nl_ema(int start, int end, const double *in, int period, int *out_begin, int *out_count,
           double *out) {
    int rc = check_range(start, end);
    if (rc) return rc;
    if (period < 2 || period > 100000) return BAD_PARAM;
    if (start < period - 1) start = period - 1;
    *out_begin = start;
    *out_count = 0;
    if (start > end) return SUCCESS;
    double k = 2.0 / (period + 1), ema = 0;
    for (int i = start - period + 1; i <= start; i++) ema += in[i];
    ema /= period;
    int n = 0;
    out[n++] = ema;
    for (int i = start + 1; i <= end; i++) {
        ema = (in[i] - ema) * k + ema;
        out[n++] = ema;
    }
    *out_count = n;
    return SUCCESS;
}

/* Mean and population standard deviation of `count` values into out[0], out[1]. */
EXPORT(nl_stats) int nl_stats(const double *in, int count, double *out) {
    if (count < 1) return BAD_PARAM;
    double mean = 0;
    for (int i = 0; i < count; i++) mean += in[i];
    mean /= count;
    double var = 0;
    for (int i = 0; i < count; i++) var += (in[i] - mean) * (in[i] - mean);
    out[0] = mean;
    out[1] = __builtin_sqrt(var / count);
    return SUCCESS;
}

/* Least-squares line through (x[i], y[i]): slope into out[0], intercept into out[1]. */
EXPORT(nl_linreg) int nl_linreg(const double *x, const double *y, int count, double *out) {
    if (count < 2) return BAD_PARAM;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < count; i++) {
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        sxy += x[i] * y[i];
    }
    double d = count * sxx - sx * sx;
    if (d == 0) return BAD_PARAM;
    out[0] = (count * sxy - sx * sy) / d;
    out[1] = (sy - out[0] * sx) / count;
    return SUCCESS;
}

/* Milliseconds since the Unix epoch on the host's clock, as the library sees it. */
EXPORT(nl_now_ms) double nl_now_ms(void) { return emscripten_date_now(); }

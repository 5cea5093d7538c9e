/* A CPU-bound benchmark for the wasm runtime: integer and floating-point work of the kinds
 * legacy C programs do (a sieve, CRC-32 over a buffer, a matrix product, an insertion sort
 * of pseudo-random numbers). No imports, no libc; exports run(iterations) -> checksum. */

#define SIEVE 8192
#define BUFFER 4096
#define MATRIX 24
#define SORT 512

static unsigned char composite[SIEVE];
static unsigned char buffer[BUFFER];
static double a[MATRIX][MATRIX], b[MATRIX][MATRIX], c[MATRIX][MATRIX];
static int numbers[SORT];

static unsigned int sieve(void) {
    unsigned int primes = 0;
    for (int i = 0; i < SIEVE; i++) composite[i] = 0;
    for (int i = 2; i < SIEVE; i++) {
        if (composite[i]) continue;
        primes++;
        for (int j = i * 2; j < SIEVE; j += i) composite[j] = 1;
    }
    return primes;
}

static unsigned int crc32(unsigned int seed) {
    for (int i = 0; i < BUFFER; i++) buffer[i] = (unsigned char)(seed * 31u + (unsigned int)i * 7u);
    unsigned int crc = 0xffffffffu;
    for (int i = 0; i < BUFFER; i++) {
        crc ^= buffer[i];
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static double matrix(unsigned int seed) {
    for (int i = 0; i < MATRIX; i++)
        for (int j = 0; j < MATRIX; j++) {
            a[i][j] = (double)((seed + (unsigned int)(i * MATRIX + j)) % 17u) * 0.25;
            b[i][j] = (double)((seed * 3u + (unsigned int)(j * MATRIX + i)) % 13u) * 0.5;
        }
    for (int i = 0; i < MATRIX; i++)
        for (int j = 0; j < MATRIX; j++) {
            double sum = 0.0;
            for (int k = 0; k < MATRIX; k++) sum += a[i][k] * b[k][j];
            c[i][j] = sum;
        }
    double trace = 0.0;
    for (int i = 0; i < MATRIX; i++) trace += c[i][i];
    return trace;
}

static int sort(unsigned int seed) {
    unsigned int s = seed;
    for (int i = 0; i < SORT; i++) {
        s = s * 1103515245u + 12345u;
        numbers[i] = (int)(s >> 8);
    }
    for (int i = 1; i < SORT; i++) {
        int value = numbers[i];
        int j = i - 1;
        while (j >= 0 && numbers[j] > value) {
            numbers[j + 1] = numbers[j];
            j--;
        }
        numbers[j + 1] = value;
    }
    return numbers[SORT / 2];
}

__attribute__((export_name("run")))
unsigned int run(int iterations) {
    unsigned int checksum = 0;
    for (int i = 0; i < iterations; i++) {
        unsigned int seed = (unsigned int)i;
        checksum += sieve();
        checksum ^= crc32(seed);
        checksum += (unsigned int)matrix(seed);
        checksum += (unsigned int)sort(seed);
    }
    return checksum;
}

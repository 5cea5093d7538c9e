/*
 * FACTOR: a text-mode number cruncher in the style of the utilities that came on a
 * disk with the compiler. Plain C with stdio, built for WASI:
 *
 *   clang --target=wasm32-wasi --sysroot=/usr -O2 -o factor.wasm factor.c -lm
 *
 * It prints a banner, today's date and this month's calendar, the primes below 100,
 * then factors every number it reads from standard input (one per line) until end of
 * file or a line saying `q`. The exit status is the count of numbers factored.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
};
static const char *const day_names[7] = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

static int days_in_month(int month, int year) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month] + (month == 1 && leap);
}

static void calendar(const struct tm *now) {
    int first = (now->tm_wday - (now->tm_mday - 1) % 7 + 7) % 7;
    printf("    %s %d\n", month_names[now->tm_mon], now->tm_year + 1900);
    printf("Su Mo Tu We Th Fr Sa\n");
    int column = 0;
    for (; column < first; column++) printf("   ");
    for (int day = 1; day <= days_in_month(now->tm_mon, now->tm_year + 1900); day++) {
        printf(day == now->tm_mday ? "%2d*" : "%2d ", day);
        if (++column == 7) {
            printf("\n");
            column = 0;
        }
    }
    if (column) printf("\n");
}

static void primes_below(int limit) {
    char *composite = calloc((size_t)limit, 1);
    printf("Primes below %d:", limit);
    for (int n = 2; n < limit; n++) {
        if (composite[n]) continue;
        printf(" %d", n);
        for (int m = n * n; m < limit; m += n) composite[m] = 1;
    }
    printf("\n");
    free(composite);
}

static int collatz_steps(unsigned long long n) {
    int steps = 0;
    while (n > 1) {
        n = n % 2 ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

static void factor(unsigned long long n) {
    printf("%llu =", n);
    if (n < 2) {
        printf(" %llu (neither prime nor composite)\n", n);
        return;
    }
    unsigned long long rest = n;
    const char *sep = " ";
    int factors = 0;
    for (unsigned long long p = 2; p * p <= rest; p += (p == 2 ? 1 : 2)) {
        int power = 0;
        while (rest % p == 0) {
            rest /= p;
            power++;
        }
        if (power) {
            printf(power > 1 ? "%s%llu^%d" : "%s%llu", sep, p, power);
            sep = " * ";
            factors += power;
        }
    }
    if (rest > 1) {
        printf("%s%llu", sep, rest);
        factors++;
    }
    printf(factors == 1 ? "  (prime" : "  (%d factors", factors);
    printf(", sqrt %.3f, Collatz %d)\n", sqrt((double)n), collatz_steps(n));
}

int main(void) {
    printf("+--------------------------------------------+\n");
    printf("|  FACTOR 2.1  -  the number cruncher        |\n");
    printf("+--------------------------------------------+\n");
    time_t t = time(NULL);
    struct tm *now = gmtime(&t);
    printf("Today is %s, %d %s %d.\n\n", day_names[now->tm_wday], now->tm_mday,
           month_names[now->tm_mon], now->tm_year + 1900);
    calendar(now);
    printf("\n");
    primes_below(100);
    printf("\nType numbers to factor, one per line (q quits).\n");

    char *line = malloc(128);
    int count = 0;
    while (fgets(line, 128, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (strcmp(line, "q") == 0) break;
        char *end;
        unsigned long long n = strtoull(line, &end, 10);
        if (end == line || *end) {
            fprintf(stderr, "? not a number: %s\n", line);
            continue;
        }
        printf("> ");
        factor(n);
        count++;
    }
    free(line);
    printf("%d number%s factored. Bye.\n", count, count == 1 ? "" : "s");
    return count;
}

/*
 * Practical memory-copy bandwidth of this machine, for Benchmarks/peers/README.md.
 *
 *   gcc -O2 -pthread -o /tmp/bandwidth Benchmarks/peers/bandwidth.c
 *   /tmp/bandwidth [MiB=64] [threads=1] [reps=20]
 *
 * Copies a MiB-sized buffer with memcpy `reps` times (after one warm-up copy
 * that also faults the pages in), split into `threads` equal contiguous
 * slices, one pthread per slice. Prints one JSON line with the median copy
 * time and two rates: "copy_gb_s" = bytes copied per second, and
 * "traffic_gb_s" = read + write bytes per second (2x, the STREAM "Copy"
 * convention). GB = 10^9 bytes.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char *dst;
    const char *src;
    size_t n;
} slice_t;

static void *copy_slice(void *arg) {
    slice_t *s = arg;
    memcpy(s->dst, s->src, s->n);
    return NULL;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One full copy of src to dst using `threads` threads; returns seconds. */
static double timed_copy(char *dst, const char *src, size_t bytes, int threads) {
    pthread_t tid[64];
    slice_t sl[64];
    size_t chunk = (bytes / threads) & ~(size_t)63; /* 64-byte aligned slices */
    double t0 = now_s();
    for (int i = 0; i < threads; i++) {
        sl[i].dst = dst + i * chunk;
        sl[i].src = src + i * chunk;
        sl[i].n = (i == threads - 1) ? bytes - i * chunk : chunk;
        if (threads == 1)
            copy_slice(&sl[i]); /* no thread start-up cost in the 1-thread case */
        else
            pthread_create(&tid[i], NULL, copy_slice, &sl[i]);
    }
    if (threads > 1)
        for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    return now_s() - t0;
}

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    int reps = argc > 3 ? atoi(argv[3]) : 20;
    if (threads < 1 || threads > 64 || reps < 1 || mib < 1) {
        fprintf(stderr, "usage: bandwidth [MiB>=1] [threads 1..64] [reps>=1]\n");
        return 2;
    }
    size_t bytes = mib << 20;
    char *src = aligned_alloc(4096, bytes), *dst = aligned_alloc(4096, bytes);
    if (!src || !dst) {
        fprintf(stderr, "allocation failed\n");
        return 1;
    }
    memset(src, 1, bytes);
    memset(dst, 0, bytes);
    timed_copy(dst, src, bytes, threads); /* warm-up */

    double *t = malloc(sizeof(double) * reps);
    for (int r = 0; r < reps; r++) t[r] = timed_copy(dst, src, bytes, threads);
    qsort(t, reps, sizeof(double), cmp_double);
    double med = t[reps / 2];
    /* Keep the copy observable so it cannot be optimised away. */
    if (dst[bytes - 1] != 1) fprintf(stderr, "copy check failed\n");
    printf("{\"tool\": \"memcpy\", \"mib\": %zu, \"threads\": %d, \"reps\": %d, "
           "\"median_ms\": %.3f, \"copy_gb_s\": %.2f, \"traffic_gb_s\": %.2f}\n",
           mib, threads, reps, med * 1e3, bytes / med / 1e9, 2.0 * bytes / med / 1e9);
    free(t);
    free(src);
    free(dst);
    return 0;
}

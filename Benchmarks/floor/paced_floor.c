/*
 * The paced floor: what polling N ZoneMinder segments at 10 Hz costs at least. Maps each zm.mmap.<id> in a
 * directory read-only (header only, as the agent does) and, every 100 ms, reads the five fields the agent's fast
 * path looks at (state, last event id, valid, signal, last write time; ZoneMinder 1.36 offsets, docs/zm-shm-layouts.md),
 * folding them into a checksum so the reads are not optimised away. No stat, no JSON, no publishing.
 *
 * cc -O2 -o paced_floor paced_floor.c && ./paced_floor DIR SECONDS
 * Prints the monitors mapped; CPU is measured from outside (schedstat), like the agent's.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define HEADER 760 /* SharedData, ZoneMinder 1.36 */

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s DIR SECONDS\n", argv[0]);
        return 2;
    }
    double seconds = atof(argv[2]);
    DIR *dir = opendir(argv[1]);
    if (!dir) { perror(argv[1]); return 1; }
    size_t count = 0, capacity = 64;
    const volatile uint8_t **maps = malloc(capacity * sizeof *maps);
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (strncmp(entry->d_name, "zm.mmap.", 8) != 0) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], entry->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0) continue;
        void *map = mmap(NULL, HEADER, PROT_READ, MAP_SHARED, fd, 0);
        close(fd);
        if (map == MAP_FAILED) continue;
        if (count == capacity) maps = realloc(maps, (capacity *= 2) * sizeof *maps);
        maps[count++] = map;
    }
    closedir(dir);
    printf("%zu\n", count);
    fflush(stdout);
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    uint64_t sum = 0;
    long ticks = (long)(seconds * 10);
    for (long tick = 0; tick < ticks; tick++) {
        for (size_t i = 0; i < count; i++) {
            const volatile uint8_t *m = maps[i];
            sum += *(const volatile uint32_t *)(m + 12);  /* state */
            sum += *(const volatile uint64_t *)(m + 32);  /* last_event_id */
            sum += m[68];                                  /* valid */
            sum += m[70];                                  /* signal */
            sum += *(const volatile int64_t *)(m + 104);  /* last_write_time */
        }
        next.tv_nsec += 100000000;
        if (next.tv_nsec >= 1000000000) { next.tv_nsec -= 1000000000; next.tv_sec += 1; }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
    fprintf(stderr, "checksum %llu\n", (unsigned long long)sum);
    return 0;
}

/* replay.c — runs a fuzz harness over saved inputs without libFuzzer, so that ordinary builds
 * (gcc, and the ASan + UBSan pass of tools/test) check that the harnesses still build and that
 * every input that once broke something (tests/fuzz/regress/NAME/) stays fixed.
 *
 * Usage: replay_NAME FILE_OR_FOLDER...  Runs each file (each file of a folder, in name order)
 * through LLVMFuzzerTestOneInput, which aborts on a violated property. Exits 1 when an argument
 * cannot be read or names no input at all.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, n = 0, got;
    uint8_t *data = malloc(cap);
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *p = realloc(data, cap * 2);
            if (!p)
                free(data);
            data = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of a folder; returns the count, or -1. */
static int replay_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char **p = realloc(names, (n + 1) * sizeof *p);
        if (!p || !(p[n] = strdup(e->d_name))) {
            closedir(d);
            return -1;
        }
        names = p;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int count = 0;
    for (size_t k = 0; k < n; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        struct stat st;
        if (count >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            count = replay_file(path) < 0 ? -1 : count + 1;
        free(names[k]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    int total = 0;
    for (int k = 1; k < argc; k++) {
        struct stat st;
        int n = stat(argv[k], &st) == 0 && S_ISDIR(st.st_mode) ? replay_folder(argv[k])
                                                               : replay_file(argv[k]);
        if (n < 0)
            return 1;
        total += n;
    }
    printf("%d input%s replayed\n", total, total == 1 ? "" : "s");
    return total > 0 ? 0 : 1;
}

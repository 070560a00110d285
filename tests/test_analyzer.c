/* test_analyzer.c — the analyzer group fixture (see test_analyzer.h). */
#include <stdio.h>

#include "kk_analysis.h"
#include "test_analyzer.h"

int kt_analyzer_setup(void **state)
{
    kk_analyzer *a = NULL;
    kk_error err = {0};
    if (kk_analyzer_new(&a, &err) != KK_OK) {
        fprintf(stderr, "kk_analyzer_new: %s\n", err.message);
        return -1;
    }
    *state = a;
    return 0;
}

int kt_analyzer_teardown(void **state)
{
    kk_analyzer_free(*state);
    return 0;
}

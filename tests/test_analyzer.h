/* test_analyzer.h — a cmocka group fixture holding one kk_analyzer as the group's state, for the
 * tests of analysis, normalization and diff. Test support only.
 */
#ifndef KK_TEST_ANALYZER_H
#define KK_TEST_ANALYZER_H

/* Group setup: *state becomes a new kk_analyzer (-1 and a message on failure). */
int kt_analyzer_setup(void **state);

/* Group teardown: frees the analyzer. */
int kt_analyzer_teardown(void **state);

#endif

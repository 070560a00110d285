/* kk_year.h — Japanese fiscal years: era notation to Western years, in text and in queries.
 *
 * Eras 明治 to 令和 (and their one-letter abbreviations M T S H R in queries), 元年, kanji numerals
 * (平成二十四年度), full-width digits. A fiscal year is named by the calendar year it starts in:
 * 令和元年度 → 2019, 平成24年度 → 2012, 2019年度 → 2019. Shared by the indexer (years stated in
 * text) and the query tool (year words and filters), so both agree.
 */
#ifndef KK_YEAR_H
#define KK_YEAR_H

#include <stddef.h>

/* Convert an era year to a Western year: era is the era's kanji name (平成) or its letter (H, h);
 * n the year of the era (1 for 元年). Returns 0 for an unknown era or an n past the era's end. */
int kk_year_from_era(const char *era, int n);

/* The first fiscal-year mention in UTF-8 text (平成24年度, 令和元年度, 2019年度, 平成二十四年度 …);
 * 0 when there is none. *start and *end (may be NULL) receive its byte range. */
int kk_year_find(const char *text, size_t len, size_t *start, size_t *end);

/* Parse a whole query token naming a year: 令和元年度, 令和元年, R1, H31, 2019年度, 2019, 平成三十一年.
 * Returns the Western year, or 0 if the token is not a year. Bare numbers count only within
 * 1868..2100. */
int kk_year_parse(const char *token, size_t len);

#endif

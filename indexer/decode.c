/* decode.c — read a file and turn its bytes into UTF-8 text with LF line ends.
 *
 * Owns the binary check, BOM handling, the UTF-8 fast path, encoding detection (uchardet plus
 * our own ordering of Japanese candidates), strict conversion with ICU, and messages that name
 * the line where undecodable bytes are. NUL bytes in otherwise textual UTF-8 are passed on for
 * the reader to remove with a warning. It does not look at what the text says; the splitters do.
 */
#include "document_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uchardet.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ustring.h>

/* The binary check looks at this many bytes, as git and grep do. */
#define SNIFF_BYTES 8192
/* Control bytes (other than tab, line ends, form feed and the ESC of ISO-2022-JP) in more than
 * 1 in 20 sniffed bytes mean the file is not text: real Japanese text files have none. */
#define CONTROL_PER_BYTES 20

size_t kk_normalize_newlines(char *s, size_t n)
{
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        if (s[r] == '\r') {
            s[w++] = '\n';
            if (r + 1 < n && s[r + 1] == '\n')
                r++;
        } else {
            s[w++] = s[r];
        }
    }
    if (w < n)
        s[w] = '\0';
    return w;
}

/* 1 if the sniffed part holds a NUL byte: binary, UTF-16 without a BOM, or text with stray NULs. */
static int has_nul(const unsigned char *p, size_t n)
{
    return memchr(p, 0, n < SNIFF_BYTES ? n : SNIFF_BYTES) != NULL;
}

/* 1 if control bytes are too frequent in the sniffed part for the file to be text. */
static int looks_binary(const unsigned char *p, size_t n)
{
    size_t m = n < SNIFF_BYTES ? n : SNIFF_BYTES, control = 0;
    for (size_t i = 0; i < m; i++)
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f' &&
             p[i] != 0x1B) || p[i] == 0x7F)
            control++;
    return control * CONTROL_PER_BYTES > m;
}

/* Line number (from 1) of byte offset at in p. */
static unsigned line_at(const char *p, size_t at)
{
    unsigned line = 1;
    for (size_t i = 0; i < at; i++)
        line += p[i] == '\n';
    return line;
}

/* UTF-16 without a BOM: NUL bytes only at odd offsets (LE) or only at even offsets (BE) in the
 * sniffed part. Returns the ICU name or NULL. */
static const char *utf16_without_bom(const unsigned char *p, size_t n)
{
    size_t m = n < SNIFF_BYTES ? n : SNIFF_BYTES, even = 0, odd = 0;
    if (n % 2)
        return NULL;
    for (size_t i = 0; i < m; i++)
        if (p[i] == 0)
            *(i % 2 ? &odd : &even) += 1;
    if (odd && !even)
        return "UTF-16LE";
    if (even && !odd)
        return "UTF-16BE";
    return NULL;
}

/* Convert n bytes in `charset` to UTF-8, failing on any byte sequence the charset does not
 * define (no substitution characters: a citation must not contain guessed characters). On an
 * encoding failure *bad_at (may be NULL) receives the offset of the first byte not converted. */
static kk_status convert(const char *name, const char *charset, const char *src, size_t n,
                         char **out, size_t *out_len, size_t *bad_at, kk_error *err)
{
    UErrorCode uerr = U_ZERO_ERROR;
    /* ICU counts in int32_t, and a code unit may take three bytes of UTF-8. */
    if (n > INT32_MAX / 4)
        return kk_error_set(err, KK_EFORMAT, "%s: too large to convert from %s", name, charset);
    UConverter *cv = ucnv_open(charset, &uerr);
    if (U_FAILURE(uerr))
        return kk_error_set(err, KK_EENCODING, "%s: no converter for %s (%s)", name, charset,
                            u_errorName(uerr));
    ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &uerr);
    /* Every code unit of output needs at least one byte of input in the encodings we accept. */
    UChar *u = malloc((n + 1) * sizeof *u);
    if (!u) {
        ucnv_close(cv);
        return kk_error_set(err, KK_ENOMEM, "%s: out of memory converting", name);
    }
    UChar *target = u;
    const char *source = src;
    ucnv_toUnicode(cv, &target, u + n + 1, &source, src + n, NULL, 1, &uerr);
    if (U_FAILURE(uerr)) {
        char bad[32];
        int8_t bad_len = (int8_t)sizeof bad;
        UErrorCode e2 = U_ZERO_ERROR;
        ucnv_getInvalidChars(cv, bad, &bad_len, &e2);
        size_t at = (size_t)(source - src);
        if (U_SUCCESS(e2) && (size_t)bad_len <= at)
            at -= (size_t)bad_len;
        if (bad_at)
            *bad_at = at;
        ucnv_close(cv);
        free(u);
        return kk_error_set(err, KK_EENCODING, "%s:%u: not valid %s text (%s)", name,
                            line_at(src, at), charset, u_errorName(uerr));
    }
    ucnv_close(cv);
    int32_t ulen = (int32_t)(target - u);
    int32_t blen = 0;
    uerr = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &blen, u, ulen, &uerr);
    char *b = malloc((size_t)blen + 1);
    if (!b) {
        free(u);
        return kk_error_set(err, KK_ENOMEM, "%s: out of memory converting", name);
    }
    uerr = U_ZERO_ERROR;
    u_strToUTF8(b, blen + 1, &blen, u, ulen, &uerr);
    free(u);
    if (U_FAILURE(uerr)) {
        free(b);
        return kk_error_set(err, KK_EENCODING, "%s: cannot write %s text as UTF-8 (%s)", name,
                            charset, u_errorName(uerr));
    }
    b[blen] = '\0';
    *out = b;
    *out_len = (size_t)blen;
    return KK_OK;
}

/* What uchardet thinks, or "" when it has no opinion. The result is copied into buf. */
static void detect(const char *p, size_t n, char *buf, size_t size)
{
    buf[0] = '\0';
    uchardet_t ud = uchardet_new();
    if (!ud)
        return;
    if (uchardet_handle_data(ud, p, n) == 0) {
        uchardet_data_end(ud);
        const char *cs = uchardet_get_charset(ud);
        if (cs)
            snprintf(buf, size, "%s", cs);
    }
    uchardet_delete(ud);
}

typedef struct candidate {
    const char *icu;  /* converter name */
    const char *shown; /* the name recorded in kk_document.encoding */
} candidate;

/* Shift_JIS files in the wild are CP932 (NEC and IBM extensions such as ①), so Shift_JIS is
 * converted with ICU's windows-31j table. */
static const candidate japanese[] = {
    {"windows-31j", "Shift_JIS"},
    {"EUC-JP", "EUC-JP"},
    {"ISO-2022-JP", "ISO-2022-JP"},
};

/* uchardet's answer as a candidate, or {NULL} for names we map onto the Japanese table. */
static candidate from_detected(const char *cs, int *japanese_index)
{
    *japanese_index = -1;
    if (strcmp(cs, "SHIFT_JIS") == 0 || strcmp(cs, "WINDOWS-31J") == 0)
        *japanese_index = 0;
    else if (strcmp(cs, "EUC-JP") == 0)
        *japanese_index = 1;
    else if (strcmp(cs, "ISO-2022-JP") == 0)
        *japanese_index = 2;
    candidate c = {NULL, NULL};
    if (*japanese_index < 0 && cs[0] && strcmp(cs, "ASCII") != 0 && strcmp(cs, "UTF-8") != 0)
        c.icu = c.shown = cs;
    return c;
}

/* Not UTF-8: try uchardet's Japanese answer first, then the Japanese encodings, then any other
 * answer. A Japanese archive is far more often CP932 or EUC-JP than the Latin-1 uchardet may
 * guess for a short file, and a single-byte charset accepts every byte, so it goes last. When
 * none fits, the message names the line where the candidate that read furthest failed: that is
 * most likely the file's encoding and the line a person should look at. */
static kk_status decode_legacy(const char *name, const char *p, size_t n, char **out,
                               size_t *out_len, const char **encoding, kk_error *err)
{
    char cs[64];
    detect(p, n, cs, sizeof cs);
    int first;
    candidate other = from_detected(cs, &first);
    int order[4] = {first, 0, 1, 2};
    size_t furthest = 0, at = 0;
    const char *furthest_name = japanese[0].shown;
    for (int k = 0; k < 4; k++) {
        if (order[k] < 0 || (k > 0 && order[k] == first))
            continue;
        const candidate *c = &japanese[order[k]];
        if (convert(name, c->icu, p, n, out, out_len, &at, err) == KK_OK) {
            *encoding = c->shown;
            return KK_OK;
        }
        if (at > furthest || k == 0) {
            furthest = at;
            furthest_name = c->shown;
        }
    }
    if (other.icu && convert(name, other.icu, p, n, out, out_len, NULL, err) == KK_OK) {
        /* ICU's alias table outlives us, unlike cs: record the charset's canonical name. */
        UErrorCode uerr = U_ZERO_ERROR;
        const char *alias = ucnv_getAlias(other.icu, 0, &uerr);
        *encoding = U_SUCCESS(uerr) && alias ? alias : "unknown";
        return KK_OK;
    }
    return kk_error_set(err, KK_EENCODING,
                        "%s:%u: not valid UTF-8, Shift_JIS or EUC-JP text (read as %s it breaks "
                        "on this line; the encoding detector said %s)",
                        name, line_at(p, furthest), furthest_name, cs[0] ? cs : "nothing");
}

/* UTF-8 with a few broken sequences (a truncated or damaged file) rather than a legacy
 * encoding: at least 9 in 10 non-ASCII bytes form valid UTF-8 sequences. Shift_JIS and EUC-JP
 * text reaches 0.27–0.43 by accident (measured on corpus/ converted to each), real UTF-8 1.0.
 * *bad_at receives the offset of the first broken sequence. */
static int broken_utf8(const char *p, size_t n, size_t *bad_at)
{
    size_t valid = 0, broken = 0;
    for (size_t i = 0; i < n;) {
        size_t before = i;
        if ((unsigned char)p[i] < 0x80) {
            i++;
            continue;
        }
        int c = kk_utf8_next(p, n, &i);
        if (c == 0xFFFD && i - before == 1) {
            if (!broken++)
                *bad_at = before;
        } else {
            valid += i - before;
        }
    }
    return broken && valid >= 9 * broken;
}

static kk_status copy_utf8(const char *p, size_t n, char **out, size_t *out_len, kk_error *err)
{
    char *b = malloc(n + 1);
    if (!b)
        return kk_error_set(err, KK_ENOMEM, "out of memory copying text");
    memcpy(b, p, n);
    b[n] = '\0';
    *out = b;
    *out_len = n;
    return KK_OK;
}

/* Decoding by BOM, binary check, UTF-8, then the legacy encodings. NUL bytes in a file that is
 * otherwise text pass through (the reader removes them with a warning). */
static kk_status decode_raw(const char *name, const char *p, size_t n, char **out,
                            size_t *out_len, const char **encoding, kk_error *err)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t bad_at = 0;
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        *encoding = "UTF-8";
        if (!kk_utf8_valid(p + 3, n - 3)) {
            broken_utf8(p + 3, n - 3, &bad_at);
            return kk_error_set(err, KK_EENCODING, "%s:%u: invalid UTF-8 after a UTF-8 BOM "
                                "(byte 0x%02X)", name, line_at(p, bad_at + 3), u[bad_at + 3]);
        }
        return copy_utf8(p + 3, n - 3, out, out_len, err);
    }
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        *encoding = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        return convert(name, *encoding, p + 2, n - 2, out, out_len, NULL, err);
    }
    /* UTF-8 (or ASCII) with a few stray NUL bytes is text; otherwise NULs suggest UTF-16. */
    if (has_nul(u, n) && (looks_binary(u, n) || !kk_utf8_valid(p, n))) {
        const char *utf16 = utf16_without_bom(u, n);
        if (utf16 && convert(name, utf16, p, n, out, out_len, NULL, err) == KK_OK &&
            !looks_binary((const unsigned char *)*out, *out_len)) {
            *encoding = utf16;
            return KK_OK;
        }
        if (utf16)
            free(*out);
        *out = NULL;
    }
    if (looks_binary(u, n))
        return kk_error_set(err, KK_EFORMAT, "%s: binary file (control bytes in its first %d "
                            "bytes)", name, SNIFF_BYTES);
    if (kk_utf8_valid(p, n)) {
        *encoding = "UTF-8";
        return copy_utf8(p, n, out, out_len, err);
    }
    if (broken_utf8(p, n, &bad_at))
        return kk_error_set(err, KK_EENCODING, "%s:%u: invalid UTF-8 (byte 0x%02X); save the "
                            "file as UTF-8 again", name, line_at(p, bad_at), u[bad_at]);
    return decode_legacy(name, p, n, out, out_len, encoding, err);
}

kk_status kk_decode_bytes(const char *name, const char *bytes, size_t n, char **text,
                          size_t *len, const char **encoding, kk_error *err)
{
    char *out = NULL;
    size_t out_len = 0;
    kk_status st = decode_raw(name, bytes, n, &out, &out_len, encoding, err);
    if (st != KK_OK)
        return st;
    out_len = kk_normalize_newlines(out, out_len);
    /* A BOM that survived conversion (UTF-16 without one, then U+FEFF) is not text. */
    if (out_len >= 3 && memcmp(out, "\xEF\xBB\xBF", 3) == 0) {
        memmove(out, out + 3, out_len - 3 + 1);
        out_len -= 3;
    }
    *text = out;
    *len = out_len;
    return KK_OK;
}

static kk_status read_all(const char *path, char **bytes, size_t *n, kk_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kk_error_set(err, KK_EIO, "%s: %s", path, strerror(errno));
    kk_buf b = {0};
    char chunk[65536];
    size_t got;
    kk_status st = kk_buf_add(&b, "", 0);
    while (st == KK_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = kk_buf_add(&b, chunk, got);
    int failed = ferror(f);
    fclose(f);
    if (st != KK_OK) {
        kk_buf_free(&b);
        return kk_error_set(err, KK_ENOMEM, "%s: out of memory reading", path);
    }
    if (failed) {
        kk_buf_free(&b);
        return kk_error_set(err, KK_EIO, "%s: read error", path);
    }
    *bytes = kk_buf_take(&b, n);
    return KK_OK;
}

kk_status kk_decode_file(const char *path, char **text, size_t *len, const char **encoding,
                         kk_error *err)
{
    char *bytes = NULL;
    size_t n = 0;
    kk_status st = read_all(path, &bytes, &n, err);
    if (st != KK_OK)
        return st;
    st = kk_decode_bytes(path, bytes, n, text, len, encoding, err);
    free(bytes);
    return st;
}

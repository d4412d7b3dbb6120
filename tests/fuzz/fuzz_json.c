/* fuzz_json.c - libFuzzer harness for json_string's escaping of arbitrary
 * bytes.  The output is checked by a small, independent JSON string
 * validator (RFC 8259: no raw byte < 0x20, only the defined escapes, valid
 * UTF-8), decoded, and compared with the input in which every byte that
 * does not start a valid UTF-8 sequence is replaced by U+FFFD.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "report/json.h"

/* Length of the valid UTF-8 sequence at s[0..n) (1..4), or 0 when the bytes
 * there are not one (overlong forms, UTF-16 surrogates, above U+10FFFF,
 * truncated).  Written from the Unicode table of well-formed sequences
 * (Unicode 15, table 3-7) rather than from json.c. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xbf;
    size_t len;

    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4;
    else
        return 0;
    if (s[0] == 0xe0)
        lo = 0xa0;
    else if (s[0] == 0xed)
        hi = 0x9f;
    else if (s[0] == 0xf0)
        lo = 0x90;
    else if (s[0] == 0xf4)
        hi = 0x8f;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    }
    return len;
}

/* Appends code point cp (< 0x110000, not a surrogate) as UTF-8. */
static size_t put_utf8(unsigned char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (unsigned char)(0xf0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Reads 4 hex digits at s (n bytes left) into *v. */
static bool hex4(const unsigned char *s, size_t n, unsigned long *v)
{
    *v = 0;
    if (n < 4)
        return false;
    for (int i = 0; i < 4; i++) {
        unsigned char c = s[i];
        unsigned d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return false;
        *v = *v << 4 | d;
    }
    return true;
}

/* Validates the JSON string literal at s (exactly n bytes: quote, body,
 * quote) and decodes its body into out (room for 3 * n bytes, enough since
 * no escape decodes to more bytes than it takes).  Returns the decoded
 * length; aborts on anything that is not a valid JSON string. */
static size_t decode(const unsigned char *s, size_t n, unsigned char *out)
{
    size_t i = 1, o = 0, k;
    unsigned long cp, lo;

    FUZZ_CHECK(n >= 2 && s[0] == '"' && s[n - 1] == '"');
    n--;
    while (i < n) {
        FUZZ_CHECK(s[i] >= 0x20);       /* control characters are escaped */
        FUZZ_CHECK(s[i] != '"');        /* no unescaped quote inside */
        if (s[i] != '\\') {
            k = utf8_seq(s + i, n - i);
            FUZZ_CHECK(k > 0);          /* only valid UTF-8 is written */
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
            continue;
        }
        FUZZ_CHECK(i + 1 < n);
        i++;
        switch (s[i]) {
        case '"': out[o++] = '"'; i++; break;
        case '\\': out[o++] = '\\'; i++; break;
        case '/': out[o++] = '/'; i++; break;
        case 'b': out[o++] = '\b'; i++; break;
        case 'f': out[o++] = '\f'; i++; break;
        case 'n': out[o++] = '\n'; i++; break;
        case 'r': out[o++] = '\r'; i++; break;
        case 't': out[o++] = '\t'; i++; break;
        case 'u':
            FUZZ_CHECK(hex4(s + i + 1, n - i - 1, &cp));
            i += 5;
            /* A surrogate must come as a high/low pair. */
            FUZZ_CHECK(cp < 0xdc00 || cp > 0xdfff);
            if (cp >= 0xd800 && cp <= 0xdbff) {
                FUZZ_CHECK(i + 1 < n && s[i] == '\\' && s[i + 1] == 'u');
                FUZZ_CHECK(hex4(s + i + 2, n - i - 2, &lo));
                FUZZ_CHECK(lo >= 0xdc00 && lo <= 0xdfff);
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            }
            /* The input was a C string: a NUL cannot come out of it. */
            FUZZ_CHECK(cp != 0);
            o += put_utf8(out + o, cp);
            break;
        default:
            FUZZ_CHECK(!"a defined escape");
        }
    }
    return o;
}

/* What the decoded string must be: s with every byte that does not start a
 * valid UTF-8 sequence replaced by U+FFFD.  out has room for 3 * len. */
static size_t reference(const unsigned char *s, size_t len, unsigned char *out)
{
    size_t i = 0, o = 0, k;

    while (i < len) {
        k = utf8_seq(s + i, len - i);
        if (k == 0) {
            o += put_utf8(out + o, 0xfffd);
            i++;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    return o;
}

/* Writes s with the JSON writer on a memory stream: alone, or as both the
 * key and the value of a one-member object.  Returns the text (malloc'ed,
 * *n bytes). */
static char *capture(const char *s, bool pretty, bool in_object, size_t *n)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, n);
    struct json j;

    if (f == NULL)
        abort();
    json_init(&j, f, pretty);
    if (in_object) {
        json_object_begin(&j);
        json_key(&j, s);
        json_string(&j, s);
        json_object_end(&j);
    } else {
        json_string(&j, s);
    }
    FUZZ_CHECK(json_finish(&j) == 0);
    if (fclose(f) != 0)
        abort();
    return text;
}

/* The object written around the literal lit (n bytes) must be exactly
 * open, lit, colon, lit, close. */
static void check_object(const char *s, bool pretty, const char *lit, size_t n)
{
    const char *open = pretty ? "{\n  " : "{", *colon = pretty ? ": " : ":";
    const char *close = pretty ? "\n}\n" : "}";
    size_t m, lo = strlen(open), lc = strlen(colon), lz = strlen(close);
    char *obj = capture(s, pretty, true, &m);

    FUZZ_CHECK(m == lo + n + lc + n + lz);
    FUZZ_CHECK(memcmp(obj, open, lo) == 0 && memcmp(obj + lo, lit, n) == 0);
    FUZZ_CHECK(memcmp(obj + lo + n, colon, lc) == 0);
    FUZZ_CHECK(memcmp(obj + lo + n + lc, lit, n) == 0);
    FUZZ_CHECK(memcmp(obj + lo + n + lc + n, close, lz) == 0);
    free(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    size_t len = strlen(s), n, dlen, rlen;
    char *lit;
    unsigned char *dec, *ref;

    /* The string alone: a valid literal that decodes to the input. */
    lit = capture(s, false, false, &n);
    dec = malloc(3 * n + 4);
    ref = malloc(3 * len + 4);
    if (dec == NULL || ref == NULL)
        abort();
    dlen = decode((const unsigned char *)lit, n, dec);
    rlen = reference((const unsigned char *)s, len, ref);
    FUZZ_CHECK(dlen == rlen && memcmp(dec, ref, dlen) == 0);

    /* As a key and a value: the same literal in both places. */
    check_object(s, false, lit, n);
    check_object(s, true, lit, n);

    free(dec);
    free(ref);
    free(lit);
    free(s);
    return 0;
}

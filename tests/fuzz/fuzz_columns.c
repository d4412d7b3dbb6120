/* fuzz_columns.c - libFuzzer harness for columns_parse (the -o field order
 * string).  The result is compared with an independent reading of the
 * rules: every letter a known column, none twice, not empty, at most max.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "report/columns.h"

/* The letters of the column table, which the harness learns from
 * columns_all() rather than hard-coding. */
static bool known_key(char c)
{
    size_t n;
    const struct column *all = columns_all(&n);

    for (size_t i = 0; i < n; i++) {
        if (all[i].key == c)
            return true;
    }
    return false;
}

/* What columns_parse must return for order with room for max columns:
 * the number of letters, or -1. */
static int expected(const char *order, size_t max)
{
    size_t len = strlen(order);

    if (len == 0 || len > max)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!known_key(order[i]) || memchr(order, order[i], i) != NULL)
            return -1;
    }
    return (int)len;
}

/* Parses order with room for max columns and an error buffer of errlen
 * bytes (both exact-size allocations, so overruns are caught). */
static void check(const char *order, size_t max, size_t errlen)
{
    const struct column **out = malloc((max > 0 ? max : 1) * sizeof(*out));
    char *err = malloc(errlen > 0 ? errlen : 1);
    int rc, want = expected(order, max);

    if (out == NULL || err == NULL)
        abort();
    memset(err, 0x7f, errlen > 0 ? errlen : 1);
    rc = columns_parse(order, out, max, err, errlen);
    FUZZ_CHECK(rc == want);
    if (rc < 0) {
        /* A one-line message, NUL-terminated inside the buffer. */
        if (errlen > 0) {
            FUZZ_CHECK(memchr(err, '\0', errlen) != NULL);
            FUZZ_CHECK(strchr(err, '\n') == NULL || memchr(order, '\n', strlen(order)) != NULL);
        }
        if (errlen > 1)
            FUZZ_CHECK(err[0] != '\0');
    } else {
        for (int i = 0; i < rc; i++) {
            FUZZ_CHECK(out[i] == column_by_key(order[i]));
            FUZZ_CHECK(out[i] != NULL && out[i]->key == order[i]);
        }
    }
    free(out);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *order = fuzz_cstr(data, size);

    check(order, COLUMNS_MAX, 256);
    /* Small tables and small error buffers: the limits themselves. */
    check(order, size % (COLUMNS_MAX + 1), 1 + size % 40);
    check(order, 0, 0);
    free(order);
    return 0;
}

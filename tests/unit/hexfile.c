/* hexfile.c - loading golden packets stored as commented hex text (see
 * hexfile.h for the format).
 */
#include "hexfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#ifndef HW_TEST_DATA
#error "HW_TEST_DATA must be defined to the absolute path of tests/data"
#endif

/* The value of hex digit c, or -1 when c is not one. */
static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses the text of an open file into buf; see hw_test_load_hex. */
static int parse_hex(FILE *f, uint8_t *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    bool comment = false, half = false;
    int c, v, hi = 0;

    while ((c = getc(f)) != EOF) {
        if (comment) {
            comment = c != '\n';
            continue;
        }
        v = hex_value(c);
        if (v >= 0) {
            if (!half) {
                hi = v;
                half = true;
                continue;
            }
            if (n == cap)
                return -ENOSPC;
            buf[n++] = (uint8_t)(hi << 4 | v);
            half = false;
            continue;
        }
        /* Anything else ends a run of digits, so it must end on a pair. */
        if (half)
            return -EINVAL;
        if (c == '#')
            comment = true;
        else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f')
            return -EINVAL;
    }
    if (ferror(f))
        return -EIO;
    if (half)
        return -EINVAL;
    *len = n;
    return 0;
}

int hw_test_load_hex(const char *name, uint8_t *buf, size_t cap, size_t *len)
{
    char path[4096];
    FILE *f;
    int n, rc;

    n = snprintf(path, sizeof(path), "%s/%s", HW_TEST_DATA, name);
    if (n < 0 || (size_t)n >= sizeof(path))
        return -ENAMETOOLONG;
    f = fopen(path, "r");
    if (f == NULL)
        return -errno;
    rc = parse_hex(f, buf, cap, len);
    fclose(f);
    return rc;
}

/* json.c - the streaming JSON writer.  See json.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "report/json.h"

void
json_init(struct json *j, FILE *f, bool pretty)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
    j->pretty = pretty;
}

static void
newline(struct json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Everything written as a value goes through here first: a comma after a
 * previous sibling, the indentation, nothing after a key. */
static void
value_prefix(struct json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (j->need_comma[j->depth])
            fputc(',', j->f);
        newline(j);
    }
    j->need_comma[j->depth] = true;
}

static void
open_scope(struct json *j, char c)
{
    value_prefix(j);
    fputc(c, j->f);
    if (j->depth + 1 >= JSON_MAX_DEPTH) {
        j->error = true;
        return;
    }
    j->depth++;
    j->need_comma[j->depth] = false;
}

static void
close_scope(struct json *j, char c)
{
    bool had = j->depth > 0 && j->need_comma[j->depth];

    if (j->depth == 0 || j->after_key) {
        j->error = true;
        return;
    }
    j->depth--;
    if (had)
        newline(j);
    fputc(c, j->f);
}

void json_object_begin(struct json *j) { open_scope(j, '{'); }
void json_object_end(struct json *j) { close_scope(j, '}'); }
void json_array_begin(struct json *j) { open_scope(j, '['); }
void json_array_end(struct json *j) { close_scope(j, ']'); }

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t
utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))
            return 0; /* overlong, or a UTF-16 surrogate */
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

static void
write_string(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;

    fputc('"', f);
    while (*s != '\0') {
        size_t n;

        if (*s == '"' || *s == '\\') {
            fputc('\\', f);
            fputc(*s++, f);
        } else if (*s < 0x20) {
            switch (*s) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            default: fprintf(f, "\\u%04x", *s); break;
            }
            s++;
        } else if ((n = utf8_len(s)) == 0) {
            fputs("\\ufffd", f);
            s++;
        } else {
            fwrite(s, 1, n, f);
            s += n;
        }
    }
    fputc('"', f);
}

void
json_key(struct json *j, const char *key)
{
    value_prefix(j);
    write_string(j->f, key);
    fputs(j->pretty ? ": " : ":", j->f);
    j->after_key = true;
}

void
json_string(struct json *j, const char *s)
{
    if (s == NULL) {
        json_null(j);
        return;
    }
    value_prefix(j);
    write_string(j->f, s);
}

void
json_int(struct json *j, int64_t v)
{
    value_prefix(j);
    fprintf(j->f, "%" PRId64, v);
}

void
json_uint(struct json *j, uint64_t v)
{
    value_prefix(j);
    fprintf(j->f, "%" PRIu64, v);
}

void
json_double(struct json *j, double v, int decimals)
{
    char buf[64];
    size_t n;

    if (!isfinite(v)) {
        json_null(j);
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    /* Trim trailing zeros of the fraction (and a bare point). */
    if (strchr(buf, '.') != NULL) {
        n = strlen(buf);
        while (n > 0 && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (n > 0 && buf[n - 1] == '.')
            buf[--n] = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    value_prefix(j);
    fputs(buf, j->f);
}

void
json_bool(struct json *j, bool v)
{
    value_prefix(j);
    fputs(v ? "true" : "false", j->f);
}

void
json_null(struct json *j)
{
    value_prefix(j);
    fputs("null", j->f);
}

int
json_finish(struct json *j)
{
    if (j->pretty)
        fputc('\n', j->f);
    return (j->error || j->depth != 0 || j->after_key) ? -EINVAL : 0;
}

void
json_format_time(int64_t t_ns, char *buf, size_t len)
{
    time_t sec = (time_t)(t_ns / 1000000000);
    int ms = (int)((t_ns % 1000000000) / 1000000);
    struct tm tm;

    if (t_ns < 0 || gmtime_r(&sec, &tm) == NULL) {
        snprintf(buf, len, "1970-01-01T00:00:00.000Z");
        return;
    }
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

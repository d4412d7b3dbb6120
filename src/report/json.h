/* json.h - a small streaming JSON writer: commas, nesting and string
 * escaping handled in one place, numbers written as numbers. */
#ifndef HW_REPORT_JSON_H
#define HW_REPORT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Deepest nesting supported. */
#define JSON_MAX_DEPTH 32

struct json {
    FILE *f;                          /* where to write */
    bool pretty;                      /* newlines and two-space indents */
    int depth;                        /* current nesting */
    bool need_comma[JSON_MAX_DEPTH];  /* a value was written at this depth */
    bool after_key;                   /* a key was just written */
    bool error;                       /* nesting misuse was detected */
};

/* Start writing to f.  pretty: one member per line, indented. */
void json_init(struct json *j, FILE *f, bool pretty);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* A member name inside an object; the next call writes its value. */
void json_key(struct json *j, const char *key);

/* Values.  json_string escapes per RFC 8259 and replaces bytes that are not
 * valid UTF-8 with U+FFFD; NULL writes null. */
void json_string(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
/* A finite double with at most decimals fraction digits (trailing zeros
 * trimmed); NaN or infinity write null. */
void json_double(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Finish: a newline after the top-level value when pretty.  Returns 0, or
 * -EINVAL when begin/end calls did not pair up. */
int json_finish(struct json *j);

/* Write t (nanoseconds since the epoch) as "2026-11-23T10:57:00.123Z" into
 * buf (at least 32 bytes). */
void json_format_time(int64_t t_ns, char *buf, size_t len);

#endif

/* test_json.c - the streaming JSON writer: structure, escaping, numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json.h"

/* Writes through a memory stream; the text lands in buf. */
struct out {
    char *buf;
    size_t len;
    FILE *f;
    struct json j;
};

static void
out_open(struct out *o, bool pretty)
{
    o->f = open_memstream(&o->buf, &o->len);
    assert_non_null(o->f);
    json_init(&o->j, o->f, pretty);
}

static const char *
out_text(struct out *o)
{
    fflush(o->f);
    return o->buf;
}

static void
out_close(struct out *o)
{
    fclose(o->f);
    free(o->buf);
}

static void
test_json_nested_compact(void **state)
{
    struct out o;

    (void)state;
    out_open(&o, false);
    json_object_begin(&o.j);
    json_key(&o.j, "a");
    json_int(&o.j, -3);
    json_key(&o.j, "b");
    json_array_begin(&o.j);
    json_uint(&o.j, 1);
    json_bool(&o.j, true);
    json_null(&o.j);
    json_object_begin(&o.j);
    json_object_end(&o.j);
    json_array_end(&o.j);
    json_key(&o.j, "c");
    json_string(&o.j, "x");
    json_object_end(&o.j);
    assert_int_equal(json_finish(&o.j), 0);
    assert_string_equal(out_text(&o), "{\"a\":-3,\"b\":[1,true,null,{}],\"c\":\"x\"}");
    out_close(&o);
}

static void
test_json_pretty_layout(void **state)
{
    struct out o;

    (void)state;
    out_open(&o, true);
    json_object_begin(&o.j);
    json_key(&o.j, "k");
    json_array_begin(&o.j);
    json_int(&o.j, 1);
    json_int(&o.j, 2);
    json_array_end(&o.j);
    json_key(&o.j, "e");
    json_array_begin(&o.j);
    json_array_end(&o.j);
    json_object_end(&o.j);
    assert_int_equal(json_finish(&o.j), 0);
    assert_string_equal(out_text(&o), "{\n  \"k\": [\n    1,\n    2\n  ],\n  \"e\": []\n}\n");
    out_close(&o);
}

static void
test_json_string_escapes(void **state)
{
    struct out o;

    (void)state;
    out_open(&o, false);
    json_string(&o.j, "q\"b\\n\n\t\x01\x1f/é");
    assert_string_equal(out_text(&o), "\"q\\\"b\\\\n\\n\\t\\u0001\\u001f/é\"");
    out_close(&o);
}

static void
test_json_invalid_utf8_replaced(void **state)
{
    struct out o;

    (void)state;
    out_open(&o, false);
    /* A lone continuation byte, a truncated sequence, an overlong '/' and
     * a UTF-16 surrogate: each becomes U+FFFD. */
    json_string(&o.j, "a\x80" "b\xc3" "c\xc0\xaf" "d\xed\xa0\x80" "e");
    assert_string_equal(out_text(&o),
                        "\"a\\ufffdb\\ufffdc\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffde\"");
    out_close(&o);
}

static void
test_json_doubles(void **state)
{
    struct out o;

    (void)state;
    out_open(&o, false);
    json_array_begin(&o.j);
    json_double(&o.j, 1.5, 3);
    json_double(&o.j, 2.0, 3);
    json_double(&o.j, 0.0004, 3);
    json_double(&o.j, -0.0001, 3);
    json_double(&o.j, 12.34567, 2);
    json_double(&o.j, NAN, 3);
    json_double(&o.j, INFINITY, 3);
    json_array_end(&o.j);
    assert_string_equal(out_text(&o), "[1.5,2,0,0,12.35,null,null]");
    out_close(&o);
}

static void
test_json_null_string_is_null(void **state)
{
    struct out o;

    (void)state;
    out_open(&o, false);
    json_string(&o.j, NULL);
    assert_string_equal(out_text(&o), "null");
    out_close(&o);
}

static void
test_json_unbalanced_is_an_error(void **state)
{
    struct out o;

    (void)state;
    out_open(&o, false);
    json_object_begin(&o.j);
    json_key(&o.j, "dangling");
    assert_int_equal(json_finish(&o.j), -EINVAL);
    out_close(&o);
    out_open(&o, false);
    json_array_end(&o.j);
    assert_int_equal(json_finish(&o.j), -EINVAL);
    out_close(&o);
}

static void
test_json_time_format(void **state)
{
    char buf[40];

    (void)state;
    json_format_time(1795392000LL * 1000000000LL + 123456789, buf, sizeof(buf));
    assert_string_equal(buf, "2026-11-23T00:00:00.123Z");
    json_format_time(0, buf, sizeof(buf));
    assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_nested_compact),
        cmocka_unit_test(test_json_pretty_layout),
        cmocka_unit_test(test_json_string_escapes),
        cmocka_unit_test(test_json_invalid_utf8_replaced),
        cmocka_unit_test(test_json_doubles),
        cmocka_unit_test(test_json_null_string_is_null),
        cmocka_unit_test(test_json_unbalanced_is_an_error),
        cmocka_unit_test(test_json_time_format),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

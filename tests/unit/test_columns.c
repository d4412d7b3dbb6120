/* test_columns.c - the column table and its cell formatters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <hopwatch/stats.h>

#include "report/columns.h"

#define MS 1000000LL

static void
cell(char key, const struct hw_stats *s, char *buf)
{
    const struct column *c = column_by_key(key);

    struct column_row r = column_row_of(s);

    assert_non_null(c);
    column_cell(c, &r, buf, COLUMN_CELL);
    assert_true(strlen(buf) <= (size_t)c->width);
}

static void
test_columns_default_order_is_mtr(void **state)
{
    const struct column *cols[COLUMNS_MAX];
    char err[128];
    const char *titles[] = {"Loss%", "Snt",   "Last", "Avg",    "Best",
                            "Wrst",  "StDev", "Fwd%", "Verdict"};

    (void)state;
    /* mtr's columns keep their places; where the loss comes from follows. */
    assert_int_equal(columns_parse(COLUMNS_MTR, cols, COLUMNS_MAX, err, sizeof(err)), 7);
    assert_int_equal(columns_parse(COLUMNS_DEFAULT, cols, COLUMNS_MAX, err, sizeof(err)), 9);
    for (int i = 0; i < 9; i++)
        assert_string_equal(cols[i]->title, titles[i]);
    assert_false(cols[6]->left);
    assert_true(cols[8]->left);
}

/* A hop of a trace with loss attribution, for the F and K columns. */
static struct hw_hop
hop_with(enum hw_verdict v, double fwd, bool paced)
{
    struct hw_hop h;

    memset(&h, 0, sizeof(h));
    h.ttl = 3;
    hw_stats_init(&h.stats);
    h.attrib.verdict = v;
    h.attrib.forward_loss = fwd;
    h.attrib.forward_lo = -1;
    h.attrib.forward_hi = -1;
    h.attrib.response_loss = -1;
    h.paced = paced;
    return h;
}

static void
test_columns_attribution_cells(void **state)
{
    const struct column *fwd = column_by_key('F'), *k = column_by_key('K');
    struct hw_hop h = hop_with(HW_VERDICT_LOSS_STARTS, 0.213, false);
    struct column_row row = {&h.stats, &h, NULL};
    struct column_row plain = column_row_of(&h.stats);
    char buf[COLUMN_CELL];

    (void)state;
    assert_non_null(fwd);
    assert_non_null(k);
    assert_int_equal(fwd->kind, COLUMN_LOSS);
    assert_int_equal(k->kind, COLUMN_TEXT);
    column_cell(fwd, &row, buf, sizeof(buf));
    assert_string_equal(buf, "21.3%");
    assert_true(column_value(fwd, &row) > 21.29 && column_value(fwd, &row) < 21.31);
    column_cell(k, &row, buf, sizeof(buf));
    assert_string_equal(buf, "loss starts here");
    assert_true(column_value(k, &row) == HW_VERDICT_LOSS_STARTS);
    /* Not a hop row (a responder, a target): blank, no value. */
    column_cell(fwd, &plain, buf, sizeof(buf));
    assert_string_equal(buf, "");
    assert_true(column_value(fwd, &plain) == -1);
    column_cell(k, &plain, buf, sizeof(buf));
    assert_string_equal(buf, "");
    assert_true(column_value(k, &plain) == -1);
    /* Unknown forward loss: "-". */
    h = hop_with(HW_VERDICT_NONE, -1, false);
    column_cell(fwd, &row, buf, sizeof(buf));
    assert_string_equal(buf, "-");
    assert_true(column_value(fwd, &row) == -1);
    /* A paced hop that is clean now was throttled before: say so. */
    h = hop_with(HW_VERDICT_OK, 0, true);
    column_cell(k, &row, buf, sizeof(buf));
    assert_string_equal(buf, "ok (replies limited)");
    h = hop_with(HW_VERDICT_NONE, 0, true);
    column_cell(k, &row, buf, sizeof(buf));
    assert_string_equal(buf, "replies limited");
    h = hop_with(HW_VERDICT_OK, 0, false);
    column_cell(k, &row, buf, sizeof(buf));
    assert_string_equal(buf, "ok");
    /* Loss that starts somewhere in a range of hops says the range. */
    h = hop_with(HW_VERDICT_LOSS_STARTS, 0.2, false);
    h.ttl = 8;
    h.attrib.loss_from_ttl = 3;
    column_cell(k, &row, buf, sizeof(buf));
    assert_string_equal(buf, "loss starts: hops 3-8");
    h.attrib.loss_from_ttl = 8;
    column_cell(k, &row, buf, sizeof(buf));
    assert_string_equal(buf, "loss starts here");
    h.ttl = 99;
    h.attrib.loss_from_ttl = 10;
    column_cell(k, &row, buf, sizeof(buf));
    assert_true(strlen(buf) <= (size_t)k->width);
    /* Every verdict fits its cell. */
    for (int v = HW_VERDICT_NONE; v <= HW_VERDICT_LOSS_BEFORE; v++) {
        for (int p = 0; p < 2; p++) {
            h = hop_with((enum hw_verdict)v, 0.5, p != 0);
            h.attrib.loss_from_ttl = 1;
            column_cell(k, &row, buf, sizeof(buf));
            assert_true(strlen(buf) <= (size_t)k->width);
        }
    }
}

static void
test_columns_parse_rejects_bad_orders(void **state)
{
    const struct column *cols[COLUMNS_MAX];
    char err[128];

    (void)state;
    assert_int_equal(columns_parse("LSQ", cols, COLUMNS_MAX, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "'Q'"));
    assert_int_equal(columns_parse("LL", cols, COLUMNS_MAX, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "twice"));
    assert_int_equal(columns_parse("", cols, COLUMNS_MAX, err, sizeof(err)), -1);
    assert_int_equal(columns_parse("LSNAB", cols, 3, err, sizeof(err)), -1);
    assert_int_equal(columns_parse("VBL", cols, COLUMNS_MAX, err, sizeof(err)), 3);
    assert_int_equal(cols[0]->key, 'V');
}

static void
test_columns_every_key_unique_and_named(void **state)
{
    size_t n;
    const struct column *all = columns_all(&n);

    (void)state;
    assert_true(n >= 13);
    for (size_t i = 0; i < n; i++) {
        assert_true(strlen(all[i].title) <= (size_t)all[i].width);
        assert_ptr_equal(column_by_key(all[i].key), &all[i]);
        for (size_t k = i + 1; k < n; k++) {
            assert_int_not_equal(all[i].key, all[k].key);
            assert_string_not_equal(all[i].name, all[k].name);
        }
    }
}

static void
test_columns_format_hop_stats(void **state)
{
    struct hw_stats s;
    char buf[COLUMN_CELL];

    (void)state;
    hw_stats_init(&s);
    for (int i = 0; i < 4; i++)
        hw_stats_sent(&s);
    hw_stats_reply(&s, 12 * MS);
    hw_stats_reply(&s, 8 * MS);
    hw_stats_lost(&s);
    /* One still in flight: loss is 1 of 3 known. */
    cell('L', &s, buf);
    assert_string_equal(buf, "33.3%");
    cell('S', &s, buf);
    assert_string_equal(buf, "4");
    cell('D', &s, buf);
    assert_string_equal(buf, "1");
    cell('R', &s, buf);
    assert_string_equal(buf, "2");
    cell('N', &s, buf);
    assert_string_equal(buf, "8.00");
    cell('B', &s, buf);
    assert_string_equal(buf, "8.00");
    cell('W', &s, buf);
    assert_string_equal(buf, "12.0");
    cell('A', &s, buf);
    assert_string_equal(buf, "10.0");
    cell('V', &s, buf);
    assert_string_equal(buf, "2.83");
    cell('J', &s, buf);
    assert_string_equal(buf, "4.00");
}

static void
test_columns_no_value_yet(void **state)
{
    struct hw_stats s;
    char buf[COLUMN_CELL];

    (void)state;
    hw_stats_init(&s);
    hw_stats_sent(&s);
    cell('L', &s, buf);
    assert_string_equal(buf, "-");
    cell('N', &s, buf);
    assert_string_equal(buf, "-");
    cell('V', &s, buf);
    assert_string_equal(buf, "-");
}

static void
test_columns_responder_rows_leave_loss_blank(void **state)
{
    struct hw_stats s;
    char buf[COLUMN_CELL];

    (void)state;
    hw_stats_init(&s); /* a responder: answers only, nothing "sent" */
    hw_stats_reply(&s, 1 * MS);
    cell('L', &s, buf);
    assert_string_equal(buf, "");
    cell('S', &s, buf);
    assert_string_equal(buf, "");
    cell('A', &s, buf);
    assert_string_equal(buf, "1.00");
}

static void
test_columns_ms_precision_steps(void **state)
{
    char buf[COLUMN_CELL];

    (void)state;
    column_format_ms(52000, buf, sizeof(buf));
    assert_string_equal(buf, "0.052");
    column_format_ms(4000, buf, sizeof(buf));
    assert_string_equal(buf, "0.004");
    column_format_ms(1.5 * MS, buf, sizeof(buf));
    assert_string_equal(buf, "1.50");
    column_format_ms(9.994 * MS, buf, sizeof(buf));
    assert_string_equal(buf, "9.99");
    column_format_ms(123.45 * MS, buf, sizeof(buf));
    assert_string_equal(buf, "123.5");
    column_format_ms(4321.6 * MS, buf, sizeof(buf));
    assert_string_equal(buf, "4322");
    column_format_ms(-1, buf, sizeof(buf));
    assert_string_equal(buf, "-");
}

/* The MTU column (--mtu): per hop the largest packet known to pass; blank
 * without a search or off a hop row, "-" while not known. */
static void
test_columns_mtu(void **state)
{
    const struct column *u = column_by_key('U');
    struct hw_hop h = hop_with(HW_VERDICT_OK, 0, false);
    struct hw_pmtu_result p;
    struct column_row row = {&h.stats, &h, &p};
    struct column_row nosearch = {&h.stats, &h, NULL};
    char buf[COLUMN_CELL];

    (void)state;
    assert_non_null(u);
    assert_string_equal(u->title, "MTU");
    memset(&p, 0, sizeof(p));
    p.state = HW_PMTU_SEARCHING;
    h.ttl = 2;
    column_cell(u, &row, buf, sizeof(buf));
    assert_string_equal(buf, "-");
    assert_true(column_value(u, &row) == -1);
    column_cell(u, &nosearch, buf, sizeof(buf));
    assert_string_equal(buf, "");
    /* Router 3 said 1400; 1500 reached it. */
    p.state = HW_PMTU_DONE;
    p.reason = HW_PMTU_REASON_ROUTER;
    p.pmtu = 1400;
    p.hop_ttl = 3;
    p.hop_reach = 1500;
    column_cell(u, &row, buf, sizeof(buf));
    assert_string_equal(buf, "1500");
    h.ttl = 4;
    column_cell(u, &row, buf, sizeof(buf));
    assert_string_equal(buf, "1400");
    assert_true(column_value(u, &row) == 1400);
    /* Its hop not found: not known per hop. */
    p.hop_ttl = 0;
    column_cell(u, &row, buf, sizeof(buf));
    assert_string_equal(buf, "-");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_default_order_is_mtr),
        cmocka_unit_test(test_columns_attribution_cells),
        cmocka_unit_test(test_columns_parse_rejects_bad_orders),
        cmocka_unit_test(test_columns_every_key_unique_and_named),
        cmocka_unit_test(test_columns_format_hop_stats),
        cmocka_unit_test(test_columns_no_value_yet),
        cmocka_unit_test(test_columns_responder_rows_leave_loss_blank),
        cmocka_unit_test(test_columns_ms_precision_steps),
        cmocka_unit_test(test_columns_mtu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

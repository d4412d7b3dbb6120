/* test_ui_format.c - the screen's pure formatters (src/ui/format.c), the
 * off-screen frame (src/ui/frame.c) and the column table's additions for
 * the screen (kind, value). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <hopwatch/hopwatch.h>

#include "report/columns.h"
#include "report/route.h"
#include "report/sanitize.h"
#include "ui/format.h"
#include "ui/frame.h"

#define MS 1000000LL

static struct hw_addr
addr(const char *text)
{
    struct hw_addr a;

    assert_int_equal(hw_addr_parse(text, &a), 0);
    return a;
}

static void
test_format_elapsed_is_h_mm_ss(void **state)
{
    char buf[32];

    (void)state;
    ui_fmt_elapsed(0, buf, sizeof(buf));
    assert_string_equal(buf, "0:00:00");
    ui_fmt_elapsed(83, buf, sizeof(buf));
    assert_string_equal(buf, "0:01:23");
    ui_fmt_elapsed(3600 * 125 + 61, buf, sizeof(buf));
    assert_string_equal(buf, "125:01:01");
    ui_fmt_elapsed(-5, buf, sizeof(buf));
    assert_string_equal(buf, "0:00:00");
}

static void
test_format_interval_shortest_form(void **state)
{
    char buf[32];

    (void)state;
    ui_fmt_interval(1000 * MS, buf, sizeof(buf));
    assert_string_equal(buf, "1s");
    ui_fmt_interval(500 * MS, buf, sizeof(buf));
    assert_string_equal(buf, "0.5s");
    ui_fmt_interval(25 * MS, buf, sizeof(buf));
    assert_string_equal(buf, "0.025s");
    ui_fmt_interval(3600000 * MS, buf, sizeof(buf));
    assert_string_equal(buf, "3600s");
}

static void
test_format_sanitize_replaces_control_and_8bit(void **state)
{
    char buf[32];

    (void)state;
    report_sanitize("ok.lab", buf, sizeof(buf));
    assert_string_equal(buf, "ok.lab");
    report_sanitize("a\033[2Jb\x7f\xc3\xa9", buf, sizeof(buf));
    assert_string_equal(buf, "a?[2Jb???");
    report_sanitize("abcdef", buf, 4);
    assert_string_equal(buf, "abc");
}

static void
test_format_host_names_addresses_and_mark(void **state)
{
    struct hw_addr a = addr("198.18.3.2");
    char buf[128];

    (void)state;
    assert_string_equal(ui_fmt_host("r4.lab", &a, true, false, NULL, buf, sizeof(buf)),
                        "r4.lab");
    assert_string_equal(ui_fmt_host("r4.lab", &a, true, true, "", buf, sizeof(buf)),
                        "r4.lab (198.18.3.2)");
    /* Names off: the address even when the name is known. */
    assert_string_equal(ui_fmt_host("r4.lab", &a, false, true, NULL, buf, sizeof(buf)),
                        "198.18.3.2");
    /* Not resolved (yet): the address. */
    assert_string_equal(ui_fmt_host(NULL, &a, true, true, "!X", buf, sizeof(buf)),
                        "198.18.3.2 !X");
    assert_string_equal(ui_fmt_host("r4.lab", &a, true, false, "!N", buf, sizeof(buf)),
                        "r4.lab !N");
    /* A hostile name cannot put escape sequences on the screen. */
    assert_string_equal(ui_fmt_host("x\033]0;pwned\007", &a, true, false, NULL, buf, sizeof(buf)),
                        "x?]0;pwned?");
}

static void
test_format_mpls_line(void **state)
{
    struct hw_mpls m = {.label = 24001, .tc = 5, .bottom = true, .ttl = 1};
    char buf[64];

    (void)state;
    ui_fmt_mpls(&m, buf, sizeof(buf));
    assert_string_equal(buf, "[MPLS: Lbl 24001 TC 5 S 1 TTL 1]");
    m.bottom = false;
    m.label = 1048575;
    m.ttl = 255;
    ui_fmt_mpls(&m, buf, sizeof(buf));
    assert_string_equal(buf, "[MPLS: Lbl 1048575 TC 5 S 0 TTL 255]");
}

/* Stats with `sent` probes, `lost` of them lost, the others answered in
 * rtt ns. */
static struct hw_stats
stats(int sent, int lost, int64_t rtt)
{
    struct hw_stats s;

    hw_stats_init(&s);
    for (int i = 0; i < sent; i++)
        hw_stats_sent(&s);
    for (int i = 0; i < lost; i++)
        hw_stats_lost(&s);
    for (int i = 0; i < sent - lost; i++)
        hw_stats_reply(&s, rtt);
    return s;
}

static enum ui_style
style_of(const struct column *c, const struct hw_stats *s)
{
    struct column_row r = column_row_of(s);

    return ui_fmt_cell_style(c, &r);
}

static double
value_of(char key, const struct hw_stats *s)
{
    struct column_row r = column_row_of(s);

    return column_value(column_by_key(key), &r);
}

static void
test_format_cell_style_loss_thresholds(void **state)
{
    const struct column *loss = column_by_key('L');
    struct hw_stats s;

    (void)state;
    s = stats(100, 0, 1 * MS);
    assert_int_equal(style_of(loss, &s), UI_S_NORMAL);
    s = stats(100, 1, 1 * MS);
    assert_int_equal(style_of(loss, &s), UI_S_WARN);
    s = stats(100, 9, 1 * MS);
    assert_int_equal(style_of(loss, &s), UI_S_WARN);
    s = stats(100, 10, 1 * MS);
    assert_int_equal(style_of(loss, &s), UI_S_BAD);
    /* Nothing known yet: plain. */
    s = stats(1, 0, 0);
    hw_stats_init(&s);
    hw_stats_sent(&s);
    assert_int_equal(style_of(loss, &s), UI_S_NORMAL);
}

static void
test_format_cell_style_rtt_thresholds(void **state)
{
    const struct column *avg = column_by_key('A');
    const struct column *snt = column_by_key('S');
    const struct column *dev = column_by_key('V');
    struct hw_stats s;

    (void)state;
    s = stats(3, 0, 99 * MS);
    assert_int_equal(style_of(avg, &s), UI_S_NORMAL);
    s = stats(3, 0, 100 * MS);
    assert_int_equal(style_of(avg, &s), UI_S_WARN);
    s = stats(3, 0, 250 * MS);
    assert_int_equal(style_of(avg, &s), UI_S_BAD);
    /* Counts and spreads are never coloured. */
    assert_int_equal(style_of(snt, &s), UI_S_NORMAL);
    assert_int_equal(style_of(dev, &s), UI_S_NORMAL);
}

static void
test_format_cell_style_verdicts(void **state)
{
    const struct column *k = column_by_key('K'), *fwd = column_by_key('F');
    struct hw_hop h;
    struct column_row r = {&h.stats, &h, NULL};
    struct column_row plain;

    (void)state;
    memset(&h, 0, sizeof(h));
    hw_stats_init(&h.stats);
    h.attrib.forward_loss = 0.2;
    h.attrib.verdict = HW_VERDICT_LOSS_STARTS;
    assert_int_equal(ui_fmt_cell_style(k, &r), UI_S_BAD);
    /* Fwd% is a loss column: coloured by the loss thresholds. */
    assert_int_equal(ui_fmt_cell_style(fwd, &r), UI_S_BAD);
    h.attrib.verdict = HW_VERDICT_LOSS_BEFORE;
    assert_int_equal(ui_fmt_cell_style(k, &r), UI_S_WARN);
    h.attrib.verdict = HW_VERDICT_RESPONSE_LOSS;
    assert_int_equal(ui_fmt_cell_style(k, &r), UI_S_DIM);
    h.attrib.verdict = HW_VERDICT_SILENT;
    assert_int_equal(ui_fmt_cell_style(k, &r), UI_S_DIM);
    h.attrib.verdict = HW_VERDICT_OK;
    h.attrib.forward_loss = 0;
    assert_int_equal(ui_fmt_cell_style(k, &r), UI_S_NORMAL);
    assert_int_equal(ui_fmt_cell_style(fwd, &r), UI_S_NORMAL);
    h.paced = true;
    assert_int_equal(ui_fmt_cell_style(k, &r), UI_S_DIM);
    /* Not a hop row: plain. */
    plain = column_row_of(&h.stats);
    assert_int_equal(ui_fmt_cell_style(k, &plain), UI_S_NORMAL);
}

static void
test_format_column_values_match_cells(void **state)
{
    struct hw_stats s = stats(4, 1, 8 * MS);
    struct hw_stats none;

    (void)state;
    assert_true(value_of('L', &s) == 25.0);
    assert_int_equal(column_by_key('L')->kind, COLUMN_LOSS);
    assert_true(value_of('S', &s) == 4.0);
    assert_true(value_of('D', &s) == 1.0);
    assert_true(value_of('N', &s) == 8.0 * MS);
    assert_int_equal(column_by_key('N')->kind, COLUMN_RTT);
    assert_int_equal(column_by_key('V')->kind, COLUMN_SPREAD);
    assert_int_equal(column_by_key('R')->kind, COLUMN_COUNT);
    /* -1 exactly where the cell shows no number. */
    hw_stats_init(&none);
    assert_true(value_of('L', &none) == -1);
    assert_true(value_of('S', &none) == -1);
    assert_true(value_of('A', &none) == -1);
    assert_true(value_of('I', &none) == -1);
}

static void
test_format_history_marks(void **state)
{
    enum ui_style st;

    (void)state;
    assert_string_equal(ui_fmt_history_mark(100, 100.0, &st), ".");
    assert_int_equal(st, UI_S_GOOD);
    assert_string_equal(ui_fmt_history_mark(200, 100.0, &st), ".");
    assert_string_equal(ui_fmt_history_mark(201, 100.0, &st), ">");
    assert_int_equal(st, UI_S_WARN);
    assert_string_equal(ui_fmt_history_mark(HW_HIST_LOST, 100.0, &st), "?");
    assert_int_equal(st, UI_S_BAD);
    assert_string_equal(ui_fmt_history_mark(HW_HIST_PENDING, 100.0, &st), " ");
    /* No average yet: never slow. */
    assert_string_equal(ui_fmt_history_mark(5000, -1, &st), ".");
}

static void
test_format_levels_scale_to_max(void **state)
{
    (void)state;
    assert_int_equal(ui_fmt_level(0, 800), 1);
    assert_int_equal(ui_fmt_level(100, 800), 1);
    assert_int_equal(ui_fmt_level(101, 800), 2);
    assert_int_equal(ui_fmt_level(400, 800), 4);
    assert_int_equal(ui_fmt_level(799, 800), 8);
    assert_int_equal(ui_fmt_level(800, 800), 8);
    assert_int_equal(ui_fmt_level(5000, 800), 8);
    assert_int_equal(ui_fmt_level(5, 0), 1);
}

static void
test_format_glyphs_utf8_and_ascii(void **state)
{
    (void)state;
    assert_string_equal(ui_fmt_level_glyph(1, true), "\u2581");
    assert_string_equal(ui_fmt_level_glyph(8, true), "\u2588");
    assert_string_equal(ui_fmt_level_glyph(1, false), "_");
    assert_string_equal(ui_fmt_level_glyph(8, false), "#");
    assert_string_equal(ui_fmt_level_glyph(99, false), "#");
    for (int k = 1; k <= 8; k++)
        assert_int_equal(strlen(ui_fmt_level_glyph(k, false)), 1);
}

static void
test_format_scaled_marks_lost_as_mark_or_gap(void **state)
{
    enum ui_style st;

    (void)state;
    assert_string_equal(ui_fmt_scaled_mark(HW_HIST_LOST, 800, true, false, &st), "?");
    assert_int_equal(st, UI_S_BAD);
    assert_string_equal(ui_fmt_scaled_mark(HW_HIST_LOST, 800, true, true, &st), " ");
    assert_string_equal(ui_fmt_scaled_mark(HW_HIST_PENDING, 800, true, false, &st), " ");
    assert_string_equal(ui_fmt_scaled_mark(800, 800, false, false, &st), "#");
    assert_int_equal(st, UI_S_GOOD);
    /* 300 ms is past the red threshold whatever the scale. */
    assert_string_equal(ui_fmt_scaled_mark(300000, 300000, true, false, &st), "\u2588");
    assert_int_equal(st, UI_S_BAD);
}

static void
test_format_legends(void **state)
{
    char buf[256];

    (void)state;
    ui_fmt_scale_legend(8000, false, buf, sizeof(buf));
    assert_string_equal(buf, "Scale: _1.00 .2.00 -3.00 ~4.00 =5.00 +6.00 *7.00 #8.00 ms  ? lost");
    ui_fmt_scale_legend(800, true, buf, sizeof(buf));
    assert_non_null(strstr(buf, "\u2581" "0.100 "));
    assert_non_null(strstr(buf, "\u2588" "0.800 ms"));
    ui_fmt_history_legend(buf, sizeof(buf));
    assert_string_equal(buf, ". reply  > slow (over 2x the hop's average)  ? lost");
}

static void
test_format_route_end_sentences(void **state)
{
    struct hw_responder r[1];
    struct hw_hop hops[4];
    struct hw_trace_snapshot s;
    char buf[256];

    (void)state;
    memset(&s, 0, sizeof(s));
    memset(hops, 0, sizeof(hops));
    memset(r, 0, sizeof(r));
    s.target = addr("198.18.5.2");
    s.first_ttl = 1;
    s.n_hops = 4;
    s.hops = hops;
    for (int i = 0; i < 4; i++)
        hops[i].ttl = i + 1;
    r[0].addr = addr("198.18.3.2");
    r[0].outcome = HW_OUTCOME_UNREACHABLE;
    hops[3].responders = r;
    hops[3].n_responders = 1;

    s.end = HW_END_REACHED;
    report_route_end(&s, 30, 5, true, buf, sizeof(buf));
    assert_string_equal(buf, "");
    s.end = HW_END_UNREACHABLE;
    s.end_ttl = 4;
    s.end_icmp_type = 3;
    s.end_icmp_code = 13;
    report_route_end(&s, 30, 5, true, buf, sizeof(buf));
    assert_non_null(strstr(buf, "Route ends at hop 4: 198.18.3.2 answered "));
    assert_non_null(strstr(buf, "(!X)."));
    s.end = HW_END_MAX_TTL;
    report_route_end(&s, 30, 5, true, buf, sizeof(buf));
    assert_string_equal(buf, "Target not reached within 30 hops.");
    s.end = HW_END_SILENT;
    s.n_hops = 8;
    report_route_end(&s, 30, 5, true, buf, sizeof(buf));
    assert_string_equal(buf, "Target not reached: nothing answered past hop 3 (5 silent hops).");
}

static void
test_format_parse_number_bounds(void **state)
{
    char err[128];
    double v = -1;

    (void)state;
    assert_int_equal(ui_fmt_parse_number("0.5", 0.2, 3600, "interval", &v, err, sizeof(err)), 0);
    assert_true(v == 0.5);
    assert_int_equal(ui_fmt_parse_number("0.1", 0.2, 3600, "interval", &v, err, sizeof(err)), -1);
    assert_string_equal(err, "invalid interval '0.1': a number from 0.2 to 3600");
    assert_int_equal(ui_fmt_parse_number("", 1, 2, "x", &v, err, sizeof(err)), -1);
    assert_int_equal(ui_fmt_parse_number("1e1", 1, 100, "x", &v, err, sizeof(err)), -1);
    assert_int_equal(ui_fmt_parse_number("0x2", 1, 100, "x", &v, err, sizeof(err)), -1);
    assert_int_equal(ui_fmt_parse_number(" 2", 1, 100, "x", &v, err, sizeof(err)), -1);
    assert_int_equal(ui_fmt_parse_number("2.", 1, 100, "x", &v, err, sizeof(err)), 0);
    assert_true(v == 2.0);
}

static void
test_format_fit_columns_drops_from_the_right(void **state)
{
    const struct column *cols[COLUMNS_MAX];
    char err[64];
    size_t n = (size_t)columns_parse("LSNABWV", cols, COLUMNS_MAX, err, sizeof(err));

    (void)state;
    /* Widths 6 5 7 7 7 7 7, each plus a blank: 53 in all. */
    assert_int_equal(ui_fmt_fit_columns(cols, n, 100, 17), 7);
    assert_int_equal(ui_fmt_fit_columns(cols, n, 70, 17), 7);
    assert_int_equal(ui_fmt_fit_columns(cols, n, 69, 17), 6);
    assert_int_equal(ui_fmt_fit_columns(cols, n, 40, 17), 3);
    assert_int_equal(ui_fmt_fit_columns(cols, n, 20, 17), 0);
}

static void
test_frame_put_clips_and_sanitizes(void **state)
{
    struct ui_frame f = {0};
    char buf[64];

    (void)state;
    assert_int_equal(ui_frame_resize(&f, 2, 10), 0);
    assert_int_equal(ui_frame_put(&f, 0, 6, "abcdef", UI_S_BAD), 12);
    assert_string_equal(ui_frame_text(&f, 0, buf, sizeof(buf)), "      abcd");
    assert_int_equal(ui_frame_cell(&f, 0, 6)->style, UI_S_BAD);
    assert_int_equal(ui_frame_cell(&f, 0, 5)->style, UI_S_NORMAL);
    /* Control characters, C1, a lone continuation byte, wide characters. */
    ui_frame_put(&f, 1, 0, "a\033\xc2\x9b\x80\xe4\xb8\xad!", 0);
    assert_string_equal(ui_frame_text(&f, 1, buf, sizeof(buf)), "a???" "?!");
    /* Outside the frame: nothing happens. */
    ui_frame_put(&f, 5, 0, "x", 0);
    ui_frame_put(&f, -1, 0, "x", 0);
    ui_frame_fini(&f);
}

static void
test_frame_blocks_and_right_alignment(void **state)
{
    struct ui_frame f = {0};
    char buf[64];

    (void)state;
    assert_int_equal(ui_frame_resize(&f, 1, 12), 0);
    ui_frame_put(&f, 0, 0, "\u2581\u2588\u00b7", 0);
    ui_frame_put_right(&f, 0, 12, "42.5", 0);
    assert_string_equal(ui_frame_text(&f, 0, buf, sizeof(buf)), "\u2581\u2588\u00b7     42.5");
    assert_int_equal(ui_text_width("\u2581\u2588x"), 3);
    ui_frame_fini(&f);
}

static void
test_frame_row_equal_and_mark(void **state)
{
    struct ui_frame a = {0}, b = {0};

    (void)state;
    assert_int_equal(ui_frame_resize(&a, 2, 8), 0);
    assert_int_equal(ui_frame_resize(&b, 2, 8), 0);
    ui_frame_put(&a, 0, 0, "same", 0);
    ui_frame_put(&b, 0, 0, "same", 0);
    assert_true(ui_frame_row_equal(&a, &b, 0));
    assert_true(ui_frame_row_equal(&a, &b, 1));
    ui_frame_mark(&b, 0, 2, 100, UI_S_REVERSE);
    assert_false(ui_frame_row_equal(&a, &b, 0));
    assert_int_equal(ui_frame_cell(&b, 0, 1)->style, 0);
    assert_int_equal(ui_frame_cell(&b, 0, 7)->style, UI_S_REVERSE);
    /* A resize to the same size blanks the frame. */
    assert_int_equal(ui_frame_resize(&a, 2, 8), 0);
    assert_int_equal(ui_frame_cell(&a, 0, 0)->ch, ' ');
    ui_frame_fini(&a);
    ui_frame_fini(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_elapsed_is_h_mm_ss),
        cmocka_unit_test(test_format_interval_shortest_form),
        cmocka_unit_test(test_format_sanitize_replaces_control_and_8bit),
        cmocka_unit_test(test_format_host_names_addresses_and_mark),
        cmocka_unit_test(test_format_mpls_line),
        cmocka_unit_test(test_format_cell_style_loss_thresholds),
        cmocka_unit_test(test_format_cell_style_rtt_thresholds),
        cmocka_unit_test(test_format_cell_style_verdicts),
        cmocka_unit_test(test_format_column_values_match_cells),
        cmocka_unit_test(test_format_history_marks),
        cmocka_unit_test(test_format_levels_scale_to_max),
        cmocka_unit_test(test_format_glyphs_utf8_and_ascii),
        cmocka_unit_test(test_format_scaled_marks_lost_as_mark_or_gap),
        cmocka_unit_test(test_format_legends),
        cmocka_unit_test(test_format_route_end_sentences),
        cmocka_unit_test(test_format_parse_number_bounds),
        cmocka_unit_test(test_format_fit_columns_drops_from_the_right),
        cmocka_unit_test(test_frame_put_clips_and_sanitizes),
        cmocka_unit_test(test_frame_blocks_and_right_alignment),
        cmocka_unit_test(test_frame_row_equal_and_mark),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

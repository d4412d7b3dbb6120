/* test_ui_view.c - the pictures (src/ui/view.c) built from made-up
 * snapshots: hop rows, responders, MPLS, marks, names, strips, the hosts
 * view, scrolling, small terminals, the help screen and the status line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/hopwatch.h>

#include "ui/frame.h"
#include "ui/state.h"
#include "ui/view.h"

#define MS 1000000LL
#define MAXT 40
#define MAXH 30
#define HIST 16

/* The data a test makes up. */
struct fake {
    struct ui_target_info info[MAXT];        /* per target */
    struct hw_trace_snapshot snap[MAXT];     /* per target */
    struct hw_hop hops[MAXT][MAXH];          /* their hops */
    struct hw_responder resp[MAXT][MAXH][2]; /* their responders */
    int32_t hist[MAXT][MAXH][HIST];          /* history per TTL */
    size_t nhist[MAXT][MAXH];                /* entries */
    struct hw_trace_mark marks[MAXH][HIST];  /* target 0's marks per TTL */
    size_t nmarks[MAXH];                     /* entries */
    int name_calls;                          /* name() calls */
    int as_calls;                            /* asinfo() calls */
};

static struct hw_addr
addr(const char *text)
{
    struct hw_addr a;

    assert_int_equal(hw_addr_parse(text, &a), 0);
    return a;
}

static void
f_info(void *arg, size_t i, struct ui_target_info *out)
{
    *out = ((struct fake *)arg)->info[i];
}

static const struct hw_trace_snapshot *
f_snapshot(void *arg, size_t i)
{
    return &((struct fake *)arg)->snap[i];
}

static size_t
f_history(void *arg, size_t i, int ttl, int32_t *out, size_t max)
{
    struct fake *fk = arg;
    size_t n = fk->nhist[i][ttl - 1];
    size_t from = n > max ? n - max : 0;

    memcpy(out, fk->hist[i][ttl - 1] + from, (n - from) * sizeof(*out));
    return n - from;
}

static size_t
f_marks(void *arg, size_t i, int ttl, struct hw_trace_mark *out, size_t max)
{
    struct fake *fk = arg;
    size_t n = i == 0 ? fk->nmarks[ttl - 1] : 0;
    size_t from = n > max ? n - max : 0;

    memcpy(out, fk->marks[ttl - 1] + from, (n - from) * sizeof(*out));
    return n - from;
}

/* Names: r<k>.lab for 198.18.<k-1>.2 with k < 3; others unknown. */
static const char *
f_name(void *arg, const struct hw_addr *a)
{
    static char names[3][16];
    struct fake *fk = arg;

    fk->name_calls++;
    for (int k = 1; k < 3; k++) {
        char text[32];
        struct hw_addr b;

        snprintf(text, sizeof(text), "198.18.%d.2", k - 1);
        b = addr(text);
        if (hw_addr_equal(a, &b)) {
            snprintf(names[k], sizeof(names[k]), "r%d.lab", k);
            return names[k];
        }
    }
    return NULL;
}

/* Origin ASes: AS64512+k for 198.18.<k>.2, k < 2 (the second with a
 * hostile name); the others not answered yet. */
static void
f_asinfo(void *arg, const struct hw_addr *a, struct hw_asinfo *out)
{
    struct fake *fk = arg;

    fk->as_calls++;
    memset(out, 0, sizeof(*out));
    out->state = HW_AS_PENDING;
    for (int k = 0; k < 2; k++) {
        char text[32];
        struct hw_addr b;

        snprintf(text, sizeof(text), "198.18.%d.2", k);
        b = addr(text);
        if (hw_addr_equal(a, &b)) {
            out->state = HW_AS_FOUND;
            out->asn = 64512 + (uint32_t)k;
            snprintf(out->prefix, sizeof(out->prefix), "198.18.%d.0/24", k);
            snprintf(out->name, sizeof(out->name), "%s", k == 0 ? "LAB-0" : "EV\x1b[2JIL");
        }
    }
}

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

/* Target t: a chain of nhops hops answering from 198.18.<i>.2, 10 probes
 * each, 1 ms; the last one is the target (reached). */
static void
chain(struct fake *fk, size_t t, int nhops)
{
    char text[32];

    snprintf(text, sizeof(text), "198.18.%d.2", nhops - 1);
    fk->info[t] = (struct ui_target_info){
        .name = "target.lab", .addr = addr(text), .method = HW_METHOD_ICMP, .mode = "raw",
        .interval_ns = 1000 * MS, .first_ttl = 1, .max_ttl = 30, .max_unknown = 5};
    fk->snap[t] = (struct hw_trace_snapshot){.target = addr(text), .first_ttl = 1,
                                             .n_hops = (size_t)nhops, .hops = fk->hops[t],
                                             .end = HW_END_REACHED, .end_ttl = nhops,
                                             .target_stats = stats(10, 0, 1 * MS)};
    for (int i = 0; i < nhops; i++) {
        struct hw_hop *h = &fk->hops[t][i];

        snprintf(text, sizeof(text), "198.18.%d.2", i);
        memset(fk->resp[t][i], 0, sizeof(fk->resp[t][i]));
        fk->resp[t][i][0].addr = addr(text);
        fk->resp[t][i][0].outcome = i == nhops - 1 ? HW_OUTCOME_REPLY : HW_OUTCOME_TIME_EXCEEDED;
        fk->resp[t][i][0].stats = stats(10, 0, 1 * MS);
        fk->resp[t][i][0].stats.sent = 0; /* responders count answers only */
        h->ttl = i + 1;
        h->stats = stats(10, 0, 1 * MS);
        h->n_responders = 1;
        h->responders = fk->resp[t][i];
        h->attrib = (struct hw_attrib){.forward_loss = 0, .forward_lo = 0, .forward_hi = 0.26,
                                       .response_loss = 0, .verdict = HW_VERDICT_OK};
    }
}

static struct ui_source
source(struct fake *fk, size_t ntargets)
{
    return (struct ui_source){.arg = fk, .local_host = "vm", .ntargets = ntargets,
                              .info = f_info, .snapshot = f_snapshot, .history = f_history,
                              .marks = f_marks, .name = f_name, .asinfo = f_asinfo};
}

struct fx {
    struct fake fk;          /* the data */
    struct ui_state st;      /* the screen state */
    struct ui_frame f;       /* the picture */
    char line[4096];         /* a row as text */
};

static int
setup(void **state)
{
    struct fx *x = calloc(1, sizeof(*x));
    char err[128];

    assert_non_null(x);
    assert_int_equal(ui_state_init(&x->st, 1, NULL, true, false, 0.2, 0, err, sizeof(err)), 0);
    *state = x;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *x = *state;

    ui_frame_fini(&x->f);
    free(x);
    return 0;
}

static void
build(struct fx *x, size_t ntargets, int rows, int cols)
{
    struct ui_source src = source(&x->fk, ntargets);

    x->st.ntargets = ntargets;
    assert_int_equal(ui_frame_resize(&x->f, rows, cols), 0);
    ui_view_build(&x->f, &x->st, &src, 83500);
}

static const char *
row(struct fx *x, int r)
{
    return ui_frame_text(&x->f, r, x->line, sizeof(x->line));
}

/* 'z' (or -z): the AS field before the host, mtr's way, "AS???" while
 * unknown; 'y' fields too; hostile text sanitised; nothing asked while off. */
static void
test_view_trace_as_field_before_host(void **state)
{
    struct fx *x = *state;

    chain(&x->fk, 0, 3);
    build(x, 1, 30, 100);
    assert_int_equal(x->fk.as_calls, 0);
    assert_int_equal(strncmp(row(x, 3), "  1. r1.lab ", 12), 0);
    x->st.as = true;
    build(x, 1, 30, 100);
    assert_true(x->fk.as_calls > 0);
    assert_int_equal(strncmp(row(x, 3), "  1. AS64512  r1.lab ", 21), 0);
    assert_int_equal(strncmp(row(x, 4), "  2. AS64513  r2.lab ", 21), 0);
    assert_int_equal(strncmp(row(x, 5), "  3. AS???    198.18.2.2 ", 25), 0);
    x->st.as_field = HW_AS_FIELD_PREFIX;
    build(x, 1, 30, 100);
    assert_int_equal(strncmp(row(x, 3), "  1. 198.18.0.0/24      r1.lab ", 31), 0);
    assert_int_equal(strncmp(row(x, 5), "  3. ???                198.18.2.2 ", 35), 0);
    x->st.as_field = HW_AS_FIELD_NAME;
    build(x, 1, 30, 100);
    assert_int_equal(strncmp(row(x, 4), "  2. EV?[2JIL         r2.lab ", 29), 0);
    assert_null(strchr(row(x, 4), 0x1b));
}

static void
test_view_trace_rows_in_hop_order(void **state)
{
    struct fx *x = *state;
    char want[256];

    chain(&x->fk, 0, 3);
    x->fk.hops[0][1].n_responders = 0; /* hop 2 is silent */
    x->fk.hops[0][1].stats = stats(10, 10, 0);
    x->fk.hops[0][1].attrib.forward_loss = -1;
    x->fk.hops[0][1].attrib.verdict = HW_VERDICT_SILENT;
    build(x, 1, 30, 100);
    assert_string_equal(row(x, 0), "hopwatch: vm -> target.lab (198.18.2.2)");
    assert_string_equal(row(x, 1), "icmp raw  interval 1s  TTL 1-30  names on  numbers  "
                                   "elapsed 0:01:23");
    /* Host column: 100 - 5 - 53 - 7 = 35 wide (Fwd% fits, the verdict's
     * 22 would leave the hosts 13); cells right-aligned. */
    snprintf(want, sizeof(want), "     %-35s %6s %5s %7s %7s %7s %7s %7s %6s", "Host", "Loss%",
             "Snt", "Last", "Avg", "Best", "Wrst", "StDev", "Fwd%");
    assert_string_equal(row(x, 2), want);
    snprintf(want, sizeof(want), "  1. %-35s %6s %5s %7s %7s %7s %7s %7s %6s", "r1.lab", "0.0%",
             "10", "1.00", "1.00", "1.00", "1.00", "0.000", "0.0%");
    assert_string_equal(row(x, 3), want);
    snprintf(want, sizeof(want), "  2. %-35s %6s %5s %7s %7s %7s %7s %7s %6s", "???", "100.0%",
             "10", "-", "-", "-", "-", "-", "-");
    assert_string_equal(row(x, 4), want);
    /* Hop 3 has no name: its address. */
    assert_int_equal(strncmp(row(x, 5), "  3. 198.18.2.2 ", 16), 0);
    assert_string_equal(row(x, 6), "");
    assert_int_equal(x->st.page, 30 - 4);
    /* Heavy loss is red, none plain. */
    assert_int_equal(ui_frame_cell(&x->f, 4, 5 + 35 + 6)->style, UI_S_BAD);
    assert_int_equal(ui_frame_cell(&x->f, 3, 5 + 35 + 6)->style, UI_S_NORMAL);
}

static void
test_view_verdict_column_when_wide(void **state)
{
    struct fx *x = *state;
    char want[256];
    int vx = 5 + 40 + 53 + 7 + 1; /* where the verdict cells start */

    chain(&x->fk, 0, 3);
    x->fk.hops[0][0].paced = true; /* throttled, then probed slower */
    x->fk.hops[0][1].stats = stats(10, 2, 1 * MS);
    x->fk.hops[0][1].attrib.forward_loss = 0.2;
    x->fk.hops[0][1].attrib.verdict = HW_VERDICT_LOSS_STARTS;
    x->fk.hops[0][2].stats = stats(10, 2, 1 * MS);
    x->fk.hops[0][2].attrib.forward_loss = 0.2;
    x->fk.hops[0][2].attrib.verdict = HW_VERDICT_LOSS_BEFORE;
    x->fk.hops[0][2].attrib.loss_from_ttl = 0;
    /* 129 columns: the hosts keep 40, the verdict is left-aligned, last. */
    build(x, 1, 30, 129);
    snprintf(want, sizeof(want), "     %-40s %6s %5s %7s %7s %7s %7s %7s %6s %s", "Host", "Loss%",
             "Snt", "Last", "Avg", "Best", "Wrst", "StDev", "Fwd%", "Verdict");
    assert_string_equal(row(x, 2), want);
    assert_string_equal(row(x, 3) + vx, "ok (replies limited)");
    assert_string_equal(row(x, 4) + vx, "loss starts here");
    assert_string_equal(row(x, 5) + vx, "loss from earlier hop");
    assert_int_equal(ui_frame_cell(&x->f, 4, vx)->style, UI_S_BAD);
    assert_int_equal(ui_frame_cell(&x->f, 5, vx)->style, UI_S_WARN);
    assert_int_equal(ui_frame_cell(&x->f, 3, vx)->style, UI_S_DIM);
    /* Fwd% is coloured like Loss%. */
    assert_int_equal(ui_frame_cell(&x->f, 4, vx - 2)->style, UI_S_BAD);
    /* 80 columns: neither would leave the hosts 24, so mtr's columns
     * only, and the hosts keep 22. */
    build(x, 1, 30, 80);
    snprintf(want, sizeof(want), "     %-22s %6s %5s %7s %7s %7s %7s %7s", "Host", "Loss%", "Snt",
             "Last", "Avg", "Best", "Wrst", "StDev");
    assert_string_equal(row(x, 2), want);
    /* The hosts view has no hop-only columns, however wide. */
    x->st.view = UI_VIEW_HOSTS;
    build(x, 1, 30, 200);
    assert_null(strstr(row(x, 2), "Fwd%"));
    assert_null(strstr(row(x, 2), "Verdict"));
}

static void
test_view_extra_responders_indented_with_blank_loss(void **state)
{
    struct fx *x = *state;
    struct hw_responder *r;
    char want[256];

    chain(&x->fk, 0, 3);
    r = &x->fk.resp[0][1][1];
    r->addr = addr("198.18.9.2");
    r->stats = stats(4, 0, 2 * MS);
    r->stats.sent = 0;
    x->fk.hops[0][1].n_responders = 2;
    build(x, 1, 30, 100);
    assert_int_equal(strncmp(row(x, 4), "  2. r2.lab ", 12), 0);
    /* A responder line is not a hop: its Loss%, Snt and Fwd% are blank. */
    snprintf(want, sizeof(want), "       %-33s %6s %5s %7s %7s %7s %7s %7s", "198.18.9.2", "", "",
             "2.00", "2.00", "2.00", "2.00", "0.000");
    assert_string_equal(row(x, 5), want);
    assert_int_equal(strncmp(row(x, 6), "  3. ", 5), 0);
}

static void
test_view_mpls_lines_on_toggle(void **state)
{
    struct fx *x = *state;
    struct hw_responder *r;

    chain(&x->fk, 0, 3);
    r = &x->fk.resp[0][0][0];
    r->n_mpls = 2;
    r->mpls[0] = (struct hw_mpls){.label = 24001, .tc = 0, .bottom = false, .ttl = 1};
    r->mpls[1] = (struct hw_mpls){.label = 16, .tc = 3, .bottom = true, .ttl = 1};
    build(x, 1, 30, 100);
    assert_int_equal(strncmp(row(x, 4), "  2. ", 5), 0);
    x->st.mpls = true;
    build(x, 1, 30, 100);
    assert_int_equal(strncmp(row(x, 3), "  1. r1.lab", 11), 0);
    assert_string_equal(row(x, 4), "         [MPLS: Lbl 24001 TC 0 S 0 TTL 1]");
    assert_string_equal(row(x, 5), "         [MPLS: Lbl 16 TC 3 S 1 TTL 1]");
    assert_int_equal(strncmp(row(x, 6), "  2. ", 5), 0);
}

static void
test_view_unreachable_mark_and_reason(void **state)
{
    struct fx *x = *state;
    struct hw_responder *r;

    chain(&x->fk, 0, 4);
    x->st.names = false;
    r = &x->fk.resp[0][3][0];
    r->addr = addr("198.18.2.2");
    r->outcome = HW_OUTCOME_UNREACHABLE;
    r->icmp_type = 3;
    r->icmp_code = 13;
    x->fk.snap[0].end = HW_END_UNREACHABLE;
    x->fk.snap[0].end_ttl = 4;
    x->fk.snap[0].end_icmp_type = 3;
    x->fk.snap[0].end_icmp_code = 13;
    build(x, 1, 30, 100);
    assert_int_equal(strncmp(row(x, 6), "  4. 198.18.2.2 !X ", 19), 0);
    assert_int_equal(strncmp(row(x, 29), "Route ends at hop 4: 198.18.2.2 answered ", 41), 0);
    assert_non_null(strstr(row(x, 29), "(!X)."));
}

static void
test_view_names_off_never_asks(void **state)
{
    struct fx *x = *state;

    chain(&x->fk, 0, 3);
    x->st.names = false;
    build(x, 1, 30, 100);
    assert_int_equal(x->fk.name_calls, 0);
    assert_int_equal(strncmp(row(x, 3), "  1. 198.18.0.2 ", 16), 0);
    assert_non_null(strstr(row(x, 1), "names off"));
    x->st.names = true;
    x->st.both = true;
    build(x, 1, 30, 100);
    assert_true(x->fk.name_calls > 0);
    assert_int_equal(strncmp(row(x, 3), "  1. r1.lab (198.18.0.2) ", 25), 0);
}

static void
test_view_jitter_columns_on_toggle(void **state)
{
    struct fx *x = *state;

    chain(&x->fk, 0, 3);
    build(x, 1, 30, 140);
    assert_null(strstr(row(x, 2), "Jttr"));
    x->st.jitter = true;
    build(x, 1, 30, 140);
    assert_non_null(strstr(row(x, 2), "StDev    Jttr    Javg    Jmax    Jint"));
}

static void
test_view_narrow_terminal_keeps_first_columns(void **state)
{
    struct fx *x = *state;

    chain(&x->fk, 0, 8);
    build(x, 1, 10, 40);
    /* 40 - 5 - 12 leaves room for Loss% Snt Last (7 + 6 + 8 = 21); the host
     * column gets the other 14. */
    assert_string_equal(row(x, 2), "     Host            Loss%   Snt    Last");
    assert_int_equal(strncmp(row(x, 3), "  1. r1.lab", 11), 0);
    assert_int_equal(strncmp(row(x, 8), "  6. 198.18.5.2", 15), 0);
    assert_int_equal(x->st.page, 6);
    assert_string_equal(row(x, 9), "q quit  ? help  p pause  r reset  d disp");
}

static void
test_view_too_small_message_wraps(void **state)
{
    struct fx *x = *state;

    chain(&x->fk, 0, 3);
    build(x, 1, 10, 39);
    assert_string_equal(row(x, 0), "terminal too small: need at least 40x10");
    build(x, 1, 9, 60);
    assert_string_equal(row(x, 0), "terminal too small: need at least 40x10");
    assert_string_equal(row(x, 1), "");
    build(x, 1, 5, 20);
    assert_string_equal(row(x, 0), "terminal too small:");
    assert_string_equal(row(x, 1), "need at least 40x10");
    build(x, 1, 10, 40);
    assert_string_equal(row(x, 0), "hopwatch: vm -> target.lab (198.18.2.2)");
}

static void
test_view_help_fits_24x80_and_lists_keys(void **state)
{
    struct fx *x = *state;
    static const char *const keys[] = {"q ", "? h", "p ", "space", "r ", "d ", "n ", "b ",
                                       "o ", "j ", "e ", "i ", "f m", "u t", "+ -", "Ctrl-L",
                                       "Tab", "Enter", "Up Down", "PgUp PgDn"};
    char all[8192] = "";

    chain(&x->fk, 0, 3);
    x->st.help = true;
    build(x, 1, 40, 200);
    for (int r = 0; r < 40; r++) {
        assert_true(strlen(row(x, r)) <= 80);
        if (r >= 24)
            assert_string_equal(row(x, r), "");
        strcat(all, row(x, r));
        strcat(all, "\n");
    }
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        assert_non_null(strstr(all, keys[k]));
    assert_non_null(strstr(all, "L Loss%"));
    assert_non_null(strstr(all, "I Jint"));
}

static void
test_view_scroll_is_clamped(void **state)
{
    struct fx *x = *state;

    chain(&x->fk, 0, 20);
    x->st.trace_top = 100;
    build(x, 1, 10, 60);
    assert_int_equal(x->st.trace_top, 14);
    assert_int_equal(strncmp(row(x, 3), " 15. ", 5), 0);
    assert_int_equal(strncmp(row(x, 8), " 20. ", 5), 0);
}

static void
test_view_history_strip(void **state)
{
    struct fx *x = *state;
    const int32_t h[] = {1000, HW_HIST_LOST, 5000, 1000, HW_HIST_PENDING};

    chain(&x->fk, 0, 2);
    memcpy(x->fk.hist[0][0], h, sizeof(h));
    x->fk.nhist[0][0] = 5;
    x->st.display = UI_DISPLAY_HISTORY;
    build(x, 1, 12, 60);
    /* Host column: 12 wide; the hop's average is 1 ms, so 5 ms is slow. */
    assert_string_equal(row(x, 2), "     Host        History (oldest first)");
    assert_string_equal(row(x, 3), "  1. r1.lab      .?>.");
    assert_string_equal(row(x, 4), "  2. r2.lab");
    assert_string_equal(row(x, 10), ". reply  > slow (over 2x the hop's average)  ? lost");
    assert_int_equal(ui_frame_cell(&x->f, 3, 18)->style, UI_S_BAD);
    assert_int_equal(x->st.page, 12 - 5);
}

static void
test_view_scaled_strip_shares_one_scale(void **state)
{
    struct fx *x = *state;
    const int32_t h1[] = {100, 200};
    const int32_t h2[] = {800, HW_HIST_LOST};

    chain(&x->fk, 0, 2);
    memcpy(x->fk.hist[0][0], h1, sizeof(h1));
    x->fk.nhist[0][0] = 2;
    memcpy(x->fk.hist[0][1], h2, sizeof(h2));
    x->fk.nhist[0][1] = 2;
    x->st.display = UI_DISPLAY_SCALED;
    x->st.names = false;
    build(x, 1, 12, 80);
    assert_string_equal(row(x, 3), "  1. 198.18.0.2  _.");
    assert_string_equal(row(x, 4), "  2. 198.18.1.2  #?");
    assert_int_equal(strncmp(row(x, 10), "Scale: _0.100 .0.200 ", 21), 0);
    x->st.utf8 = true;
    build(x, 1, 12, 80);
    assert_string_equal(row(x, 3), "  1. 198.18.0.2  \u2581\u2582");
}

static void
test_view_hosts_rows(void **state)
{
    struct fx *x = *state;
    const int32_t h[] = {1000, HW_HIST_LOST, 1000, 500};

    chain(&x->fk, 0, 2);
    memcpy(x->fk.hist[0][1], h, sizeof(h));
    x->fk.nhist[0][1] = 4;
    chain(&x->fk, 1, 5);
    x->fk.info[1].name = "far.lab";
    x->fk.snap[1].end = HW_END_SILENT;
    x->fk.snap[1].end_ttl = 0;
    x->fk.snap[1].target_stats = stats(10, 10, 0); /* as trace.c counts it */
    x->fk.hops[1][3].n_responders = 0;
    x->fk.hops[1][4].n_responders = 0;
    chain(&x->fk, 2, 1);
    x->fk.info[2].name = "198.18.0.2";
    x->fk.snap[2].end = HW_END_UNKNOWN;
    hw_stats_init(&x->fk.snap[2].target_stats);
    x->fk.hops[2][0].n_responders = 0;
    x->st.view = UI_VIEW_HOSTS;
    x->st.selected = 1;
    build(x, 3, 12, 120);
    assert_string_equal(row(x, 0), "hopwatch: vm -> 3 targets");
    assert_non_null(strstr(row(x, 2), "  Target        Loss%   Snt    Last"));
    assert_non_null(strstr(row(x, 2), "StDev    Javg Hops Recent RTTs"));
    /* Reached: its hop's stats, 2 hops, the sparkline with a gap. */
    assert_int_equal(strncmp(row(x, 3), "  target.lab     0.0%    10    1.00", 35), 0);
    assert_non_null(strstr(row(x, 3), "   0.000    2 # #~"));
    /* The selection: a marker and reverse video. */
    assert_int_equal(strncmp(row(x, 4), "> far.lab      100.0%    10       -", 35), 0);
    assert_non_null(strstr(row(x, 4), "       -   3? (not reached)"));
    assert_true(ui_frame_cell(&x->f, 4, 60)->style & UI_S_REVERSE);
    assert_false(ui_frame_cell(&x->f, 3, 60)->style & UI_S_REVERSE);
    /* A numeric target shows its reverse name; still being traced. */
    assert_int_equal(strncmp(row(x, 5), "  r1.lab       ", 15), 0);
    assert_non_null(strstr(row(x, 5), "       -    - (tracing)"));
}

static void
test_view_hosts_selection_scrolls(void **state)
{
    struct fx *x = *state;
    char want[32];

    for (size_t t = 0; t < 30; t++)
        chain(&x->fk, t, 2);
    x->st.view = UI_VIEW_HOSTS;
    x->st.selected = 20;
    build(x, 30, 10, 60);
    assert_int_equal(x->st.page, 6);
    assert_int_equal(x->st.hosts_top, 15);
    assert_int_equal(strncmp(row(x, 8), "> target.lab", 12), 0);
    x->st.selected = 2;
    build(x, 30, 10, 60);
    assert_int_equal(x->st.hosts_top, 2);
    snprintf(want, sizeof(want), "> target.lab");
    assert_int_equal(strncmp(row(x, 3), want, strlen(want)), 0);
}

static void
test_view_status_line_prompt_and_message(void **state)
{
    struct fx *x = *state;

    chain(&x->fk, 0, 3);
    x->st.prompt = UI_PROMPT_INTERVAL;
    snprintf(x->st.input, sizeof(x->st.input), "0.5");
    build(x, 1, 30, 100);
    assert_string_equal(row(x, 29), "Interval in seconds: 0.5_");
    x->st.prompt = UI_PROMPT_NONE;
    ui_state_message(&x->st, true, 0, 1000, "cannot probe with %s: %s", "udp", "invalid argument");
    build(x, 1, 30, 100);
    assert_string_equal(row(x, 29), "cannot probe with udp: invalid argument");
    assert_int_equal(ui_frame_cell(&x->f, 29, 0)->style, UI_S_ERROR);
}

static void
test_view_paused_shown_in_settings(void **state)
{
    struct fx *x = *state;

    chain(&x->fk, 0, 3);
    x->fk.info[0].paused = true;
    x->fk.info[0].interval_ns = 250 * MS;
    x->st.start_ms = 80000;
    build(x, 1, 30, 100);
    assert_string_equal(row(x, 1), "[PAUSED] icmp raw  interval 0.25s  TTL 1-30  names on  "
                                   "numbers  elapsed 0:00:03");
    assert_int_equal(ui_frame_cell(&x->f, 1, 0)->style, UI_S_WARN);
}

/* The timeline: a column per round with who answered (a: the host shown,
 * b: another), '?' lost, blank where a hop was not probed; under it the
 * path shown ('[' goes back one) and the latest changes. */
static void
test_view_timeline(void **state)
{
    struct fx *x = *state;
    struct hw_path_hop ph[2][3];
    struct hw_path paths[2];
    struct hw_route_event ev[2];
    struct hw_addr other = addr("198.18.33.2");

    chain(&x->fk, 0, 3);
    x->fk.snap[0].rounds = 6;
    /* Hop 2: its main responder (198.18.1.2) in rounds 1-3, lost in 4, the
     * other one in 5-6; hop 3 only from round 4 on (it joined late). */
    x->fk.resp[0][1][1].addr = other;
    x->fk.resp[0][1][1].outcome = HW_OUTCOME_TIME_EXCEEDED;
    x->fk.hops[0][1].n_responders = 2;
    for (int r = 1; r <= 6; r++) {
        struct hw_trace_mark *m = &x->fk.marks[1][r - 1];

        m->round = (uint64_t)r;
        m->rtt_us = r == 4 ? HW_HIST_LOST : 1000;
        if (r < 4)
            m->who = addr("198.18.1.2");
        else if (r > 4)
            m->who = other;
    }
    x->fk.nmarks[1] = 6;
    for (int r = 4; r <= 6; r++) {
        x->fk.marks[2][r - 4] = (struct hw_trace_mark){.round = (uint64_t)r, .rtt_us = 1000,
                                                       .who = addr("198.18.2.2")};
    }
    x->fk.nmarks[2] = 3;
    memset(ph, 0, sizeof(ph));
    for (int k = 0; k < 3; k++) {
        char text[32];

        snprintf(text, sizeof(text), "198.18.%d.2", k);
        ph[0][k].n = ph[1][k].n = 1;
        ph[0][k].addr[0] = ph[1][k].addr[0] = addr(text);
    }
    ph[1][1].addr[0] = other;
    paths[0] = (struct hw_path){.first_real_ns = 1, .last_real_ns = 3000000000LL, .rounds = 4,
                                .end = HW_END_REACHED, .n_hops = 3, .hops = ph[0]};
    paths[1] = (struct hw_path){.first_real_ns = 4000000000LL, .last_real_ns = 6000000000LL,
                                .rounds = 2, .end = HW_END_REACHED, .n_hops = 3, .hops = ph[1]};
    x->fk.snap[0].paths = paths;
    x->fk.snap[0].n_paths = 2;
    x->fk.snap[0].current_path = 1;
    memset(ev, 0, sizeof(ev));
    ev[0] = (struct hw_route_event){.kind = HW_ROUTE_SWITCHED, .real_ns = 4000000000LL,
                                    .ttl = 2, .from = addr("198.18.1.2"), .to = other};
    x->fk.snap[0].events = ev;
    x->fk.snap[0].n_events = 1;
    x->fk.snap[0].route_changes = 1;
    x->st.view = UI_VIEW_TIMELINE;
    build(x, 1, 24, 80);
    assert_non_null(strstr(row(x, 2), "Who answered each round"));
    /* Rows: hop, host now, then the rounds (oldest first). */
    assert_string_equal(row(x, 3), "  1. r1.lab");
    assert_string_equal(row(x, 4), "  2. r2.lab      aaa?bb");
    assert_string_equal(row(x, 5), "  3. 198.18.2.2     aaa");
    /* The panel right under the hops: the current path, the change. */
    assert_non_null(strstr(row(x, 6), "Path 2 of 2 (current):"));
    assert_non_null(strstr(row(x, 6), "2 rounds, reached, 3 hops"));
    assert_non_null(strstr(row(x, 7), "198.18.0.2 198.18.33.2 198.18.2.2"));
    assert_non_null(strstr(row(x, 8), "Route changes: 1"));
    assert_non_null(strstr(row(x, 9), "switched: hop 2 198.18.1.2 -> 198.18.33.2"));
    /* '[' (the state's path_back) shows the path before. */
    x->st.path_back = 1;
    build(x, 1, 24, 80);
    assert_non_null(strstr(row(x, 6), "Path 1 of 2:"));
    assert_non_null(strstr(row(x, 7), "198.18.0.2 198.18.1.2 198.18.2.2"));
    /* Past the oldest: clamped. */
    x->st.path_back = 9;
    build(x, 1, 24, 80);
    assert_int_equal(x->st.path_back, 1);
}

/* --mtu: the MTU column (order LSNABWVUFK, as run_tui.c sets it) shows per
 * hop the largest size known to pass; the bottom line says the path MTU. */
static void
test_view_pmtu_column_and_line(void **state)
{
    struct fx *x = *state;
    char err[128];

    chain(&x->fk, 0, 5);
    x->st.names = false;
    assert_int_equal(ui_state_init(&x->st, 1, "LSNABWVUFK", true, false, 0.2, 0, err,
                                   sizeof(err)), 0);
    x->st.names = false;
    x->fk.info[0].has_pmtu = true;
    x->fk.info[0].pmtu = (struct hw_pmtu_result){
        .state = HW_PMTU_DONE, .reason = HW_PMTU_REASON_BLACKHOLE, .pmtu = 1300,
        .hop_ttl = 2, .hop_addr = addr("198.18.1.2"), .hop_reach = 1301};
    build(x, 1, 30, 120);
    assert_non_null(strstr(row(x, 2), " MTU "));
    assert_non_null(strstr(row(x, 3), " 1301 "));  /* hop 1 */
    assert_non_null(strstr(row(x, 4), " 1301 "));  /* hop 2, the last one large packets reach */
    assert_non_null(strstr(row(x, 5), " 1300 "));  /* hop 3 */
    assert_string_equal(row(x, 29), "Path MTU 1300 from hop 2 (198.18.1.2): a black hole, "
                                    "larger packets vanish without an error.");
    /* Without a search: no sentence (the keys line), blank cells. */
    x->fk.info[0].has_pmtu = false;
    build(x, 1, 30, 120);
    assert_null(strstr(row(x, 29), "Path MTU"));
    assert_null(strstr(row(x, 3), "1301"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_view_trace_rows_in_hop_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_trace_as_field_before_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_verdict_column_when_wide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_extra_responders_indented_with_blank_loss,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_mpls_lines_on_toggle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_unreachable_mark_and_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_names_off_never_asks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_jitter_columns_on_toggle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_narrow_terminal_keeps_first_columns, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_view_too_small_message_wraps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_help_fits_24x80_and_lists_keys, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_view_scroll_is_clamped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_history_strip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_scaled_strip_shares_one_scale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_hosts_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_hosts_selection_scrolls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_status_line_prompt_and_message, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_view_timeline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_paused_shown_in_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_pmtu_column_and_line, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_ui_action.c - what the keys do (src/ui/action.c), on real traces
 * over the fake network: pause, reset, prompts, methods, views, toggles,
 * and the reaction each key returns. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/hopwatch.h>

#include "fakenet.h"
#include "ui/action.h"
#include "ui/state.h"
#include "ui/ui.h"

#define MS 1000000LL
#define S 1000000000LL
#define NT 2

struct fx {
    struct fakenet net;            /* the fake network */
    struct hw_engine *e;           /* its engine */
    struct fake_path path;         /* a 4-hop chain */
    struct ui_target targets[NT];  /* two targets on it */
    struct ui_state st;            /* the screen state */
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct hw_engine_config ecfg;
    struct hw_trace_config tcfg;
    char err[128], text[32];
    int st;

    assert_non_null(f);
    fakenet_init(&f->net);
    fakenet_engine_config(&f->net, &ecfg);
    ecfg.dont_fragment = true; /* for the --mtu search of test_action_r_restarts_pmtu */
    f->e = hw_engine_new(&ecfg, &st);
    assert_non_null(f->e);
    f->path.nhops = 4;
    for (int i = 0; i < 4; i++) {
        snprintf(text, sizeof(text), "198.18.%d.2", i);
        f->path.hop[i] = fakenet_addr(text);
        f->path.rtt_ns[i] = (i + 1) * MS;
    }
    fakenet_route(&f->net, &f->path);
    hw_trace_config_init(&tcfg);
    tcfg.cycles = 0;
    for (int t = 0; t < NT; t++) {
        tcfg.target = f->path.hop[t == 0 ? 3 : 2];
        f->targets[t].name = t == 0 ? "far" : "near";
        f->targets[t].addr = tcfg.target;
        f->targets[t].trace = hw_trace_new(f->e, &tcfg, &st);
        assert_non_null(f->targets[t].trace);
        assert_int_equal(hw_trace_start(f->targets[t].trace), 0);
    }
    assert_int_equal(ui_state_init(&f->st, NT, NULL, true, false, 0.2, 0, err, sizeof(err)), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    for (int t = 0; t < NT; t++) {
        hw_pmtu_free(f->targets[t].pmtu);
        hw_trace_free(f->targets[t].trace);
    }
    hw_engine_free(f->e);
    fakenet_fini(&f->net);
    free(f);
    return 0;
}

static unsigned
key(struct fx *f, int k)
{
    return ui_action_key(&f->st, f->targets, k, 5000);
}

static void
type(struct fx *f, const char *s)
{
    for (; *s != '\0'; s++)
        assert_int_equal(key(f, *s), UI_REACT_REDRAW);
}

/* Let the fake network run for ns. */
static void
run_for(struct fx *f, int64_t ns)
{
    int64_t end = f->net.mono_ns + ns;

    for (int i = 0; i < 10000 && f->net.mono_ns < end; i++)
        fakenet_step(&f->net, f->e, end - f->net.mono_ns);
}

static void
test_action_p_pauses_and_resumes_every_trace(void **state)
{
    struct fx *f = *state;

    assert_int_equal(key(f, 'p'), UI_REACT_REDRAW);
    for (int t = 0; t < NT; t++)
        assert_true(hw_trace_paused(f->targets[t].trace));
    assert_int_equal(key(f, 'p'), UI_REACT_REDRAW);
    for (int t = 0; t < NT; t++)
        assert_false(hw_trace_paused(f->targets[t].trace));
    /* Space only resumes. */
    key(f, ' ');
    assert_false(hw_trace_paused(f->targets[0].trace));
    key(f, 'p');
    key(f, ' ');
    assert_false(hw_trace_paused(f->targets[0].trace));
    assert_false(hw_trace_paused(f->targets[1].trace));
}

static void
test_action_r_resets_stats_and_clock(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    run_for(f, 5 * S);
    assert_int_equal(hw_trace_snapshot(f->targets[1].trace, &s), 0);
    assert_true(s->hops[0].stats.sent >= 5);
    hw_trace_snapshot_free(s);
    assert_int_equal(key(f, 'r'), UI_REACT_REDRAW);
    assert_int_equal(f->st.start_ms, 5000);
    assert_string_equal(f->st.status, "statistics reset");
    for (int t = 0; t < NT; t++) {
        assert_int_equal(hw_trace_snapshot(f->targets[t].trace, &s), 0);
        assert_true(s->hops[0].stats.sent <= 1);
        assert_int_equal(s->hops[0].stats.received, 0);
        hw_trace_snapshot_free(s);
    }
}

/* --mtu: r starts the path MTU search again (the route may have changed). */
static void
test_action_r_restarts_pmtu(void **state)
{
    struct fx *f = *state;
    struct hw_pmtu_config pc;
    struct hw_pmtu_result r;
    uint64_t gen;
    int st;

    hw_pmtu_config_init(&pc);
    pc.target = f->targets[0].addr;
    pc.max_mtu = 1500;
    pc.interval_ns = 200 * MS;
    f->targets[0].pmtu = hw_pmtu_new(f->e, &pc, &st);
    assert_non_null(f->targets[0].pmtu);
    assert_int_equal(hw_pmtu_start(f->targets[0].pmtu), 0);
    run_for(f, 5 * S);
    assert_true(hw_pmtu_done(f->targets[0].pmtu));
    hw_pmtu_result(f->targets[0].pmtu, &r);
    assert_int_equal(r.pmtu, 1500);
    gen = r.generation;
    assert_int_equal(key(f, 'r'), UI_REACT_REDRAW);
    assert_false(hw_pmtu_done(f->targets[0].pmtu));
    hw_pmtu_result(f->targets[0].pmtu, &r);
    assert_int_equal(r.state, HW_PMTU_SEARCHING);
    assert_int_equal(r.pmtu, 0);
    assert_true(r.generation > gen);
    run_for(f, 5 * S);
    hw_pmtu_result(f->targets[0].pmtu, &r);
    assert_int_equal(r.state, HW_PMTU_DONE);
    assert_int_equal(r.pmtu, 1500);
}

static void
test_action_interval_prompt_applies_to_every_trace(void **state)
{
    struct fx *f = *state;

    assert_int_equal(key(f, 'i'), UI_REACT_REDRAW);
    assert_int_equal(f->st.prompt, UI_PROMPT_INTERVAL);
    type(f, "0.75");
    key(f, UI_KEY_BACKSPACE);
    type(f, "");
    assert_string_equal(f->st.input, "0.7");
    type(f, "5");
    assert_int_equal(key(f, UI_KEY_ENTER), UI_REACT_REDRAW);
    assert_int_equal(f->st.prompt, UI_PROMPT_NONE);
    for (int t = 0; t < NT; t++)
        assert_int_equal(hw_trace_config(f->targets[t].trace)->interval_ns, 750 * MS);
    assert_string_equal(f->st.status, "interval 0.75s");
    assert_false(f->st.status_error);
}

static void
test_action_interval_prompt_rejects_and_cancels(void **state)
{
    struct fx *f = *state;

    key(f, 'i');
    type(f, "0.1");
    key(f, UI_KEY_ENTER);
    assert_true(f->st.status_error);
    assert_string_equal(f->st.status, "invalid interval '0.1': a number from 0.2 to 3600");
    assert_int_equal(hw_trace_config(f->targets[0].trace)->interval_ns, 1000 * MS);
    key(f, 'i');
    type(f, "2");
    key(f, UI_KEY_ESC);
    assert_int_equal(f->st.prompt, UI_PROMPT_NONE);
    assert_int_equal(hw_trace_config(f->targets[0].trace)->interval_ns, 1000 * MS);
    /* Root may go lower, as with -i. */
    f->st.min_interval_s = 0.001;
    key(f, 'i');
    type(f, "0.05");
    key(f, UI_KEY_ENTER);
    assert_int_equal(hw_trace_config(f->targets[1].trace)->interval_ns, 50 * MS);
}

static void
test_action_ttl_prompts(void **state)
{
    struct fx *f = *state;

    key(f, 'f');
    type(f, "2");
    key(f, UI_KEY_ENTER);
    key(f, 'm');
    type(f, "10");
    key(f, UI_KEY_ENTER);
    for (int t = 0; t < NT; t++) {
        assert_int_equal(hw_trace_config(f->targets[t].trace)->first_ttl, 2);
        assert_int_equal(hw_trace_config(f->targets[t].trace)->max_ttl, 10);
    }
    assert_string_equal(f->st.status, "TTL 2-10");
    /* Below the first TTL, or not a whole number: refused. */
    key(f, 'm');
    type(f, "1");
    key(f, UI_KEY_ENTER);
    assert_true(f->st.status_error);
    assert_string_equal(f->st.status, "invalid max TTL '1': a number from 2 to 255");
    key(f, 'f');
    type(f, "1.5");
    key(f, UI_KEY_ENTER);
    assert_string_equal(f->st.status, "invalid first TTL '1.5': a whole number");
    assert_int_equal(hw_trace_config(f->targets[0].trace)->first_ttl, 2);
}

static void
test_action_order_prompt_validates(void **state)
{
    struct fx *f = *state;

    key(f, 'o');
    assert_int_equal(f->st.prompt, UI_PROMPT_ORDER);
    type(f, "lsq");
    key(f, UI_KEY_ENTER);
    assert_true(f->st.status_error);
    assert_non_null(strstr(f->st.status, "unknown field 'Q'"));
    assert_string_equal(f->st.order, COLUMNS_DEFAULT);
    key(f, 'o');
    type(f, "lsnj");
    key(f, UI_KEY_ENTER);
    assert_string_equal(f->st.order, "LSNJ");
    assert_string_equal(f->st.status, "field order LSNJ");
    key(f, 'o');
    key(f, UI_KEY_ENTER);
    assert_string_equal(f->st.order, COLUMNS_DEFAULT);
}

static void
test_action_method_keys(void **state)
{
    struct fx *f = *state;
    bool udp = hw_engine_can_send(f->e, HW_METHOD_UDP, AF_INET);

    assert_int_equal(key(f, 'u'), UI_REACT_REDRAW);
    if (!udp) {
        /* This engine cannot send UDP: the engine's reason is shown and
         * nothing changes. */
        assert_true(f->st.status_error);
        assert_string_equal(f->st.status, "cannot probe with udp: invalid argument");
        assert_int_equal(hw_trace_config(f->targets[0].trace)->method, HW_METHOD_ICMP);
    } else {
        assert_string_equal(f->st.status, "probing with udp");
        assert_int_equal(hw_trace_config(f->targets[1].trace)->method, HW_METHOD_UDP);
        key(f, 'u');
        assert_int_equal(hw_trace_config(f->targets[1].trace)->method, HW_METHOD_ICMP);
    }
}

static void
test_action_views_tab_and_enter(void **state)
{
    struct fx *f = *state;

    assert_int_equal(f->st.view, UI_VIEW_HOSTS);
    key(f, UI_KEY_DOWN);
    key(f, UI_KEY_DOWN); /* stays on the last row */
    assert_int_equal(f->st.selected, 1);
    assert_int_equal(key(f, UI_KEY_ENTER), UI_REACT_REDRAW);
    assert_int_equal(f->st.view, UI_VIEW_TRACE);
    assert_int_equal(f->st.current, 1);
    key(f, '\t');
    assert_int_equal(f->st.view, UI_VIEW_HOSTS);
    assert_int_equal(f->st.selected, 1);
    key(f, UI_KEY_UP);
    key(f, '\t');
    assert_int_equal(f->st.view, UI_VIEW_TRACE);
    assert_int_equal(f->st.current, 0);
    /* In the trace view the arrows scroll. */
    key(f, UI_KEY_DOWN);
    key(f, '+');
    assert_int_equal(f->st.trace_top, 6);
    key(f, UI_KEY_HOME);
    assert_int_equal(f->st.trace_top, 0);
}

/* 'l' opens the timeline of the target shown (or selected) and goes back
 * to its trace view; '[' and ']' move between its paths there only; Tab
 * goes to the hosts view. */
static void
test_action_timeline_keys(void **state)
{
    struct fx *f = *state;

    key(f, UI_KEY_DOWN);
    assert_int_equal(key(f, 'l'), UI_REACT_REDRAW);
    assert_int_equal(f->st.view, UI_VIEW_TIMELINE);
    assert_int_equal(f->st.current, 1);
    assert_int_equal(f->st.path_back, 0);
    key(f, '[');
    key(f, '[');
    assert_int_equal(f->st.path_back, 2);
    key(f, ']');
    assert_int_equal(f->st.path_back, 1);
    key(f, ']');
    key(f, ']'); /* not below the current path */
    assert_int_equal(f->st.path_back, 0);
    key(f, 'l');
    assert_int_equal(f->st.view, UI_VIEW_TRACE);
    assert_int_equal(f->st.current, 1);
    assert_int_equal(key(f, '['), 0); /* nothing outside the timeline */
    key(f, 'l');
    key(f, '\t');
    assert_int_equal(f->st.view, UI_VIEW_HOSTS);
    assert_int_equal(f->st.selected, 1);
}

static void
test_action_toggles_and_reactions(void **state)
{
    struct fx *f = *state;

    assert_int_equal(key(f, 'd'), UI_REACT_REDRAW);
    assert_int_equal(f->st.display, UI_DISPLAY_HISTORY);
    key(f, 'd');
    assert_int_equal(f->st.display, UI_DISPLAY_SCALED);
    key(f, 'd');
    assert_int_equal(f->st.display, UI_DISPLAY_NUMBERS);
    key(f, 'n');
    assert_false(f->st.names);
    key(f, 'b');
    assert_true(f->st.both);
    key(f, 'j');
    assert_true(f->st.jitter);
    key(f, 'e');
    assert_true(f->st.mpls);
    /* z: AS display; y: the next field (the first y only turns it on),
     * wrapping after the name. */
    assert_false(f->st.as);
    assert_int_equal(key(f, 'z'), UI_REACT_REDRAW);
    assert_true(f->st.as);
    key(f, 'z');
    assert_false(f->st.as);
    assert_int_equal(key(f, 'y'), UI_REACT_REDRAW);
    assert_true(f->st.as);
    assert_int_equal(f->st.as_field, HW_AS_FIELD_ASN);
    assert_string_equal(f->st.status, "AS field: AS number");
    key(f, 'y');
    assert_int_equal(f->st.as_field, HW_AS_FIELD_PREFIX);
    assert_string_equal(f->st.status, "AS field: prefix");
    for (int i = 0; i < HW_AS_FIELDS - 1; i++)
        key(f, 'y');
    assert_int_equal(f->st.as_field, HW_AS_FIELD_ASN);
    assert_int_equal(key(f, UI_KEY_CTRL_L), UI_REACT_REDRAW | UI_REACT_CLEAR);
    assert_int_equal(key(f, UI_KEY_OTHER), 0);
    assert_int_equal(key(f, 'q'), UI_REACT_QUIT);
}

static void
test_action_help_closes_on_any_key(void **state)
{
    struct fx *f = *state;

    assert_int_equal(key(f, '?'), UI_REACT_REDRAW);
    assert_true(f->st.help);
    assert_int_equal(key(f, UI_KEY_RESIZE), UI_REACT_REDRAW);
    assert_true(f->st.help);
    /* q closes the help; it does not quit. */
    assert_int_equal(key(f, 'q'), UI_REACT_REDRAW);
    assert_false(f->st.help);
    key(f, 'h');
    assert_true(f->st.help);
}

static void
test_action_messages_go_on_the_next_key(void **state)
{
    struct fx *f = *state;

    assert_int_equal(key(f, 'Z'), UI_REACT_REDRAW);
    assert_string_equal(f->st.status, "unknown key 'Z': ? shows the keys");
    assert_true(f->st.status_error);
    assert_int_equal(f->st.status_until_ms, 5000 + UI_MESSAGE_MS);
    assert_int_equal(key(f, UI_KEY_OTHER), UI_REACT_REDRAW);
    assert_string_equal(f->st.status, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_action_p_pauses_and_resumes_every_trace, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_action_r_resets_stats_and_clock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_r_restarts_pmtu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_interval_prompt_applies_to_every_trace, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_action_interval_prompt_rejects_and_cancels, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_action_ttl_prompts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_order_prompt_validates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_method_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_views_tab_and_enter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_toggles_and_reactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_timeline_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_help_closes_on_any_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action_messages_go_on_the_next_key, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

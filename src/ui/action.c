/* action.c - what each key does.  See action.h. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui/action.h"
#include "ui/format.h"

#define NS_PER_S 1e9
/* Lines '+' and '-' scroll, as in mtr. */
#define SCROLL_STEP 5
/* Longest interval 'i' accepts, as -i. */
#define INTERVAL_MAX_S 3600.0

static void
scroll(size_t *v, long delta, size_t max)
{
    long long nv = (long long)*v + delta;

    if (nv < 0)
        nv = 0;
    if ((unsigned long long)nv > max)
        nv = (long long)max;
    *v = (size_t)nv;
}

/* Move the selection (hosts view) or the first line (trace view). */
static unsigned
move(struct ui_state *st, long delta)
{
    if (st->view == UI_VIEW_HOSTS)
        scroll(&st->selected, delta, st->ntargets - 1);
    else
        scroll(&st->trace_top, delta, SIZE_MAX / 4); /* the view clamps it */
    return UI_REACT_REDRAW;
}

static unsigned
toggle_pause(struct ui_state *st, const struct ui_target *targets, bool resume_only)
{
    bool all_paused = true;

    for (size_t i = 0; i < st->ntargets; i++)
        all_paused = all_paused && hw_trace_paused(targets[i].trace);
    for (size_t i = 0; i < st->ntargets; i++) {
        if (all_paused || resume_only)
            hw_trace_resume(targets[i].trace);
        else
            hw_trace_pause(targets[i].trace);
    }
    return UI_REACT_REDRAW;
}

static unsigned
reset(struct ui_state *st, const struct ui_target *targets, int64_t now_ms)
{
    for (size_t i = 0; i < st->ntargets; i++) {
        hw_trace_reset(targets[i].trace);
        /* --mtu: the route may have changed too; search again.  Out of
         * memory leaves the old result (the search stops). */
        if (targets[i].pmtu != NULL)
            (void)hw_pmtu_start(targets[i].pmtu);
    }
    st->start_ms = now_ms;
    ui_state_message(st, false, now_ms, UI_MESSAGE_MS, "statistics reset");
    return UI_REACT_REDRAW;
}

/* 'u' / 't': switch every trace to method, or back to ICMP when it already
 * uses it. */
static unsigned
set_method(struct ui_state *st, const struct ui_target *targets, enum hw_method m,
           int64_t now_ms)
{
    const struct hw_trace_config *c = hw_trace_config(targets[st->current].trace);
    enum hw_method want = c->method == m ? HW_METHOD_ICMP : m;

    for (size_t i = 0; i < st->ntargets; i++) {
        int r = hw_trace_set_method(targets[i].trace, want, 0);

        if (r < 0) {
            ui_state_message(st, true, now_ms, UI_MESSAGE_MS, "cannot probe with %s: %s",
                             hw_method_name(want), hw_strerror(r));
            return UI_REACT_REDRAW;
        }
    }
    st->start_ms = now_ms;
    ui_state_message(st, false, now_ms, UI_MESSAGE_MS, "probing with %s", hw_method_name(want));
    return UI_REACT_REDRAW;
}

static void
apply_prompt(struct ui_state *st, const struct ui_target *targets, int64_t now_ms)
{
    const struct hw_trace_config *c = hw_trace_config(targets[st->current].trace);
    char err[sizeof(st->status)];
    double v;
    int first = c->first_ttl, max = c->max_ttl;
    int r = 0;

    switch (st->prompt) {
    case UI_PROMPT_INTERVAL: {
        char text[32];

        if (ui_fmt_parse_number(st->input, st->min_interval_s, INTERVAL_MAX_S, "interval", &v,
                                err, sizeof(err)) < 0)
            goto invalid;
        for (size_t i = 0; i < st->ntargets && r == 0; i++)
            r = hw_trace_set_interval(targets[i].trace, (int64_t)llround(v * NS_PER_S));
        if (r < 0)
            break;
        ui_fmt_interval((int64_t)llround(v * NS_PER_S), text, sizeof(text));
        ui_state_message(st, false, now_ms, UI_MESSAGE_MS, "interval %s", text);
        return;
    }
    case UI_PROMPT_FIRST_TTL:
    case UI_PROMPT_MAX_TTL: {
        bool is_first = st->prompt == UI_PROMPT_FIRST_TTL;
        const char *what = is_first ? "first TTL" : "max TTL";

        if (ui_fmt_parse_number(st->input, is_first ? 1 : first, is_first ? max : 255, what, &v,
                                err, sizeof(err)) < 0)
            goto invalid;
        if (v != floor(v)) {
            snprintf(err, sizeof(err), "invalid %s '%s': a whole number", what, st->input);
            goto invalid;
        }
        if (is_first)
            first = (int)v;
        else
            max = (int)v;
        for (size_t i = 0; i < st->ntargets && r == 0; i++)
            r = hw_trace_set_ttl_range(targets[i].trace, first, max);
        if (r < 0)
            break;
        st->start_ms = now_ms;
        st->trace_top = 0;
        ui_state_message(st, false, now_ms, UI_MESSAGE_MS, "TTL %d-%d", first, max);
        return;
    }
    case UI_PROMPT_ORDER: {
        const struct column *cols[COLUMNS_MAX];
        char order[UI_INPUT_MAX + 1];
        size_t n = 0;

        for (; st->input[n] != '\0' && n < UI_INPUT_MAX; n++)
            order[n] = (char)toupper((unsigned char)st->input[n]);
        order[n] = '\0';
        if (n == 0)
            snprintf(order, sizeof(order), "%s", COLUMNS_DEFAULT);
        if (n > COLUMNS_MAX) {
            snprintf(err, sizeof(err), "too many fields in order '%s'", order);
            goto invalid;
        }
        if (columns_parse(order, cols, COLUMNS_MAX, err, sizeof(err)) < 0)
            goto invalid;
        snprintf(st->order, sizeof(st->order), "%s", order);
        ui_state_message(st, false, now_ms, UI_MESSAGE_MS, "field order %s", st->order);
        return;
    }
    case UI_PROMPT_NONE:
        return;
    }
    ui_state_message(st, true, now_ms, UI_MESSAGE_MS, "cannot apply '%s': %s", st->input,
                     hw_strerror(r));
    return;
invalid:
    ui_state_message(st, true, now_ms, UI_MESSAGE_MS, "%s", err);
}

static unsigned
prompt_key(struct ui_state *st, const struct ui_target *targets, int key, int64_t now_ms)
{
    switch (key) {
    case UI_KEY_ENTER:
        apply_prompt(st, targets, now_ms);
        st->prompt = UI_PROMPT_NONE;
        return UI_REACT_REDRAW;
    case UI_KEY_ESC:
        st->prompt = UI_PROMPT_NONE;
        return UI_REACT_REDRAW;
    case UI_KEY_BACKSPACE:
    case 127:
    case 8:
        if (st->ninput > 0)
            st->input[--st->ninput] = '\0';
        return UI_REACT_REDRAW;
    case UI_KEY_RESIZE:
        return UI_REACT_REDRAW;
    default:
        if (key >= 0x20 && key < 0x7f && st->ninput < UI_INPUT_MAX) {
            st->input[st->ninput++] = (char)key;
            st->input[st->ninput] = '\0';
            return UI_REACT_REDRAW;
        }
        return 0;
    }
}

static unsigned
start_prompt(struct ui_state *st, enum ui_prompt p)
{
    st->prompt = p;
    st->ninput = 0;
    st->input[0] = '\0';
    return UI_REACT_REDRAW;
}

unsigned
ui_action_key(struct ui_state *st, const struct ui_target *targets, int key, int64_t now_ms)
{
    unsigned react = 0;
    long page = st->page > 1 ? st->page : 1;

    if (st->prompt != UI_PROMPT_NONE)
        return prompt_key(st, targets, key, now_ms);
    if (st->help) {
        if (key == UI_KEY_RESIZE)
            return UI_REACT_REDRAW;
        st->help = false;
        return UI_REACT_REDRAW;
    }
    /* A message stays until the next key (or its time runs out). */
    if (st->status[0] != '\0' && key != UI_KEY_RESIZE) {
        st->status[0] = '\0';
        react |= UI_REACT_REDRAW;
    }
    switch (key) {
    case 'q':
        return react | UI_REACT_QUIT;
    case '?':
    case 'h':
        st->help = true;
        return react | UI_REACT_REDRAW;
    case 'p':
        return react | toggle_pause(st, targets, false);
    case ' ':
        return react | toggle_pause(st, targets, true);
    case 'r':
        return react | reset(st, targets, now_ms);
    case 'd':
        st->display = (enum ui_display)((st->display + 1) % UI_DISPLAY_COUNT);
        return react | UI_REACT_REDRAW;
    case 'n':
        st->names = !st->names;
        return react | UI_REACT_REDRAW;
    case 'b':
        st->both = !st->both;
        return react | UI_REACT_REDRAW;
    case 'z':
        st->as = !st->as;
        return react | UI_REACT_REDRAW;
    case 'y':
        /* As mtr: the next field, and the AS display on. */
        st->as_field = st->as ? (st->as_field + 1) % HW_AS_FIELDS : st->as_field;
        st->as = true;
        ui_state_message(st, false, now_ms, UI_MESSAGE_MS, "AS field: %s",
                         ui_fmt_as_field_name(st->as_field));
        return react | UI_REACT_REDRAW;
    case 'j':
        st->jitter = !st->jitter;
        return react | UI_REACT_REDRAW;
    case 'e':
        st->mpls = !st->mpls;
        return react | UI_REACT_REDRAW;
    case 'o':
        return react | start_prompt(st, UI_PROMPT_ORDER);
    case 'i':
        return react | start_prompt(st, UI_PROMPT_INTERVAL);
    case 'f':
        return react | start_prompt(st, UI_PROMPT_FIRST_TTL);
    case 'm':
        return react | start_prompt(st, UI_PROMPT_MAX_TTL);
    case 'u':
        return react | set_method(st, targets, HW_METHOD_UDP, now_ms);
    case 't':
        return react | set_method(st, targets, HW_METHOD_TCP, now_ms);
    case '+':
        return react | move(st, SCROLL_STEP);
    case '-':
        return react | move(st, -SCROLL_STEP);
    case UI_KEY_UP:
        return react | move(st, -1);
    case UI_KEY_DOWN:
        return react | move(st, 1);
    case UI_KEY_PGUP:
        return react | move(st, -page);
    case UI_KEY_PGDN:
        return react | move(st, page);
    case UI_KEY_HOME:
        return react | move(st, -(long)(SIZE_MAX / 4));
    case UI_KEY_END:
        return react | move(st, (long)(SIZE_MAX / 4));
    case UI_KEY_ENTER:
        if (st->view == UI_VIEW_HOSTS) {
            st->current = st->selected;
            st->view = UI_VIEW_TRACE;
            st->trace_top = 0;
        }
        return react | UI_REACT_REDRAW;
    case 'l':
        /* The timeline of the target shown (or selected), and back. */
        if (st->view == UI_VIEW_TIMELINE) {
            st->view = UI_VIEW_TRACE;
        } else {
            if (st->view == UI_VIEW_HOSTS)
                st->current = st->selected;
            st->view = UI_VIEW_TIMELINE;
            st->path_back = 0;
        }
        return react | UI_REACT_REDRAW;
    case '[':
    case ']':
        if (st->view != UI_VIEW_TIMELINE)
            return react;
        if (key == '[')
            st->path_back++;
        else if (st->path_back > 0)
            st->path_back--;
        return react | UI_REACT_REDRAW;
    case '\t':
        if (st->view == UI_VIEW_HOSTS) {
            st->view = UI_VIEW_TRACE;
            st->current = st->selected;
            st->trace_top = 0;
        } else {
            st->view = UI_VIEW_HOSTS;
            st->selected = st->current;
        }
        return react | UI_REACT_REDRAW;
    case UI_KEY_CTRL_L:
        return react | UI_REACT_REDRAW | UI_REACT_CLEAR;
    case UI_KEY_RESIZE:
        return react | UI_REACT_REDRAW;
    default:
        if (key > 0x20 && key < 0x7f)
            ui_state_message(st, true, now_ms, UI_MESSAGE_MS, "unknown key '%c': ? shows the keys",
                             key);
        else
            return react;
        return react | UI_REACT_REDRAW;
    }
}

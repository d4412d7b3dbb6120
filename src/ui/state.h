/* state.h - what the screen shows, apart from the data: the view, the
 * selection and scrolling, the display mode and toggles, the field order,
 * a prompt being typed and the status message.  Keys change it (action.c),
 * the views read it (view.c); it holds no curses and no probing state. */
#ifndef HW_UI_STATE_H
#define HW_UI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report/columns.h"

/* Smallest terminal the views are drawn on. */
#define UI_MIN_ROWS 10
#define UI_MIN_COLS 40

/* Which table is on screen. */
enum ui_view_kind {
    UI_VIEW_TRACE = 0,  /* the hops of one target */
    UI_VIEW_HOSTS,      /* one row per target */
    UI_VIEW_TIMELINE,   /* one target's route over time: who answered each
                           hop each round, its paths and changes */
};

/* What a row shows ('d' cycles). */
enum ui_display {
    UI_DISPLAY_NUMBERS = 0, /* the statistics columns */
    UI_DISPLAY_HISTORY,     /* one mark per probe: reply, slow, lost */
    UI_DISPLAY_SCALED,      /* one block per probe, its height the RTT */
    UI_DISPLAY_COUNT,       /* number of modes */
};

/* A line being typed in the status line. */
enum ui_prompt {
    UI_PROMPT_NONE = 0,  /* no prompt */
    UI_PROMPT_INTERVAL,  /* 'i': seconds between rounds */
    UI_PROMPT_FIRST_TTL, /* 'f' */
    UI_PROMPT_MAX_TTL,   /* 'm' */
    UI_PROMPT_ORDER,     /* 'o': field letters */
};

/* Longest prompt input. */
#define UI_INPUT_MAX 32

struct ui_state {
    size_t ntargets;            /* targets on screen (>= 1) */
    enum ui_view_kind view;     /* the table shown */
    bool help;                  /* the help screen covers the view */
    size_t current;             /* target of the trace view */
    size_t selected;            /* selected row of the hosts view */
    size_t hosts_top;           /* first target row shown in the hosts view */
    size_t trace_top;           /* first line shown in the trace view */
    size_t path_back;           /* timeline: the path shown, as paths back
                                   from the current one by when they were
                                   last seen ('[' older, ']' newer); the
                                   view clamps it */
    int page;                   /* list rows at the last draw (PgUp/PgDn) */
    enum ui_display display;    /* numbers or a strip */
    bool names;                 /* reverse names shown ('n') */
    bool both;                  /* names and addresses ('b') */
    bool as;                    /* origin AS shown before hosts ('z') */
    int as_field;               /* which AS field (enum hw_as_field, 'y') */
    bool jitter;                /* jitter columns added ('j') */
    bool mpls;                  /* MPLS label lines ('e') */
    bool utf8;                  /* the terminal takes UTF-8 block characters */
    char order[COLUMNS_MAX + 1];/* field letters, valid for columns_parse */
    enum ui_prompt prompt;      /* a prompt being typed, or NONE */
    char input[UI_INPUT_MAX + 1]; /* what was typed */
    size_t ninput;              /* its length */
    char status[200];           /* message in the status line, "" for none */
    bool status_error;          /* it is an error */
    int64_t status_until_ms;    /* when it goes away (monotonic ms) */
    int64_t start_ms;           /* start of the elapsed clock (monotonic ms) */
    double min_interval_s;      /* smallest interval 'i' accepts */
};

/* Set st up for ntargets targets: the trace view for one target, the hosts
 * view for several; order NULL for the default.  Returns 0, or -1 with the
 * reason in err for an invalid order. */
int ui_state_init(struct ui_state *st, size_t ntargets, const char *order, bool names,
                  bool utf8, double min_interval_s, int64_t now_ms, char *err, size_t errlen);

/* The columns a view shows: the field order, plus the jitter columns when
 * 'j' is on; the hosts view leaves out the hop-only columns (Fwd%,
 * Verdict) and always has a jitter column (Javg unless the order has one).  Returns how many were stored in out (COLUMNS_MAX). */
size_t ui_state_columns(const struct ui_state *st, enum ui_view_kind view,
                        const struct column **out);

/* Show a message in the status line for ms milliseconds. */
void ui_state_message(struct ui_state *st, bool error, int64_t now_ms, int64_t ms,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif

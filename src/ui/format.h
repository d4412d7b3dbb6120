/* format.h - the screen's text, as pure functions: times, host text, MPLS
 * lines, the marks and blocks of the strips and their legends, the route's
 * end, prompt numbers and the width rule of the tables.  No curses here:
 * tests/unit/test_ui_format.c checks each of them. */
#ifndef HW_UI_FORMAT_H
#define HW_UI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/hopwatch.h>

#include "report/columns.h"
#include "ui/frame.h"
#include "ui/state.h"

/* Colour thresholds (documented in hopwatch(8)): loss above 0% is yellow,
 * from 10% red; round-trip times from 100 ms yellow, from 250 ms red. */
#define UI_LOSS_WARN_PCT 0.0
#define UI_LOSS_BAD_PCT 10.0
#define UI_RTT_WARN_NS 100e6
#define UI_RTT_BAD_NS 250e6

/* A probe is "slow" in the history strip when its RTT is more than this
 * many times its hop's average. */
#define UI_SLOW_FACTOR 2.0

/* Elapsed time as H:MM:SS (hours grow past 99 as needed). */
void ui_fmt_elapsed(int64_t seconds, char *buf, size_t len);

/* An interval in seconds, shortest exact form: "1s", "0.5s", "0.025s". */
void ui_fmt_interval(int64_t ns, char *buf, size_t len);


/* The host text of a responder or target: the address when names are off
 * or name is NULL; else the name, or "name (address)" with both.  mark
 * (e.g. "!X", may be NULL or "") follows after a space. */
char *ui_fmt_host(const char *name, const struct hw_addr *a, bool names, bool both,
                  const char *mark, char *buf, size_t len);

/* One MPLS label stack entry: "[MPLS: Lbl 24001 TC 0 S 1 TTL 1]". */
void ui_fmt_mpls(const struct hw_mpls *m, char *buf, size_t len);

/* The style of a cell of row r: loss (Loss%, Fwd%) and RTT columns by the
 * thresholds above; the verdict red where loss starts, yellow for loss
 * from an earlier hop, dim for replies that are limited or absent;
 * everything else plain. */
enum ui_style ui_fmt_cell_style(const struct column *c, const struct column_row *r);

/* A history entry (hw_trace_history: RTT in microseconds, HW_HIST_LOST or
 * HW_HIST_PENDING) in the history strip: "." reply, ">" slow (more than
 * UI_SLOW_FACTOR x avg_us, when avg_us > 0), "?" lost, " " in flight; the
 * style in *style. */
const char *ui_fmt_history_mark(int32_t v, double avg_us, enum ui_style *style);

/* Level 1..8 of an RTT in a scale from 0 to max_us: level k covers RTTs
 * up to k/8 of max_us (max_us <= 0: level 1). */
int ui_fmt_level(int32_t rtt_us, int32_t max_us);

/* The block of a level: U+2581..U+2588 in UTF-8, else "_.-~=+*#". */
const char *ui_fmt_level_glyph(int level, bool utf8);

/* A history entry in the scaled strip: the block of its level (style by
 * the RTT thresholds), lost as "?" (or " ", a gap, with gaps), in flight
 * " ". */
const char *ui_fmt_scaled_mark(int32_t v, int32_t max_us, bool utf8, bool gaps,
                               enum ui_style *style);

/* The scaled strip's legend: "Scale: <block> <upper bound> ... ms  ? lost". */
void ui_fmt_scale_legend(int32_t max_us, bool utf8, char *buf, size_t len);

/* The history strip's legend. */
void ui_fmt_history_legend(char *buf, size_t len);

/* Parse a number typed at a prompt: a decimal within [min, max].  Returns
 * 0, or -1 with "invalid <what> 'x': ..." in err. */
int ui_fmt_parse_number(const char *text, double min, double max, const char *what,
                        double *out, char *err, size_t errlen);

/* How many of the n columns fit in a table width cols wide when the text
 * column before them needs at least min_text and each column takes its
 * width plus one blank: the first ones, as many as fit. */
size_t ui_fmt_fit_columns(const struct column *const *cols, size_t n, int cols_avail,
                          int min_text);

/* The names of the display modes: "numbers", "history", "scaled". */
const char *ui_fmt_display_name(enum ui_display d);

/* The name of an AS field (enum hw_as_field) for messages: "AS number",
 * "prefix", "country", "registry", "allocation date", "AS name". */
const char *ui_fmt_as_field_name(int field);

#endif

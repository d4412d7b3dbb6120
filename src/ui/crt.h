/* crt.h - the terminal: the one module that calls initscr-like set-up and
 * endwin, maps keys to UI_KEY_* codes, and paints frames, repainting only
 * the rows that changed.  Colours are used only when the terminal has them
 * and NO_COLOR is unset or empty; block characters only in a UTF-8 locale. */
#ifndef HW_UI_CRT_H
#define HW_UI_CRT_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/frame.h"

struct screen;

struct crt {
    struct screen *screen;  /* the curses screen, NULL while closed */
    bool color;             /* colour pairs are in use */
    bool utf8;              /* the locale's character set is UTF-8 */
    struct ui_frame shown;  /* what the terminal shows now */
    bool shown_valid;       /* shown matches the terminal */
};

/* The message when standard input or output is not a terminal. */
#define CRT_NOT_A_TERMINAL                                                                        \
    "standard input/output is not a terminal: use --report (or --json) for non-interactive runs"

/* Take over the terminal: cbreak, no echo, keypad, non-blocking reads,
 * hidden cursor, colours if allowed.  Returns 0, or -1 with the reason in
 * err (not a terminal, unknown terminal type) and the terminal untouched. */
int crt_open(struct crt *c, char *err, size_t errlen);

/* Give the terminal back as it was (endwin).  Safe to call twice. */
void crt_close(struct crt *c);

/* The terminal's size now. */
void crt_size(const struct crt *c, int *rows, int *cols);

/* The next key typed, as a character or a UI_KEY_* code; -1 when none is
 * waiting (never blocks, apart from telling Escape from an escape
 * sequence, a few milliseconds). */
int crt_key(struct crt *c);

/* Show frame f: rows that differ from what is shown are repainted (every
 * row with clear, after which the whole terminal is redrawn, as Ctrl-L
 * asks).  Returns 0 or -ENOMEM. */
int crt_paint(struct crt *c, const struct ui_frame *f, bool clear);

#endif

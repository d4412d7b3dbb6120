/* crt.c - the terminal, through ncursesw.  See crt.h.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP already have the program's handlers,
 * so ncurses leaves them alone (it only catches signals still at their
 * default); it does catch SIGWINCH, and its next wgetch() then returns
 * KEY_RESIZE with the new size in place.
 */
#include <errno.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "ui/action.h"
#include "ui/crt.h"

/* Colour pairs. */
enum { PAIR_GREEN = 1, PAIR_YELLOW, PAIR_RED };

/* How long ncurses waits after an Escape for the rest of a key's escape
 * sequence; the default (1 s) would stall the loop. */
#define ESC_DELAY_MS 25

int
crt_open(struct crt *c, char *err, size_t errlen)
{
    const char *no_color = getenv("NO_COLOR");
    SCREEN *s;

    memset(c, 0, sizeof(*c));
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "%s", CRT_NOT_A_TERMINAL);
        return -1;
    }
    c->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    /* newterm, unlike initscr, returns NULL instead of exiting. */
    s = newterm(NULL, stdout, stdin);
    if (s == NULL) {
        const char *term = getenv("TERM");

        snprintf(err, errlen, "cannot use the terminal (TERM=%s): unknown terminal type",
                 term != NULL ? term : "");
        return -1;
    }
    set_term(s);
    c->screen = (struct screen *)s;
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    set_escdelay(ESC_DELAY_MS);
    curs_set(0);
    if (has_colors() && (no_color == NULL || no_color[0] == '\0') && start_color() == OK) {
        use_default_colors();
        init_pair(PAIR_GREEN, COLOR_GREEN, -1);
        init_pair(PAIR_YELLOW, COLOR_YELLOW, -1);
        init_pair(PAIR_RED, COLOR_RED, -1);
        c->color = true;
    }
    return 0;
}

void
crt_close(struct crt *c)
{
    if (c->screen != NULL) {
        curs_set(1);
        endwin();
        delscreen((SCREEN *)c->screen);
        c->screen = NULL;
    }
    ui_frame_fini(&c->shown);
    c->shown_valid = false;
}

void
crt_size(const struct crt *c, int *rows, int *cols)
{
    (void)c;
    getmaxyx(stdscr, *rows, *cols);
}

int
crt_key(struct crt *c)
{
    int k;

    (void)c;
    k = wgetch(stdscr);
    switch (k) {
    case ERR:
        return -1;
    case KEY_UP:
        return UI_KEY_UP;
    case KEY_DOWN:
        return UI_KEY_DOWN;
    case KEY_PPAGE:
        return UI_KEY_PGUP;
    case KEY_NPAGE:
        return UI_KEY_PGDN;
    case KEY_HOME:
        return UI_KEY_HOME;
    case KEY_END:
        return UI_KEY_END;
    case KEY_ENTER:
    case '\r':
    case '\n':
        return UI_KEY_ENTER;
    case KEY_BACKSPACE:
        return UI_KEY_BACKSPACE;
    case KEY_RESIZE:
        return UI_KEY_RESIZE;
    default:
        return k >= KEY_MIN ? UI_KEY_OTHER : k;
    }
}

/* The curses attributes of a frame style. */
static attr_t
style_attr(const struct crt *c, unsigned style)
{
    attr_t a = A_NORMAL;

    switch ((enum ui_style)(style & ~UI_S_REVERSE)) {
    case UI_S_TITLE:
    case UI_S_HEADER:
        a = A_BOLD;
        break;
    case UI_S_DIM:
        a = A_DIM;
        break;
    case UI_S_GOOD:
        a = c->color ? COLOR_PAIR(PAIR_GREEN) : A_NORMAL;
        break;
    case UI_S_WARN:
        a = c->color ? COLOR_PAIR(PAIR_YELLOW) : A_BOLD;
        break;
    case UI_S_BAD:
    case UI_S_ERROR:
        a = (c->color ? COLOR_PAIR(PAIR_RED) : 0) | A_BOLD;
        break;
    case UI_S_NORMAL:
    case UI_S_COUNT:
        break;
    }
    if (style & UI_S_REVERSE)
        a |= A_REVERSE;
    return a;
}

/* Paint one row, one call per run of cells of the same style. */
static void
paint_row(const struct crt *c, const struct ui_frame *f, int row)
{
    wchar_t run[UI_FRAME_MAX_COLS + 1];
    int col = 0;

    while (col < f->cols) {
        const struct ui_cell *first = ui_frame_cell(f, row, col);
        int n = 0;

        while (col + n < f->cols && ui_frame_cell(f, row, col + n)->style == first->style) {
            run[n] = (wchar_t)ui_frame_cell(f, row, col + n)->ch;
            n++;
        }
        run[n] = L'\0';
        attrset(style_attr(c, first->style));
        /* The bottom-right cell makes this return ERR (the cursor cannot
         * move past it) after drawing it, which is fine. */
        mvaddnwstr(row, col, run, n);
        col += n;
    }
    attrset(A_NORMAL);
}

int
crt_paint(struct crt *c, const struct ui_frame *f, bool clear)
{
    bool all = clear || !c->shown_valid || c->shown.rows != f->rows || c->shown.cols != f->cols;

    if (all)
        erase();
    if (clear)
        clearok(curscr, TRUE);
    for (int r = 0; r < f->rows; r++) {
        if (all || !ui_frame_row_equal(&c->shown, f, r))
            paint_row(c, f, r);
    }
    wnoutrefresh(stdscr);
    doupdate();
    c->shown_valid = false;
    if (ui_frame_resize(&c->shown, f->rows, f->cols) < 0)
        return -ENOMEM;
    memcpy(c->shown.cells, f->cells, (size_t)f->rows * (size_t)f->cols * sizeof(*f->cells));
    c->shown_valid = true;
    return 0;
}

/* frame.h - an off-screen picture of the terminal: rows of cells, each a
 * character and a style.  The views build frames without curses (so tests
 * read them as text); crt.c paints them and repaints only changed rows. */
#ifndef HW_UI_FRAME_H
#define HW_UI_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest frame kept; a bigger terminal shows its top-left part. */
#define UI_FRAME_MAX_ROWS 500
#define UI_FRAME_MAX_COLS 1000

/* How a cell looks; crt.c maps styles to colours or, without colour, to
 * bold and plain text. */
enum ui_style {
    UI_S_NORMAL = 0,  /* plain text */
    UI_S_TITLE,       /* the title line */
    UI_S_HEADER,      /* column titles */
    UI_S_DIM,         /* secondary text (extra responders' details, MPLS) */
    UI_S_GOOD,        /* a reply in a strip */
    UI_S_WARN,        /* some loss, slow answers, paused */
    UI_S_BAD,         /* heavy loss, very slow answers, lost probes */
    UI_S_ERROR,       /* an error message in the status line */
    UI_S_COUNT,       /* number of styles */
};

/* Or'ed into a style: the cell is shown in reverse video (the selection). */
#define UI_S_REVERSE 0x80u

/* One character position. */
struct ui_cell {
    uint32_t ch;      /* a Unicode code point of width 1 */
    uint8_t style;    /* enum ui_style, maybe | UI_S_REVERSE */
};

struct ui_frame {
    int rows;                /* height */
    int cols;                /* width */
    struct ui_cell *cells;   /* rows * cols cells, row by row */
};

/* Make f a blank frame of rows x cols (each clamped to 0..UI_FRAME_MAX_*),
 * reusing its memory when the size is unchanged.  f must be zeroed or
 * initialised before the first call.  Returns 0 or -ENOMEM (f is then
 * empty). */
int ui_frame_resize(struct ui_frame *f, int rows, int cols);

/* Free the cells; f becomes an empty frame. */
void ui_frame_fini(struct ui_frame *f);

/* Blank every cell. */
void ui_frame_clear(struct ui_frame *f);

/* Write UTF-8 text at (row, col) in style, clipped at the right edge; cells
 * outside the frame are skipped.  Anything but printable ASCII and the
 * strip characters (U+2581..U+2588, U+00B7) is written as '?', so a hostile
 * name can neither send escape sequences nor misalign columns.  Returns the
 * column after the text (as if it had not been clipped). */
int ui_frame_put(struct ui_frame *f, int row, int col, const char *text, unsigned style);

/* The same, right-aligned so that the text ends just before column end. */
int ui_frame_put_right(struct ui_frame *f, int row, int end, const char *text, unsigned style);

/* Or flags (UI_S_REVERSE) into the style of n cells of row from col. */
void ui_frame_mark(struct ui_frame *f, int row, int col, int n, unsigned flags);

/* Row row as UTF-8 without trailing blanks, into buf (len bytes; cut if
 * short).  Returns buf. */
char *ui_frame_text(const struct ui_frame *f, int row, char *buf, size_t len);

/* True when row row of a and b (same width) hold the same cells. */
bool ui_frame_row_equal(const struct ui_frame *a, const struct ui_frame *b, int row);

/* The cell at (row, col), or NULL outside the frame. */
const struct ui_cell *ui_frame_cell(const struct ui_frame *f, int row, int col);

/* Columns text takes on screen (code points; invalid bytes count one each,
 * as ui_frame_put writes them). */
int ui_text_width(const char *text);

#endif

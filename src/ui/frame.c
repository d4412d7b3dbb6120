/* frame.c - the off-screen picture of the terminal.  See frame.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ui/frame.h"

/* Decode one UTF-8 sequence at s into *cp; returns the bytes it took (at
 * least 1).  Malformed or overlong sequences decode as U+FFFD, one byte. */
static size_t
utf8_next(const char *s, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    uint32_t c;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        c = p[0] & 0x1fu;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        c = p[0] & 0x0fu;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        c = p[0] & 0x07u;
    } else {
        *cp = 0xfffd;
        return 1;
    }
    /* Each continuation byte is checked before the next is read, so the
     * string's NUL stops the walk. */
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        c = (c << 6) | (p[i] & 0x3fu);
    }
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000)) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = c;
    return n;
}

/* What is drawn for code point c: itself when it is one of ours. */
static uint32_t
safe_char(uint32_t c)
{
    if (c >= 0x20 && c < 0x7f)
        return c;
    if ((c >= 0x2581 && c <= 0x2588) || c == 0xb7)
        return c;
    return '?';
}

int
ui_frame_resize(struct ui_frame *f, int rows, int cols)
{
    rows = rows < 0 ? 0 : rows > UI_FRAME_MAX_ROWS ? UI_FRAME_MAX_ROWS : rows;
    cols = cols < 0 ? 0 : cols > UI_FRAME_MAX_COLS ? UI_FRAME_MAX_COLS : cols;
    if (f->cells == NULL || f->rows != rows || f->cols != cols) {
        struct ui_cell *c = calloc((size_t)rows * (size_t)cols + 1, sizeof(*c));

        free(f->cells);
        f->cells = c;
        f->rows = c != NULL ? rows : 0;
        f->cols = c != NULL ? cols : 0;
        if (c == NULL)
            return -ENOMEM;
    }
    ui_frame_clear(f);
    return 0;
}

void
ui_frame_fini(struct ui_frame *f)
{
    free(f->cells);
    f->cells = NULL;
    f->rows = f->cols = 0;
}

void
ui_frame_clear(struct ui_frame *f)
{
    size_t n = (size_t)f->rows * (size_t)f->cols;

    for (size_t i = 0; i < n; i++) {
        f->cells[i].ch = ' ';
        f->cells[i].style = UI_S_NORMAL;
    }
}

int
ui_frame_put(struct ui_frame *f, int row, int col, const char *text, unsigned style)
{
    uint32_t cp;

    while (*text != '\0') {
        text += utf8_next(text, &cp);
        if (row >= 0 && row < f->rows && col >= 0 && col < f->cols) {
            struct ui_cell *c = &f->cells[(size_t)row * (size_t)f->cols + (size_t)col];

            c->ch = safe_char(cp);
            c->style = (uint8_t)style;
        }
        col++;
    }
    return col;
}

int
ui_frame_put_right(struct ui_frame *f, int row, int end, const char *text, unsigned style)
{
    return ui_frame_put(f, row, end - ui_text_width(text), text, style);
}

void
ui_frame_mark(struct ui_frame *f, int row, int col, int n, unsigned flags)
{
    if (row < 0 || row >= f->rows)
        return;
    for (int i = col < 0 ? 0 : col; i < col + n && i < f->cols; i++)
        f->cells[(size_t)row * (size_t)f->cols + (size_t)i].style |= (uint8_t)flags;
}

/* Encode c as UTF-8 into out (4 bytes); returns the length. */
static size_t
utf8_put(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    out[0] = (char)(0xe0 | (c >> 12));
    out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[2] = (char)(0x80 | (c & 0x3f));
    return 3;
}

char *
ui_frame_text(const struct ui_frame *f, int row, char *buf, size_t len)
{
    size_t used = 0, keep = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (row < 0 || row >= f->rows)
        return buf;
    for (int i = 0; i < f->cols; i++) {
        char u[4];
        size_t n = utf8_put(f->cells[(size_t)row * (size_t)f->cols + (size_t)i].ch, u);

        if (used + n + 1 > len)
            break;
        memcpy(buf + used, u, n);
        used += n;
        if (!(n == 1 && u[0] == ' '))
            keep = used;
    }
    buf[keep] = '\0';
    return buf;
}

bool
ui_frame_row_equal(const struct ui_frame *a, const struct ui_frame *b, int row)
{
    if (a->cols != b->cols || row < 0 || row >= a->rows || row >= b->rows)
        return false;
    for (int i = 0; i < a->cols; i++) {
        const struct ui_cell *x = &a->cells[(size_t)row * (size_t)a->cols + (size_t)i];
        const struct ui_cell *y = &b->cells[(size_t)row * (size_t)b->cols + (size_t)i];

        if (x->ch != y->ch || x->style != y->style)
            return false;
    }
    return true;
}

const struct ui_cell *
ui_frame_cell(const struct ui_frame *f, int row, int col)
{
    if (row < 0 || row >= f->rows || col < 0 || col >= f->cols)
        return NULL;
    return &f->cells[(size_t)row * (size_t)f->cols + (size_t)col];
}

int
ui_text_width(const char *text)
{
    uint32_t cp;
    int n = 0;

    while (*text != '\0') {
        text += utf8_next(text, &cp);
        n++;
    }
    return n;
}

/* state.c - the screen's own state.  See state.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/state.h"

int
ui_state_init(struct ui_state *st, size_t ntargets, const char *order, bool names, bool utf8,
              double min_interval_s, int64_t now_ms, char *err, size_t errlen)
{
    const struct column *cols[COLUMNS_MAX];

    memset(st, 0, sizeof(*st));
    if (order == NULL)
        order = COLUMNS_DEFAULT;
    if (strlen(order) > COLUMNS_MAX) {
        snprintf(err, errlen, "too many fields in order '%s'", order);
        return -1;
    }
    if (columns_parse(order, cols, COLUMNS_MAX, err, errlen) < 0)
        return -1;
    snprintf(st->order, sizeof(st->order), "%s", order);
    st->ntargets = ntargets;
    st->view = ntargets > 1 ? UI_VIEW_HOSTS : UI_VIEW_TRACE;
    st->names = names;
    st->utf8 = utf8;
    st->min_interval_s = min_interval_s;
    st->start_ms = now_ms;
    st->page = 1;
    return 0;
}

static bool
has(const struct column *const *cols, size_t n, char key)
{
    for (size_t i = 0; i < n; i++) {
        if (cols[i]->key == key)
            return true;
    }
    return false;
}

/* Add the column of key unless it is there: before the trailing hop-only
 * columns (Fwd%, Verdict), so that they stay last, where a narrow screen
 * drops them first. */
static size_t
add(const struct column **cols, size_t n, char key)
{
    size_t at = n;

    if (n >= COLUMNS_MAX || has(cols, n, key))
        return n;
    while (at > 0 && cols[at - 1]->format_row != NULL)
        at--;
    memmove(cols + at + 1, cols + at, (n - at) * sizeof(*cols));
    cols[at] = column_by_key(key);
    return n + 1;
}

size_t
ui_state_columns(const struct ui_state *st, enum ui_view_kind view, const struct column **out)
{
    char err[128];
    int r = columns_parse(st->order, out, COLUMNS_MAX, err, sizeof(err));
    size_t n = r > 0 ? (size_t)r : 0;

    if (st->jitter) {
        n = add(out, n, 'J');
        n = add(out, n, 'M');
        n = add(out, n, 'X');
        n = add(out, n, 'I');
    }
    /* A target's row is not a hop: where a hop's loss comes from does not
     * apply to it. */
    if (view == UI_VIEW_HOSTS) {
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
            if (out[i]->format_row == NULL)
                out[k++] = out[i];
        }
        n = k;
    }
    if (view == UI_VIEW_HOSTS && !has(out, n, 'J') && !has(out, n, 'M') && !has(out, n, 'X') &&
        !has(out, n, 'I'))
        n = add(out, n, 'M');
    return n;
}

void
ui_state_message(struct ui_state *st, bool error, int64_t now_ms, int64_t ms, const char *fmt,
                 ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(st->status, sizeof(st->status), fmt, ap);
    va_end(ap);
    st->status_error = error;
    st->status_until_ms = now_ms + ms;
}

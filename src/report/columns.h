/* columns.h - the statistics columns, one table shared by the text report,
 * the CSV writer and the interactive screen, so titles, widths, order and
 * number formats agree everywhere.  Letters follow mtr's --order. */
#ifndef HW_REPORT_COLUMNS_H
#define HW_REPORT_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include <hopwatch/pmtu.h>
#include <hopwatch/stats.h>
#include <hopwatch/trace.h>

/* Room for any formatted cell (the longest is a verdict), with its NUL. */
#define COLUMN_CELL 32

/* mtr's default order: Loss%, Snt, Last, Avg, Best, Wrst, StDev. */
#define COLUMNS_MTR "LSNABWV"
/* The default for traces: mtr's, then where the loss comes from (Fwd%,
 * and the verdict), so mtr's columns keep their places. */
#define COLUMNS_DEFAULT "LSNABWVFK"
/* The default with --mtu: the MTU column before the loss's origin (the
 * verdict stays last: its text has no fixed width). */
#define COLUMNS_PMTU "LSNABWVUFK"

/* Most columns in one order string. */
#define COLUMNS_MAX 16

/* What a column's value measures, so a screen can colour it by one rule
 * per kind (thresholds for loss and latency). */
enum column_kind {
    COLUMN_COUNT = 0,   /* a probe count (Snt, Rcv, Drop) */
    COLUMN_LOSS,        /* a loss percentage (Loss%) */
    COLUMN_RTT,         /* a round-trip time (Last, Best, Avg, Wrst) */
    COLUMN_SPREAD,      /* a variation of RTTs (StDev, the jitter columns) */
    COLUMN_TEXT,        /* words (the verdict) */
};

/* What one row of a table shows. */
struct column_row {
    const struct hw_stats *stats;  /* the row's statistics, never NULL */
    const struct hw_hop *hop;      /* a trace's hop row: the hop (for its loss
                                      attribution); NULL for a responder line
                                      under a hop and for a target row */
    const struct hw_pmtu_result *pmtu; /* a hop row of a trace with --mtu: the
                                      target's path MTU search, else NULL */
};

struct column {
    char key;           /* letter in an order string (-o) */
    const char *name;   /* stable machine name (CSV header) */
    const char *title;  /* header on screen and in the text report */
    int width;          /* cell width */
    bool left;          /* left-aligned (text); numbers are right-aligned */
    enum column_kind kind; /* what column_value() measures */
    /* How: from the row's stats, or from the whole row (attribution
     * columns).  Call column_cell() and column_value(), not these. */
    void (*format_stats)(const struct hw_stats *s, char *buf, size_t len);
    double (*value_stats)(const struct hw_stats *s);
    void (*format_row)(const struct column_row *r, char *buf, size_t len);
    double (*value_row)(const struct column_row *r);
};

/* Write c's cell for row r into buf (COLUMN_CELL bytes): "-" when there is
 * no value yet, "" when the column does not apply (a responder's Loss% or
 * Snt: its stats count answers only; attribution on a row that is not a
 * hop). */
void column_cell(const struct column *c, const struct column_row *r, char *buf, size_t len);

/* The number behind the cell: nanoseconds for times, percent for Loss% and
 * Fwd%, the count for counts, the verdict (enum hw_verdict) for K; -1 when
 * the cell shows no number. */
double column_value(const struct column *c, const struct column_row *r);

/* A stats-only row (responders, targets). */
static inline struct column_row
column_row_of(const struct hw_stats *s)
{
    struct column_row r = {s, NULL, NULL};

    return r;
}

/* The column with letter key, or NULL. */
const struct column *column_by_key(char key);

/* Parse an order string ("LSNABWV") into up to max columns.  Returns the
 * number of columns, or -1 with a one-line message in err for an unknown
 * letter, a repeated one, or an empty string. */
int columns_parse(const char *order, const struct column **out, size_t max, char *err,
                  size_t errlen);

/* All the columns, in table order (for help screens); count in *n. */
const struct column *columns_all(size_t *n);

/* Format a time in nanoseconds as milliseconds for a cell: three decimals
 * (microseconds) below 1 ms, two below 10 ms, one below 1000 ms, none above;
 * "-" when ns < 0. */
void column_format_ms(double ns, char *buf, size_t len);

#endif

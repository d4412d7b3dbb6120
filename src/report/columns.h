/* columns.h - the statistics columns, one table shared by the text report,
 * the CSV writer and the interactive screen, so titles, widths, order and
 * number formats agree everywhere.  Letters follow mtr's --order. */
#ifndef HW_REPORT_COLUMNS_H
#define HW_REPORT_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include <hopwatch/stats.h>

/* Room for any formatted cell, with its NUL. */
#define COLUMN_CELL 16

/* mtr's default order: Loss%, Snt, Last, Avg, Best, Wrst, StDev. */
#define COLUMNS_DEFAULT "LSNABWV"

/* Most columns in one order string. */
#define COLUMNS_MAX 16

/* What a column's value measures, so a screen can colour it by one rule
 * per kind (thresholds for loss and latency). */
enum column_kind {
    COLUMN_COUNT = 0,   /* a probe count (Snt, Rcv, Drop) */
    COLUMN_LOSS,        /* a loss percentage (Loss%) */
    COLUMN_RTT,         /* a round-trip time (Last, Best, Avg, Wrst) */
    COLUMN_SPREAD,      /* a variation of RTTs (StDev, the jitter columns) */
};

struct column {
    char key;           /* letter in an order string (-o) */
    const char *name;   /* stable machine name (CSV header) */
    const char *title;  /* header on screen and in the text report */
    int width;          /* cell width, right-aligned */
    /* Write the cell for s into buf (COLUMN_CELL bytes); "-" when there is
     * no value yet, "" when the column does not apply (a responder's Loss%
     * or Snt: its stats count answers only, sent == 0). */
    void (*format)(const struct hw_stats *s, char *buf, size_t len);
    enum column_kind kind; /* what value() measures */
    /* The number behind the cell: nanoseconds for times, percent for
     * Loss%, the count for counts; -1 when the cell shows no number. */
    double (*value)(const struct hw_stats *s);
};

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

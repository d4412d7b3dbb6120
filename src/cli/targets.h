/* targets.h - where hopwatch's targets come from: command-line words, target
 * files (-F) and address ranges (-g).  The line parser and the range
 * expander are pure (no I/O) so they can be unit-tested and fuzzed;
 * cli_targets_read() and cli_targets_gather() are the only functions that
 * read a file. */
#ifndef HW_CLI_TARGETS_H
#define HW_CLI_TARGETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <hopwatch/addr.h>

#include "cli/options.h"

/* Most addresses one -g range may expand to: 2^17, the order of magnitude
 * fping allows, so an IPv4 /15 or an IPv6 /111 is the largest prefix. */
#define CLI_RANGE_MAX 131072

/* Room for one target word with its NUL: a host name has at most 253
 * characters; an IPv6 address with a scope is shorter. */
#define CLI_TARGET_MAX 256

/* Bounds of a target file (-F), which is untrusted input: a line holds at
 * most CLI_LINE_MAX bytes (its newline not counted) and a file at most
 * CLI_FILE_MAX_LINES lines, so reading one costs bounded time and memory
 * (a million targets is ten times what the ping engine is tested with). */
#define CLI_LINE_MAX 4096
#define CLI_FILE_MAX_LINES 1048576

/* What one line of a target file holds. */
enum cli_line {
    CLI_LINE_BAD = -1,   /* not a target: the reason is in why */
    CLI_LINE_EMPTY = 0,  /* blank, or only a comment */
    CLI_LINE_TARGET = 1, /* one target, copied out */
};

/* Parse one line of a target file: len bytes at line (NUL bytes included,
 * no need for a terminator; a trailing newline or CR is whitespace).
 * Whitespace around the target is ignored and '#' starts a comment that
 * runs to the end of the line.  The target must be a single word: a
 * numeric IPv4 or IPv6 address (a %scope allowed) or a host name (RFC
 * 1123).  Returns CLI_LINE_TARGET with the word in out (outlen >= 2; a
 * word that does not fit is CLI_LINE_BAD), CLI_LINE_EMPTY, or CLI_LINE_BAD
 * with a one-line reason in why (printable ASCII only: the line's bytes
 * are never echoed raw). */
enum cli_line cli_target_line(const char *line, size_t len, char *out, size_t outlen,
                              char *why, size_t whylen);

/* An address range: count consecutive addresses from first. */
struct cli_range {
    struct hw_addr first;    /* the first address */
    uint64_t count;          /* how many, 1..the max given to cli_range_parse */
};

/* Parse a -g range.  With end == NULL, start is a CIDR prefix
 * ("198.19.0.0/24", "2001:2:0:100::/116"; host bits are ignored): for IPv4
 * prefixes shorter than /31 the network and broadcast addresses are left
 * out, as fping does; /31 and /32 and every IPv6 prefix give all their
 * addresses.  Otherwise start and end are the first and last address,
 * inclusive, of one family.  At most max addresses (> 0).  Returns 0, or
 * -1 with a one-line reason in why (bad address or prefix, families that
 * differ, start after end, more than max addresses). */
int cli_range_parse(const char *start, const char *end, uint64_t max, struct cli_range *out,
                    char *why, size_t whylen);

/* Address i (0 <= i < r->count) of the range. */
void cli_range_addr(const struct cli_range *r, uint64_t i, struct hw_addr *out);

/* A list of target words, in order.  The words live in a pool of large
 * blocks, so 100,000 targets cost 100,000 pointers and their bytes, not
 * 100,000 allocations. */
struct cli_target_list {
    const char **names;      /* the targets, in order */
    size_t n;                /* targets in names */
    size_t cap;              /* room in names */
    struct cli_pool_block *pool; /* the blocks holding the words (newest first) */
};

/* An empty list (a zeroed struct is one too). */
void cli_targets_init(struct cli_target_list *l);

/* Free the list's memory. */
void cli_targets_free(struct cli_target_list *l);

/* Append a copy of name.  Returns 0 or -ENOMEM. */
int cli_targets_add(struct cli_target_list *l, const char *name);

/* Append every address of r in text form.  Returns 0 or -ENOMEM. */
int cli_targets_add_range(struct cli_target_list *l, const struct cli_range *r);

/* Read a target file from in (named fname in messages), one target per
 * line as cli_target_line() says, appending the good ones.  Each bad line
 * is reported on err as "hopwatch: FNAME:LINE: why" and skipped; *bad gets
 * how many there were.  A line longer than CLI_LINE_MAX bytes or more than
 * CLI_FILE_MAX_LINES lines stop the reading: "hopwatch: FNAME:LINE: line
 * longer than 4096 bytes" or "hopwatch: FNAME: more than 1048576 lines" on
 * err and -E2BIG.  Returns 0, -E2BIG, -ENOMEM, or -errno of a read error. */
int cli_targets_read(struct cli_target_list *l, FILE *in, const char *fname, FILE *err,
                     size_t *bad);

/* Gather every target of a run into l: the command-line words (or, with
 * -g, the range r), then each -F file in the order given ("-" is standard
 * input).  Messages go to err.  Returns 0 (with *bad_lines set: lines
 * reported and skipped), or the exit code after printing why: CLI_EXIT_SYSTEM
 * for a file that cannot be read or no memory, CLI_EXIT_USAGE for a file
 * over the bounds (CLI_LINE_MAX, CLI_FILE_MAX_LINES) or when there is no
 * target at all and no line was bad, CLI_EXIT_NAME when there is none
 * because every line was bad. */
int cli_targets_gather(const struct cli_options *o, const struct cli_range *r,
                       struct cli_target_list *l, FILE *err, size_t *bad_lines);

#endif

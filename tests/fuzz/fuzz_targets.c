/* fuzz_targets.c - libFuzzer harness for the target parsers of
 * src/cli/targets.c: cli_target_line on every line of the input, the whole
 * input read as a target file (cli_targets_read), and its first line as a
 * -g range (cli_range_parse, "START END" or a prefix) with the addresses
 * it expands to.
 */
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>

#include <hopwatch/addr.h>

#include "cli/targets.h"
#include "fuzz.h"

/* Range cap for the harness: small, so that expanding a range stays fast
 * (the rules do not depend on the cap's size). */
#define FUZZ_RANGE_MAX 1024

/* Whitespace as the line parser sees it. */
static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A message: one line of printable ASCII, not empty. */
static void check_message(const char *why)
{
    FUZZ_CHECK(why[0] != '\0');
    for (const char *p = why; *p != '\0'; p++)
        FUZZ_CHECK(*p >= 0x20 && *p < 0x7f);
}

/* One line: the result agrees with the line's words. */
static void check_line(const char *line, size_t len)
{
    char out[CLI_TARGET_MAX], why[256];
    struct hw_addr a;
    enum cli_line kind = cli_target_line(line, len, out, sizeof(out), why, sizeof(why));
    size_t content = len;
    bool blank = true;

    for (size_t i = 0; i < len; i++) {
        if (line[i] == '#') {
            content = i;
            break;
        }
    }
    for (size_t i = 0; i < content; i++)
        blank = blank && is_space((unsigned char)line[i]);
    switch (kind) {
    case CLI_LINE_EMPTY:
        FUZZ_CHECK(blank);
        break;
    case CLI_LINE_TARGET: {
        size_t n = strlen(out);

        FUZZ_CHECK(!blank);
        FUZZ_CHECK(n > 0 && n <= 253);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(!is_space((unsigned char)out[i]) && out[i] != '#');
        FUZZ_CHECK(hw_addr_parse(out, &a) == 0 || hw_is_hostname(out));
        /* The word is in the line, and parsing it alone gives it back. */
        FUZZ_CHECK(memmem(line, content, out, n) != NULL);
        {
            char again[CLI_TARGET_MAX];

            FUZZ_CHECK(cli_target_line(out, n, again, sizeof(again), why, sizeof(why)) ==
                       CLI_LINE_TARGET);
            FUZZ_CHECK(strcmp(again, out) == 0);
        }
        break;
    }
    case CLI_LINE_BAD:
        FUZZ_CHECK(!blank);
        FUZZ_CHECK(out[0] == '\0');
        check_message(why);
        break;
    default:
        FUZZ_CHECK(false);
    }
}

/* The address's bytes, 4 or 16 of them. */
static size_t bytes_of(const struct hw_addr *a, uint8_t b[16])
{
    if (a->family == AF_INET) {
        memcpy(b, &a->u.v4, 4);
        return 4;
    }
    memcpy(b, &a->u.v6, 16);
    return 16;
}

/* A range: within the cap, one family, addresses strictly increasing by
 * one; a prefix's addresses share the prefix. */
static void check_range(const char *start, const char *end)
{
    struct cli_range r;
    char why[256];
    uint8_t prev[16], cur[16];
    size_t n = 0;

    if (cli_range_parse(start, end, FUZZ_RANGE_MAX, &r, why, sizeof(why)) < 0) {
        check_message(why);
        return;
    }
    FUZZ_CHECK(r.count >= 1 && r.count <= FUZZ_RANGE_MAX);
    FUZZ_CHECK(r.first.family == AF_INET || r.first.family == AF_INET6);
    for (uint64_t i = 0; i < r.count; i++) {
        struct hw_addr a;

        cli_range_addr(&r, i, &a);
        FUZZ_CHECK(a.family == r.first.family && a.scope_id == r.first.scope_id);
        n = bytes_of(&a, cur);
        if (i > 0) {
            /* cur == prev + 1, big-endian. */
            size_t k = n;

            while (k > 0 && cur[k - 1] == 0 && prev[k - 1] == 0xff)
                k--;
            FUZZ_CHECK(k > 0 && cur[k - 1] == prev[k - 1] + 1);
            FUZZ_CHECK(memcmp(cur, prev, k - 1) == 0);
        }
        memcpy(prev, cur, n);
    }
    if (end != NULL) {
        struct hw_addr last;

        FUZZ_CHECK(hw_addr_parse(end, &last) == 0);
        bytes_of(&last, cur);
        FUZZ_CHECK(memcmp(prev, cur, n) == 0);
    }
}

/* The whole input as a target file: every target it keeps is a good line,
 * and targets plus bad lines never exceed the lines; it is refused
 * (-E2BIG, one more message line) exactly when a line is longer than
 * CLI_LINE_MAX bytes. */
static void check_file(const uint8_t *data, size_t size)
{
    struct cli_target_list l;
    char *errtext = NULL;
    size_t errlen = 0, bad = 0, lines = 1, run = 0;
    bool too_long = false;
    FILE *in, *err;
    int rc;

    if (size == 0)
        return;
    for (size_t i = 0; i < size; i++) {
        lines += data[i] == '\n';
        run = data[i] == '\n' ? 0 : run + 1;
        too_long = too_long || run > CLI_LINE_MAX;
    }
    in = fmemopen((void *)data, size, "r");
    err = open_memstream(&errtext, &errlen);
    if (in == NULL || err == NULL)
        abort();
    cli_targets_init(&l);
    rc = cli_targets_read(&l, in, "fuzz", err, &bad);
    fclose(in);
    fclose(err);
    FUZZ_CHECK(rc == (too_long ? -E2BIG : 0));
    FUZZ_CHECK(l.n + bad <= lines);
    for (size_t i = 0; i < l.n; i++) {
        char out[CLI_TARGET_MAX], why[256];

        FUZZ_CHECK(cli_target_line(l.names[i], strlen(l.names[i]), out, sizeof(out), why,
                                   sizeof(why)) == CLI_LINE_TARGET);
    }
    /* One message line per bad line. */
    {
        size_t nl = 0;

        for (size_t i = 0; i < errlen; i++)
            nl += errtext[i] == '\n';
        FUZZ_CHECK(nl == bad + too_long);
    }
    free(errtext);
    cli_targets_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t start = 0;
    char *first;

    /* Every line on its own (exactly its bytes: no terminator to lean on). */
    for (size_t i = 0; i <= size; i++) {
        if (i == size || data[i] == '\n') {
            char *line = malloc(i - start + 1);

            if (line == NULL)
                abort();
            memcpy(line, text + start, i - start);
            check_line(line, i - start);
            free(line);
            start = i + 1;
        }
    }
    check_file(data, size);

    /* The first line (up to a NUL) as a range: "START END" or a prefix. */
    first = fuzz_cstr(data, size);
    first[strcspn(first, "\n")] = '\0';
    if (strlen(first) <= 200) {
        char *space = strchr(first, ' ');

        if (space != NULL) {
            *space = '\0';
            check_range(first, space + 1);
        } else {
            check_range(first, NULL);
        }
    }
    free(first);
    return 0;
}

/* fuzz_options.c - libFuzzer harness for cli_options_parse and the number
 * parsers.  The input is split on NUL bytes into argv[1..] (argv[0] is
 * "hopwatch"); it is parsed twice, on fresh copies of the argv array (GNU
 * getopt permutes it), and both parses must agree: getopt keeps state in
 * globals, and cli_options_parse has to reset all of it.  The result is
 * checked against the documented ranges.
 */
#include <math.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "cli/exitcode.h"
#include "cli/options.h"
#include "fuzz.h"

/* Most argv strings taken from one input; the rest of it is dropped. */
#define MAX_ARGS 32

/* Error buffer size, as in main(). */
#define ERR_LEN 256

/* One parse: its return, its message and its options. */
struct parse {
    int rc;                    /* cli_options_parse's return */
    char err[ERR_LEN];         /* its message ("" when none) */
    struct cli_options o;      /* what it filled in */
    char *argv[MAX_ARGS + 2];  /* the argv array it was given (and permuted) */
};

static void run(struct parse *p, int argc, char *const *args)
{
    memcpy(p->argv, args, sizeof(p->argv));
    memset(p->err, 0, sizeof(p->err));
    cli_options_init(&p->o);
    p->rc = cli_options_parse(&p->o, argc, p->argv, p->err, sizeof(p->err));
}

/* Both parses agree on everything, targets compared as strings. */
static bool same(const struct parse *a, const struct parse *b)
{
    const struct cli_options *x = &a->o, *y = &b->o;

    if (a->rc != b->rc || strcmp(a->err, b->err) != 0)
        return false;
    if (x->output != y->output || x->cycles != y->cycles || x->interval_s != y->interval_s
        || x->timeout_s != y->timeout_s || x->first_ttl != y->first_ttl
        || x->max_ttl != y->max_ttl || x->max_unknown != y->max_unknown
        || x->family != y->family || x->numeric != y->numeric || x->wide != y->wide
        || x->payload_size != y->payload_size || x->tos != y->tos || x->help != y->help
        || x->version != y->version || x->method != y->method || x->port != y->port
        || x->privilege != y->privilege || x->mark != y->mark || x->pattern != y->pattern
        || x->dont_fragment != y->dont_fragment)
        return false;
    if ((x->source == NULL) != (y->source == NULL) || (x->device == NULL) != (y->device == NULL)
        || (x->source != NULL && strcmp(x->source, y->source) != 0)
        || (x->device != NULL && strcmp(x->device, y->device) != 0))
        return false;
    if (a->rc != 0 || x->help || x->version)
        return true;
    if (x->ntargets != y->ntargets)
        return false;
    for (size_t i = 0; i < x->ntargets; i++) {
        if (strcmp(x->targets[i], y->targets[i]) != 0)
            return false;
    }
    return true;
}

/* A successful parse is within every documented range. */
static void check_result(const struct parse *p, int argc)
{
    const struct cli_options *o = &p->o;

    if (p->rc != 0) {
        FUZZ_CHECK(p->rc == CLI_EXIT_USAGE);
        FUZZ_CHECK(p->err[0] != '\0');
        FUZZ_CHECK(strncmp(p->err, "hopwatch:", 9) != 0);
        return;
    }
    FUZZ_CHECK(o->output == CLI_OUT_TUI || o->output == CLI_OUT_TEXT
               || o->output == CLI_OUT_JSON || o->output == CLI_OUT_CSV
               || o->output == CLI_OUT_JSONL);
    FUZZ_CHECK(o->cycles <= 1000000000);
    FUZZ_CHECK(o->interval_s >= 0.001 && o->interval_s <= 3600);
    FUZZ_CHECK(o->timeout_s >= 0.001 && o->timeout_s <= 3600);
    FUZZ_CHECK(o->first_ttl >= 1 && o->first_ttl <= 255);
    FUZZ_CHECK(o->max_ttl >= 1 && o->max_ttl <= 255);
    FUZZ_CHECK(o->max_unknown >= 1 && o->max_unknown <= 255);
    FUZZ_CHECK(o->family == AF_UNSPEC || o->family == AF_INET || o->family == AF_INET6);
    FUZZ_CHECK(o->payload_size <= 65000);
    FUZZ_CHECK(o->tos >= 0 && o->tos <= 255);
    FUZZ_CHECK(o->pps >= 0 && o->pps <= 1000000);
    FUZZ_CHECK(o->summary_interval_s >= 0.1 && o->summary_interval_s <= 86400);
    FUZZ_CHECK(o->nfiles <= CLI_FILES_MAX);
    for (size_t i = 0; i < o->nfiles; i++)
        FUZZ_CHECK(o->files[i] != NULL && o->files[i][0] != '\0');
    FUZZ_CHECK(o->log_path == NULL
               || (o->log_path[0] != '\0' && strcmp(o->log_path, "-") != 0));
    if (o->help || o->version)
        return;
    /* -c 0 (until stopped) only for the stream; --ping is a batch mode. */
    FUZZ_CHECK(o->cycles >= 1 || o->output == CLI_OUT_JSONL);
    FUZZ_CHECK(!o->ping || o->output != CLI_OUT_TUI);
    FUZZ_CHECK(!o->generate || (o->ntargets >= 1 && o->ntargets <= 2));
    FUZZ_CHECK(o->first_ttl <= o->max_ttl);
    /* Targets from the arguments, or from -F files only. */
    FUZZ_CHECK((o->ntargets >= 1 || o->nfiles >= 1) && o->ntargets < (size_t)argc);
    FUZZ_CHECK(o->targets >= p->argv + 1 && o->targets + o->ntargets == p->argv + argc);
    for (size_t i = 0; i < o->ntargets; i++)
        FUZZ_CHECK(o->targets[i] != NULL && o->targets[i][0] != '\0');
}

/* The number parsers on one string: in range on success, a message
 * naming the option otherwise (unless the value quoted before the name
 * fills the buffer), *out untouched. */
static void check_numbers(const char *s)
{
    char err[ERR_LEN];
    double d = -7.5;
    long long n = -7;

    err[0] = '\0';
    if (cli_parse_number(s, 0.001, 3600, "-i", &d, err, sizeof(err)) == 0) {
        FUZZ_CHECK(isfinite(d) && d >= 0.001 && d <= 3600);
    } else {
        FUZZ_CHECK(d == -7.5);
        FUZZ_CHECK(strncmp(err, "invalid value '", 15) == 0);
        FUZZ_CHECK(strlen(s) > ERR_LEN / 2 || strstr(err, "for -i") != NULL);
    }
    err[0] = '\0';
    if (cli_parse_int(s, -5, 65000, "-s", &n, err, sizeof(err)) == 0) {
        FUZZ_CHECK(n >= -5 && n <= 65000);
        /* A whole number: no fraction, no exponent. */
        FUZZ_CHECK(strpbrk(s, ".eE") == NULL);
    } else {
        FUZZ_CHECK(n == -7);
        FUZZ_CHECK(strncmp(err, "invalid value '", 15) == 0);
        FUZZ_CHECK(strlen(s) > ERR_LEN / 2 || strstr(err, "for -s") != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char prog[] = "hopwatch";
    char *text = fuzz_cstr(data, size);
    char *args[MAX_ARGS + 2];
    struct parse *a, *b;
    int argc = 1;
    size_t i = 0;

    /* argv[1..]: the NUL-separated strings of the input (a final NUL does
     * not start another, empty, one). */
    memset(args, 0, sizeof(args));
    args[0] = (char *)prog;
    while (i < size && argc <= MAX_ARGS) {
        args[argc++] = text + i;
        i += strlen(text + i) + 1;
    }

    a = calloc(1, sizeof(*a));
    b = calloc(1, sizeof(*b));
    if (a == NULL || b == NULL)
        abort();
    run(a, argc, args);
    run(b, argc, args);
    check_result(a, argc);
    FUZZ_CHECK(same(a, b));
    for (int k = 1; k < argc; k++)
        check_numbers(args[k]);

    free(a);
    free(b);
    free(text);
    return 0;
}

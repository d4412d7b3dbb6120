/* stream.c - the JSON-lines stream (--jsonl, --log): one JSON object per
 * line.  Each record is formatted into memory first and then written with
 * one write(2), so a reader never sees half a record; a write that stops
 * part-way (a full disk, a file size limit) is cut back off a file, so that
 * the log never ends in a torn line.  The first write error is kept and
 * ends the stream.  Records are described in doc/json-schema.md. */
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include <hopwatch/hopwatch.h>

#include "report/json.h"
#include "report/report.h"

struct report_stream {
    FILE *f;          /* where the lines go (the caller's) */
    int error;        /* the first write error (-errno), or 0 */
    FILE *mem;        /* the record being formatted (open_memstream) */
    char *buf;        /* its bytes, once mem is closed */
    size_t len;       /* their count */
};

struct report_stream *
report_stream_new(FILE *f)
{
    struct report_stream *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return NULL;
    s->f = f;
    /* Whole lines reach the file as they are finished. */
    setvbuf(f, NULL, _IOLBF, 0);
    return s;
}

void
report_stream_free(struct report_stream *s)
{
    free(s);
}

int
report_stream_error(const struct report_stream *s)
{
    return s->error;
}

static void
time_member(struct json *j, const char *key, int64_t t_ns)
{
    char buf[40];

    json_key(j, key);
    json_format_time(t_ns, buf, sizeof(buf));
    json_string(j, buf);
}

/* Open a record of type, formatted in memory: false (write nothing) after
 * a write error. */
static bool
begin(struct report_stream *s, struct json *j, const char *type)
{
    if (s->error != 0)
        return false;
    s->buf = NULL;
    s->len = 0;
    s->mem = open_memstream(&s->buf, &s->len);
    if (s->mem == NULL) {
        s->error = -ENOMEM;
        return false;
    }
    json_init(j, s->mem, false);
    json_object_begin(j);
    json_key(j, "type");
    json_string(j, type);
    return true;
}

/* Write the line [buf, buf + len) whole or not at all.  On a descriptor:
 * one write(2) (more only if the kernel takes part of it, as a pipe may);
 * if a later part fails, a file is truncated back to where the line began
 * (so a full disk leaves whole lines only) and the stream has failed.  A
 * pipe cannot be taken back, but a reader of a pipe is gone when it
 * fails.  A FILE without a descriptor (a memory stream) gets fwrite. */
static int
write_line(FILE *f, const char *buf, size_t len)
{
    int fd = fileno(f);
    size_t done = 0;
    off_t start;

    if (fd < 0) {
        if (fwrite(buf, 1, len, f) != len || fflush(f) != 0)
            return -(errno ? errno : EIO);
        return 0;
    }
    /* Anything the caller left in f's buffer goes first. */
    if (fflush(f) != 0)
        return -(errno ? errno : EIO);
    start = lseek(fd, 0, SEEK_CUR);
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = n < 0 ? errno : EIO;

            if (done > 0 && start >= 0 && ftruncate(fd, start) == 0)
                (void)lseek(fd, start, SEEK_SET);
            return -err;
        }
        done += (size_t)n;
    }
    return 0;
}

/* Close the record, end its line, and write it out whole. */
static int
end(struct report_stream *s, struct json *j)
{
    json_object_end(j);
    fputc('\n', s->mem);
    if (fclose(s->mem) != 0 || s->buf == NULL)
        s->error = -ENOMEM;
    else
        s->error = write_line(s->f, s->buf, s->len);
    s->mem = NULL;
    free(s->buf);
    s->buf = NULL;
    return s->error;
}

int
report_stream_start(struct report_stream *s, const struct report_run *r)
{
    char addr[HW_ADDRSTRLEN];
    struct json j;

    if (!begin(s, &j, "start"))
        return s->error;
    json_key(&j, "schema");
    json_string(&j, REPORT_SCHEMA);
    json_key(&j, "version");
    json_string(&j, hw_version());
    json_key(&j, "source_host");
    json_string(&j, r->local_host);
    json_key(&j, "mode");
    json_string(&j, r->mode == REPORT_TRACE ? "trace" : "ping");
    time_member(&j, "time", r->start_real_ns);
    json_key(&j, "settings");
    report_json_settings(&j, r);
    json_key(&j, "targets");
    json_array_begin(&j);
    for (size_t i = 0; i < r->ntargets; i++) {
        const struct report_target *t = &r->targets[i];
        bool probed = t->addr.family != AF_UNSPEC;

        json_object_begin(&j);
        json_key(&j, "name");
        json_string(&j, t->name);
        json_key(&j, "address");
        json_string(&j, probed ? hw_addr_format(&t->addr, addr, sizeof(addr)) : NULL);
        json_key(&j, "family");
        json_string(&j, probed ? report_family_name(t->addr.family) : NULL);
        json_key(&j, "status");
        json_string(&j, report_status_name(t->status));
        json_key(&j, "error");
        json_string(&j, t->error);
        json_object_end(&j);
    }
    json_array_end(&j);
    return end(s, &j);
}

int
report_stream_probe(struct report_stream *s, const struct report_target *t, int ttl,
                    const struct hw_probe_result *p, int64_t now_real_ns)
{
    char addr[HW_ADDRSTRLEN];
    bool answer = p->responder.family != AF_UNSPEC;
    struct json j;

    if (p->outcome == HW_OUTCOME_CANCELLED)
        return s->error;
    if (!begin(s, &j, "probe"))
        return s->error;
    time_member(&j, "time", p->received.real_ns > 0 ? p->received.real_ns : now_real_ns);
    json_key(&j, "target");
    json_string(&j, t->name);
    json_key(&j, "address");
    json_string(&j, hw_addr_format(&p->dst, addr, sizeof(addr)));
    json_key(&j, "ttl");
    if (ttl > 0)
        json_int(&j, ttl);
    else
        json_null(&j);
    json_key(&j, "seq");
    json_uint(&j, p->seq);
    json_key(&j, "responder");
    json_string(&j, answer ? hw_addr_format(&p->responder, addr, sizeof(addr)) : NULL);
    json_key(&j, "outcome");
    json_string(&j, hw_outcome_name(p->outcome));
    json_key(&j, "rtt_ms");
    if (answer && p->rtt_ns >= 0)
        json_double(&j, (double)p->rtt_ns / 1e6, 3);
    else
        json_null(&j);
    json_key(&j, "late");
    json_bool(&j, p->extra == HW_EXTRA_LATE);
    json_key(&j, "duplicate");
    json_bool(&j, p->extra == HW_EXTRA_DUPLICATE);
    json_key(&j, "icmp_type");
    if (answer && p->icmp_type >= 0)
        json_int(&j, p->icmp_type);
    else
        json_null(&j);
    json_key(&j, "icmp_code");
    if (answer && p->icmp_code >= 0)
        json_int(&j, p->icmp_code);
    else
        json_null(&j);
    if (p->outcome == HW_OUTCOME_SEND_ERROR) {
        json_key(&j, "error");
        json_string(&j, hw_strerror(p->status));
    }
    return end(s, &j);
}

int
report_stream_route_event(struct report_stream *s, const struct report_target *t,
                          const struct hw_route_event *ev)
{
    char addr[HW_ADDRSTRLEN];
    struct json j;

    if (!begin(s, &j, "route_change"))
        return s->error;
    json_key(&j, "target");
    json_string(&j, t->name);
    json_key(&j, "address");
    json_string(&j, hw_addr_format(&t->addr, addr, sizeof(addr)));
    report_json_route_event_members(&j, t->addr.family, ev);
    return end(s, &j);
}

int
report_stream_summary(struct report_stream *s, const struct report_run *r, bool final,
                      int64_t now_real_ns)
{
    struct json j;

    if (!begin(s, &j, "summary"))
        return s->error;
    time_member(&j, "time", now_real_ns);
    json_key(&j, "final");
    json_bool(&j, final);
    json_key(&j, "elapsed_ms");
    json_double(&j, now_real_ns > r->start_real_ns
                        ? (double)(now_real_ns - r->start_real_ns) / 1e6 : 0, 3);
    json_key(&j, "targets");
    json_array_begin(&j);
    for (size_t i = 0; i < r->ntargets; i++) {
        json_object_begin(&j);
        report_json_target_members(&j, r, &r->targets[i], true);
        json_object_end(&j);
    }
    json_array_end(&j);
    return end(s, &j);
}

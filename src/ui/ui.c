/* ui.c - the interactive screen's loop: one ppoll over the engine's and
 * the resolver's descriptors and stdin, then probing, names and keys are
 * processed, and the screen is redrawn when something shown changed (at
 * most REDRAW_MIN_MS apart for data; at once for keys).  See ui.h.
 *
 * Costs: a redraw takes a snapshot of each target on screen only (one in
 * the trace view, a page of them in the hosts view) and repaints only the
 * rows that differ; with nothing changing the loop sleeps until the next
 * second of the elapsed clock.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui/action.h"
#include "ui/crt.h"
#include "ui/frame.h"
#include "ui/state.h"
#include "ui/ui.h"
#include "ui/view.h"

/* Data changes are drawn at most this often (ms). */
#define REDRAW_MIN_MS 200
/* Room for the resolver's descriptors (c-ares uses a few per name
 * server); the engine's are counted (hw_engine_pollfd_count). */
#define RESOLVER_POLLFDS 16
/* Smallest interval 'i' accepts when the caller does not say. */
#define DEFAULT_MIN_INTERVAL_S 0.2

/* What the loop keeps, and the views' data source. */
struct ui_loop {
    const struct ui_config *cfg;          /* what to show */
    struct hw_trace_snapshot **snaps;     /* this frame's snapshots, per target */
    bool oom;                             /* a snapshot failed */
    struct ui_state st;                   /* the screen state */
    struct crt crt;                       /* the terminal */
    struct ui_frame frame;                /* the picture being built */
    struct pollfd *fds;                   /* the poll set: the engine's
                                             descriptors, the resolver's, stdin */
    size_t nfds_cap;                      /* its size */
};

static int64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
src_info(void *arg, size_t i, struct ui_target_info *out)
{
    const struct ui_loop *l = arg;
    const struct ui_target *t = &l->cfg->targets[i];
    const struct hw_trace_config *c = hw_trace_config(t->trace);

    out->name = t->name;
    out->addr = t->addr;
    out->method = c->method;
    out->mode = hw_sock_mode_name(hw_engine_mode(l->cfg->engine, t->addr.family));
    out->interval_ns = c->interval_ns;
    out->first_ttl = c->first_ttl;
    out->max_ttl = c->max_ttl;
    out->max_unknown = c->max_unknown;
    out->paused = hw_trace_paused(t->trace);
    out->has_pmtu = t->pmtu != NULL;
    if (t->pmtu != NULL)
        hw_pmtu_result(t->pmtu, &out->pmtu);
}

static const struct hw_trace_snapshot *
src_snapshot(void *arg, size_t i)
{
    struct ui_loop *l = arg;

    if (l->snaps[i] == NULL && hw_trace_snapshot(l->cfg->targets[i].trace, &l->snaps[i]) < 0) {
        l->snaps[i] = NULL;
        l->oom = true;
    }
    return l->snaps[i];
}

static size_t
src_history(void *arg, size_t i, int ttl, int32_t *out, size_t max)
{
    const struct ui_loop *l = arg;

    return hw_trace_history(l->cfg->targets[i].trace, ttl, out, max);
}

static size_t
src_marks(void *arg, size_t i, int ttl, struct hw_trace_mark *out, size_t max)
{
    const struct ui_loop *l = arg;

    return hw_trace_marks(l->cfg->targets[i].trace, ttl, out, max);
}

static void
src_asinfo(void *arg, const struct hw_addr *a, struct hw_asinfo *out)
{
    const struct ui_loop *l = arg;

    (void)hw_as_get(l->cfg->as, a, out);
}

static const char *
src_name(void *arg, const struct hw_addr *a)
{
    const struct ui_loop *l = arg;

    return hw_names_get(l->cfg->names, a);
}

/* A number that changes when anything on screen may have: the generations
 * of the targets shown and, with names on, of the name cache.  (Each
 * generation only grows, so their sum changes when any of them does.) */
static uint64_t
watched(const struct ui_loop *l)
{
    const struct ui_state *st = &l->st;
    uint64_t g = st->names ? hw_names_generation(l->cfg->names) : 0;

    if (st->as)
        g += hw_as_generation(l->cfg->as);

    if (st->view == UI_VIEW_TRACE || st->view == UI_VIEW_TIMELINE) {
        const struct ui_target *t = &l->cfg->targets[st->current];

        g += hw_trace_generation(t->trace);
        if (t->pmtu != NULL) {
            struct hw_pmtu_result r;

            hw_pmtu_result(t->pmtu, &r);
            g += r.generation;
        }
    } else {
        for (size_t i = st->hosts_top; i < l->cfg->ntargets && i < st->hosts_top + (size_t)st->page;
             i++)
            g += hw_trace_generation(l->cfg->targets[i].trace);
    }
    return g;
}

static int
draw(struct ui_loop *l, bool clear, int64_t now)
{
    struct ui_source src = {
        .arg = l,
        .local_host = l->cfg->local_host != NULL ? l->cfg->local_host : "localhost",
        .ntargets = l->cfg->ntargets,
        .info = src_info,
        .snapshot = src_snapshot,
        .history = src_history,
        .marks = src_marks,
        .name = src_name,
        .asinfo = l->cfg->as != NULL ? src_asinfo : NULL,
    };
    int rows, cols;

    crt_size(&l->crt, &rows, &cols);
    if (ui_frame_resize(&l->frame, rows, cols) < 0)
        return -ENOMEM;
    ui_view_build(&l->frame, &l->st, &src, now);
    for (size_t i = 0; i < l->cfg->ntargets; i++) {
        hw_trace_snapshot_free(l->snaps[i]);
        l->snaps[i] = NULL;
    }
    if (l->oom)
        return -ENOMEM;
    return crt_paint(&l->crt, &l->frame, clear);
}

static int
min_timeout(int a, int b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

/* The loop proper.  Returns 0 when the user or a signal ended it, or -1
 * with err set. */
static int
run(struct ui_loop *l, const sigset_t *mask, char *err, size_t errlen)
{
    const struct ui_config *cfg = l->cfg;
    struct ui_state *st = &l->st;
    int64_t last_draw = 0, drawn_second = -1;
    uint64_t seen = 0;
    bool dirty = true, clear = false, data_dirty = false, interrupted = false;

    for (;;) {
        struct pollfd *fds = l->fds;
        size_t cap = l->nfds_cap - 1;  /* the last one is stdin's */
        struct timespec ts, *tsp = NULL;
        size_t ne, nr, nfds;
        int64_t now = mono_ms(), second;
        int wait_ms = -1, ms, n;
        unsigned react = 0;

        if (*cfg->signal_flag)
            return 0;
        if (st->status[0] != '\0' && now >= st->status_until_ms) {
            st->status[0] = '\0';
            dirty = true;
        }
        if (watched(l) != seen)
            data_dirty = true;
        second = (now - st->start_ms) / 1000;
        if (second != drawn_second)
            dirty = true;
        if (dirty || (data_dirty && now - last_draw >= REDRAW_MIN_MS)) {
            int r = draw(l, clear, now);

            if (r < 0) {
                snprintf(err, errlen, "%s", strerror(-r));
                return -1;
            }
            last_draw = now;
            drawn_second = second;
            seen = watched(l);
            dirty = data_dirty = clear = false;
        } else if (data_dirty) {
            wait_ms = (int)(last_draw + REDRAW_MIN_MS - now);
        }
        /* Wake for the next second of the elapsed clock and when the
         * status message expires. */
        wait_ms = min_timeout(wait_ms, (int)(1000 - (now - st->start_ms) % 1000));
        if (st->status[0] != '\0')
            wait_ms = min_timeout(wait_ms, (int)(st->status_until_ms - now));
        if (cfg->tick_due_ms != NULL)
            wait_ms = min_timeout(wait_ms, cfg->tick_due_ms(cfg->tick_arg));
        if (wait_ms < 0)
            wait_ms = 0;

        ne = hw_engine_pollfds(cfg->engine, fds, cap);
        if (ne > cap)
            ne = cap;
        nr = hw_resolver_pollfds(cfg->resolver, fds + ne, cap - ne);
        if (nr > cap - ne)
            nr = cap - ne;
        nfds = ne + nr;
        fds[nfds].fd = STDIN_FILENO;
        fds[nfds].events = POLLIN;
        for (size_t i = 0; i <= nfds; i++)
            fds[i].revents = 0;
        ms = min_timeout(hw_engine_timeout_ms(cfg->engine, wait_ms),
                         hw_resolver_timeout_ms(cfg->resolver, wait_ms));
        if (ms >= 0) {
            ts.tv_sec = ms / 1000;
            ts.tv_nsec = (long)(ms % 1000) * 1000000;
            tsp = &ts;
        }
        n = ppoll(fds, nfds + 1, tsp, mask);
        if (n < 0 && errno != EINTR) {
            snprintf(err, errlen, "ppoll: %s", strerror(errno));
            return -1;
        }
        /* A signal (SIGWINCH among them) interrupted the wait: ncurses
         * reports a resize as a key, so read keys then too. */
        interrupted = n < 0;
        hw_engine_process(cfg->engine, fds, ne);
        hw_resolver_process(cfg->resolver, fds + ne, nr);
        if (cfg->tick != NULL && cfg->tick(cfg->tick_arg) != 0)
            return 0;
        if (fds[nfds].revents & (POLLHUP | POLLERR | POLLNVAL))
            return 0; /* the terminal went away: nobody to show anything to */
        if ((fds[nfds].revents & POLLIN) || interrupted) {
            int k;

            now = mono_ms();
            while ((k = crt_key(&l->crt)) >= 0 && !(react & UI_REACT_QUIT))
                react |= ui_action_key(st, cfg->targets, k, now);
        }
        if (react & UI_REACT_QUIT)
            return 0;
        if (react & UI_REACT_CLEAR)
            clear = true;
        if (react & UI_REACT_REDRAW)
            dirty = true;
    }
}

int
ui_run(const struct ui_config *cfg, char *err, size_t errlen)
{
    struct ui_loop l;
    sigset_t winch, saved, mask;
    double min_interval = cfg->min_interval_s > 0 ? cfg->min_interval_s : DEFAULT_MIN_INTERVAL_S;
    int rc;

    memset(&l, 0, sizeof(l));
    l.cfg = cfg;
    if (cfg->ntargets == 0) {
        snprintf(err, errlen, "no target to show");
        return -1;
    }
    if (ui_state_init(&l.st, cfg->ntargets, cfg->order, cfg->dns, false, min_interval,
                      mono_ms(), err, errlen) < 0)
        return -1;
    l.st.as = cfg->as_lookup && cfg->as != NULL;
    l.st.as_field = cfg->as_field;
    l.snaps = calloc(cfg->ntargets, sizeof(*l.snaps));
    /* Every engine descriptor is polled, however many (an unprivileged
     * engine has one per identifier). */
    l.nfds_cap = hw_engine_pollfd_count(cfg->engine) + RESOLVER_POLLFDS + 1;
    l.fds = calloc(l.nfds_cap, sizeof(*l.fds));
    if (l.snaps == NULL || l.fds == NULL) {
        snprintf(err, errlen, "out of memory");
        free(l.snaps);
        free(l.fds);
        return -1;
    }
    if (crt_open(&l.crt, err, errlen) < 0) {
        free(l.snaps);
        free(l.fds);
        return -1;
    }
    l.st.utf8 = l.crt.utf8;

    /* SIGWINCH is let through only inside ppoll, like the stop signals, so
     * a resize always interrupts the wait instead of landing just before
     * it and going unnoticed until the next wake-up. */
    sigemptyset(&winch);
    sigaddset(&winch, SIGWINCH);
    sigprocmask(SIG_BLOCK, &winch, &saved);
    if (cfg->poll_mask != NULL)
        mask = *cfg->poll_mask;
    else
        mask = saved;
    sigdelset(&mask, SIGWINCH);

    rc = run(&l, &mask, err, errlen);

    /* Every way out passes here: the terminal is restored before the
     * caller prints anything. */
    crt_close(&l.crt);
    sigprocmask(SIG_SETMASK, &saved, NULL);
    ui_frame_fini(&l.frame);
    free(l.snaps);
    free(l.fds);
    return rc;
}

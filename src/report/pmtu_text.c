/* pmtu_text.c - a path MTU search in words (route.h), for the screen and
 * every report alike. */
#include <stdio.h>

#include <hopwatch/error.h>

#include "report/route.h"

/* The hop's address as text, or "" when it is not known. */
static const char *
addr_of(const struct hw_pmtu_result *p, char *buf, size_t len)
{
    char a[HW_ADDRSTRLEN];

    if (p->hop_addr.family == AF_UNSPEC)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "%s", hw_addr_format(&p->hop_addr, a, sizeof(a)));
    return buf;
}

void
report_pmtu_text(const struct hw_pmtu_result *p, char *buf, size_t len)
{
    char a[HW_ADDRSTRLEN + 8];

    addr_of(p, a, sizeof(a));
    switch (p->state) {
    case HW_PMTU_SEARCHING:
        if (p->passed > 0)
            snprintf(buf, len, "Path MTU: probing (%d bytes reach the target so far).",
                     p->passed);
        else
            snprintf(buf, len, "Path MTU: probing.");
        return;
    case HW_PMTU_FAILED:
        if (p->reason == HW_PMTU_REASON_SEND_ERROR)
            snprintf(buf, len, "Path MTU unknown: send failed: %s.", hw_strerror(p->status));
        else if (p->reason == HW_PMTU_REASON_UNREACHABLE)
            snprintf(buf, len, "Path MTU unknown: the probes do not reach the target.");
        else
            snprintf(buf, len, "Path MTU unknown: the target does not answer its probes.");
        return;
    case HW_PMTU_LOCATING:
    case HW_PMTU_DONE:
        break;
    }
    switch (p->reason) {
    case HW_PMTU_REASON_ROUTER:
        if (p->state == HW_PMTU_LOCATING || p->hop_ttl <= 0)
            snprintf(buf, len, "Path MTU %d (%s%ssaid so)%s.", p->pmtu, a, a[0] ? " " : "a router ",
                     p->state == HW_PMTU_LOCATING ? ", finding its hop" : ", hop not found");
        else
            snprintf(buf, len, "Path MTU %d from hop %d (%s said so).", p->pmtu, p->hop_ttl,
                     a[0] ? a : "a router");
        return;
    case HW_PMTU_REASON_BLACKHOLE:
        if (p->state == HW_PMTU_LOCATING)
            snprintf(buf, len, "Path MTU %d: larger packets vanish without an error (a black "
                               "hole), finding its hop.", p->pmtu);
        else if (p->hop_ttl <= 0)
            snprintf(buf, len, "Path MTU %d: larger packets vanish without an error (a black "
                               "hole), hop not found.", p->pmtu);
        else
            snprintf(buf, len, "Path MTU %d from hop %d%s%s%s: a black hole, larger packets "
                               "vanish without an error.", p->pmtu, p->hop_ttl,
                     a[0] ? " (" : "", a, a[0] ? ")" : "");
        return;
    case HW_PMTU_REASON_LOCAL:
        snprintf(buf, len, "Path MTU %d: the local interface's MTU.", p->pmtu);
        return;
    case HW_PMTU_REASON_MAX:
        snprintf(buf, len, "Path MTU %d or more (the largest size tried).", p->pmtu);
        return;
    default:
        snprintf(buf, len, "Path MTU %d.", p->pmtu);
        return;
    }
}

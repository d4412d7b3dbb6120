/* pmtu_result.c - what a path MTU result says: names and per-hop sizes.
 * Pure functions on values (pmtu.h), apart from the search in pmtu.c, so
 * the reports and their fuzzers link them without the engine. */
#include <hopwatch/pmtu.h>

const char *
hw_pmtu_reason_name(enum hw_pmtu_reason r)
{
    switch (r) {
    case HW_PMTU_REASON_NONE: return "";
    case HW_PMTU_REASON_ROUTER: return "router";
    case HW_PMTU_REASON_BLACKHOLE: return "black-hole";
    case HW_PMTU_REASON_LOCAL: return "local";
    case HW_PMTU_REASON_MAX: return "max";
    case HW_PMTU_REASON_NO_ANSWER: return "no-answer";
    case HW_PMTU_REASON_UNREACHABLE: return "unreachable";
    case HW_PMTU_REASON_SEND_ERROR: return "send-error";
    }
    return "";
}

const char *
hw_pmtu_state_name(enum hw_pmtu_state s)
{
    switch (s) {
    case HW_PMTU_SEARCHING: return "searching";
    case HW_PMTU_LOCATING: return "locating";
    case HW_PMTU_DONE: return "done";
    case HW_PMTU_FAILED: return "failed";
    }
    return "";
}

int
hw_pmtu_hop_mtu(const struct hw_pmtu_result *r, int ttl)
{
    if (r->pmtu <= 0 || ttl < 1)
        return 0;
    if (r->reason == HW_PMTU_REASON_ROUTER || r->reason == HW_PMTU_REASON_BLACKHOLE) {
        if (r->hop_ttl <= 0)
            return 0;
        return ttl <= r->hop_ttl ? r->hop_reach : r->pmtu;
    }
    return r->pmtu;
}

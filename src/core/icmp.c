/* icmp.c - messages, traceroute-style marks and a typed classification
 * for ICMP (RFC 792 and the IANA registry) and ICMPv6 (RFC 4443 and the
 * IANA registry) types/codes.
 */
#include <hopwatch/error.h>
#include <hopwatch/icmp.h>

#include <stddef.h>
#include <sys/socket.h>

/* Message types are one byte on the wire in both families. */
#define HW__ICMP_NTYPES 256

/* For messages with codes: the ICMP destination unreachable and ICMPv6
 * destination unreachable / packet too big type numbers. */
#define HW__ICMP4_UNREACH 3
#define HW__ICMP6_UNREACH 1
#define HW__ICMP6_TOOBIG 2

/* Returned for a family other than AF_INET/AF_INET6, or a type number that
 * neither the RFCs nor IANA have assigned. */
#define HW__ICMP_UNKNOWN "unknown ICMP message"
#define HW__ICMP6_UNKNOWN "unknown ICMPv6 message"

/* One message type: what it is called and what its codes mean. */
struct hw__icmp_type {
    const char *name;               /* the type's message; NULL: type unassigned */
    const char *unknown;            /* message for a code the table does not know */
    const char *const *codes;       /* per-code messages, NULL entries unknown */
    size_t ncodes;                  /* entries in codes; 0: only code 0 exists */
};

/* A type's name and, derived from it at compile time, its unknown-code
 * message.  A code we do not know cannot be told apart in the text ("code
 * 42") because the result must be a static string, so the type's message
 * says that the code is unknown instead. */
#define HW__TYPE(name_) .name = name_, .unknown = name_ ", unknown code"
#define HW__CODES(table_) .codes = (table_), .ncodes = sizeof(table_) / sizeof((table_)[0])

/* ---- ICMP (IPv4) ---- */

/* RFC 792, RFC 1122 section 3.2.2.1, RFC 1812 section 5.2.7.1. */
static const char *const v4_unreach[] = {
    [0] = "network unreachable",
    [1] = "host unreachable",
    [2] = "protocol unreachable",
    [3] = "port unreachable",
    [4] = "fragmentation needed",
    [5] = "source route failed",
    [6] = "destination network unknown",
    [7] = "destination host unknown",
    [8] = "source host isolated",
    [9] = "network administratively prohibited",
    [10] = "host administratively prohibited",
    [11] = "network unreachable for TOS",
    [12] = "host unreachable for TOS",
    [13] = "communication administratively prohibited",
    [14] = "host precedence violation",
    [15] = "precedence cutoff in effect",
};

/* RFC 792. */
static const char *const v4_redirect[] = {
    [0] = "redirect for network",
    [1] = "redirect for host",
    [2] = "redirect for TOS and network",
    [3] = "redirect for TOS and host",
};

/* RFC 1256, RFC 2002. */
static const char *const v4_router_adv[] = {
    [0] = "router advertisement",
    [16] = "router advertisement, does not route common traffic",
};

/* RFC 792. */
static const char *const v4_time_exceeded[] = {
    [0] = "TTL exceeded in transit",
    [1] = "fragment reassembly time exceeded",
};

/* RFC 792 (codes 0 and 2), RFC 1108 (1). */
static const char *const v4_param_problem[] = {
    [0] = "parameter problem, pointer indicates the error",
    [1] = "parameter problem, missing a required option",
    [2] = "parameter problem, bad length",
};

/* RFC 2521. */
static const char *const v4_photuris[] = {
    [0] = "Photuris, bad SPI",
    [1] = "Photuris, authentication failed",
    [2] = "Photuris, decompression failed",
    [3] = "Photuris, decryption failed",
    [4] = "Photuris, need authentication",
    [5] = "Photuris, need authorization",
};

/* RFC 8335; the ICMPv6 extended echo reply has the same codes. */
static const char *const ext_echo_reply[] = {
    [0] = "extended echo reply",
    [1] = "extended echo reply, malformed query",
    [2] = "extended echo reply, no such interface",
    [3] = "extended echo reply, no such table entry",
    [4] = "extended echo reply, multiple interfaces satisfy query",
};

static const struct hw__icmp_type v4_types[HW__ICMP_NTYPES] = {
    [0] = {HW__TYPE("echo reply")},
    [3] = {HW__TYPE("destination unreachable"), HW__CODES(v4_unreach)},
    [4] = {HW__TYPE("source quench")},
    [5] = {HW__TYPE("redirect"), HW__CODES(v4_redirect)},
    [6] = {HW__TYPE("alternate host address")},
    [8] = {HW__TYPE("echo request")},
    [9] = {HW__TYPE("router advertisement"), HW__CODES(v4_router_adv)},
    [10] = {HW__TYPE("router solicitation")},
    [11] = {HW__TYPE("time exceeded"), HW__CODES(v4_time_exceeded)},
    [12] = {HW__TYPE("parameter problem"), HW__CODES(v4_param_problem)},
    [13] = {HW__TYPE("timestamp request")},
    [14] = {HW__TYPE("timestamp reply")},
    [15] = {HW__TYPE("information request")},
    [16] = {HW__TYPE("information reply")},
    [17] = {HW__TYPE("address mask request")},
    [18] = {HW__TYPE("address mask reply")},
    [30] = {HW__TYPE("traceroute")},
    [31] = {HW__TYPE("datagram conversion error")},
    [32] = {HW__TYPE("mobile host redirect")},
    [33] = {HW__TYPE("IPv6 where-are-you")},
    [34] = {HW__TYPE("IPv6 I-am-here")},
    [35] = {HW__TYPE("mobile registration request")},
    [36] = {HW__TYPE("mobile registration reply")},
    [37] = {HW__TYPE("domain name request")},
    [38] = {HW__TYPE("domain name reply")},
    [39] = {HW__TYPE("SKIP")},
    [40] = {HW__TYPE("Photuris"), HW__CODES(v4_photuris)},
    [41] = {HW__TYPE("experimental mobility protocol message")},
    [42] = {HW__TYPE("extended echo request")},
    [43] = {HW__TYPE("extended echo reply"), HW__CODES(ext_echo_reply)},
};

/* Marks for ICMP destination unreachable, as Linux traceroute(8) prints
 * them: the "unknown", "isolated" and "for TOS" variants are folded into
 * !N and !H rather than getting letters of their own (BSD's !U, !W, !I,
 * !T), and port unreachable has no mark because it is how a UDP trace
 * normally ends.  A code not listed gets "!?" (traceroute prints "!<code>",
 * which cannot be a static string). */
static const char *const v4_unreach_marks[] = {
    [0] = "!N", [1] = "!H", [2] = "!P", [3] = "",    [4] = "!F",  [5] = "!S",
    [6] = "!N", [7] = "!H", [8] = "!N", [9] = "!X",  [10] = "!X", [11] = "!N",
    [12] = "!H", [13] = "!X", [14] = "!V", [15] = "!C",
};

/* ---- ICMPv6 ---- */

/* RFC 4443 section 3.1 (codes 0..6), RFC 6554 (7), RFC 8883 (8). */
static const char *const v6_unreach[] = {
    [0] = "no route to destination",
    [1] = "communication administratively prohibited",
    [2] = "beyond scope of source address",
    [3] = "address unreachable",
    [4] = "port unreachable",
    [5] = "source address failed ingress/egress policy",
    [6] = "reject route to destination",
    [7] = "error in source routing header",
    [8] = "headers too long",
};

/* RFC 4443 section 3.3. */
static const char *const v6_time_exceeded[] = {
    [0] = "hop limit exceeded in transit",
    [1] = "fragment reassembly time exceeded",
};

/* RFC 4443 section 3.4 (0..2), RFC 7112 (3), RFC 8754 (4), RFC 8883
 * (5..10). */
static const char *const v6_param_problem[] = {
    [0] = "erroneous header field encountered",
    [1] = "unrecognized next header type encountered",
    [2] = "unrecognized IPv6 option encountered",
    [3] = "IPv6 first fragment has incomplete IPv6 header chain",
    [4] = "SR upper-layer header error",
    [5] = "unrecognized next header type encountered by intermediate node",
    [6] = "extension header too big",
    [7] = "extension header chain too long",
    [8] = "too many extension headers",
    [9] = "too many options in extension header",
    [10] = "option too big",
};

/* RFC 2894. */
static const char *const v6_router_renumbering[] = {
    [0] = "router renumbering command",
    [1] = "router renumbering result",
    [255] = "router renumbering sequence number reset",
};

/* RFC 4620. */
static const char *const v6_ni_query[] = {
    [0] = "node information query about an IPv6 address",
    [1] = "node information query about a name",
    [2] = "node information query about an IPv4 address",
};

/* RFC 4620. */
static const char *const v6_ni_reply[] = {
    [0] = "node information reply",
    [1] = "node information reply, responder refuses to answer",
    [2] = "node information reply, Qtype unknown",
};

static const struct hw__icmp_type v6_types[HW__ICMP_NTYPES] = {
    [1] = {HW__TYPE("destination unreachable"), HW__CODES(v6_unreach)},
    [2] = {HW__TYPE("packet too big")},
    [3] = {HW__TYPE("time exceeded"), HW__CODES(v6_time_exceeded)},
    [4] = {HW__TYPE("parameter problem"), HW__CODES(v6_param_problem)},
    [128] = {HW__TYPE("echo request")},
    [129] = {HW__TYPE("echo reply")},
    [130] = {HW__TYPE("multicast listener query")},
    [131] = {HW__TYPE("multicast listener report")},
    [132] = {HW__TYPE("multicast listener done")},
    [133] = {HW__TYPE("router solicitation")},
    [134] = {HW__TYPE("router advertisement")},
    [135] = {HW__TYPE("neighbor solicitation")},
    [136] = {HW__TYPE("neighbor advertisement")},
    [137] = {HW__TYPE("redirect")},
    [138] = {HW__TYPE("router renumbering"), HW__CODES(v6_router_renumbering)},
    [139] = {HW__TYPE("node information query"), HW__CODES(v6_ni_query)},
    [140] = {HW__TYPE("node information reply"), HW__CODES(v6_ni_reply)},
    [141] = {HW__TYPE("inverse neighbor discovery solicitation")},
    [142] = {HW__TYPE("inverse neighbor discovery advertisement")},
    [143] = {HW__TYPE("multicast listener report v2")},
    [144] = {HW__TYPE("home agent address discovery request")},
    [145] = {HW__TYPE("home agent address discovery reply")},
    [146] = {HW__TYPE("mobile prefix solicitation")},
    [147] = {HW__TYPE("mobile prefix advertisement")},
    [148] = {HW__TYPE("certification path solicitation")},
    [149] = {HW__TYPE("certification path advertisement")},
    [150] = {HW__TYPE("experimental mobility protocol message")},
    [151] = {HW__TYPE("multicast router advertisement")},
    [152] = {HW__TYPE("multicast router solicitation")},
    [153] = {HW__TYPE("multicast router termination")},
    [154] = {HW__TYPE("FMIPv6 message")},
    [155] = {HW__TYPE("RPL control message")},
    [156] = {HW__TYPE("ILNPv6 locator update")},
    [157] = {HW__TYPE("duplicate address request")},
    [158] = {HW__TYPE("duplicate address confirmation")},
    [159] = {HW__TYPE("MPL control message")},
    [160] = {HW__TYPE("extended echo request")},
    [161] = {HW__TYPE("extended echo reply"), HW__CODES(ext_echo_reply)},
};

/* Marks for ICMPv6 destination unreachable.  Codes 5 and 6 (RFC 4443's
 * policy failure and reject route) are administrative refusals, so !X like
 * code 1; beyond scope is !S as in BSD traceroute6; codes 7 and 8 have no
 * traceroute letter and get "!?". */
static const char *const v6_unreach_marks[] = {
    [0] = "!N", [1] = "!X", [2] = "!S", [3] = "!H", [4] = "", [5] = "!X", [6] = "!X",
};

#undef HW__TYPE
#undef HW__CODES

/* The table entry for (family, type), or NULL if there is none. */
static const struct hw__icmp_type *find_type(int family, int type)
{
    const struct hw__icmp_type *t;

    if (type < 0 || type >= HW__ICMP_NTYPES)
        return NULL;
    if (family == AF_INET)
        t = &v4_types[type];
    else if (family == AF_INET6)
        t = &v6_types[type];
    else
        return NULL;
    return t->name != NULL ? t : NULL;
}

const char *hw_icmp_message(int family, int type, int code)
{
    const struct hw__icmp_type *t = find_type(family, type);

    if (t == NULL)
        return family == AF_INET6 ? HW__ICMP6_UNKNOWN : HW__ICMP_UNKNOWN;
    if (t->ncodes == 0)
        return code == 0 ? t->name : t->unknown;
    if (code >= 0 && (size_t)code < t->ncodes && t->codes[code] != NULL)
        return t->codes[code];
    return t->unknown;
}

/* Look code up in a table of marks; "!?" when it is not there. */
static const char *mark_of(const char *const *marks, size_t n, int code)
{
    if (code >= 0 && (size_t)code < n && marks[code] != NULL)
        return marks[code];
    return "!?";
}

#define HW__NMARKS(table_) (sizeof(table_) / sizeof((table_)[0]))

/* Besides destination unreachable, ICMPv6 packet too big is marked !F: it
 * is how IPv6 says what ICMP says with unreachable code 4, and it ends the
 * probe just the same. */
const char *hw_icmp_mark(int family, int type, int code)
{
    if (family == AF_INET && type == HW__ICMP4_UNREACH)
        return mark_of(v4_unreach_marks, HW__NMARKS(v4_unreach_marks), code);
    if (family == AF_INET6 && type == HW__ICMP6_UNREACH)
        return mark_of(v6_unreach_marks, HW__NMARKS(v6_unreach_marks), code);
    if (family == AF_INET6 && type == HW__ICMP6_TOOBIG)
        return "!F";
    return "";
}

/* ---- Typed classification ---- */

#define HW__ICMP4_SOURCE_QUENCH 4
#define HW__ICMP4_TIME_EXCEEDED 11
#define HW__ICMP4_PARAM_PROBLEM 12
#define HW__ICMP4_ECHO_REPLY 0
#define HW__ICMP6_TIME_EXCEEDED 3
#define HW__ICMP6_PARAM_PROBLEM 4
#define HW__ICMP6_ECHO_REPLY 129

/* Destination unreachable codes, in the order of the tables above, so that
 * a code and its message and its reason stay side by side. */
static const enum hw_icmp_reason v4_unreach_reasons[] = {
    [0] = HW_ICMP_NET_UNREACHABLE,       [1] = HW_ICMP_HOST_UNREACHABLE,
    [2] = HW_ICMP_PROTOCOL_UNREACHABLE,  [3] = HW_ICMP_PORT_UNREACHABLE,
    [4] = HW_ICMP_FRAG_NEEDED,           [5] = HW_ICMP_SOURCE_ROUTE_FAILED,
    [6] = HW_ICMP_NET_UNKNOWN,           [7] = HW_ICMP_HOST_UNKNOWN,
    [8] = HW_ICMP_SOURCE_ISOLATED,       [9] = HW_ICMP_NET_PROHIBITED,
    [10] = HW_ICMP_HOST_PROHIBITED,      [11] = HW_ICMP_NET_UNREACHABLE_TOS,
    [12] = HW_ICMP_HOST_UNREACHABLE_TOS, [13] = HW_ICMP_COMM_PROHIBITED,
    [14] = HW_ICMP_PRECEDENCE_VIOLATION, [15] = HW_ICMP_PRECEDENCE_CUTOFF,
};

static const enum hw_icmp_reason v6_unreach_reasons[] = {
    [0] = HW_ICMP_NO_ROUTE,              [1] = HW_ICMP_COMM_PROHIBITED,
    [2] = HW_ICMP_BEYOND_SCOPE,          [3] = HW_ICMP_ADDRESS_UNREACHABLE,
    [4] = HW_ICMP_PORT_UNREACHABLE,      [5] = HW_ICMP_SOURCE_POLICY_FAILED,
    [6] = HW_ICMP_REJECT_ROUTE,          [7] = HW_ICMP_SOURCE_ROUTING_ERROR,
    [8] = HW_ICMP_HEADERS_TOO_LONG,
};

/* Time exceeded has the same two codes in both families. */
static const enum hw_icmp_reason time_exceeded_reasons[] = {
    [0] = HW_ICMP_TTL_EXCEEDED,
    [1] = HW_ICMP_REASSEMBLY_EXCEEDED,
};

/* The names of hw_icmp_reason_name(), indexed by the enum. */
static const char *const reason_names[] = {
    [HW_ICMP_ECHO_REPLY] = "echo-reply",
    [HW_ICMP_NET_UNREACHABLE] = "net-unreachable",
    [HW_ICMP_HOST_UNREACHABLE] = "host-unreachable",
    [HW_ICMP_PROTOCOL_UNREACHABLE] = "protocol-unreachable",
    [HW_ICMP_PORT_UNREACHABLE] = "port-unreachable",
    [HW_ICMP_FRAG_NEEDED] = "fragmentation-needed",
    [HW_ICMP_SOURCE_ROUTE_FAILED] = "source-route-failed",
    [HW_ICMP_NET_UNKNOWN] = "net-unknown",
    [HW_ICMP_HOST_UNKNOWN] = "host-unknown",
    [HW_ICMP_SOURCE_ISOLATED] = "source-isolated",
    [HW_ICMP_NET_PROHIBITED] = "net-prohibited",
    [HW_ICMP_HOST_PROHIBITED] = "host-prohibited",
    [HW_ICMP_NET_UNREACHABLE_TOS] = "net-unreachable-for-tos",
    [HW_ICMP_HOST_UNREACHABLE_TOS] = "host-unreachable-for-tos",
    [HW_ICMP_COMM_PROHIBITED] = "communication-prohibited",
    [HW_ICMP_PRECEDENCE_VIOLATION] = "precedence-violation",
    [HW_ICMP_PRECEDENCE_CUTOFF] = "precedence-cutoff",
    [HW_ICMP_NO_ROUTE] = "no-route",
    [HW_ICMP_BEYOND_SCOPE] = "beyond-scope",
    [HW_ICMP_ADDRESS_UNREACHABLE] = "address-unreachable",
    [HW_ICMP_SOURCE_POLICY_FAILED] = "source-policy-failed",
    [HW_ICMP_REJECT_ROUTE] = "reject-route",
    [HW_ICMP_SOURCE_ROUTING_ERROR] = "source-routing-header-error",
    [HW_ICMP_HEADERS_TOO_LONG] = "headers-too-long",
    [HW_ICMP_UNREACHABLE_OTHER] = "unreachable",
    [HW_ICMP_TTL_EXCEEDED] = "ttl-exceeded",
    [HW_ICMP_REASSEMBLY_EXCEEDED] = "reassembly-time-exceeded",
    [HW_ICMP_TIME_EXCEEDED_OTHER] = "time-exceeded",
    [HW_ICMP_PACKET_TOO_BIG] = "packet-too-big",
    [HW_ICMP_PARAMETER_PROBLEM] = "parameter-problem",
    [HW_ICMP_SOURCE_QUENCH] = "source-quench",
    [HW_ICMP_OTHER] = "other",
};

/* Look code up in a table of reasons; other when it is not there. */
static enum hw_icmp_reason reason_of(const enum hw_icmp_reason *reasons, size_t n, int code,
                                     enum hw_icmp_reason other)
{
    if (code >= 0 && (size_t)code < n)
        return reasons[code];
    return other;
}

#define HW__NREASONS(table_) (sizeof(table_) / sizeof((table_)[0]))

enum hw_icmp_reason hw_icmp_classify(int family, int type, int code)
{
    if (family == AF_INET) {
        switch (type) {
        case HW__ICMP4_ECHO_REPLY:
            return HW_ICMP_ECHO_REPLY;
        case HW__ICMP4_UNREACH:
            return reason_of(v4_unreach_reasons, HW__NREASONS(v4_unreach_reasons), code,
                             HW_ICMP_UNREACHABLE_OTHER);
        case HW__ICMP4_TIME_EXCEEDED:
            return reason_of(time_exceeded_reasons, HW__NREASONS(time_exceeded_reasons), code,
                             HW_ICMP_TIME_EXCEEDED_OTHER);
        case HW__ICMP4_PARAM_PROBLEM:
            return HW_ICMP_PARAMETER_PROBLEM;
        case HW__ICMP4_SOURCE_QUENCH:
            return HW_ICMP_SOURCE_QUENCH;
        default:
            return HW_ICMP_OTHER;
        }
    }
    if (family == AF_INET6) {
        switch (type) {
        case HW__ICMP6_ECHO_REPLY:
            return HW_ICMP_ECHO_REPLY;
        case HW__ICMP6_UNREACH:
            return reason_of(v6_unreach_reasons, HW__NREASONS(v6_unreach_reasons), code,
                             HW_ICMP_UNREACHABLE_OTHER);
        case HW__ICMP6_TOOBIG:
            return HW_ICMP_PACKET_TOO_BIG;
        case HW__ICMP6_TIME_EXCEEDED:
            return reason_of(time_exceeded_reasons, HW__NREASONS(time_exceeded_reasons), code,
                             HW_ICMP_TIME_EXCEEDED_OTHER);
        case HW__ICMP6_PARAM_PROBLEM:
            return HW_ICMP_PARAMETER_PROBLEM;
        default:
            return HW_ICMP_OTHER;
        }
    }
    return HW_ICMP_OTHER;
}

const char *hw_icmp_reason_name(enum hw_icmp_reason reason)
{
    if ((size_t)reason < HW__NREASONS(reason_names) && reason_names[reason] != NULL)
        return reason_names[reason];
    return "other";
}

bool hw_icmp_reason_is_unreachable(enum hw_icmp_reason reason)
{
    return reason >= HW_ICMP_NET_UNREACHABLE && reason <= HW_ICMP_UNREACHABLE_OTHER;
}

bool hw_icmp_reason_is_time_exceeded(enum hw_icmp_reason reason)
{
    return reason >= HW_ICMP_TTL_EXCEEDED && reason <= HW_ICMP_TIME_EXCEEDED_OTHER;
}

int hw_icmp_status(int family, int type, int code, enum hw_icmp_reason *reason)
{
    enum hw_icmp_reason r = hw_icmp_classify(family, type, code);

    if (reason != NULL)
        *reason = r;
    if (r == HW_ICMP_ECHO_REPLY)
        return HW_OK;
    if (hw_icmp_reason_is_unreachable(r))
        return HW_EUNREACH;
    if (hw_icmp_reason_is_time_exceeded(r))
        return HW_ETIMEEXCEEDED;
    return HW_EICMP;
}

#!/usr/bin/env python3
"""Throwaway generator for hopwatch tests/data/*.hex golden packets.

Every packet is assembled field by field; each output line is one field or
group of fields with a comment naming them.  Checksums are RFC 1071 sums
computed here, independently of the C code under test.
"""
import ipaddress
import os
import struct
import sys
import textwrap

OUT = sys.argv[1] if len(sys.argv) > 1 else "/work/main/tests/data"

H4, T4, R4, R4B, P4 = "198.18.0.1", "198.19.255.77", "198.18.7.1", "198.18.9.1", "198.18.5.5"
H6, T6, R6, R6B = "2001:2::1", "2001:2:0:ff::77", "2001:2:0:7::1", "2001:2:0:9::1"
SEG6 = "2001:2:0:ee::1"
IDENT = 0x4857
PAYLOAD = bytes(0x20 + i for i in range(56))

PROTO = {1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6", 0: "hop-by-hop options",
         43: "routing", 44: "fragment", 50: "ESP", 51: "AH", 59: "no next header",
         60: "destination options", 132: "SCTP"}


def a4(s):
    return ipaddress.IPv4Address(s).packed


def a6(s):
    return ipaddress.IPv6Address(s).packed


def csum(data):
    if len(data) % 2:
        data = data + b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def csum6(src, dst, msg):
    pseudo = a6(src) + a6(dst) + struct.pack("!I3xB", len(msg), 58)
    return csum(pseudo + msg)


def cat(segs):
    return b"".join(b for b, _ in segs)


def trunc(segs, n, why="quote ends here"):
    """The first n bytes of a segment list, marking a cut segment."""
    out = []
    for b, c in segs:
        if n <= 0:
            break
        if len(b) > n:
            out.append((b[:n], "%s [first %d of %d bytes: %s]" % (c, n, len(b), why)))
            n = 0
            break
        out.append((b, c))
        n -= len(b)
    return out


def payload_segs(p, what="echo payload"):
    if not p:
        return []
    if p == PAYLOAD[:len(p)]:
        desc = "%s, %d bytes 0x20 0x21 ... (counting up from 0x20)" % (what, len(p))
    else:
        desc = "%s, %d bytes (byte i is i & 0xff)" % (what, len(p))
    return [(p, desc)]


def ip4(src, dst, ttl, proto, total, ident=0, df=False, mf=False, frag=0, tos=0,
        opts=b"", opts_comment="", ihl=None, version=4, label="IPv4 header"):
    if ihl is None:
        ihl = (20 + len(opts)) // 4
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | frag
    hdr = bytearray(struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, tos, total, ident,
                                flags, ttl, proto, 0, a4(src), a4(dst)) + opts)
    c = csum(bytes(hdr))
    hdr[10:12] = struct.pack("!H", c)
    fl = []
    if df:
        fl.append("DF")
    if mf:
        fl.append("MF")
    segs = [
        (bytes(hdr[0:4]), "%s: version %d, IHL %d (%d bytes), TOS 0x%02x, total length %d"
         % (label, version, ihl, ihl * 4, tos, total)),
        (bytes(hdr[4:8]), "identification 0x%04x, flags %s, fragment offset %d (%d bytes)"
         % (ident, "+".join(fl) or "none", frag, frag * 8)),
        (bytes(hdr[8:12]), "TTL %d, protocol %d (%s), header checksum 0x%04x"
         % (ttl, proto, PROTO.get(proto, "?"), c)),
        (bytes(hdr[12:16]), "source %s" % src),
        (bytes(hdr[16:20]), "destination %s" % dst),
    ]
    if opts:
        segs.append((bytes(opts), opts_comment))
    return segs


def ip6(src, dst, hlim, nh, plen, label="IPv6 header", version=6):
    b = struct.pack("!IHBB16s16s", version << 28, plen, nh, hlim, a6(src), a6(dst))
    return [
        (b[0:4], "%s: version %d, traffic class 0, flow label 0" % (label, version)),
        (b[4:8], "payload length %d, next header %d (%s), hop limit %d"
         % (plen, nh, PROTO.get(nh, "?"), hlim)),
        (b[8:24], "source %s" % src),
        (b[24:40], "destination %s" % dst),
    ]


def icmp4(typ, code, rest, rest_comment, body, label, bad=False):
    msg = bytes([typ, code, 0, 0]) + rest + cat(body)
    c = csum(msg)
    note = ""
    if bad:
        c = (c + 1) & 0xFFFF
        note = " (WRONG on purpose: the correct value plus one)"
    return [(bytes([typ, code]) + struct.pack("!H", c),
             "%s: type %d, code %d, checksum 0x%04x%s" % (label, typ, code, c, note)),
            (rest, rest_comment)] + body


def icmp6(typ, code, rest, rest_comment, body, label, src, dst, zero=False):
    msg = bytes([typ, code, 0, 0]) + rest + cat(body)
    c = 0 if zero else csum6(src, dst, msg)
    note = (" (left 0, as hw__build_echo leaves it for the kernel)" if zero
            else " (pseudo-header %s -> %s)" % (src, dst))
    return [(bytes([typ, code]) + struct.pack("!H", c),
             "%s: type %d, code %d, checksum 0x%04x%s" % (label, typ, code, c, note)),
            (rest, rest_comment)] + body


def echo4(typ, seq, payload=PAYLOAD, label="ICMP echo request", ident=IDENT):
    return icmp4(typ, 0, struct.pack("!HH", ident, seq),
                 "identifier 0x%04x, sequence %d" % (ident, seq),
                 payload_segs(payload), label)


def echo6(typ, seq, src, dst, payload=PAYLOAD, label="ICMPv6 echo request", zero=False):
    return icmp6(typ, 0, struct.pack("!HH", IDENT, seq),
                 "identifier 0x%04x, sequence %d" % (IDENT, seq),
                 payload_segs(payload), label, src, dst, zero)


def probe4(seq, ttl=1, payload=PAYLOAD, ident=0x1c46, opts=b"", opts_comment="", df=True,
           total=None):
    """Our probe as sent: IPv4 header + ICMP echo request."""
    icmp = echo4(8, seq, payload, "quoted ICMP echo request")
    if total is None:
        total = 20 + len(opts) + len(cat(icmp))
    return ip4(H4, T4, ttl, 1, total, ident, df=df, opts=opts, opts_comment=opts_comment,
               label="quoted IPv4 header") + icmp


def probe6(seq, hlim=1, payload=PAYLOAD, plen=None):
    icmp = echo6(128, seq, H6, T6, payload, "quoted ICMPv6 echo request")
    if plen is None:
        plen = len(cat(icmp))
    return ip6(H6, T6, hlim, 58, plen, label="quoted IPv6 header") + icmp


def pad(n, why="RFC 4884 zero padding of the original datagram field to 128 bytes"):
    return [(bytes(n), why)] if n else []


def mpls_entry(label, tc, s, ttl):
    v = (label << 12) | (tc << 9) | (s << 8) | ttl
    return (struct.pack("!I", v), "MPLS label stack entry: label %d, TC %d, S %d, TTL %d"
            % (label, tc, s, ttl))


def ext_obj(entries, length=None, cls=1, ctype=1, note=""):
    body = [mpls_entry(*e) for e in entries]
    if length is None:
        length = 4 + 4 * len(entries)
    return [(struct.pack("!HBB", length, cls, ctype),
             "extension object header: length %d, class-num %d (MPLS label stack), "
             "c-type %d%s" % (length, cls, ctype, note))] + body


def ext(objs, mode="ok"):
    """RFC 4884 extension structure; mode ok, bad (checksum +1), zero."""
    body = cat(objs)
    c = csum(bytes([0x20, 0, 0, 0]) + body)
    note = ""
    if mode == "bad":
        c = (c + 1) & 0xFFFF
        note = " (WRONG on purpose: the correct value plus one)"
    elif mode == "zero":
        c = 0
        note = " (0: no checksum sent, RFC 4884 section 7)"
    return [(bytes([0x20, 0]) + struct.pack("!H", c),
             "RFC 4884 extension header: version 2, reserved 0, checksum 0x%04x over "
             "the whole extension structure%s" % (c, note))] + objs


MPLS2 = [(299792, 0, 0, 1), (24005, 5, 1, 1)]


def fmt(segs):
    lines = []
    for b, c in segs:
        first = True
        for i in range(0, len(b), 16):
            h = " ".join("%02x" % x for x in b[i:i + 16])
            if first and c:
                line = "%-*s # %s" % (12 if len(b) <= 4 else 48, h, c)
                if len(line) > 100:
                    lines.extend(textwrap.wrap(c, 98, initial_indent="# ",
                                               subsequent_indent="#   ", break_on_hyphens=False))
                    lines.append(h)
                else:
                    lines.append(line)
            else:
                lines.append(h)
            first = False
    return "\n".join(lines) + "\n"


WRITTEN = []


def write(name, header, segs):
    data = cat(segs)
    head = "".join("# %s\n" % l for l in textwrap.wrap(" ".join(header), 76))
    head += ("#\n# Hand-built field by field (each line below is one field or group of\n"
             "# fields, assembled by a throwaway Python script); every checksum was\n"
             "# computed by that script as an RFC 1071 sum.  Lab addresses only\n"
             "# (198.18.0.0/15, 2001:2::/48).  %d bytes.\n" % len(data))
    with open(os.path.join(OUT, name), "w") as f:
        f.write(head + fmt(segs))
    WRITTEN.append((name, len(data)))
    return data


def outer4(src, ttl, icmp, **kw):
    return ip4(src, H4, ttl, 1, 20 + len(kw.get("opts", b"")) + len(cat(icmp)),
               label="outer IPv4 header", **kw) + icmp


def te4(quote, rest=b"\0\0\0\0", rest_comment="unused (0)", bad=False):
    return icmp4(11, 0, rest, rest_comment, quote,
                 "ICMP time exceeded (TTL exceeded in transit)", bad=bad)


def te6(quote, rest=b"\0\0\0\0", rest_comment="unused (0)", src=R6):
    return icmp6(3, 0, rest, rest_comment, quote,
                 "ICMPv6 time exceeded (hop limit exceeded in transit)", src, H6)


# ---------------------------------------------------------------- IPv4
def gen_ip4():
    reply = echo4(0, 1, label="ICMP echo reply")
    write("ip4_echo_reply.hex",
          ["ip4_echo_reply.hex - IPv4 echo reply with its IPv4 header (raw socket view).",
           "%s answers our echo request: identifier 0x%04x, sequence 1, 56 bytes" % (T4, IDENT),
           "of payload; the reply arrived with TTL 57."],
          ip4(T4, H4, 57, 1, 84, label="outer IPv4 header") + reply)
    write("icmp4_echo_reply.hex",
          ["icmp4_echo_reply.hex - the ICMP message of ip4_echo_reply.hex alone, as an",
           "ICMP datagram socket delivers it (no IP header): echo reply, identifier",
           "0x%04x, sequence 1, 56 bytes of payload." % IDENT],
          reply)
    write("ip4_echo_reply_trailing.hex",
          ["ip4_echo_reply_trailing.hex - ip4_echo_reply.hex followed by 4 bytes that are",
           "not part of the datagram (total length says 84, 88 bytes received): the",
           "parser must stop at the total length."],
          ip4(T4, H4, 57, 1, 84, label="outer IPv4 header") + reply
          + [(b"\xde\xad\xbe\xef", "trailing bytes beyond the IPv4 total length")])
    write("icmp4_echo_request.hex",
          ["icmp4_echo_request.hex - ICMP echo request exactly as hw__build_echo(AF_INET)",
           "builds it: type 8, identifier 0x%04x, sequence 1, 56 payload bytes counting" % IDENT,
           "up from 0x20, checksum filled in.  Received, it is IGNORED (not a reply)."],
          echo4(8, 1))

    write("ip4_time_exceeded_min.hex",
          ["ip4_time_exceeded_min.hex - IPv4 time exceeded from router %s, raw socket" % R4,
           "view, quoting the RFC 792 minimum: our probe's IPv4 header (%s -> %s," % (H4, T4),
           "TTL 1 on arrival) and the first 8 bytes of its ICMP echo request",
           "(identifier 0x%04x, sequence 3), so no payload." % IDENT],
          outer4(R4, 254, te4(trunc(probe4(3), 28))))
    write("ip4_time_exceeded_long.hex",
          ["ip4_time_exceeded_long.hex - IPv4 time exceeded from router %s quoting our" % R4,
           "whole 84-byte probe (identifier 0x%04x, sequence 4) including its 56 bytes" % IDENT,
           "of payload, as Linux routers do."],
          outer4(R4, 254, te4(probe4(4))))
    big = bytes(i & 0xFF for i in range(972))
    write("ip4_time_exceeded_576.hex",
          ["ip4_time_exceeded_576.hex - IPv4 time exceeded from router %s for a 1000-byte" % R4,
           "probe (identifier 0x%04x, sequence 5, 972 payload bytes, byte i = i & 0xff)," % IDENT,
           "the quote cut so the whole error is 576 bytes (Linux icmp_send limit):",
           "548 quoted bytes = 20 IPv4 + 8 ICMP + 520 payload."],
          outer4(R4, 254, te4(trunc(probe4(5, payload=big), 548, "576-byte limit"))))
    write("ip4_time_exceeded_qopts.hex",
          ["ip4_time_exceeded_qopts.hex - IPv4 time exceeded from %s whose quoted IPv4" % R4,
           "header has options (IHL 6: Router Alert), quoting the probe header, its echo",
           "header (identifier 0x%04x, sequence 6) and the first 16 of 56 payload bytes." % IDENT],
          outer4(R4, 254, te4(trunc(probe4(6, opts=b"\x94\x04\x00\x00",
                                           opts_comment="option: Router Alert (type 0x94, "
                                           "length 4, value 0)"), 24 + 8 + 16))))
    rr = b"\x07\x0b\x0c" + a4("198.18.3.1") + a4(R4) + b"\x00"
    write("ip4_time_exceeded_outer_opts.hex",
          ["ip4_time_exceeded_outer_opts.hex - IPv4 time exceeded from %s whose own (outer)" % R4,
           "IPv4 header carries options (IHL 8: Record Route with 2 full slots + EOL),",
           "quoting the RFC 792 minimum of the probe (identifier 0x%04x, sequence 7)." % IDENT],
          outer4(R4, 254, te4(trunc(probe4(7), 28)), opts=rr,
                 opts_comment="options: Record Route (type 7, length 11, pointer 12: full) "
                 "198.18.3.1, 198.18.7.1; End of Options (0)"))

    def unreach(code, rest=b"\0\0\0\0", rest_comment="unused (0)"):
        return lambda q: icmp4(3, code, rest, rest_comment, q,
                               "ICMP destination unreachable")
    write("ip4_unreach_admin.hex",
          ["ip4_unreach_admin.hex - IPv4 destination unreachable, code 13 (communication",
           "administratively prohibited) from %s, quoting the RFC 792 minimum of the" % R4B,
           "probe (identifier 0x%04x, sequence 8, TTL 3 left)." % IDENT],
          outer4(R4B, 250, unreach(13)(trunc(probe4(8, ttl=3), 28))))
    write("ip4_unreach_net.hex",
          ["ip4_unreach_net.hex - IPv4 destination unreachable, code 0 (net unreachable)",
           "from %s, quoting the RFC 792 minimum of the probe (identifier 0x%04x," % (R4B, IDENT),
           "sequence 9, TTL 2 left)."],
          outer4(R4B, 250, unreach(0)(trunc(probe4(9, ttl=2), 28))))
    write("ip4_unreach_frag_needed.hex",
          ["ip4_unreach_frag_needed.hex - IPv4 destination unreachable, code 4",
           "(fragmentation needed and DF set) from %s with next-hop MTU 1400, quoting" % R4B,
           "a 1500-byte DF probe (identifier 0x%04x, sequence 10): header + 8 bytes." % IDENT],
          outer4(R4B, 250, unreach(4, b"\x00\x00\x05\x78", "unused (0), next-hop MTU 1400")(
              trunc(probe4(10, ttl=5, payload=bytes(i & 0xFF for i in range(1472))), 28))))
    udp = ip4(H4, T4, 4, 17, 60, 0x2a2a, label="quoted IPv4 header") + [
        (struct.pack("!HH", 45678, 33434), "quoted UDP: source port 45678, destination port "
         "33434"),
        (struct.pack("!HH", 40, 0), "UDP length 40, checksum 0 (none)")]
    write("ip4_unreach_port_udp.hex",
          ["ip4_unreach_port_udp.hex - IPv4 destination unreachable, code 3 (port",
           "unreachable) from the target %s, quoting a UDP datagram (traceroute-style" % T4,
           "probe to port 33434, TTL 4 left): header + 8 bytes.  A UDP probe: ports",
           "45678 -> 33434, UDP length 40, checksum 0, no payload quoted."],
          outer4(T4, 60, unreach(3)(udp)))
    frag = ip4(H4, T4, 6, 1, 100, 0x3b3b, frag=185, label="quoted IPv4 header") + [
        (b"\x08\x00\x00\x00\x48\x57\x00\x0e", "first 8 data bytes of the fragment: "
         "payload that happens to look like an echo request header (type 8, identifier "
         "0x4857, sequence 14), which must not be taken for one")]
    write("ip4_unreach_nonfirst_frag.hex",
          ["ip4_unreach_nonfirst_frag.hex - IPv4 destination unreachable, code 13, from",
           "%s quoting a non-first fragment (offset 185 = 1480 bytes) of an ICMP" % R4B,
           "datagram: no ICMP header in it, so IGNORED."],
          outer4(R4B, 250, unreach(13)(frag)))
    write("ip4_param_problem.hex",
          ["ip4_param_problem.hex - IPv4 parameter problem, code 0, pointer 1 (the TOS",
           "byte) from %s, quoting the RFC 792 minimum of the probe (identifier" % R4,
           "0x%04x, sequence 12)." % IDENT],
          outer4(R4, 254, icmp4(12, 0, b"\x01\0\0\0", "pointer 1, length 0, unused 0",
                                trunc(probe4(12), 28), "ICMP parameter problem")))
    write("ip4_source_quench.hex",
          ["ip4_source_quench.hex - IPv4 source quench (type 4, obsolete) from the target",
           "%s, quoting the RFC 792 minimum of the probe (identifier 0x%04x," % (T4, IDENT),
           "sequence 13, TTL 50 left)."],
          outer4(T4, 60, icmp4(4, 0, b"\0\0\0\0", "unused (0)", trunc(probe4(13, ttl=50), 28),
                               "ICMP source quench")))
    write("ip4_redirect.hex",
          ["ip4_redirect.hex - IPv4 redirect, code 1 (host), from 198.18.0.254 telling us",
           "to use gateway 198.18.0.253 for %s, quoting the probe (identifier" % T4,
           "0x%04x, sequence 14): not something a probe causes, IGNORED." % IDENT],
          outer4("198.18.0.254", 64, icmp4(5, 1, a4("198.18.0.253"),
                                           "gateway 198.18.0.253", trunc(probe4(14, ttl=64), 28),
                                           "ICMP redirect")))
    tsc = csum(struct.pack("!BBHHH", 13, 0, 0, IDENT, 15) + bytes(12))
    ts = ip4(H4, T4, 1, 1, 40, 0x4d4d, label="quoted IPv4 header") + [
        (struct.pack("!BBH", 13, 0, tsc), "quoted ICMP: type 13 (timestamp request), code 0, "
         "checksum 0x%04x (zero timestamps)" % tsc),
        (struct.pack("!HH", IDENT, 15), "identifier 0x%04x, sequence 15" % IDENT)]
    write("ip4_time_exceeded_quote_not_echo.hex",
          ["ip4_time_exceeded_quote_not_echo.hex - IPv4 time exceeded from %s quoting an" % R4,
           "ICMP timestamp request (type 13) rather than an echo request: IGNORED."],
          outer4(R4, 254, te4(ts)))
    write("ip4_time_exceeded_quote_short.hex",
          ["ip4_time_exceeded_quote_short.hex - IPv4 time exceeded from %s whose quote" % R4,
           "holds the probe's IPv4 header but only 4 of the 8 ICMP header bytes",
           "(identifier 0x%04x, sequence 16 cut off): IGNORED." % IDENT],
          outer4(R4, 254, te4(trunc(probe4(16), 24))))
    write("ip4_nonfirst_frag.hex",
          ["ip4_nonfirst_frag.hex - an IPv4 ICMP datagram that is a non-first fragment",
           "(offset 185 = 1480 bytes) from %s: 8 data bytes, no ICMP header: IGNORED." % T4],
          ip4(T4, H4, 57, 1, 28, 0x5e5e, frag=185, label="outer IPv4 header")
          + [(bytes(range(0x40, 0x48)), "fragment data (middle of an echo payload)")])
    write("ip4_proto_udp.hex",
          ["ip4_proto_udp.hex - an IPv4 UDP datagram (protocol 17) from %s to port" % T4,
           "33434: not ICMP, IGNORED."],
          ip4(T4, H4, 57, 17, 36, 0x6f6f, label="outer IPv4 header")
          + [(struct.pack("!HH", 33434, 45678), "UDP: source port 33434, destination port 45678"),
             (struct.pack("!HH", 16, 0), "UDP length 16, checksum 0 (none)"),
             (b"hopwatch", "UDP payload \"hopwatch\"")])

    # RFC 4884 / RFC 4950.
    q128 = probe4(11) + pad(128 - 84)

    def te4x(quote, ext_segs, words=32):
        return outer4(R4, 254, te4(quote + ext_segs, bytes([0, words, 0, 0]),
                                   "unused (0), length %d (32-bit words of original datagram "
                                   "= %d bytes), unused (0)" % (words, words * 4)))
    mpls_note = ["The quote is our whole 84-byte probe (identifier 0x%04x, sequence 11)" % IDENT,
                 "zero-padded to 128 bytes (RFC 4884 length field 32)."]
    write("ip4_time_exceeded_mpls.hex",
          ["ip4_time_exceeded_mpls.hex - IPv4 time exceeded from %s with an RFC 4884" % R4,
           "extension structure carrying an RFC 4950 MPLS label stack object with 2",
           "entries: label 299792 TC 0 S 0 TTL 1, then label 24005 TC 5 S 1 TTL 1."]
          + mpls_note, te4x(q128, ext(ext_obj(MPLS2))))
    write("ip4_time_exceeded_mpls_badsum.hex",
          ["ip4_time_exceeded_mpls_badsum.hex - ip4_time_exceeded_mpls.hex with a wrong",
           "extension checksum (ICMP checksum still right): the labels must be ignored,",
           "ext_bad_checksum set, and the message is still a valid time exceeded."]
          + mpls_note, te4x(q128, ext(ext_obj(MPLS2), "bad")))
    write("ip4_time_exceeded_mpls_nocsum.hex",
          ["ip4_time_exceeded_mpls_nocsum.hex - ip4_time_exceeded_mpls.hex with the",
           "extension checksum field 0, which RFC 4884 section 7 defines as \"no",
           "checksum transmitted\": the labels are used."]
          + mpls_note, te4x(q128, ext(ext_obj(MPLS2), "zero")))
    write("ip4_time_exceeded_mpls_trunc.hex",
          ["ip4_time_exceeded_mpls_trunc.hex - RFC 4884 time exceeded from %s whose" % R4,
           "extension structure is cut after 2 bytes (no room for the 4-byte extension",
           "header): no labels, no checksum complaint, still a time exceeded."]
          + mpls_note, te4x(q128, [(b"\x20\x00", "RFC 4884 extension header, cut after "
                                   "version/reserved byte and reserved byte")]))
    ext_t = ext(ext_obj(MPLS2[:1], length=12, note=" (claims 12, only 8 present)"))
    write("ip4_time_exceeded_mpls_trunc_obj.hex",
          ["ip4_time_exceeded_mpls_trunc_obj.hex - RFC 4884 time exceeded from %s whose" % R4,
           "MPLS object claims 12 bytes (2 entries) but the message ends after the first",
           "entry; the extension checksum is right for the bytes present.  The object",
           "overruns, so it is dropped: no labels."]
          + mpls_note, te4x(q128, ext_t))
    write("ip4_time_exceeded_mpls_objlen0.hex",
          ["ip4_time_exceeded_mpls_objlen0.hex - RFC 4884 time exceeded from %s whose" % R4,
           "first extension object has length 0 (followed by what looks like one label",
           "entry), checksum right: the object walk must stop, not loop; no labels."]
          + mpls_note, te4x(q128, ext(ext_obj(MPLS2[:1], length=0, note=" (invalid)"))))
    write("ip4_time_exceeded_mpls_objover.hex",
          ["ip4_time_exceeded_mpls_objover.hex - RFC 4884 time exceeded from %s: a good" % R4,
           "MPLS object with 1 entry (label 16, TC 0, S 1, TTL 255), then a second object",
           "whose length 256 runs past the message; checksum right.  The first object's",
           "label is kept, the second object is dropped without reading past the end."]
          + mpls_note,
          te4x(q128, ext(ext_obj([(16, 0, 1, 255)])
                         + ext_obj([(17, 0, 1, 254)], length=256, note=" (overruns)"))))
    write("ip4_time_exceeded_mpls_legacy.hex",
          ["ip4_time_exceeded_mpls_legacy.hex - pre-RFC 4884 (non-compliant) form: length",
           "field 0, the quote padded to 128 bytes and the extension structure at offset",
           "128 of the quote with a valid version 2 header and checksum; same 2 labels",
           "as ip4_time_exceeded_mpls.hex."]
          + mpls_note[:1] + ["zero-padded to 128 bytes."],
          te4x(q128, ext(ext_obj(MPLS2)), words=0))
    write("ip4_time_exceeded_rfc4884_badlen.hex",
          ["ip4_time_exceeded_rfc4884_badlen.hex - RFC 4884 time exceeded from %s whose" % R4,
           "length field says 40 words (160 bytes) but only 144 bytes follow the ICMP",
           "header: the length is unusable, so extensions are ignored and the whole",
           "rest is taken as the quote."]
          + mpls_note[:1] + ["zero-padded to 128 bytes."],
          te4x(q128, ext(ext_obj(MPLS2)), words=40))
    write("ip4_time_exceeded_rfc4884_shortlen.hex",
          ["ip4_time_exceeded_rfc4884_shortlen.hex - RFC 4884 time exceeded from %s whose" % R4,
           "length field says 5 words (20 bytes), below the RFC's 128-byte minimum: the",
           "length is unusable, extensions are ignored, the whole rest is the quote."]
          + mpls_note[:1] + ["zero-padded to 128 bytes."],
          te4x(q128, ext(ext_obj(MPLS2)), words=5))

    write("ip4_time_exceeded_mpls_many.hex",
          ["ip4_time_exceeded_mpls_many.hex - RFC 4884 time exceeded from %s whose MPLS" % R4,
           "object holds 10 label stack entries (labels 100 to 109, TC 0, TTL 1, S set on",
           "the last), more than HW_MPLS_MAX (8): only the top 8 are kept."] + mpls_note,
          te4x(q128, ext(ext_obj([(100 + i, 0, 1 if i == 9 else 0, 1) for i in range(10)]))))
    long_probe = trunc(probe4(17, payload=bytes(i & 0xFF for i in range(172))), 128,
                       "128-byte original datagram field")
    long_note = ["The quote is the first 128 bytes of a 200-byte probe (identifier 0x%04x," % IDENT,
                 "sequence 17, 172 payload bytes, byte i = i & 0xff), so the payload in the",
                 "quote ends where the extension structure starts: 100 bytes."]
    write("ip4_time_exceeded_mpls_long.hex",
          ["ip4_time_exceeded_mpls_long.hex - RFC 4884 time exceeded from %s (length" % R4,
           "field 32) with the 2-label MPLS extension of ip4_time_exceeded_mpls.hex."]
          + long_note, te4x(long_probe, ext(ext_obj(MPLS2))))
    write("ip4_time_exceeded_mpls_legacy_long.hex",
          ["ip4_time_exceeded_mpls_legacy_long.hex - pre-RFC 4884 form (length field 0,",
           "extension at offset 128 of the quote, valid checksum) with the 2-label MPLS",
           "extension of ip4_time_exceeded_mpls.hex."]
          + long_note, te4x(long_probe, ext(ext_obj(MPLS2)), words=0))
    zero_sum = [(0xdef60, 0, 0, 0)]
    write("ip4_time_exceeded_mpls_legacy_zero.hex",
          ["ip4_time_exceeded_mpls_legacy_zero.hex - pre-RFC 4884 form (length field 0)",
           "whose would-be extension at offset 128 has checksum field 0 and contents",
           "chosen to sum to 0xffff (one entry, label 0xdef60, TC 0, S 0, TTL 0), so the",
           "checksum \"verifies\": without a length field a zero checksum proves",
           "nothing, so no extension is recognised and there are no labels."]
          + mpls_note[:1] + ["zero-padded to 128 bytes."],
          te4x(q128, ext(ext_obj(zero_sum), "zero"), words=0))
    write("ip4_time_exceeded_mpls_legacy_badsum.hex",
          ["ip4_time_exceeded_mpls_legacy_badsum.hex - ip4_time_exceeded_mpls_legacy.hex",
           "with a wrong extension checksum: without a length field the checksum is what",
           "identifies the extension, so none is recognised and the whole rest counts as",
           "the quote (no labels, no checksum complaint)."]
          + mpls_note[:1] + ["zero-padded to 128 bytes."],
          te4x(q128, ext(ext_obj(MPLS2), "bad"), words=0))

    # Malformed IPv4.
    te_min = te4(trunc(probe4(3), 28))
    write("ip4_bad_ihl_small.hex",
          ["ip4_bad_ihl_small.hex - ip4_time_exceeded_min.hex with the outer IHL set to 4",
           "(16 bytes, below the minimum of 5): MALFORMED."],
          ip4(R4, H4, 254, 1, 56, ihl=4, label="outer IPv4 header") + te_min)
    write("ip4_bad_ihl_long.hex",
          ["ip4_bad_ihl_long.hex - an IPv4 echo reply whose IHL is 15 (60 bytes) while only",
           "48 bytes were received: MALFORMED."],
          ip4(T4, H4, 57, 1, 48, ihl=15, label="outer IPv4 header")
          + echo4(0, 1, PAYLOAD[:20], label="ICMP echo reply"))
    write("ip4_bad_totlen.hex",
          ["ip4_bad_totlen.hex - ip4_time_exceeded_min.hex with the outer total length",
           "set to 100 although only 56 bytes were received: MALFORMED."],
          ip4(R4, H4, 254, 1, 100, label="outer IPv4 header") + te_min)
    write("ip4_bad_totlen_small.hex",
          ["ip4_bad_totlen_small.hex - ip4_time_exceeded_min.hex with the outer total",
           "length set to 16, smaller than the 20-byte header: MALFORMED."],
          ip4(R4, H4, 254, 1, 16, label="outer IPv4 header") + te_min)
    write("ip4_bad_version.hex",
          ["ip4_bad_version.hex - ip4_time_exceeded_min.hex with the outer version field",
           "set to 6: MALFORMED."],
          ip4(R4, H4, 254, 1, 56, version=6, label="outer IPv4 header") + te_min)
    write("ip4_bad_checksum.hex",
          ["ip4_bad_checksum.hex - ip4_time_exceeded_min.hex with the ICMP checksum off by",
           "one: BAD_CHECKSUM."],
          outer4(R4, 254, te4(trunc(probe4(3), 28), bad=True)))

    def qbad(name, lines, qhdr, extra):
        write(name, lines, outer4(R4, 254, te4(qhdr + extra)))
    req8 = trunc(echo4(8, 3, label="quoted ICMP echo request"), 8)
    qbad("ip4_quoted_totlen_small.hex",
         ["ip4_quoted_totlen_small.hex - time exceeded from %s whose quoted IPv4 header" % R4,
          "says total length 16, smaller than its own 20-byte header: MALFORMED."],
         ip4(H4, T4, 1, 1, 16, 0x1c46, df=True, label="quoted IPv4 header"), req8)
    qbad("ip4_quoted_ihl_small.hex",
         ["ip4_quoted_ihl_small.hex - time exceeded from %s whose quoted IPv4 header" % R4,
          "has IHL 3: MALFORMED."],
         ip4(H4, T4, 1, 1, 84, 0x1c46, df=True, ihl=3, label="quoted IPv4 header"), req8)
    qbad("ip4_quoted_ihl_long.hex",
         ["ip4_quoted_ihl_long.hex - time exceeded from %s whose quoted IPv4 header has" % R4,
          "IHL 15 (60 bytes) while the quote is only 28 bytes: MALFORMED."],
         ip4(H4, T4, 1, 1, 84, 0x1c46, df=True, ihl=15, label="quoted IPv4 header"), req8)
    qbad("ip4_quoted_bad_version.hex",
         ["ip4_quoted_bad_version.hex - time exceeded from %s whose quoted header has" % R4,
          "version 6 in an ICMPv4 message: MALFORMED."],
         ip4(H4, T4, 1, 1, 84, 0x1c46, df=True, version=6, label="quoted IPv4 header"), req8)
    write("ip4_quote_too_short.hex",
          ["ip4_quote_too_short.hex - time exceeded from %s quoting only 12 bytes, less" % R4,
           "than an IPv4 header: MALFORMED."],
          outer4(R4, 254, te4(trunc(probe4(3), 12))))


# ---------------------------------------------------------------- IPv6
def gen_ip6():
    write("icmp6_echo_reply.hex",
          ["icmp6_echo_reply.hex - ICMPv6 echo reply from %s to %s (raw ICMPv6" % (T6, H6),
           "socket view: no IPv6 header), identifier 0x%04x, sequence 1, 56 payload" % IDENT,
           "bytes.  The checksum covers the RFC 8200 pseudo-header of that pair."],
          echo6(129, 1, T6, H6, label="ICMPv6 echo reply"))
    write("icmp6_echo_request_built.hex",
          ["icmp6_echo_request_built.hex - ICMPv6 echo request exactly as",
           "hw__build_echo(AF_INET6) builds it: type 128, identifier 0x%04x, sequence 1," % IDENT,
           "56 payload bytes counting up from 0x20, checksum left 0 for the kernel.",
           "Received, an echo request is IGNORED."],
          echo6(128, 1, H6, T6, zero=True))
    write("icmp6_time_exceeded_min.hex",
          ["icmp6_time_exceeded_min.hex - ICMPv6 time exceeded from router %s quoting" % R6,
           "our probe's IPv6 header (%s -> %s, hop limit 1) and only" % (H6, T6),
           "the 8-byte echo request header (identifier 0x%04x, sequence 3)." % IDENT],
          te6(trunc(probe6(3), 48)))
    write("icmp6_time_exceeded_long.hex",
          ["icmp6_time_exceeded_long.hex - ICMPv6 time exceeded from %s quoting our whole" % R6,
           "104-byte probe (identifier 0x%04x, sequence 4, 56 payload bytes)." % IDENT],
          te6(probe6(4)))

    def padn(nh, label):
        return [(bytes([nh, 0]), "%s header: next header %d (%s), length 0 (8 bytes)"
                 % (label, nh, PROTO[nh])),
                (b"\x01\x04\0\0\0\0", "PadN option, 4 bytes of padding")]
    full = echo6(128, 5, H6, T6, label="quoted ICMPv6 echo request")
    chain = (ip6(H6, T6, 1, 0, 48, label="quoted IPv6 header")
             + padn(60, "hop-by-hop options") + padn(44, "destination options")
             + [(b"\x3a\x00\x00\x01", "fragment header: next header 58 (ICMPv6), reserved 0, "
                 "offset 0, M=1 (first fragment)"),
                (b"\x12\x34\x56\x78", "fragment identification 0x12345678")]
             + trunc(full, 8 + 16, "rest is in later fragments"))
    write("icmp6_time_exceeded_exthdrs.hex",
          ["icmp6_time_exceeded_exthdrs.hex - ICMPv6 time exceeded from %s quoting the" % R6,
           "first fragment (offset 0, M=1) of our probe, which carries hop-by-hop and",
           "destination options headers before the fragment header; the fragment holds",
           "the echo request header (identifier 0x%04x, sequence 5) and 16 of the 56" % IDENT,
           "payload bytes (quoted payload length 48 = 8 + 8 + 8 + 8 + 16)."],
          te6(chain))
    rt_icmp = echo6(128, 6, H6, T6, PAYLOAD[:8], label="quoted ICMPv6 echo request")
    rt = (ip6(H6, SEG6, 1, 43, 24 + 16, label="quoted IPv6 header")
          + [(b"\x3a\x02\x04\x01", "routing header: next header 58 (ICMPv6), length 2 (24 "
              "bytes), type 4 (segment routing), segments left 1"),
             (b"\x00\x00\x00\x00", "last entry 0, flags 0, tag 0"),
             (a6(T6), "segment list[0] %s (final destination)" % T6)] + rt_icmp)
    write("icmp6_time_exceeded_routing.hex",
          ["icmp6_time_exceeded_routing.hex - ICMPv6 time exceeded from %s quoting a" % R6,
           "probe with a segment routing header (type 4, 24 bytes, segments left 1): the",
           "quoted IPv6 destination is the current segment %s, the final one" % SEG6,
           "%s.  Echo request identifier 0x%04x, sequence 6, 8 payload bytes," % (T6, IDENT),
           "whole datagram quoted; its checksum uses the final destination (RFC 8200)."],
          te6(rt))
    ah = (ip6(H6, T6, 1, 51, 24 + 64, label="quoted IPv6 header")
          + [(b"\x3a\x04\x00\x00", "AH: next header 58 (ICMPv6), payload length 4 ((4+2)*4 = "
              "24 bytes), reserved 0"),
             (b"\x00\x00\x10\x00", "SPI 0x00001000"),
             (b"\x00\x00\x00\x01", "sequence number 1"),
             (bytes(range(0xa0, 0xac)), "integrity check value (12 bytes)")]
          + echo6(128, 7, H6, T6, label="quoted ICMPv6 echo request"))
    write("icmp6_time_exceeded_ah.hex",
          ["icmp6_time_exceeded_ah.hex - ICMPv6 time exceeded from %s quoting a probe" % R6,
           "protected by an IPsec authentication header (24 bytes) before the echo",
           "request (identifier 0x%04x, sequence 7, all 56 payload bytes)." % IDENT],
          te6(ah))
    nf = (ip6(H6, T6, 1, 44, 16, label="quoted IPv6 header")
          + [(b"\x3a\x00\x05\xa8", "fragment header: next header 58, reserved 0, offset 181 "
              "(1448 bytes), M=0 (last fragment)"),
             (b"\x12\x34\x56\x79", "fragment identification 0x12345679"),
             (b"\x80\x00\x00\x00\x48\x57\x00\x0e", "fragment data: payload that happens "
              "to look like an echo request header (type 128, identifier 0x4857, sequence "
              "14), which must not be taken for one")])
    write("icmp6_time_exceeded_nonfirst_frag.hex",
          ["icmp6_time_exceeded_nonfirst_frag.hex - ICMPv6 time exceeded from %s quoting" % R6,
           "a non-first fragment (offset 1448) of an ICMPv6 datagram: no ICMPv6 header in",
           "it, so IGNORED."],
          te6(nf))
    esp = (ip6(H6, T6, 1, 50, 24, label="quoted IPv6 header")
           + [(b"\x00\x00\x20\x00", "ESP: SPI 0x00002000"),
              (b"\x00\x00\x00\x07", "ESP sequence number 7"),
              (bytes(range(0xb0, 0xc0)), "encrypted data (16 bytes)")])
    write("icmp6_time_exceeded_esp.hex",
          ["icmp6_time_exceeded_esp.hex - ICMPv6 time exceeded from %s quoting an ESP" % R6,
           "(next header 50) datagram: encrypted, cannot be ours to read, IGNORED."],
          te6(esp))

    def unreach6(code, quote, src=R6B):
        return icmp6(1, code, b"\0\0\0\0", "length 0, unused (0)", quote,
                     "ICMPv6 destination unreachable", src, H6)
    write("icmp6_unreach_admin.hex",
          ["icmp6_unreach_admin.hex - ICMPv6 destination unreachable, code 1",
           "(communication administratively prohibited) from %s, quoting our probe's" % R6B,
           "IPv6 header and echo request header (identifier 0x%04x, sequence 8, hop" % IDENT,
           "limit 3 left)."],
          unreach6(1, trunc(probe6(8, hlim=3), 48)))
    write("icmp6_unreach_noroute.hex",
          ["icmp6_unreach_noroute.hex - ICMPv6 destination unreachable, code 0 (no route",
           "to destination) from %s, quoting our probe's IPv6 header and echo request" % R6B,
           "header (identifier 0x%04x, sequence 9, hop limit 2 left)." % IDENT],
          unreach6(0, trunc(probe6(9, hlim=2), 48)))
    big = bytes(i & 0xFF for i in range(1452))
    write("icmp6_packet_too_big.hex",
          ["icmp6_packet_too_big.hex - ICMPv6 packet too big from %s, MTU 1400, quoting" % R6,
           "our 1500-byte probe (identifier 0x%04x, sequence 10, 1452 payload bytes," % IDENT,
           "byte i = i & 0xff) cut so the error fits the 1280-byte IPv6 minimum MTU:",
           "1232 quoted bytes = 40 IPv6 + 8 ICMPv6 + 1184 payload."],
          icmp6(2, 0, struct.pack("!I", 1400), "MTU 1400",
                trunc(probe6(10, hlim=5, payload=big), 1232, "1280-byte limit"),
                "ICMPv6 packet too big", R6, H6))
    pp = (ip6(H6, T6, 1, 0, 8 + 64, label="quoted IPv6 header")
          + [(b"\x3a\x00", "hop-by-hop options header: next header 58, length 0 (8 bytes)"),
             (b"\x9e\x04\0\0\0\0", "option type 0x9e (unknown; action 10: discard and send "
              "parameter problem), length 4, data 0")]
          + echo6(128, 12, H6, T6, label="quoted ICMPv6 echo request"))
    write("icmp6_param_problem.hex",
          ["icmp6_param_problem.hex - ICMPv6 parameter problem, code 2 (unrecognized IPv6",
           "option) from %s, pointer 42 (the option type byte in the hop-by-hop" % R6,
           "header), quoting the whole probe (identifier 0x%04x, sequence 12)." % IDENT],
          icmp6(4, 2, struct.pack("!I", 42), "pointer 42", pp, "ICMPv6 parameter problem",
                R6, H6))
    q128 = probe6(11) + pad(128 - 104)
    note = ["The quote is our whole 104-byte probe (identifier 0x%04x, sequence 11)" % IDENT,
            "zero-padded to 128 bytes."]
    write("icmp6_time_exceeded_mpls.hex",
          ["icmp6_time_exceeded_mpls.hex - ICMPv6 time exceeded from %s with an RFC 4884" % R6,
           "length field of 16 (64-bit words = 128 bytes) and an extension structure",
           "carrying an RFC 4950 MPLS label stack object with 2 entries: label 299792",
           "TC 0 S 0 TTL 1, then label 24005 TC 5 S 1 TTL 1."] + note,
          te6(q128 + ext(ext_obj(MPLS2)), b"\x10\0\0\0",
              "length 16 (64-bit words of original datagram = 128 bytes), unused (0)"))
    long6 = trunc(probe6(17, payload=bytes(i & 0xFF for i in range(152))), 128,
                  "128-byte original datagram field")
    write("icmp6_time_exceeded_mpls_long.hex",
          ["icmp6_time_exceeded_mpls_long.hex - ICMPv6 time exceeded from %s with RFC" % R6,
           "4884 length 16 (128 bytes) and the 2-label MPLS extension, quoting the first",
           "128 bytes of a 200-byte probe (identifier 0x%04x, sequence 17, 152 payload" % IDENT,
           "bytes, byte i = i & 0xff): 80 payload bytes in the quote."],
          te6(long6 + ext(ext_obj(MPLS2)), b"\x10\0\0\0",
              "length 16 (64-bit words of original datagram = 128 bytes), unused (0)"))
    write("icmp6_time_exceeded_mpls_legacy.hex",
          ["icmp6_time_exceeded_mpls_legacy.hex - pre-RFC 4884 (non-compliant) form of",
           "icmp6_time_exceeded_mpls.hex: length field 0, extension structure with a",
           "valid version 2 header and checksum at offset 128 of the quote."] + note,
          te6(q128 + ext(ext_obj(MPLS2))))
    write("icmp6_echo_request_peer.hex",
          ["icmp6_echo_request_peer.hex - an ICMPv6 echo request someone (%s) sends us" % T6,
           "(%s), identifier 0x1111, sequence 2, 8 payload bytes: IGNORED." % H6],
          icmp6(128, 0, struct.pack("!HH", 0x1111, 2), "identifier 0x1111, sequence 2",
                [(b"hopwatch", "payload \"hopwatch\"")], "ICMPv6 echo request", T6, H6))
    ra = [(b"\x40\x00\x07\x08", "current hop limit 64, flags 0, router lifetime 1800 s"),
          (b"\x00\x00\x00\x00", "reachable time 0"),
          (b"\x00\x00\x00\x00", "retrans timer 0"),
          (b"\x01\x01\x00\x00\x5e\x00\x53\x01", "option: source link-layer address "
           "00:00:5e:00:53:01 (RFC 7042 documentation MAC)"),
          (b"\x03\x04\x40\xc0", "option: prefix information, length 4 (32 bytes), prefix "
           "length 64, flags L+A"),
          (b"\x00\x27\x8d\x00", "valid lifetime 2592000 s"),
          (b"\x00\x09\x3a\x80", "preferred lifetime 604800 s"),
          (b"\x00\x00\x00\x00", "reserved"),
          (a6("2001:2:0:1::"), "prefix 2001:2:0:1::")]
    write("icmp6_router_advert.hex",
          ["icmp6_router_advert.hex - ICMPv6 router advertisement (type 134) with a source",
           "link-layer address option and a prefix information option for",
           "2001:2:0:1::/64: IGNORED.  A real one comes from a link-local address; to",
           "keep to lab addresses the checksum uses the pseudo-header 2001:2:0:1::1 ->",
           "%s (the parser does not check ICMPv6 checksums)." % H6],
          icmp6(134, 0, ra[0][0], ra[0][1], ra[1:], "ICMPv6 router advertisement",
                "2001:2:0:1::1", H6))

    # Malformed IPv6.
    write("icmp6_exthdr_overrun.hex",
          ["icmp6_exthdr_overrun.hex - ICMPv6 time exceeded from %s whose quoted datagram" % R6,
           "(payload length 16) starts with a hop-by-hop header claiming 48 bytes, longer",
           "than the datagram: MALFORMED."],
          te6(ip6(H6, T6, 1, 0, 16, label="quoted IPv6 header")
              + [(b"\x3a\x05", "hop-by-hop options header: next header 58, length 5 (48 "
                  "bytes: overruns)"),
                 (b"\x01\x0c" + bytes(12), "PadN option, 12 bytes of padding")]))
    write("icmp6_exthdr_beyond_quote.hex",
          ["icmp6_exthdr_beyond_quote.hex - ICMPv6 time exceeded from %s whose quoted" % R6,
           "datagram claims payload length 200 and starts with a 48-byte hop-by-hop",
           "header, but the quote ends 16 bytes into it: the IP layer of the quote is",
           "cut, MALFORMED."],
          te6(ip6(H6, T6, 1, 0, 200, label="quoted IPv6 header")
              + [(b"\x3a\x05", "hop-by-hop options header: next header 58, length 5 (48 "
                  "bytes)"),
                 (b"\x01\x0c" + bytes(12), "PadN option [quote ends here]")]))
    chain16 = []
    for i in range(16):
        chain16 += padn(58 if i == 15 else 60, "destination options")
    write("icmp6_exthdr_chain_16.hex",
          ["icmp6_exthdr_chain_16.hex - ICMPv6 time exceeded from %s whose quoted" % R6,
           "datagram has 16 destination options headers (the parser's bound) before its",
           "echo request (identifier 0x%04x, sequence 3): still walked to the end." % IDENT],
          te6(ip6(H6, T6, 1, 60, 16 * 8 + 8, label="quoted IPv6 header") + chain16
              + trunc(echo6(128, 3, H6, T6, label="quoted ICMPv6 echo request"), 8)))
    long_chain = []
    for i in range(17):
        long_chain += padn(58 if i == 16 else 60, "destination options")
    write("icmp6_exthdr_chain_long.hex",
          ["icmp6_exthdr_chain_long.hex - ICMPv6 time exceeded from %s whose quoted" % R6,
           "datagram has 17 destination options headers before its echo request",
           "(identifier 0x%04x, sequence 3): a chain longer than the parser's bound of 16" % IDENT,
           "headers, so IGNORED."],
          te6(ip6(H6, T6, 1, 60, 17 * 8 + 8, label="quoted IPv6 header") + long_chain
              + trunc(echo6(128, 3, H6, T6, label="quoted ICMPv6 echo request"), 8)))
    write("icmp6_quoted_bad_version.hex",
          ["icmp6_quoted_bad_version.hex - ICMPv6 time exceeded from %s whose quoted" % R6,
           "header has version 4: MALFORMED."],
          te6(ip6(H6, T6, 1, 58, 64, version=4, label="quoted IPv6 header")
              + trunc(echo6(128, 3, H6, T6, label="quoted ICMPv6 echo request"), 8)))
    write("icmp6_quote_too_short.hex",
          ["icmp6_quote_too_short.hex - ICMPv6 time exceeded from %s quoting only 30" % R6,
           "bytes, less than an IPv6 header: MALFORMED."],
          te6(trunc(probe6(3), 30)))


# ---------------------------------------------------------------- UDP / TCP
SPORT, DPORT, TPORT = 45678, 33434, 80
TCP_SEQ = 0x9E3779B9
TCP_NAMES = [(0x01, "FIN"), (0x02, "SYN"), (0x04, "RST"), (0x08, "PSH"), (0x10, "ACK"),
             (0x20, "URG"), (0x40, "ECE"), (0x80, "CWR")]


def pseudo(fam, src, dst, proto, length):
    """Transport pseudo-header: RFC 768/793 for IPv4, RFC 8200 8.1 for IPv6."""
    if fam == 4:
        return a4(src) + a4(dst) + struct.pack("!BBH", 0, proto, length)
    return a6(src) + a6(dst) + struct.pack("!I3xB", length, proto)


def solve_last2(fam, src, dst, proto, msg, ok):
    """Brute force: every value of the last two bytes of msg, keeping those for
    which ok(checksum of pseudo-header + msg) holds.  The smallest wins; the
    only tie possible is 00 00 versus ff ff (both add nothing to a one's
    complement sum), and the C code also picks 00 00 then."""
    head = bytes(msg[:-2])
    ph = pseudo(fam, src, dst, proto, len(msg))
    hits = [x for x in range(65536)
            if ok(csum(ph + head + bytes([x >> 8, x & 0xFF])))]
    assert hits and (len(hits) == 1 or hits == [0, 0xFFFF]), hits
    return bytes([hits[0] >> 8, hits[0] & 0xFF])


def udp_segs(fam, src, dst, sport, dport, payload, label="UDP", paris=None, zero_sum=False):
    """A UDP datagram.  paris=want: the last two payload bytes are solved so
    the checksum is want; zero_sum: solved so the sum computes to 0, which is
    sent as 0xffff (RFC 768)."""
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    note = ""
    if paris is not None:
        payload = payload[:-2] + solve_last2(fam, src, dst, 17, hdr + payload,
                                             lambda c: c == paris)
    elif zero_sum:
        payload = payload[:-2] + solve_last2(fam, src, dst, 17, hdr + payload,
                                             lambda c: c == 0)
    c = csum(pseudo(fam, src, dst, 17, length) + hdr + payload)
    if c == 0:
        c = 0xFFFF
        note = ", computed 0 and sent as 0xffff (RFC 768)"
    if paris is not None:
        assert c == paris
        note = ", the Paris id chosen by the last two payload bytes"
    segs = [(struct.pack("!HH", sport, dport), "%s: source port %d, destination port %d"
             % (label, sport, dport)),
            (struct.pack("!HH", length, c), "UDP length %d, checksum 0x%04x (pseudo-header "
             "%s -> %s%s)" % (length, c, src, dst, note))]
    if paris is not None or zero_sum:
        why = ("Paris" if paris is not None else "zero-sum")
        segs += payload_segs(payload[:-2], "UDP payload")
        segs.append((payload[-2:], "last two UDP payload bytes: solved by brute force for the "
                     "%s checksum (%s)" % (why, "one 16-bit word" if len(payload) % 2 == 0
                                           else "odd length: low byte of one word, then the "
                                           "high byte of the zero-padded last word")))
    else:
        segs += payload_segs(payload, "UDP payload")
    return segs


def tcp_flag_names(f):
    return "+".join(n for b, n in TCP_NAMES if f & b) or "none"


def tcp_segs(fam, src, dst, sport, dport, seq, ack, flags, window, opts=b"", opts_comment="",
             doff=None, bad=False, label="TCP"):
    if doff is None:
        doff = (20 + len(opts)) // 4
    seg = bytearray(struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, window,
                                0, 0) + opts)
    c = csum(pseudo(fam, src, dst, 6, len(seg)) + bytes(seg))
    note = " (pseudo-header %s -> %s)" % (src, dst)
    if bad:
        c = (c + 1) & 0xFFFF
        note += " (WRONG on purpose: the correct value plus one)"
    seg[16:18] = struct.pack("!H", c)
    segs = [(bytes(seg[0:4]), "%s: source port %d, destination port %d" % (label, sport, dport)),
            (bytes(seg[4:8]), "sequence number 0x%08x" % seq),
            (bytes(seg[8:12]), "acknowledgment number 0x%08x" % ack),
            (bytes(seg[12:16]), "data offset %d (%d bytes), flags 0x%02x (%s), window %d"
             % (doff, doff * 4, flags, tcp_flag_names(flags), window)),
            (bytes(seg[16:20]), "checksum 0x%04x%s, urgent pointer 0" % (c, note))]
    if opts:
        segs.append((bytes(opts), opts_comment))
    return segs


MSS_OPT = (b"\x02\x04\x05\xb4", "TCP option: MSS 1460")
SYNACK_OPTS = (b"\x02\x04\x05\xb4\x01\x01\x04\x02\x01\x03\x03\x07",
               "TCP options: MSS 1460, NOP, NOP, SACK permitted, NOP, window scale 7")


def udp_probe4(ttl=1, payload=PAYLOAD[:32], paris=None, opts=b"", opts_comment=""):
    """Our UDP probe as sent: IPv4 header + UDP datagram."""
    u = udp_segs(4, H4, T4, SPORT, DPORT, payload, "quoted UDP header", paris)
    return ip4(H4, T4, ttl, 17, 20 + len(opts) + len(cat(u)), 0x2b2b, df=True, opts=opts,
               opts_comment=opts_comment, label="quoted IPv4 header") + u


def udp_probe6(hlim=1, payload=PAYLOAD[:32], paris=None):
    u = udp_segs(6, H6, T6, SPORT, DPORT, payload, "quoted UDP header", paris)
    return ip6(H6, T6, hlim, 17, len(cat(u)), label="quoted IPv6 header") + u


def tcp_probe4(ttl=1):
    t = tcp_segs(4, H4, T4, SPORT, TPORT, TCP_SEQ, 0, 0x02, 64240, *MSS_OPT,
                 label="quoted TCP header")
    return ip4(H4, T4, ttl, 6, 20 + 24, 0x3c3c, df=True, label="quoted IPv4 header") + t


def tcp_probe6(hlim=1):
    t = tcp_segs(6, H6, T6, SPORT, TPORT, TCP_SEQ, 0, 0x02, 64240, *MSS_OPT,
                 label="quoted TCP header")
    return ip6(H6, T6, hlim, 6, 24, label="quoted IPv6 header") + t


def gen_built():
    """Probes exactly as the hw__build_* functions must build them."""
    pl = PAYLOAD[:32]
    for fam, src, dst in ((4, H4, T4), (6, H6, T6)):
        n = "udp%d_built.hex" % fam
        write(n, ["%s - UDP datagram exactly as hw__build_udp builds it (no IP header):" % n,
                  "%s port %d -> %s port %d, 32 payload bytes counting up from" % (src, SPORT,
                                                                                  dst, DPORT),
                  "0x20, checksum over the IPv%d pseudo-header." % fam],
              udp_segs(fam, src, dst, SPORT, DPORT, pl))
        n = "udp%d_built_zero_sum.hex" % fam
        write(n, ["%s - a UDP datagram from %s port %d to %s port %d" % (n, src, SPORT, dst,
                                                                          DPORT),
                  "whose last two payload bytes (of 32) make the checksum compute to 0:",
                  "hw__build_udp must send it as 0xffff (RFC 768; 0 means \"no checksum\")."],
              udp_segs(fam, src, dst, SPORT, DPORT, pl, zero_sum=True))
    for fam, src, dst, plen, want in ((4, H4, T4, 32, 0x0103), (4, H4, T4, 33, 0xFFFE),
                                      (6, H6, T6, 32, 0x0001), (6, H6, T6, 33, 0xBEEF)):
        n = "udp%d_paris_%s.hex" % (fam, "even" if plen % 2 == 0 else "odd")
        write(n, ["%s - UDP datagram exactly as hw__build_udp_paris builds it:" % n,
                  "%s port %d -> %s port %d, %d payload bytes (%s length), the" % (
                      src, SPORT, dst, DPORT, plen, "even" if plen % 2 == 0 else "odd"),
                  "first %d counting up from 0x20 and the last two chosen so that the" % (plen - 2),
                  "checksum is 0x%04x." % want],
              udp_segs(fam, src, dst, SPORT, DPORT, PAYLOAD[:plen], paris=want))
    for fam, src, dst in ((4, H4, T4), (6, H6, T6)):
        n = "tcp%d_syn_built.hex" % fam
        write(n, ["%s - TCP SYN exactly as hw__build_tcp_syn builds it (no IP header):" % n,
                  "%s port %d -> %s port %d, sequence 0x%08x, ack 0, data" % (src, SPORT, dst,
                                                                               TPORT, TCP_SEQ),
                  "offset 6, window 64240, MSS option 1460, checksum over the IPv%d" % fam,
                  "pseudo-header."],
              tcp_segs(fam, src, dst, SPORT, TPORT, TCP_SEQ, 0, 0x02, 64240, *MSS_OPT))


def gen_l4_quotes():
    """ICMP errors quoting UDP and TCP probes."""
    write("ip4_time_exceeded_udp_min.hex",
          ["ip4_time_exceeded_udp_min.hex - IPv4 time exceeded from router %s quoting" % R4,
           "the RFC 792 minimum of a Paris UDP probe (udp4_paris_even.hex in an IPv4",
           "header %s -> %s, TTL 1 left): ports %d -> %d, UDP length 40," % (H4, T4, SPORT, DPORT),
           "checksum 0x0103; no payload quoted."],
          outer4(R4, 254, te4(trunc(udp_probe4(paris=0x0103), 28))))
    write("ip4_time_exceeded_udp_long.hex",
          ["ip4_time_exceeded_udp_long.hex - IPv4 time exceeded from %s quoting our" % R4,
           "whole 60-byte UDP probe (udp4_built.hex: ports %d -> %d, 32 payload" % (SPORT, DPORT),
           "bytes counting up from 0x20)."],
          outer4(R4, 254, te4(udp_probe4())))
    write("ip4_time_exceeded_udp_7.hex",
          ["ip4_time_exceeded_udp_7.hex - IPv4 time exceeded from %s quoting the IPv4" % R4,
           "header of a UDP probe and only 7 of its 8 UDP header bytes (the checksum's",
           "second byte is missing): too little to identify a probe, IGNORED."],
          outer4(R4, 254, te4(trunc(udp_probe4(), 27))))
    write("ip4_time_exceeded_udp_qopts.hex",
          ["ip4_time_exceeded_udp_qopts.hex - IPv4 time exceeded from %s whose quoted" % R4,
           "IPv4 header has options (IHL 6: Router Alert), quoting the UDP header (ports",
           "%d -> %d, length 40) and the first 8 of its 32 payload bytes." % (SPORT, DPORT)],
          outer4(R4, 254, te4(trunc(udp_probe4(opts=b"\x94\x04\x00\x00",
                                               opts_comment="option: Router Alert (type 0x94, "
                                               "length 4, value 0)"), 24 + 8 + 8))))
    write("ip4_time_exceeded_tcp.hex",
          ["ip4_time_exceeded_tcp.hex - IPv4 time exceeded from %s quoting the RFC 792" % R4,
           "minimum of a TCP SYN probe (tcp4_syn_built.hex in an IPv4 header, TTL 1",
           "left): ports %d -> %d and sequence number 0x%08x." % (SPORT, TPORT, TCP_SEQ)],
          outer4(R4, 254, te4(trunc(tcp_probe4(), 28))))
    write("ip4_time_exceeded_quote_sctp.hex",
          ["ip4_time_exceeded_quote_sctp.hex - IPv4 time exceeded from %s quoting an" % R4,
           "SCTP datagram (protocol 132), header + 8 bytes: not a protocol we probe",
           "with, IGNORED."],
          outer4(R4, 254, te4(ip4(H4, T4, 1, 132, 20 + 12, 0x4e4e, df=True,
                                  label="quoted IPv4 header")
                              + [(struct.pack("!HH", SPORT, TPORT), "quoted SCTP common header: "
                                  "source port %d, destination port %d" % (SPORT, TPORT)),
                                 (b"\x00\x00\x00\x00", "verification tag 0")])))
    q128 = udp_probe4() + pad(128 - 60)
    write("ip4_time_exceeded_udp_mpls.hex",
          ["ip4_time_exceeded_udp_mpls.hex - IPv4 time exceeded from %s with an RFC" % R4,
           "4884 length field of 32 (128 bytes) and the 2-label MPLS extension of",
           "ip4_time_exceeded_mpls.hex (label 299792 TC 0 S 0 TTL 1, label 24005 TC 5 S 1",
           "TTL 1).  The quote is our whole 60-byte UDP probe (udp4_built.hex, 32",
           "payload bytes) zero-padded to 128 bytes."],
          outer4(R4, 254, te4(q128 + ext(ext_obj(MPLS2)), b"\0\x20\0\0",
                              "unused (0), length 32 (32-bit words of original datagram = 128 "
                              "bytes), unused (0)")))

    write("icmp6_time_exceeded_udp_min.hex",
          ["icmp6_time_exceeded_udp_min.hex - ICMPv6 time exceeded from %s quoting our" % R6,
           "Paris UDP probe's IPv6 header (%s -> %s, hop limit 1) and only" % (H6, T6),
           "its UDP header (udp6_paris_even.hex: ports %d -> %d, length 40," % (SPORT, DPORT),
           "checksum 0x0001)."],
          te6(trunc(udp_probe6(paris=0x0001), 48)))
    write("icmp6_time_exceeded_udp_long.hex",
          ["icmp6_time_exceeded_udp_long.hex - ICMPv6 time exceeded from %s quoting our" % R6,
           "whole 80-byte UDP probe (udp6_built.hex: ports %d -> %d, 32 payload" % (SPORT, DPORT),
           "bytes counting up from 0x20)."],
          te6(udp_probe6()))
    write("icmp6_unreach_port_udp.hex",
          ["icmp6_unreach_port_udp.hex - ICMPv6 destination unreachable, code 4 (port",
           "unreachable) from the target %s, quoting our whole UDP probe" % T6,
           "(udp6_built.hex, hop limit 60 left on arrival)."],
          icmp6(1, 4, b"\0\0\0\0", "length 0, unused (0)", udp_probe6(hlim=60),
                "ICMPv6 destination unreachable", T6, H6))
    write("icmp6_time_exceeded_tcp.hex",
          ["icmp6_time_exceeded_tcp.hex - ICMPv6 time exceeded from %s quoting our" % R6,
           "whole TCP SYN probe (tcp6_syn_built.hex in an IPv6 header, hop limit 1):",
           "ports %d -> %d, sequence 0x%08x, MSS option." % (SPORT, TPORT, TCP_SEQ)],
          te6(tcp_probe6()))
    write("icmp6_time_exceeded_tcp_7.hex",
          ["icmp6_time_exceeded_tcp_7.hex - ICMPv6 time exceeded from %s quoting the" % R6,
           "IPv6 header of a TCP SYN probe and only 7 bytes of its TCP header (the",
           "sequence number's last byte is missing): IGNORED."],
          te6(trunc(tcp_probe6(), 47)))
    u = udp_segs(6, H6, T6, SPORT, DPORT, PAYLOAD[:32], "quoted UDP header")
    chain = (ip6(H6, T6, 1, 0, 8 + 8 + 8 + 8, label="quoted IPv6 header")
             + [(b"\x2c\x00", "hop-by-hop options header: next header 44 (fragment), length 0 "
                 "(8 bytes)"),
                (b"\x01\x04\0\0\0\0", "PadN option, 4 bytes of padding"),
                (b"\x11\x00\x00\x01", "fragment header: next header 17 (UDP), reserved 0, "
                 "offset 0, M=1 (first fragment)"),
                (b"\x12\x34\x56\x7a", "fragment identification 0x1234567a")]
             + trunc(u, 16, "rest is in later fragments"))
    write("icmp6_time_exceeded_udp_exthdrs.hex",
          ["icmp6_time_exceeded_udp_exthdrs.hex - ICMPv6 time exceeded from %s quoting" % R6,
           "the first fragment (offset 0, M=1) of a UDP probe with a hop-by-hop options",
           "header before the fragment header; the fragment holds the UDP header (ports",
           "%d -> %d, length 40 for the whole datagram) and 8 of its 32 payload" % (SPORT, DPORT),
           "bytes (quoted payload length 32 = 8 + 8 + 8 + 8)."],
          te6(chain))


def gen_tcp_answers():
    """TCP segments answering a SYN, as raw TCP sockets receive them."""
    def tcp4(name, lines, seg, frag=0, trailing=None, ttl=57):
        extra = [(b"\xde\xad\xbe\xef", "trailing bytes beyond the IPv4 total length")] \
            if trailing else []
        write(name, lines, ip4(T4, H4, ttl, 6, 20 + len(cat(seg)), 0, df=True, frag=frag,
                               label="IPv4 header") + seg + extra)

    synack4 = tcp_segs(4, T4, H4, TPORT, SPORT, 0x1C0FFEE5, TCP_SEQ + 1, 0x12, 64240,
                       *SYNACK_OPTS)
    tcp4("ip4_tcp_synack.hex",
         ["ip4_tcp_synack.hex - TCP SYN-ACK from %s port %d to %s port %d with" % (T4, TPORT,
                                                                                   H4, SPORT),
          "its IPv4 header (raw TCP socket view, TTL 57): acknowledgment 0x%08x =" % (TCP_SEQ + 1),
          "our SYN's sequence 0x%08x + 1; the port is open." % TCP_SEQ],
         synack4)
    tcp4("ip4_tcp_trailing.hex",
         ["ip4_tcp_trailing.hex - ip4_tcp_synack.hex followed by 4 bytes that are not part",
          "of the datagram: the TCP length (and checksum) must come from the IPv4 total",
          "length, not from the bytes received."],
         synack4, trailing=True)
    tcp4("ip4_tcp_rst_ack.hex",
         ["ip4_tcp_rst_ack.hex - TCP RST+ACK from %s port 443 to %s port %d (a" % (T4, H4,
                                                                                    SPORT + 1),
          "closed port answering a SYN, RFC 9293 3.10.7.1: seq 0, ack = SYN seq + 1)",
          "acknowledging 0: our SYN's sequence number was 0xffffffff (ack - 1 wraps)."],
         tcp_segs(4, T4, H4, 443, SPORT + 1, 0, 0, 0x14, 0))
    tcp4("ip4_tcp_rst_noack.hex",
         ["ip4_tcp_rst_noack.hex - a bare TCP RST (no ACK) from %s port %d to %s" % (T4, TPORT,
                                                                                      H4),
          "port %d with sequence number 0x%08x: still a RST, and without an" % (SPORT,
                                                                                 TCP_SEQ + 1),
          "acknowledgment tcp_seq is the segment's own seq."],
         tcp_segs(4, T4, H4, TPORT, SPORT, TCP_SEQ + 1, 0, 0x04, 0))
    tcp4("ip4_tcp_fin_ack.hex",
         ["ip4_tcp_fin_ack.hex - TCP FIN+ACK from %s port %d to %s port %d: not" % (T4, TPORT,
                                                                                     H4, SPORT),
          "an answer to a SYN, IGNORED."],
         tcp_segs(4, T4, H4, TPORT, SPORT, 0x1C0FFEE6, TCP_SEQ + 1, 0x11, 502))
    tcp4("ip4_tcp_bad_checksum.hex",
         ["ip4_tcp_bad_checksum.hex - ip4_tcp_synack.hex with the TCP checksum off by one:",
          "still a SYN-ACK, with l4_checksum_ok false."],
         tcp_segs(4, T4, H4, TPORT, SPORT, 0x1C0FFEE5, TCP_SEQ + 1, 0x12, 64240, *SYNACK_OPTS,
                  bad=True))
    tcp4("ip4_tcp_doff_small.hex",
         ["ip4_tcp_doff_small.hex - TCP SYN-ACK from %s whose data offset is 4 (16" % T4,
          "bytes, below the 20-byte header), checksum right: MALFORMED."],
         tcp_segs(4, T4, H4, TPORT, SPORT, 0x1C0FFEE5, TCP_SEQ + 1, 0x12, 64240, doff=4))
    tcp4("ip4_tcp_doff_beyond.hex",
         ["ip4_tcp_doff_beyond.hex - TCP SYN-ACK from %s whose data offset is 6 (24" % T4,
          "bytes) in a 20-byte segment, checksum right: MALFORMED."],
         tcp_segs(4, T4, H4, TPORT, SPORT, 0x1C0FFEE5, TCP_SEQ + 1, 0x12, 64240, doff=6))
    write("ip4_tcp_nonfirst_frag.hex",
          ["ip4_tcp_nonfirst_frag.hex - an IPv4 TCP datagram that is a non-first fragment",
           "(offset 185 = 1480 bytes) from %s: 8 data bytes, no TCP header: IGNORED." % T4],
          ip4(T4, H4, 57, 6, 28, 0x5f5f, frag=185, label="IPv4 header")
          + [(bytes(range(0x40, 0x48)), "fragment data (middle of a TCP segment)")])

    write("tcp6_synack.hex",
          ["tcp6_synack.hex - TCP SYN-ACK from %s port %d to %s port %d as a" % (T6, TPORT, H6,
                                                                                 SPORT),
           "raw IPv6 TCP socket delivers it (no IPv6 header): acknowledgment 0x%08x" % (
               TCP_SEQ + 1),
           "= our SYN's sequence + 1.  The checksum covers the pseudo-header of that pair."],
          tcp_segs(6, T6, H6, TPORT, SPORT, 0x1C0FFEE5, TCP_SEQ + 1, 0x12, 64800, *SYNACK_OPTS))
    write("tcp6_rst_ack.hex",
          ["tcp6_rst_ack.hex - TCP RST+ACK from %s port %d to %s port %d (no" % (T6, TPORT, H6,
                                                                                 SPORT),
           "IPv6 header): seq 0, acknowledgment 0x%08x = our SYN's sequence + 1." % (
               TCP_SEQ + 1)],
          tcp_segs(6, T6, H6, TPORT, SPORT, 0, TCP_SEQ + 1, 0x14, 0))
    write("tcp6_bad_checksum.hex",
          ["tcp6_bad_checksum.hex - tcp6_synack.hex with the TCP checksum off by one:",
           "still a SYN-ACK, with l4_checksum_ok false."],
          tcp_segs(6, T6, H6, TPORT, SPORT, 0x1C0FFEE5, TCP_SEQ + 1, 0x12, 64800, *SYNACK_OPTS,
                   bad=True))


def gen_hexfile_fixtures():
    with open(os.path.join(OUT, "hexfile_bad_digit.txt"), "w") as f:
        f.write("# hexfile_bad_digit.txt - loader fixture, not a packet: 'g' is no hex\n"
                "# digit, hw_test_load_hex must fail with -EINVAL.\n45 00 0g 54\n")
    with open(os.path.join(OUT, "hexfile_odd_nibble.txt"), "w") as f:
        f.write("# hexfile_odd_nibble.txt - loader fixture, not a packet: the run \"123\"\n"
                "# has an odd digit count, hw_test_load_hex must fail with -EINVAL.\n"
                "45 00 123 54\n")
    with open(os.path.join(OUT, "hexfile_format.txt"), "w") as f:
        f.write("# hexfile_format.txt - loader fixture, not a packet: comments, tabs, CRLF,\n"
                "# upper and lower case and multi-byte runs; the bytes are 01 ab cd ef 02 03.\n"
                "01\tAb # comment with hex-looking text: ff ff\r\n"
                "cDeF   0203\n")


gen_ip4()
gen_ip6()
gen_built()
gen_l4_quotes()
gen_tcp_answers()
gen_hexfile_fixtures()
for n, l in WRITTEN:
    print("%-45s %5d" % (n, l))

/* sanitize.c - untrusted text made safe for a terminal or a CSV cell.  See
 * sanitize.h. */
#include <string.h>

#include "report/sanitize.h"

char *
report_sanitize_n(const char *in, size_t n, char *out, size_t len)
{
    size_t i = 0;

    if (len == 0)
        return out;
    /* Printable ASCII only, byte for byte: a terminal interprets escape
     * sequences and C1 controls (0x9b is CSI in some), CR rewrites a line,
     * and a multibyte character's width depends on the locale.  A name that
     * really is UTF-8 is not a host name (IDNs travel as punycode). */
    for (; i < n && i + 1 < len; i++) {
        unsigned char c = (unsigned char)in[i];

        out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[i] = '\0';
    return out;
}

char *
report_sanitize(const char *in, char *out, size_t len)
{
    return report_sanitize_n(in, strlen(in), out, len);
}

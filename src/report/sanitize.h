/* sanitize.h - the one sanitiser for text that reaches a terminal or a
 * CSV cell: target names (command line, -F files), reverse DNS names and
 * any other untrusted word quoted in a message.  JSON does not use it: it
 * escapes every byte instead (json.c), so nothing is lost there. */
#ifndef HW_REPORT_SANITIZE_H
#define HW_REPORT_SANITIZE_H

#include <stddef.h>

/* Copy the n bytes at in (NUL bytes included) to out, which has room for
 * len bytes with the terminating NUL (len >= 1), replacing every byte that
 * is not printable ASCII (0x20..0x7e) with '?': ESC, CR, BEL and the other
 * control characters, DEL, and every byte >= 0x80, valid UTF-8 or not.
 * The result is one line of as many characters as bytes went in, and the
 * same in every locale.  Cut at len - 1 bytes; out may be in (in place).
 * Returns out. */
char *report_sanitize_n(const char *in, size_t n, char *out, size_t len);

/* The same for a NUL-terminated string. */
char *report_sanitize(const char *in, char *out, size_t len);

#endif

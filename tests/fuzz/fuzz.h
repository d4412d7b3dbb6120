/* fuzz.h - what every libFuzzer harness in tests/fuzz shares: the entry
 * point's prototype, an invariant check that crashes loudly (libFuzzer then
 * saves the input), and a NUL-terminated copy of the input for text parsers.
 */
#ifndef HW_TESTS_FUZZ_H
#define HW_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Called by libFuzzer once per input; returns 0 (other values are reserved). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test.  A failure aborts, which libFuzzer
 * treats like a crash: it prints the message and the stack, and writes the
 * input as a crash-* reproducer. */
#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* A malloc'ed, NUL-terminated copy of the input (text parsers take C
 * strings, so the text ends at the first NUL byte of the input).  Exactly
 * size + 1 bytes are allocated so that AddressSanitizer catches a read past
 * the terminator.  Aborts if out of memory: a harness has nothing better to
 * do. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif

/* fuzz_asn.c - libFuzzer harness for the origin AS parsers of
 * hopwatch/asn.h: hw_asinfo_parse_origin and hw_asinfo_parse_name, fed the
 * bytes of a TXT answer (NUL bytes included).  Checks that a success has an
 * AS number and only printable, terminated, bounded fields, that a failure
 * leaves nothing behind, that the name fits every buffer size exactly, and
 * determinism.
 */
#include <hopwatch/asn.h>
#include <hopwatch/error.h>

#include "fuzz.h"

/* s is NUL-terminated within size bytes and printable ASCII. */
static void check_text(const char *s, size_t size)
{
    size_t n = strnlen(s, size);

    FUZZ_CHECK(n < size);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hw_asinfo a, b;
    char *buf = malloc(size ? size : 1);
    uint32_t asn;
    int st;

    if (buf == NULL)
        abort();
    if (size > 0)
        memcpy(buf, data, size);

    st = hw_asinfo_parse_origin(buf, size, &a);
    FUZZ_CHECK(st == 0 || st == HW_EINVAL);
    FUZZ_CHECK(hw_asinfo_parse_origin(buf, size, &b) == st);
    FUZZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
    if (st == 0) {
        FUZZ_CHECK(a.state == HW_AS_FOUND && a.asn != 0);
        check_text(a.prefix, sizeof(a.prefix));
        check_text(a.cc, sizeof(a.cc));
        check_text(a.registry, sizeof(a.registry));
        check_text(a.date, sizeof(a.date));
        FUZZ_CHECK(a.name[0] == '\0');
        /* No separator, blank or control character inside a word. */
        FUZZ_CHECK(strpbrk(a.prefix, "| \t") == NULL && strpbrk(a.cc, "| \t") == NULL);
    } else {
        FUZZ_CHECK(a.state == HW_AS_NONE && a.asn == 0 && a.prefix[0] == '\0');
    }

    /* The name, for the AS the answer names (when it parses), into buffers
     * of a few sizes, each malloc'ed to exactly that size. */
    asn = st == 0 ? a.asn : 64512;
    for (size_t len = 1; len <= 40; len += 13) {
        char *name = malloc(len);

        if (name == NULL)
            abort();
        st = hw_asinfo_parse_name(buf, size, asn, name, len);
        FUZZ_CHECK(st == 0 || st == HW_EINVAL);
        check_text(name, len);
        if (st != 0)
            FUZZ_CHECK(name[0] == '\0');
        free(name);
    }
    free(buf);
    return 0;
}

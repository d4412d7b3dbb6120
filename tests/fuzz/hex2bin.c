/* hex2bin.c - turns golden packets (the .hex files of tests/data, commented hex)
 * into the binary seed files of the fuzz corpus, with the loader the unit
 * tests use (tests/unit/hexfile.c), so no xxd or sed dialect is needed.
 *
 *   hex2bin [-s] NAME OUT   NAME is a file in tests/data; -s strips the
 *                           outer IPv4 header (a seed for fuzz_icmp4)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hexfile.h"

/* Larger than any IPv4 packet. */
#define HEX2BIN_CAP 65536

static int usage(void)
{
    fputs("usage: hex2bin [-s] NAME OUT\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    static uint8_t buf[HEX2BIN_CAP];
    const uint8_t *start = buf;
    size_t len = 0, ihl, tot;
    int strip = 0, rc;
    FILE *f;

    if (argc == 4 && strcmp(argv[1], "-s") == 0)
        strip = 1;
    else if (argc != 3)
        return usage();
    rc = hw_test_load_hex(argv[1 + strip], buf, sizeof(buf), &len);
    if (rc < 0) {
        fprintf(stderr, "hex2bin: %s: %s\n", argv[1 + strip], strerror(-rc));
        return 1;
    }
    if (strip) {
        /* Only well-formed outer headers can be stripped; the ICMP message
         * ends at the total length, as hw__parse_ip4 reads it. */
        if (len < 20 || buf[0] >> 4 != 4) {
            fprintf(stderr, "hex2bin: %s: no IPv4 header to strip\n", argv[1 + strip]);
            return 1;
        }
        ihl = (size_t)(buf[0] & 0x0f) * 4;
        tot = (size_t)buf[2] << 8 | buf[3];
        if (tot > len)
            tot = len;
        if (ihl < 20 || ihl > tot) {
            fprintf(stderr, "hex2bin: %s: no IPv4 header to strip\n", argv[1 + strip]);
            return 1;
        }
        start = buf + ihl;
        len = tot - ihl;
    }
    f = fopen(argv[2 + strip], "wb");
    if (f == NULL) {
        fprintf(stderr, "hex2bin: %s: %s\n", argv[2 + strip], strerror(errno));
        return 1;
    }
    if (fwrite(start, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "hex2bin: %s: write failed\n", argv[2 + strip]);
        return 1;
    }
    return 0;
}

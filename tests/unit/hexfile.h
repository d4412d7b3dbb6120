/* hexfile.h - loading golden packets stored as commented hex text.
 *
 * Files live in tests/data; the build passes their absolute directory as the
 * string macro HW_TEST_DATA, so tests run from any working directory.
 */
#ifndef HW_TESTS_HEXFILE_H
#define HW_TESTS_HEXFILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads HW_TEST_DATA "/" name into buf.  The file holds hex bytes written as
 * pairs of digits (any case); a run of digits may hold several bytes
 * ("45000054") but must have an even number of digits.  Runs are separated
 * by any whitespace, and '#' starts a comment that ends with the line.
 * Returns 0 with *len set to the byte count, -EINVAL for a character that is
 * not a hex digit or a run with an odd digit count, -ENOSPC when the bytes
 * do not fit in cap, -ENAMETOOLONG when the path does not fit, or the
 * -errno of a failed open or read. */
int hw_test_load_hex(const char *name, uint8_t *buf, size_t cap, size_t *len);

#endif

/* hopwatch/hopwatch.h - everything libhopwatch offers, in one include. */
#ifndef HOPWATCH_HOPWATCH_H
#define HOPWATCH_HOPWATCH_H

#include <hopwatch/addr.h>
#include <hopwatch/asn.h>
#include <hopwatch/attrib.h>
#include <hopwatch/engine.h>
#include <hopwatch/error.h>
#include <hopwatch/icmp.h>
#include <hopwatch/icmpsock.h>
#include <hopwatch/multi.h>
#include <hopwatch/ping.h>
#include <hopwatch/pmtu.h>
#include <hopwatch/privs.h>
#include <hopwatch/resolve.h>
#include <hopwatch/stats.h>
#include <hopwatch/trace.h>

/* The library's version, "MAJOR.MINOR.PATCH"; static. */
const char *hw_version(void);

#endif

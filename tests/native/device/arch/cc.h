/* Compiler and platform definitions for the device-glue link test (lwIP's arch/cc.h). */
#ifndef NR_DEVICE_ARCH_CC_H
#define NR_DEVICE_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { fprintf(stderr, "lwIP assertion: %s\n", x); abort(); } while (0)

#endif /* NR_DEVICE_ARCH_CC_H */

/* A minimal test harness: NR_TEST(name) registers a case; NR_CHECK* record failures. */
#ifndef NR_TEST_H
#define NR_TEST_H

#include <stdint.h>
#include <stdio.h>

typedef void (*nr_test_fn)(void);
void nr_test_register(const char *name, nr_test_fn fn);
extern int nr_test_failures;

#define NR_TEST(name)                                                                 \
    static void name(void);                                                           \
    __attribute__((constructor)) static void register_##name(void) { nr_test_register(#name, name); } \
    static void name(void)

#define NR_CHECK(cond)                                                                \
    do                                                                                \
    {                                                                                 \
        if (!(cond))                                                                  \
        {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
            nr_test_failures++;                                                       \
        }                                                                             \
    } while (0)

#define NR_CHECK_EQ(expected, actual)                                                 \
    do                                                                                \
    {                                                                                 \
        long long e_ = (long long)(expected), a_ = (long long)(actual);               \
        if (e_ != a_)                                                                 \
        {                                                                             \
            fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__, #actual, e_, a_); \
            nr_test_failures++;                                                       \
        }                                                                             \
    } while (0)

/* Packet builder shared by the tests: an IPv4 header (IHL 5) with a valid checksum
 * followed by payload; returns the total length. */
uint32_t nr_build_ipv4(uint8_t *out, uint8_t protocol, uint32_t source, uint32_t destination, uint8_t ttl,
                       const uint8_t *payload, uint32_t payload_length);
/* Reference checksum for tests: a straightforward RFC 1071 sum, written apart from the shim's. */
uint16_t nr_reference_checksum(const uint8_t *data, uint32_t length);
/* A UDP or TCP payload start: source port, destination port, then zeros up to length. */
uint32_t nr_build_ports(uint8_t *out, uint16_t source_port, uint16_t destination_port, uint32_t length);

#endif

/* A table for the tests: 64 entries, 64 buckets, LAN 198.19.4.1/24, WAN 198.18.0.2. */
#ifndef NR_TEST_FIXTURE_H
#define NR_TEST_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "nr_flow.h"
#include "nr_test.h"
#include "packets.h"

#define F_CAPACITY 64u

/* Where the tests that do not look at the egress side let the flow path write it. */
static uint8_t side_unused __attribute__((unused));

typedef struct fixture {
    nr_flow_table table;
    nr_flow_entry entries[1024];
    uint16_t out_heads[1024];
    uint16_t in_heads[1024];
} fixture;

/* Sets up f with capacity entries and buckets heads (both <= 1024) and the test addresses. */
static inline void f_setup(fixture *f, uint32_t capacity, uint32_t buckets, uint32_t flags)
{
    memset(f, 0, sizeof(*f));
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_init(&f->table, f->entries, capacity, f->out_heads, f->in_heads, buckets, 7u, flags));
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_set_addresses(&f->table, T_LAN_ADDRESS, T_LAN_PREFIX, T_WAN_ADDRESS));
}

/* Processes a copy of packet in a heap buffer of exactly length bytes (so ASan sees any read past
 * it); copies the result back. Returns the result and sets *egress (0xEE when untouched). */
static inline int f_process(fixture *f, uint8_t *packet, uint32_t length, uint8_t ingress, uint32_t now, uint8_t *egress)
{
    uint8_t *copy = (uint8_t *)malloc(length > 0 ? length : 1);
    uint8_t side = 0xEE;
    int result;
    memcpy(copy, packet, length);
    result = nr_flow_process(&f->table, copy, length, ingress, now, &side);
    memcpy(packet, copy, length);
    free(copy);
    if (egress != NULL)
    {
        *egress = side;
    }
    return result;
}

/* Expects a miss that leaves the packet untouched. */
#define F_EXPECT_MISS(f, packet, length, ingress)                                      \
    do                                                                                 \
    {                                                                                  \
        uint8_t before_[T_MAX_PACKET];                                                 \
        uint8_t side_;                                                                 \
        memcpy(before_, (packet), (length));                                           \
        NR_CHECK_EQ(NR_FLOW_MISS, f_process((f), (packet), (length), (ingress), 1, &side_)); \
        NR_CHECK(memcmp(before_, (packet), (length)) == 0);                            \
        NR_CHECK_EQ(0xEE, side_);                                                      \
    } while (0)

#endif

/* Tests of the SPSC slot ring: order, overflow, wraparound, two threads. */
#include <pthread.h>
#include <string.h>

#include "nr_ring.h"
#include "nr_test.h"

static nr_slot s_slots[8];

static int push(nr_ring *ring, uint32_t value)
{
    nr_slot *slot = nr_ring_reserve(ring);
    if (slot == NULL)
    {
        return 0;
    }
    memcpy(slot->data, &value, sizeof(value));
    slot->length = sizeof(value);
    nr_ring_publish(ring);
    return 1;
}

static int pop(nr_ring *ring, uint32_t *value)
{
    nr_slot *slot = nr_ring_peek(ring);
    if (slot == NULL)
    {
        return 0;
    }
    memcpy(value, slot->data, sizeof(*value));
    nr_ring_release(ring);
    return 1;
}

NR_TEST(ring_keeps_fifo_order)
{
    nr_ring ring;
    uint32_t value = 0;
    NR_CHECK_EQ(1, nr_ring_init(&ring, s_slots, 8, 0));
    NR_CHECK_EQ(0, pop(&ring, &value));
    for (uint32_t i = 0; i < 5; i++)
    {
        NR_CHECK_EQ(1, push(&ring, 100 + i));
    }
    NR_CHECK_EQ(5, nr_ring_count(&ring));
    for (uint32_t i = 0; i < 5; i++)
    {
        NR_CHECK_EQ(1, pop(&ring, &value));
        NR_CHECK_EQ(100 + i, value);
    }
    NR_CHECK_EQ(0, pop(&ring, &value));
    NR_CHECK_EQ(0, nr_ring_count(&ring));
}

NR_TEST(ring_overflow_refuses_and_counts)
{
    nr_ring ring;
    uint32_t value = 0;
    nr_ring_init(&ring, s_slots, 8, 0);
    for (uint32_t i = 0; i < 8; i++)
    {
        NR_CHECK_EQ(1, push(&ring, i));
    }
    NR_CHECK_EQ(0, push(&ring, 99));
    NR_CHECK_EQ(0, push(&ring, 98));
    NR_CHECK_EQ(2, ring.overflow);
    NR_CHECK_EQ(8, nr_ring_count(&ring));
    /* the refused packets did not overwrite anything */
    for (uint32_t i = 0; i < 8; i++)
    {
        NR_CHECK_EQ(1, pop(&ring, &value));
        NR_CHECK_EQ(i, value);
    }
    /* room again after draining */
    NR_CHECK_EQ(1, push(&ring, 7));
    NR_CHECK_EQ(2, ring.overflow);
}

NR_TEST(ring_wraps_around_the_32_bit_counters)
{
    nr_ring ring;
    uint32_t value = 0;
    uint32_t next_in = 0;
    uint32_t next_out = 0;
    nr_ring_init(&ring, s_slots, 8, 0xFFFFFFFAu);
    for (int round = 0; round < 40; round++)
    {
        for (int k = 0; k < 3; k++)
        {
            NR_CHECK_EQ(1, push(&ring, next_in++));
        }
        NR_CHECK_EQ(3, nr_ring_count(&ring));
        for (int k = 0; k < 3; k++)
        {
            NR_CHECK_EQ(1, pop(&ring, &value));
            NR_CHECK_EQ(next_out++, value);
        }
    }
    NR_CHECK(ring.head < 0x100u); /* crossed 2^32 */
    /* full and empty are still told apart right after the wrap */
    for (uint32_t i = 0; i < 8; i++)
    {
        NR_CHECK_EQ(1, push(&ring, i));
    }
    NR_CHECK_EQ(0, push(&ring, 8));
    NR_CHECK_EQ(8, nr_ring_count(&ring));
}

NR_TEST(ring_rejects_capacities_that_are_not_powers_of_two)
{
    nr_ring ring;
    NR_CHECK_EQ(0, nr_ring_init(&ring, s_slots, 6, 0));
    NR_CHECK_EQ(0, nr_ring_init(&ring, s_slots, 1, 0));
    NR_CHECK_EQ(0, nr_ring_init(&ring, s_slots, 0, 0));
    NR_CHECK_EQ(1, nr_ring_init(&ring, s_slots, 2, 0));
}

#define THREADED_PACKETS 200000u

static void *producer(void *arg)
{
    nr_ring *ring = arg;
    for (uint32_t i = 0; i < THREADED_PACKETS;)
    {
        nr_slot *slot = nr_ring_reserve(ring);
        if (slot == NULL)
        {
            continue; /* full: spin */
        }
        /* fill the whole packet so a torn read would show */
        slot->length = 64;
        memset(slot->data, (int)(i & 0xFF), 64);
        memcpy(slot->data, &i, sizeof(i));
        nr_ring_publish(ring);
        i++;
    }
    return NULL;
}

NR_TEST(ring_two_threads_see_every_packet_whole_and_in_order)
{
    static nr_ring ring;
    pthread_t thread;
    uint32_t expected = 0;
    uint32_t bad = 0;
    nr_ring_init(&ring, s_slots, 8, 0xFFFFFF00u);
    pthread_create(&thread, NULL, producer, &ring);
    while (expected < THREADED_PACKETS)
    {
        nr_slot *slot = nr_ring_peek(&ring);
        if (slot == NULL)
        {
            continue;
        }
        uint32_t value;
        memcpy(&value, slot->data, sizeof(value));
        if (value != expected || slot->length != 64 || slot->data[63] != (uint8_t)(expected & 0xFF))
        {
            bad++;
        }
        nr_ring_release(&ring);
        expected++;
    }
    pthread_join(thread, NULL);
    NR_CHECK_EQ(0, bad);
    NR_CHECK_EQ(0, nr_ring_count(&ring));
}

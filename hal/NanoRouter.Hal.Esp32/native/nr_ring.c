/* nanoRouter native shim: SPSC slot ring. See nr_ring.h. */
#include "nr_ring.h"

#include <stddef.h>

/* Acquire/release accesses: the producer's slot writes become visible before
 * its head store, the consumer's slot reads finish before its tail store. */
#define NR_LOAD_ACQUIRE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define NR_STORE_RELEASE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

int nr_ring_init(nr_ring *ring, nr_slot *slots, u32_t capacity, u32_t start)
{
    if (capacity < 2u || (capacity & (capacity - 1u)) != 0)
    {
        return 0;
    }
    ring->slots = slots;
    ring->mask = capacity - 1u;
    ring->head = start;
    ring->tail = start;
    ring->overflow = 0;
    return 1;
}

nr_slot *nr_ring_reserve(nr_ring *ring)
{
    u32_t head = ring->head;
    if (head - NR_LOAD_ACQUIRE(ring->tail) > ring->mask)
    {
        ring->overflow++;
        return NULL;
    }
    return &ring->slots[head & ring->mask];
}

void nr_ring_publish(nr_ring *ring)
{
    NR_STORE_RELEASE(ring->head, ring->head + 1u);
}

nr_slot *nr_ring_peek(nr_ring *ring)
{
    u32_t tail = ring->tail;
    if (NR_LOAD_ACQUIRE(ring->head) == tail)
    {
        return NULL;
    }
    return &ring->slots[tail & ring->mask];
}

void nr_ring_release(nr_ring *ring)
{
    NR_STORE_RELEASE(ring->tail, ring->tail + 1u);
}

u32_t nr_ring_count(const nr_ring *ring)
{
    return __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) - __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
}

/*
 * nanoRouter native shim: a fixed single-producer/single-consumer ring of packet
 * slots. The slots are allocated once by the owner (static arrays on the
 * device); pushing a packet copies it into a slot, so nothing is allocated per
 * packet. head and tail are free-running 32-bit counters: the slot index is
 * counter & mask, and head - tail (unsigned) is the fill level, which stays right
 * across the 2^32 wraparound.
 *
 * Threads on the device: the RX ring is filled by lwIP's tcpip thread (the input
 * hook, for both netifs) and drained by the nanoCLR thread; the TX ring the other
 * way round. The producer writes only head, the consumer only tail.
 */
#ifndef NR_RING_H
#define NR_RING_H

#include "lwip/arch.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef NR_SLOT_BYTES
#define NR_SLOT_BYTES 1500 /* the Wi-Fi MTU: the largest IPv4 packet the netifs carry */
#endif

/* Bytes of a link-layer (Ethernet) source address. */
#define NR_LINK_SOURCE_BYTES 6

/* One queued packet. */
typedef struct nr_slot {
    u16_t length;  /* bytes used in data */
    u8_t side;     /* NR_SIDE_LAN or NR_SIDE_WAN: ingress (RX) or egress (TX) */
    u8_t verdict;  /* TX only: NR_VERDICT_FORWARD or NR_VERDICT_LOCAL */
    u8_t link_source[NR_LINK_SOURCE_BYTES]; /* RX only: the frame's source address (LAN), zeros (WAN) */
    u8_t data[NR_SLOT_BYTES];
} nr_slot;

typedef struct nr_ring {
    nr_slot *slots;
    u32_t mask;          /* capacity - 1; capacity is a power of two */
    u32_t head;          /* producer: packets published */
    u32_t tail;          /* consumer: packets released */
    u32_t overflow;      /* producer: packets refused because the ring was full */
} nr_ring;

/* Sets the ring over capacity slots (a power of two, at least 2). start is the
 * initial counter value (0 on the device; tests use it to cross the wraparound).
 * Returns 0 when capacity is not a power of two. */
int nr_ring_init(nr_ring *ring, nr_slot *slots, u32_t capacity, u32_t start);

/* Producer: the next free slot, or NULL (and overflow counted) when full. */
nr_slot *nr_ring_reserve(nr_ring *ring);

/* Producer: makes the slot from the last reserve visible to the consumer. */
void nr_ring_publish(nr_ring *ring);

/* Consumer: the oldest published slot, or NULL when empty. */
nr_slot *nr_ring_peek(nr_ring *ring);

/* Consumer: frees the slot returned by the last peek. */
void nr_ring_release(nr_ring *ring);

/* Either side: packets waiting. */
u32_t nr_ring_count(const nr_ring *ring);

#ifdef __cplusplus
}
#endif

#endif /* NR_RING_H */

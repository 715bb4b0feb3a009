/*
 * nanoRouter flow path: what the table code and the packet path share. Not part of the API.
 *
 * Values read from packets are kept in wire form: the little-endian load of the packet's bytes
 * (nr_load16/nr_load32). Equality and one's-complement sums do not care about byte order
 * (RFC 1071 section 2(B)) as long as every word of a sum is loaded the same way, so the packet
 * path swaps bytes only for the TCP fields it compares in sequence space.
 */
#ifndef NR_FLOW_INTERNAL_H
#define NR_FLOW_INTERNAL_H

#include "nr_flow.h"

/* Byte access: the packet may sit at any alignment (an lwIP pbuf payload is 2 past a word);
 * a fixed-size memcpy is one load on x86 and byte loads on a strict-alignment target. */
static inline uint32_t nr_load16(const uint8_t *p)
{
    uint16_t v;
    __builtin_memcpy(&v, p, 2);
    return v;
}

static inline uint32_t nr_load32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static inline void nr_store16(uint8_t *p, uint32_t v)
{
    uint16_t w = (uint16_t)v;
    __builtin_memcpy(p, &w, 2);
}

static inline void nr_store32(uint8_t *p, uint32_t v)
{
    __builtin_memcpy(p, &v, 4);
}

/* Big-endian reads (numbers, for sequence-space comparisons and lengths). */
static inline uint32_t nr_be16(const uint8_t *p)
{
    return ((uint32_t)p[0] << 8) | p[1];
}

static inline uint32_t nr_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* A host-order address number (0xC0A80401 = 192.168.4.1) in wire form, and back. */
static inline uint32_t nr_wire_of(uint32_t address)
{
    return (address >> 24) | ((address >> 8) & 0xFF00u) | ((address << 8) & 0xFF0000u) | (address << 24);
}

/* Atomics: 16- and 32-bit words only (both boards have them natively; nothing here needs a
 * 64-bit atomic or a lock). */
#define NR_LOAD_RELAXED(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define NR_LOAD_ACQUIRE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define NR_LOAD_SC(x) __atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define NR_STORE_RELAXED(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define NR_STORE_RELEASE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define NR_STORE_SC(x, v) __atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

/* ---- RFC 1624: the one incremental checksum update ----
 *
 * A delta is the one's-complement sum ~m + m' over the 16-bit words that change (m old, m' new).
 * RFC 1071's sums are the same modulo 0xFFFF whether taken over 16-bit or 32-bit words (2^16 is
 * 1 modulo 0xFFFF), so a 32-bit value's ~m + m' is one 32-bit add with end-around carry. */

/* One's-complement addition of two 32-bit words. */
static inline uint32_t nr_add32(uint32_t a, uint32_t b)
{
    uint32_t sum = a + b;
    return sum + (sum < b);
}

/* Folds a one's-complement sum to 16 bits. */
static inline uint32_t nr_fold(uint32_t sum)
{
    sum = (sum & 0xFFFFu) + (sum >> 16);
    return (sum & 0xFFFFu) + (sum >> 16);
}

/* ~old + new for a 32-bit value, folded (at most 0xFFFF). */
static inline uint32_t nr_delta32(uint32_t old_value, uint32_t new_value)
{
    return nr_fold(nr_add32(~old_value, new_value));
}

/* ~old + new for a 16-bit word (at most 0x1FFFE). */
static inline uint32_t nr_delta16(uint32_t old_value, uint32_t new_value)
{
    return (~old_value & 0xFFFFu) + new_value;
}

/* In wire form the TTL is the low byte of the TTL/protocol word, so one less TTL is a delta of
 * -1: 0xFFFE (one's complement). */
#define NR_DELTA_TTL_DECREMENT 0xFFFEu

/* Applies a delta (at most 0x1FFFE) to the checksum stored at p: RFC 1624 eqn. 3,
 * HC' = ~(~HC + ~m + m'), which gives what a full recomputation gives. */
static inline __attribute__((always_inline)) void nr_checksum_apply(uint8_t *p, uint32_t delta)
{
    nr_store16(p, ~nr_fold((nr_load16(p) ^ 0xFFFFu) + delta));
}

/* The same for a delta of at most 0xFFFF: one fold is enough. */
static inline __attribute__((always_inline)) void nr_checksum_apply16(uint8_t *p, uint32_t delta)
{
    uint32_t sum = (nr_load16(p) ^ 0xFFFFu) + delta;
    nr_store16(p, ~((sum & 0xFFFFu) + (sum >> 16)));
}

/* The same for UDP (RFC 768): a checksum of 0 means "none" and stays 0, and a result of 0 is sent
 * as 0xFFFF. HC + ~delta is eqn. 3's value and, for HC != 0, never 0: it is exactly RFC 768's
 * transmitted checksum (the one number in 1..0xFFFF of its one's-complement class). */
static inline __attribute__((always_inline)) void nr_checksum_apply_udp(uint8_t *p, uint32_t delta)
{
    uint32_t checksum = nr_load16(p);
    if (checksum != 0)
    {
        uint32_t sum = checksum + (delta ^ 0xFFFFu); /* delta at most 0xFFFF */
        nr_store16(p, (sum & 0xFFFFu) + (sum >> 16));
    }
}

/* ---- entries ---- */

#define NR_FLOW_SPEC_KIND_BITS (NR_FLOW_KIND_MASK | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN)

/* The spec's bytes 4..7 as one word: last_seen | host << 16 | kind << 24. A lookup compares the
 * kind (and, out, the host) in one masked comparison. The data thread only: last_seen is its own
 * (the control thread reads host and kind as bytes, see nr_spec_tag). */
static inline uint32_t nr_tag_word(const nr_flow_spec *spec)
{
    uint32_t word;
    __builtin_memcpy(&word, (const uint8_t *)spec + 4, 4);
    return word;
}

#define NR_TAG_KIND_SHIFT 24
#define NR_TAG_HOST_SHIFT 16
/* What a lookup compares of the tag, per direction: out the kind and the host, in the kind. */
#define NR_TAG_MASK_OUT ((NR_FLOW_KIND_MASK << NR_TAG_KIND_SHIFT) | (0xFFu << NR_TAG_HOST_SHIFT))
#define NR_TAG_MASK_IN (NR_FLOW_KIND_MASK << NR_TAG_KIND_SHIFT)

/* Where a kind's matched identifier lives in the spec, per direction: a word of u.word[], a
 * shift and a mask (16-bit identifiers share word 0; 32-bit ones have a word each). */
typedef struct nr_kind_key {
    uint8_t word[2];
    uint8_t shift[2];
    uint32_t mask;
} nr_kind_key;

extern const nr_kind_key nr_kind_keys[8];

/* The bucket of a lookup key: remote (wire), identifier (wire, as the packet carries it), tag
 * (kind and, out, host, in their tag-word places). Multiplicative hashing takes the top bits of a
 * product, which depend only on the bits at and below them, and in wire form the varying byte of
 * an address or an SPI is the top one; so the identifier is turned by a byte (its varying byte
 * lands apart from the remote's) and the high half is folded into the low half before the
 * multiply by the table's odd, per-boot multiplier. (Chosen by the bucket spread of the bench's
 * keys and of random ones: tests/dataplane hash_spreads_every_kind.) */
static inline uint32_t nr_bucket(const nr_flow_table *t, uint32_t remote, uint32_t id, uint32_t tag)
{
    uint32_t x = remote ^ tag ^ ((id << 8) | (id >> 24));
    x ^= x >> 16;
    return (x * t->hash_multiplier) >> t->hash_shift;
}

/* The identifier a spec matches in direction d, as a packet carries it. */
static inline uint32_t nr_spec_id(const nr_flow_spec *spec, uint32_t kind, uint32_t d)
{
    const nr_kind_key *k = &nr_kind_keys[kind];
    return (spec->u.word[k->word[d]] >> k->shift[d]) & k->mask;
}

/* The tag a spec is looked up by in direction d (the control thread: no last_seen read). */
static inline uint32_t nr_spec_tag(const nr_flow_spec *spec, uint32_t d)
{
    uint32_t tag = ((uint32_t)spec->kind << NR_TAG_KIND_SHIFT) | ((uint32_t)spec->host << NR_TAG_HOST_SHIFT);
    return tag & (d == NR_FLOW_DIR_OUT ? NR_TAG_MASK_OUT : NR_TAG_MASK_IN);
}

#endif /* NR_FLOW_INTERNAL_H */

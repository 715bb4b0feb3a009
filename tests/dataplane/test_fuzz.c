/*
 * A small deterministic fuzz loop: valid packets of installed flows, mutated ones, random
 * headers, random bytes and truncations, both sides, while entries come and go and the addresses
 * change. Every packet is checked against the reference model (packets.c: a linear scan written
 * from the header's description): the same hit or miss, the same bytes out, checksum errors kept
 * exactly (RFC 1624 preserves the verification sum), a miss untouched. Each packet sits in a heap
 * buffer of exactly its length, so ASan catches any read past it.
 *   NR_FLOW_SEED=N NR_FLOW_FUZZ_ITERATIONS=M ./nr_flow_tests fuzz_against_the_reference_model
 */
#include "fixture.h"

static fixture s_f;
static t_ref s_ref;
static uint32_t s_rng;

#define FUZZ_SLOTS 96u
static const uint32_t s_remotes[3] = {T_REMOTE, T_REMOTE2, 0xC6120109u};

static uint32_t pick(uint32_t n)
{
    return t_random(&s_rng) % n;
}

static nr_flow_spec random_spec(void)
{
    uint8_t host = (uint8_t)(2 + pick(8));
    uint32_t remote = s_remotes[pick(3)];
    uint8_t match = pick(8) == 0 ? (pick(2) ? NR_FLOW_MATCH_OUT : NR_FLOW_MATCH_IN) : NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN;
    nr_flow_spec s;
    switch (pick(7))
    {
    case 0:
        s = t_spec_tcp(host, (uint16_t)(1000 + pick(8)), (uint16_t)(2000 + pick(8)), remote, t_random(&s_rng),
                       t_random(&s_rng), (uint16_t)pick(65536), (uint16_t)pick(65536));
        break;
    case 1:
        s = t_spec_udp(host, (uint16_t)(1000 + pick(8)), (uint16_t)(2000 + pick(8)), remote);
        break;
    case 2:
        s = t_spec_icmp(host, (uint16_t)(1000 + pick(8)), (uint16_t)(1000 + pick(16)), remote);
        break;
    case 3:
        s = t_spec_esp(host, remote, 1 + pick(8), 1 + pick(8), match);
        break;
    case 4:
        s = t_spec_gre(host, remote, 1 + pick(8), 1 + pick(8));
        break;
    case 5:
        s = t_spec_gre_nokey(host, remote);
        break;
    default:
        s = t_spec_pptp(host, remote, (uint16_t)(1 + pick(8)), (uint16_t)(1 + pick(8)), (uint16_t)(1 + pick(8)));
        break;
    }
    s.kind = (uint8_t)((s.kind & NR_FLOW_KIND_MASK) | match);
    return s;
}

static void churn(void)
{
    uint32_t slot = pick(FUZZ_SLOTS);
    if (s_ref.live[slot])
    {
        NR_CHECK_EQ(NR_FLOW_OK, nr_flow_remove(&s_f.table, slot));
        s_ref.live[slot] = 0;
    }
    else
    {
        nr_flow_spec s = random_spec();
        int result = nr_flow_install(&s_f.table, slot, &s);
        NR_CHECK(result == NR_FLOW_OK || result == NR_FLOW_DUPLICATE);
        if (result == NR_FLOW_OK)
        {
            memcpy(s_ref.spec[slot], &s, NR_FLOW_SPEC_BYTES);
            s_ref.live[slot] = 1;
        }
    }
}

/* A packet of a live flow (or of a spec that matches nothing when none is live). */
static uint32_t flow_packet(uint8_t *p, uint32_t *side)
{
    uint32_t slot = pick(FUZZ_SLOTS);
    for (uint32_t k = 0; k < FUZZ_SLOTS && !s_ref.live[slot]; k++)
    {
        slot = (slot + 1) % FUZZ_SLOTS;
    }
    const uint8_t *s = s_ref.spec[slot];
    uint32_t d = pick(2);
    uint32_t host = T_HOST(s[6]);
    uint32_t remote = t_get32(s);
    uint32_t src = d == 0 ? host : remote;
    uint32_t dst = d == 0 ? remote : T_WAN_ADDRESS;
    uint32_t id = t_get16(s + 8 + 2 * d);
    uint32_t id32 = t_get32(s + 8 + 4 * d);
    uint32_t payload = pick(4) == 0 ? 0 : pick(80);
    *side = d;
    switch (s[7] & 7u)
    {
    case NR_FLOW_KIND_TCP:
    {
        static const uint8_t flags[] = {T_TCP_ACK, T_TCP_ACK | T_TCP_PSH, T_TCP_ACK, T_TCP_SYN, T_TCP_FIN | T_TCP_ACK};
        return d == 0 ? t_make_tcp(p, src, dst, (uint16_t)id, 443, t_random(&s_rng), t_random(&s_rng), flags[pick(5)],
                                   (uint16_t)pick(65536), payload)
                      : t_make_tcp(p, src, dst, 443, (uint16_t)id, t_random(&s_rng), t_random(&s_rng), flags[pick(5)],
                                   (uint16_t)pick(65536), payload);
    }
    case NR_FLOW_KIND_UDP:
        return d == 0 ? t_make_udp(p, src, dst, (uint16_t)id, 53, payload, pick(4) != 0)
                      : t_make_udp(p, src, dst, 53, (uint16_t)id, payload, pick(4) != 0);
    case NR_FLOW_KIND_ICMP:
        return t_make_icmp(p, src, dst, (uint8_t)(d == 0 ? 8 : 0), (uint16_t)id, (uint16_t)pick(65536), payload);
    case NR_FLOW_KIND_ESP:
        return t_make_esp(p, src, dst, id32, t_random(&s_rng), payload);
    case NR_FLOW_KIND_GRE:
        return t_make_gre0(p, src, dst, (uint8_t)(0x20 | (pick(2) ? 0x80 : 0) | (pick(2) ? 0x10 : 0)), id32, payload);
    case NR_FLOW_KIND_GRE_NOKEY:
        return t_make_gre0(p, src, dst, (uint8_t)((pick(2) ? 0x80 : 0) | (pick(2) ? 0x10 : 0)), 0, payload);
    default:
        return t_make_gre1(p, src, dst, (uint16_t)id, (int)pick(2), (int)pick(2), payload);
    }
}

static uint32_t random_packet(uint8_t *p, uint32_t *side)
{
    uint32_t n;
    uint32_t mode = pick(10);
    *side = pick(2);
    if (mode < 4)
    {
        return flow_packet(p, side);
    }
    if (mode < 7)
    {
        /* a flow's packet with a few bytes changed, anywhere (with the IP checksum redone half the time) */
        n = flow_packet(p, side);
        for (uint32_t k = 1 + pick(3); k > 0; k--)
        {
            uint32_t at = pick(pick(2) ? n : (n < 40 ? n : 40));
            p[at] = pick(2) ? (uint8_t)t_random(&s_rng) : (uint8_t)(p[at] ^ (1u << pick(8)));
        }
        if (pick(2))
        {
            t_finish_ip(p);
        }
        return n;
    }
    if (mode < 8)
    {
        /* a plausible header over random bytes */
        static const uint8_t protocols[] = {T_PROTO_TCP, T_PROTO_UDP, T_PROTO_ICMP, T_PROTO_ESP, T_PROTO_GRE, 4, 255};
        n = 20 + pick(60);
        for (uint32_t i = 0; i < n; i++)
        {
            p[i] = (uint8_t)t_random(&s_rng);
        }
        p[0] = 0x45;
        t_put16(p + 2, n);
        p[6] = pick(2) ? 0x40 : 0;
        p[7] = 0;
        p[8] = (uint8_t)(pick(4) ? 64 : pick(3));
        p[9] = protocols[pick(sizeof(protocols))];
        t_put32(p + 12, *side == 0 ? T_HOST(2 + pick(8)) : s_remotes[pick(3)]);
        t_put32(p + 16, *side == 0 ? s_remotes[pick(3)] : T_WAN_ADDRESS);
        t_finish_ip(p);
        return n;
    }
    if (mode < 9)
    {
        /* a flow's packet cut short, its total length left or made to agree */
        n = flow_packet(p, side);
        n = pick(n + 1);
        if (n >= 20 && pick(2))
        {
            t_put16(p + 2, n);
            t_finish_ip(p);
        }
        return n;
    }
    n = pick(100);
    for (uint32_t i = 0; i < n; i++)
    {
        p[i] = (uint8_t)t_random(&s_rng);
    }
    return n;
}

NR_TEST(fuzz_against_the_reference_model)
{
    const char *text = getenv("NR_FLOW_FUZZ_ITERATIONS");
    uint32_t iterations = text != NULL ? (uint32_t)strtoul(text, NULL, 0) : 200000u;
    uint32_t seed = nr_test_seed();
    uint32_t hits = 0;
    uint32_t misses = 0;
    uint32_t failures_before = (uint32_t)nr_test_failures;
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    printf("fuzz seed %u (NR_FLOW_SEED=%u replays it), %u packets\n", seed, seed, iterations);
    s_rng = seed != 0 ? seed : 1;
    f_setup(&s_f, FUZZ_SLOTS, 32, 0);
    memset(&s_ref, 0, sizeof(s_ref));
    s_ref.count = FUZZ_SLOTS;
    s_ref.lan_address = T_LAN_ADDRESS;
    s_ref.lan_prefix = T_LAN_PREFIX;
    s_ref.wan_address = T_WAN_ADDRESS;
    for (uint32_t k = 0; k < 200; k++)
    {
        churn();
    }
    for (uint32_t i = 0; i < iterations && (uint32_t)nr_test_failures == failures_before; i++)
    {
        uint32_t side = 0;
        uint32_t slot = 0;
        uint32_t n = random_packet(p, &side);
        uint8_t *buffer = (uint8_t *)malloc(n > 0 ? n : 1);
        uint8_t egress = 0xEE;
        int expect = t_ref_predict(&s_ref, p, n, side, want, &slot);
        uint16_t ip_before = n >= 20 ? t_ip_verify(p) : 0;
        uint16_t l4_before = n >= 20 && expect ? t_transport_verify(p, n) : 0;
        memcpy(buffer, p, n);
        int result = nr_flow_process(&s_f.table, buffer, n, (uint8_t)side, i, &egress);
        if (result != (expect ? NR_FLOW_HIT : NR_FLOW_MISS))
        {
            fprintf(stderr, "packet %u (seed %u): the flow path says %d, the reference %d\n", i, seed, result, expect);
            nr_test_failures++;
        }
        else if (result == NR_FLOW_HIT)
        {
            uint32_t transport = t_transport_checksum_at(p, n);
            hits++;
            NR_CHECK_EQ(side ^ 1u, egress);
            for (uint32_t b = 0; b < n; b++)
            {
                int checksum = b == 10 || b == 11 || (transport != 0 && (b == transport || b == transport + 1));
                if (!checksum && buffer[b] != want[b])
                {
                    fprintf(stderr, "packet %u (seed %u): byte %u is 0x%02x, the reference 0x%02x\n", i, seed, b,
                            buffer[b], want[b]);
                    nr_test_failures++;
                    break;
                }
            }
            NR_CHECK(t_same_sum(ip_before, t_ip_verify(buffer)));
            NR_CHECK(t_same_sum(l4_before, t_transport_verify(buffer, n)));
            if (p[9] == T_PROTO_UDP && t_get16(p + 26) != 0)
            {
                NR_CHECK(t_get16(buffer + 26) != 0);
            }
            memcpy(p, buffer, n); /* applied to the reference's counters below */
            nr_flow_state st;
            NR_CHECK_EQ(NR_FLOW_STATE_LIVE, nr_flow_read(&s_f.table, slot, &st));
            NR_CHECK_EQ((uint16_t)i, st.last_seen);
        }
        else
        {
            misses++;
            NR_CHECK(memcmp(buffer, p, n) == 0);
            NR_CHECK_EQ(0xEE, egress);
        }
        free(buffer);
        if (pick(8) == 0)
        {
            churn();
        }
        if (pick(20000) == 0)
        {
            /* the WAN address changes (and changes back): everything goes, the reference too */
            NR_CHECK_EQ(NR_FLOW_OK, nr_flow_set_addresses(&s_f.table, T_LAN_ADDRESS, T_LAN_PREFIX, T_WAN_ADDRESS2));
            NR_CHECK_EQ(NR_FLOW_OK, nr_flow_set_addresses(&s_f.table, T_LAN_ADDRESS, T_LAN_PREFIX, T_WAN_ADDRESS));
            memset(s_ref.live, 0, sizeof(s_ref.live));
        }
    }
    printf("fuzz seed %u: %u hits, %u misses\n", seed, hits, misses);
    NR_CHECK(hits > iterations / 10);
    NR_CHECK(misses > iterations / 10);
}

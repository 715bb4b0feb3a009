/*
 * The one-writer protocol under two threads (run under ASan/UBSan, and under TSan in the TSan
 * build): a control thread removes and reinstalls entries continuously, a data thread processes
 * packets all the while. Every spec version's fields are derived from its version number, so a
 * forwarded packet shows which version translated it, and a half-written spec (the new remote
 * with the old port, a new external call ID with the old rewrite, ...) cannot pass the checks:
 *   - every forwarded packet's rewrite belongs to exactly one installed version, and its
 *     checksums verify (a full recompute);
 *   - the counters are exact: what the data thread saw forwarded for each version equals what the
 *     control thread harvested once that version was final;
 *   - a consistent TCP snapshot always pairs an ack with its own window;
 *   - after WAN address changes, no packet ever leaves with one address and a port installed for
 *     the other.
 *   NR_FLOW_CYCLES=N sets the control thread's cycles (default 20000).
 */
#include <pthread.h>
#include <sched.h>

#include "fixture.h"

#define C_SLOTS 16u
#define C_VERSIONS 2048u /* versions are told apart modulo this */
#define C_UDP_END 8u     /* slots 0-7 UDP, 8-11 PPTP, 12-15 TCP */
#define C_PPTP_END 12u

static fixture s_f;
static volatile int s_stop;
static uint32_t s_progress; /* packets the data thread has processed (atomic) */

/* Lets the data thread process at least `packets` more packets (bounded, in case it is starved). */
static void c_let_packets_through(uint32_t packets)
{
    uint32_t start = __atomic_load_n(&s_progress, __ATOMIC_RELAXED);
    for (uint32_t spin = 0; spin < 100000u && __atomic_load_n(&s_progress, __ATOMIC_RELAXED) - start < packets; spin++)
    {
        sched_yield();
    }
}

static uint32_t c_cycles(void)
{
    const char *text = getenv("NR_FLOW_CYCLES");
    return text != NULL ? (uint32_t)strtoul(text, NULL, 0) : 20000u;
}

/* Version v of slot s. */
static uint32_t c_remote(uint32_t v)
{
    return 0xC6120101u + v % 4u;
}

static uint16_t c_external(uint32_t s, uint32_t v)
{
    return (uint16_t)(10000u + s * C_VERSIONS + v % C_VERSIONS);
}

static uint16_t c_client_call(uint32_t s, uint32_t v)
{
    return (uint16_t)(c_external(s, v) ^ 0x5555u);
}

static nr_flow_spec c_spec(uint32_t s, uint32_t v)
{
    uint8_t host = (uint8_t)(2 + s);
    if (s < C_UDP_END)
    {
        return t_spec_udp(host, (uint16_t)(1000 + s), c_external(s, v), c_remote(v));
    }
    if (s < C_PPTP_END)
    {
        return t_spec_pptp(host, c_remote(v), (uint16_t)(100 + s), c_external(s, v), c_client_call(s, v));
    }
    return t_spec_tcp(host, (uint16_t)(1000 + s), c_external(s, v), c_remote(v), 0, 0, 0x5A5A, 0x5A5A);
}

/* ---- the data thread ---- */

typedef struct c_data {
    uint32_t hits[C_SLOTS][C_VERSIONS][2]; /* counted slots only */
    uint32_t pptp_out[C_SLOTS][4];           /* PPTP out: the remote tells the version modulo 4 */
    uint32_t forwarded;
    uint32_t errors;
    uint32_t packets;
} c_data;

static c_data s_data;
static uint32_t s_control_hits[C_SLOTS][C_VERSIONS][2];

static void c_error(const char *what, uint32_t s, uint32_t x)
{
    if (s_data.errors++ < 10)
    {
        fprintf(stderr, "data thread: %s (slot %u, version %u)\n", what, s, x);
    }
}

static void *c_data_thread(void *arg)
{
    uint8_t p[T_MAX_PACKET], check[T_MAX_PACKET];
    uint32_t rng = 12345;
    uint32_t guess[C_SLOTS] = {0};
    uint32_t k = 0;
    (void)arg;
    while (!__atomic_load_n(&s_stop, __ATOMIC_ACQUIRE))
    {
        uint32_t s = k % C_SLOTS;
        uint32_t d = (k / C_SLOTS) % 2u;
        uint32_t r = 0xC6120101u + (k / (2 * C_SLOTS)) % 4u;
        uint32_t host = T_HOST(2 + s);
        uint32_t g = (t_random(&rng) % 4u == 0) ? t_random(&rng) % C_VERSIONS : guess[s];
        uint32_t ack = t_random(&rng);
        uint32_t n;
        uint8_t side;
        k++;
        if (s < C_UDP_END)
        {
            n = d == 0 ? t_make_udp(p, host, r, (uint16_t)(1000 + s), 53, 16, 1)
                       : t_make_udp(p, r, T_WAN_ADDRESS, 53, c_external(s, g), 16, 1);
        }
        else if (s < C_PPTP_END)
        {
            n = d == 0 ? t_make_gre1(p, host, r, (uint16_t)(100 + s), 1, 0, 16)
                       : t_make_gre1(p, r, T_WAN_ADDRESS, c_external(s, g), 1, 0, 16);
        }
        else
        {
            n = d == 0 ? t_make_tcp(p, host, r, (uint16_t)(1000 + s), 443, 1, ack, T_TCP_ACK,
                                    (uint16_t)((ack & 0xFFFF) ^ 0x5A5A), 16)
                       : t_make_tcp(p, r, T_WAN_ADDRESS, 443, c_external(s, g), 1, ack, T_TCP_ACK,
                                    (uint16_t)((ack & 0xFFFF) ^ 0x5A5A), 16);
        }
        s_data.packets++;
        int result = nr_flow_process(&s_f.table, p, n, (uint8_t)d, k, &side);
        __atomic_fetch_add(&s_progress, 1u, __ATOMIC_RELAXED);
        if (result != NR_FLOW_HIT)
        {
            continue;
        }
        s_data.forwarded++;
        if (side != (d ^ 1u))
        {
            c_error("wrong egress", s, 0);
        }
        /* Which version translated it, and was the whole rewrite that version's? */
        uint32_t x;
        if (d == 0)
        {
            if (t_get32(p + 12) != T_WAN_ADDRESS || t_get32(p + 16) != r)
            {
                c_error("out: addresses", s, 0);
                continue;
            }
            if (s < C_PPTP_END && s >= C_UDP_END)
            {
                /* PPTP out rewrites nothing but the address: only the remote tells the version apart */
                if (t_get16(p + 26) != 100 + s)
                {
                    c_error("out: call ID changed", s, 0);
                }
                t_make_gre1(check, T_WAN_ADDRESS, r, (uint16_t)(100 + s), 1, 0, 16);
                t_set_ttl(check, 63);
                if (!t_same_packet(p, check, n))
                {
                    c_error("out: not the oracle's packet", s, 0);
                }
                s_data.pptp_out[s][(r - 0xC6120101u) % 4u]++;
                continue;
            }
            uint32_t external = t_get16(p + 20);
            if (external < 10000u + s * C_VERSIONS || external >= 10000u + (s + 1) * C_VERSIONS)
            {
                c_error("out: another slot's port", s, external);
                continue;
            }
            x = external - 10000u - s * C_VERSIONS;
            if (c_remote(x) != r)
            {
                c_error("out: the port of a version with another remote", s, x);
            }
            guess[s] = x;
            if (s < C_UDP_END)
            {
                t_make_udp(check, T_WAN_ADDRESS, r, c_external(s, x), 53, 16, 1);
            }
            else
            {
                t_make_tcp(check, T_WAN_ADDRESS, r, c_external(s, x), 443, 1, ack, T_TCP_ACK,
                           (uint16_t)((ack & 0xFFFF) ^ 0x5A5A), 16);
            }
        }
        else
        {
            x = g;
            if (c_remote(x) != r)
            {
                c_error("in: a version whose remote is another", s, x);
            }
            if (t_get32(p + 12) != r || t_get32(p + 16) != host)
            {
                c_error("in: addresses", s, x);
                continue;
            }
            if (s < C_UDP_END)
            {
                t_make_udp(check, r, host, 53, (uint16_t)(1000 + s), 16, 1);
            }
            else if (s < C_PPTP_END)
            {
                if (t_get16(p + 26) != c_client_call(s, x))
                {
                    c_error("in: the call ID of another version", s, x);
                }
                t_make_gre1(check, r, host, c_client_call(s, x), 1, 0, 16);
            }
            else
            {
                t_make_tcp(check, r, host, 443, (uint16_t)(1000 + s), 1, ack, T_TCP_ACK,
                           (uint16_t)((ack & 0xFFFF) ^ 0x5A5A), 16);
            }
        }
        t_set_ttl(check, 63);
        if (!t_same_packet(p, check, n))
        {
            c_error("not the oracle's packet", s, x);
        }
        if (s < C_PPTP_END)
        {
            s_data.hits[s][x][d]++;
        }
    }
    return NULL;
}

/* ---- the control thread (this one) ---- */

static uint32_t s_version[C_SLOTS];
static uint32_t s_busy;
static uint32_t s_retiring;

/* Waits (yielding) until a removed slot is final, then adds its counters to the harvest. */
static void c_harvest(uint32_t s)
{
    nr_flow_state st;
    uint32_t spins = 0;
    while (nr_flow_read(&s_f.table, s, &st) != NR_FLOW_STATE_FINAL)
    {
        if (spins == 0)
        {
            s_retiring++; /* removed while a call that may have seen it was running */
        }
        NR_CHECK(++spins < 100000000u);
        if (spins >= 100000000u)
        {
            return;
        }
        sched_yield();
    }
    if (s < C_PPTP_END)
    {
        uint32_t x = s_version[s] % C_VERSIONS;
        s_control_hits[s][x][0] += st.value[0];
        s_control_hits[s][x][1] += st.value[1];
    }
}

static void c_install(uint32_t s)
{
    nr_flow_spec spec = c_spec(s, s_version[s]);
    int result;
    while ((result = nr_flow_install(&s_f.table, s, &spec)) == NR_FLOW_BUSY)
    {
        s_busy++;
        sched_yield();
    }
    NR_CHECK_EQ(NR_FLOW_OK, result);
}

NR_TEST(two_threads_never_forward_with_a_half_written_spec)
{
    pthread_t data;
    uint32_t rng = nr_test_seed();
    uint32_t cycles = c_cycles();
    uint32_t consistent = 0;
    uint32_t last_counter[C_SLOTS][2] = {{0}};
    memset(&s_data, 0, sizeof(s_data));
    memset(s_control_hits, 0, sizeof(s_control_hits));
    memset(s_version, 0, sizeof(s_version));
    s_busy = 0;
    s_retiring = 0;
    f_setup(&s_f, C_SLOTS, 8, 0); /* few buckets: chains of several flows, relinked all the time */
    for (uint32_t s = 0; s < C_SLOTS; s++)
    {
        c_install(s);
    }
    s_stop = 0;
    NR_CHECK_EQ(0, pthread_create(&data, NULL, c_data_thread, NULL));
    for (uint32_t i = 0; i < cycles; i++)
    {
        uint32_t s = t_random(&rng) % C_SLOTS;
        nr_flow_state st;
        /* A look at a live slot: counters only grow within a version; a consistent TCP snapshot
         * pairs each ack with the window sent with it. */
        NR_CHECK_EQ(NR_FLOW_STATE_LIVE, nr_flow_read(&s_f.table, s, &st));
        if (s < C_PPTP_END)
        {
            NR_CHECK(st.value[0] >= last_counter[s][0] && st.value[1] >= last_counter[s][1]);
            last_counter[s][0] = st.value[0];
            last_counter[s][1] = st.value[1];
        }
        else if (st.consistent)
        {
            consistent++;
            NR_CHECK_EQ((st.value[0] & 0xFFFF) ^ 0x5A5A, st.window[0]);
            NR_CHECK_EQ((st.value[1] & 0xFFFF) ^ 0x5A5A, st.window[1]);
        }
        NR_CHECK_EQ(NR_FLOW_OK, nr_flow_remove(&s_f.table, s));
        c_harvest(s);
        s_version[s]++;
        c_install(s);
        last_counter[s][0] = 0;
        last_counter[s][1] = 0;
        c_let_packets_through(4);
    }
    __atomic_store_n(&s_stop, 1, __ATOMIC_RELEASE);
    pthread_join(data, NULL);
    for (uint32_t s = 0; s < C_SLOTS; s++)
    {
        NR_CHECK_EQ(NR_FLOW_OK, nr_flow_remove(&s_f.table, s));
        c_harvest(s);
    }
    uint32_t mismatches = 0;
    uint32_t pptp_out_control[C_SLOTS][4] = {{0}};
    for (uint32_t s = 0; s < C_PPTP_END; s++)
    {
        for (uint32_t x = 0; x < C_VERSIONS; x++)
        {
            for (uint32_t d = 0; d < 2; d++)
            {
                if (s >= C_UDP_END && d == 0)
                {
                    pptp_out_control[s][x % 4u] += s_control_hits[s][x][0];
                    continue;
                }
                if (s_data.hits[s][x][d] != s_control_hits[s][x][d] && mismatches++ < 10)
                {
                    fprintf(stderr, "slot %u version %u dir %u: forwarded %u, harvested %u\n", s, x, d,
                            s_data.hits[s][x][d], s_control_hits[s][x][d]);
                }
            }
        }
    }
    uint32_t pptp_out_total = 0;
    for (uint32_t s = C_UDP_END; s < C_PPTP_END; s++)
    {
        for (uint32_t r = 0; r < 4; r++)
        {
            pptp_out_total += pptp_out_control[s][r];
            if (s_data.pptp_out[s][r] != pptp_out_control[s][r] && mismatches++ < 10)
            {
                fprintf(stderr, "slot %u remote %u out: forwarded %u, harvested %u\n", s, r, s_data.pptp_out[s][r],
                        pptp_out_control[s][r]);
            }
        }
    }
    printf("%u cycles: %u packets, %u forwarded, %u removals waited for a grace period (%u installs busy), "
           "%u consistent TCP reads\n",
           cycles, s_data.packets, s_data.forwarded, s_retiring, s_busy, consistent);
    NR_CHECK_EQ(0, s_data.errors);
    NR_CHECK_EQ(0, mismatches);
    NR_CHECK(s_data.forwarded > 0);
    NR_CHECK(pptp_out_total > 0);
}

/* ---- addresses changing under the data thread ---- */

static volatile uint32_t s_wan_errors;
static volatile uint32_t s_wan_forwarded;

/* Version w of the addresses: WAN A for even w, WAN B for odd; every flow's external port has the
 * parity of its WAN. */
static void *c_wan_data_thread(void *arg)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t rng = 777;
    (void)arg;
    while (!__atomic_load_n(&s_stop, __ATOMIC_ACQUIRE))
    {
        uint32_t f = t_random(&rng) % 8u;
        uint32_t d = t_random(&rng) % 2u;
        uint32_t wan = t_random(&rng) % 2u ? T_WAN_ADDRESS : T_WAN_ADDRESS2;
        uint32_t port = 30000u + 2u * f + (t_random(&rng) % 2u);
        uint32_t n = d == 0 ? t_make_udp(p, T_HOST(2 + f), T_REMOTE, (uint16_t)(1000 + f), 53, 20, 1)
                            : t_make_udp(p, T_REMOTE, wan, 53, (uint16_t)port, 20, 1);
        uint8_t side;
        int result = nr_flow_process(&s_f.table, p, n, (uint8_t)d, 1, &side);
        __atomic_fetch_add(&s_progress, 1u, __ATOMIC_RELAXED);
        if (result != NR_FLOW_HIT)
        {
            continue;
        }
        s_wan_forwarded++;
        uint32_t parity = d == 0 ? t_get16(p + 20) & 1u : port & 1u;
        uint32_t expected_wan = parity ? T_WAN_ADDRESS2 : T_WAN_ADDRESS;
        if ((d == 0 && t_get32(p + 12) != expected_wan) || (d == 1 && wan != expected_wan) ||
            t_transport_verify(p, n) != 0xFFFF)
        {
            s_wan_errors++;
        }
    }
    return NULL;
}

NR_TEST(two_threads_wan_changes_never_mix_addresses_and_entries)
{
    pthread_t data;
    uint32_t changes = c_cycles() / 10;
    uint32_t busy = 0;
    /* 512 sets of 8 slots: the first 512 changes install into slots never used, the rest into
     * slots that were retired */
    static nr_flow_entry entries[4096];
    static uint16_t heads[2][4096];
    memset(&s_f, 0, sizeof(s_f));
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_init(&s_f.table, entries, 4096, heads[0], heads[1], 16, 9, 0));
    s_stop = 0;
    s_wan_errors = 0;
    s_wan_forwarded = 0;
    NR_CHECK_EQ(0, pthread_create(&data, NULL, c_wan_data_thread, NULL));
    for (uint32_t w = 0; w < changes; w++)
    {
        uint32_t wan = (w & 1u) ? T_WAN_ADDRESS2 : T_WAN_ADDRESS;
        int result;
        while ((result = nr_flow_set_addresses(&s_f.table, T_LAN_ADDRESS, T_LAN_PREFIX, wan)) == NR_FLOW_BUSY)
        {
            busy++;
            sched_yield();
        }
        NR_CHECK_EQ(NR_FLOW_OK, result);
        for (uint32_t f = 0; f < 8; f++)
        {
            nr_flow_spec spec = t_spec_udp((uint8_t)(2 + f), (uint16_t)(1000 + f), (uint16_t)(30000 + 2 * f + (w & 1u)),
                                           T_REMOTE);
            while ((result = nr_flow_install(&s_f.table, (w % 512u) * 8u + f, &spec)) == NR_FLOW_BUSY)
            {
                busy++;
                sched_yield();
            }
            NR_CHECK_EQ(NR_FLOW_OK, result);
        }
        c_let_packets_through(8);
    }
    __atomic_store_n(&s_stop, 1, __ATOMIC_RELEASE);
    pthread_join(data, NULL);
    printf("%u address changes: %u forwarded, %u calls waited for a grace period\n", changes, s_wan_forwarded, busy);
    NR_CHECK_EQ(0, s_wan_errors);
    NR_CHECK(s_wan_forwarded > 0);
}

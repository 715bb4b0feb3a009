/* Everything that must stay managed misses, leaving the packet and the counters untouched. */
#include "fixture.h"

static fixture s_f;

/* Installs one flow of each kind for host 9 and the remote T_REMOTE. */
static void setup_all(void)
{
    f_setup(&s_f, F_CAPACITY, 64, 0);
    nr_flow_spec specs[] = {
        t_spec_tcp(9, 1000, 2000, T_REMOTE, 0, 0, 0, 0),
        t_spec_udp(9, 1000, 2000, T_REMOTE),
        t_spec_icmp(9, 1000, 2000, T_REMOTE),
        t_spec_esp(9, T_REMOTE, 0x1000, 0x2000, NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN),
        t_spec_gre(9, T_REMOTE, 0x77, 0x77),
        t_spec_pptp(9, T_REMOTE, 0x6000, 0x4001, 0x4000),
    };
    for (uint32_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
    {
        NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, i, &specs[i]));
    }
}

/* The counters and TCP fields of every slot are still what they were installed with. */
static void expect_nothing_counted(void)
{
    for (uint32_t slot = 0; slot < 6; slot++)
    {
        nr_flow_state st;
        NR_CHECK_EQ(NR_FLOW_STATE_LIVE, nr_flow_read(&s_f.table, slot, &st));
        NR_CHECK_EQ(0, st.value[0]);
        NR_CHECK_EQ(0, st.value[1]);
        NR_CHECK_EQ(0, st.last_seen);
    }
}

NR_TEST(miss_ip_options_fragments_flags_and_lengths)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    setup_all();
    /* IHL 6 (a 4-byte option: NOPs) */
    n = t_make_udp(p + 4, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
    memmove(p, p + 4, 20);
    p[0] = 0x46;
    memset(p + 20, 1, 4);
    t_put16(p + 2, n + 4);
    t_finish_ip(p);
    F_EXPECT_MISS(&s_f, p, n + 4, NR_FLOW_SIDE_LAN);
    /* MF; a fragment offset; the reserved flag */
    static const uint16_t fragment_words[] = {0x2000, 0x0001, 0x00B9, 0x4001, 0x8000, 0xC000, 0x1000};
    for (uint32_t i = 0; i < sizeof(fragment_words) / sizeof(fragment_words[0]); i++)
    {
        n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
        t_put16(p + 6, fragment_words[i]);
        t_finish_ip(p);
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    }
    /* link-layer padding (length above the total length), and a total length above the length */
    n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
    F_EXPECT_MISS(&s_f, p, n + 2, NR_FLOW_SIDE_LAN);
    F_EXPECT_MISS(&s_f, p, n - 1, NR_FLOW_SIDE_LAN);
    /* not IPv4, a wrong side */
    n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
    p[0] = 0x65;
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    p[0] = 0x45;
    F_EXPECT_MISS(&s_f, p, n, 2);
    F_EXPECT_MISS(&s_f, p, n, 0xFF);
    F_EXPECT_MISS(&s_f, p, 0, NR_FLOW_SIDE_LAN);
    expect_nothing_counted();
    /* DF alone and no flags at all: hits */
    n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
    NR_CHECK_EQ(NR_FLOW_HIT, f_process(&s_f, p, n, NR_FLOW_SIDE_LAN, 1, NULL));
    n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
    t_put16(p + 6, 0);
    t_finish_ip(p);
    NR_CHECK_EQ(NR_FLOW_HIT, f_process(&s_f, p, n, NR_FLOW_SIDE_LAN, 1, NULL));
}

NR_TEST(miss_ttl_one_and_zero)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    setup_all();
    for (uint32_t ttl = 0; ttl <= 1; ttl++)
    {
        n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
        t_set_ttl(p, (uint8_t)ttl);
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
        n = t_make_tcp(p, T_REMOTE, T_WAN_ADDRESS, 443, 2000, 1, 1, T_TCP_ACK, 10, 10);
        t_set_ttl(p, (uint8_t)ttl);
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    }
    expect_nothing_counted();
}

NR_TEST(miss_tcp_syn_fin_rst_and_no_ack)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    static const uint8_t flags[] = {
        T_TCP_SYN, T_TCP_SYN | T_TCP_ACK, T_TCP_FIN | T_TCP_ACK, T_TCP_RST, T_TCP_RST | T_TCP_ACK, T_TCP_PSH, 0,
        T_TCP_FIN, 0xFF,
    };
    setup_all();
    for (uint32_t i = 0; i < sizeof(flags); i++)
    {
        n = t_make_tcp(p, T_HOST(9), T_REMOTE, 1000, 443, 1, 1, flags[i], 10, 10);
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
        n = t_make_tcp(p, T_REMOTE, T_WAN_ADDRESS, 443, 2000, 1, 1, flags[i], 10, 10);
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    }
    /* the header cut short */
    n = t_make_tcp(p, T_HOST(9), T_REMOTE, 1000, 443, 1, 1, T_TCP_ACK, 10, 0);
    t_put16(p + 2, 39);
    t_finish_ip(p);
    F_EXPECT_MISS(&s_f, p, 39, NR_FLOW_SIDE_LAN);
    expect_nothing_counted();
}

NR_TEST(miss_icmp_errors_and_wrong_echo_direction)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    static const uint8_t types[] = {3, 4, 5, 11, 12, 13, 14, 17};
    setup_all();
    for (uint32_t i = 0; i < sizeof(types); i++)
    {
        n = t_make_icmp(p, T_HOST(9), T_REMOTE, types[i], 1000, 1, 28);
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
        n = t_make_icmp(p, T_REMOTE, T_WAN_ADDRESS, types[i], 2000, 1, 28);
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    }
    /* an echo reply from the LAN, an echo request from the WAN */
    n = t_make_icmp(p, T_HOST(9), T_REMOTE, 0, 1000, 1, 28);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_icmp(p, T_REMOTE, T_WAN_ADDRESS, 8, 2000, 1, 28);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    /* a header cut short */
    n = t_make_icmp(p, T_HOST(9), T_REMOTE, 8, 1000, 1, 0);
    t_put16(p + 2, 27);
    t_finish_ip(p);
    F_EXPECT_MISS(&s_f, p, 27, NR_FLOW_SIDE_LAN);
    expect_nothing_counted();
}

NR_TEST(miss_unknown_flows)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    setup_all();
    /* out: another host, another port, another remote, a source outside the LAN */
    n = t_make_udp(p, T_HOST(10), T_REMOTE, 1000, 53, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_udp(p, T_HOST(9), T_REMOTE, 1001, 53, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_udp(p, T_HOST(9), T_REMOTE2, 1000, 53, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_udp(p, 0xC6130509u, T_REMOTE, 1000, 53, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    /* an out packet arriving on the WAN side, an in packet on the LAN side */
    n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 53, 2000, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    /* in: another external port, another remote, not to the WAN address, the LAN port instead */
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 53, 2001, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_udp(p, T_REMOTE2, T_WAN_ADDRESS, 53, 2000, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS2, 53, 2000, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 53, 1000, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    /* the remote port does not matter (the managed 4-tuple): any remote port hits */
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 12345, 2000, 20, 1);
    NR_CHECK_EQ(NR_FLOW_HIT, f_process(&s_f, p, n, NR_FLOW_SIDE_WAN, 1, NULL));
    /* ESP: an unknown SPI each way (the managed engine learns), another host on the same SPI */
    setup_all();
    n = t_make_esp(p, T_HOST(9), T_REMOTE, 0x1001, 1, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_esp(p, T_HOST(11), T_REMOTE, 0x1000, 1, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_esp(p, T_REMOTE, T_WAN_ADDRESS, 0x1000, 1, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_esp(p, T_REMOTE2, T_WAN_ADDRESS, 0x2000, 1, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    /* GRE: another key, a keyless packet for a keyed mapping, another call ID */
    n = t_make_gre0(p, T_HOST(9), T_REMOTE, 0x20, 0x78, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_gre0(p, T_HOST(9), T_REMOTE, 0x00, 0, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_gre1(p, T_HOST(9), T_REMOTE, 0x6001, 1, 0, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_gre1(p, T_REMOTE, T_WAN_ADDRESS, 0x4000, 1, 0, 20); /* the client's own ID, not the external one */
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    /* protocols the flow path never takes */
    n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
    p[9] = 41;
    t_finish_ip(p);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    p[9] = 132;
    t_finish_ip(p);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    expect_nothing_counted();
}

NR_TEST(miss_esp_inbound_before_its_spi_is_learned)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_esp(9, T_REMOTE, 0x1000, 0, NR_FLOW_MATCH_OUT);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    n = t_make_esp(p, T_REMOTE, T_WAN_ADDRESS, 0, 1, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_esp(p, T_REMOTE, T_WAN_ADDRESS, 0x1000, 1, 20);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_esp(p, T_HOST(9), T_REMOTE, 0x1000, 1, 20);
    NR_CHECK_EQ(NR_FLOW_HIT, f_process(&s_f, p, n, NR_FLOW_SIDE_LAN, 1, NULL));
}

NR_TEST(miss_malformed_gre)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    setup_all();
    /* v1: C set, R set, s/Recur set, K clear, a reserved bit, another protocol type, a payload
     * length beyond the packet, version 2..7 */
    static const uint8_t v1_first[] = {0xB0, 0x70, 0x38, 0x31, 0x10, 0x00};
    for (uint32_t i = 0; i < sizeof(v1_first); i++)
    {
        n = t_make_gre1(p, T_HOST(9), T_REMOTE, 0x6000, 1, 0, 20);
        p[20] = v1_first[i];
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    }
    n = t_make_gre1(p, T_HOST(9), T_REMOTE, 0x6000, 1, 0, 20);
    p[21] = 0x09;
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_gre1(p, T_HOST(9), T_REMOTE, 0x6000, 1, 0, 20);
    t_put16(p + 22, 0x0800);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_gre1(p, T_HOST(9), T_REMOTE, 0x6000, 1, 0, 20);
    t_put16(p + 24, 21);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_gre1(p, T_HOST(9), T_REMOTE, 0x6000, 1, 1, 0);
    t_put16(p + 2, n - 1); /* the acknowledgment number cut */
    t_finish_ip(p);
    F_EXPECT_MISS(&s_f, p, n - 1, NR_FLOW_SIDE_LAN);
    for (uint8_t version = 2; version < 8; version++)
    {
        n = t_make_gre1(p, T_HOST(9), T_REMOTE, 0x6000, 1, 0, 20);
        p[21] = version;
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    }
    /* v0: R, s, Recur, a reserved bit of the second byte, the key cut off */
    static const uint8_t v0_first[] = {0x60, 0x28, 0x21, 0x27};
    for (uint32_t i = 0; i < sizeof(v0_first); i++)
    {
        n = t_make_gre0(p, T_HOST(9), T_REMOTE, 0x20, 0x77, 20);
        p[20] = v0_first[i];
        F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    }
    n = t_make_gre0(p, T_HOST(9), T_REMOTE, 0x20, 0x77, 20);
    p[21] = 0x08;
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_gre0(p, T_HOST(9), T_REMOTE, 0x20, 0x77, 0);
    t_put16(p + 2, 27);
    t_finish_ip(p);
    F_EXPECT_MISS(&s_f, p, 27, NR_FLOW_SIDE_LAN);
    expect_nothing_counted();
}

/* Every prefix of a valid packet, with its total length left or set to the prefix: a miss or a
 * translation of exactly those bytes, never a read past them (the buffer is exactly that long). */
NR_TEST(every_prefix_of_valid_packets_is_safe)
{
    uint8_t full[T_MAX_PACKET], p[T_MAX_PACKET];
    uint32_t lengths[8];
    uint8_t packets[8][T_MAX_PACKET];
    uint8_t sides[8];
    uint32_t count = 0;
    setup_all();
    lengths[count] = t_make_tcp(packets[count], T_HOST(9), T_REMOTE, 1000, 443, 1, 1, T_TCP_ACK, 10, 30);
    sides[count++] = NR_FLOW_SIDE_LAN;
    lengths[count] = t_make_udp(packets[count], T_REMOTE, T_WAN_ADDRESS, 53, 2000, 30, 1);
    sides[count++] = NR_FLOW_SIDE_WAN;
    lengths[count] = t_make_icmp(packets[count], T_HOST(9), T_REMOTE, 8, 1000, 1, 30);
    sides[count++] = NR_FLOW_SIDE_LAN;
    lengths[count] = t_make_esp(packets[count], T_REMOTE, T_WAN_ADDRESS, 0x2000, 1, 30);
    sides[count++] = NR_FLOW_SIDE_WAN;
    lengths[count] = t_make_gre0(packets[count], T_HOST(9), T_REMOTE, 0xB0, 0x77, 30);
    sides[count++] = NR_FLOW_SIDE_LAN;
    lengths[count] = t_make_gre1(packets[count], T_REMOTE, T_WAN_ADDRESS, 0x4001, 1, 1, 30);
    sides[count++] = NR_FLOW_SIDE_WAN;
    for (uint32_t k = 0; k < count; k++)
    {
        memcpy(full, packets[k], lengths[k]);
        for (uint32_t n = 0; n < lengths[k]; n++)
        {
            memcpy(p, full, n);
            F_EXPECT_MISS(&s_f, p, n, sides[k]);
            if (n >= 20)
            {
                memcpy(p, full, n);
                t_put16(p + 2, n);
                t_finish_ip(p);
                uint8_t before[T_MAX_PACKET];
                memcpy(before, p, n);
                if (f_process(&s_f, p, n, sides[k], 1, NULL) == NR_FLOW_MISS)
                {
                    NR_CHECK(memcmp(before, p, n) == 0);
                }
                else
                {
                    NR_CHECK(t_ip_verify(p) == 0xFFFF);
                }
            }
        }
    }
}

NR_TEST(miss_everything_without_addresses)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_udp(9, 1000, 2000, T_REMOTE);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_set_addresses(&s_f.table, T_LAN_ADDRESS, T_LAN_PREFIX, 0));
    NR_CHECK_EQ(NR_FLOW_NO_ADDRESS, nr_flow_install(&s_f.table, 1, &spec));
    n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_udp(p, T_REMOTE, 0, 53, 2000, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    /* a table just made: no addresses at all */
    memset(&s_f, 0, sizeof(s_f));
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_init(&s_f.table, s_f.entries, 8, s_f.out_heads, s_f.in_heads, 8, 1, 0));
    NR_CHECK_EQ(NR_FLOW_NO_ADDRESS, nr_flow_install(&s_f.table, 0, &spec));
    n = t_make_udp(p, 0, 0, 0, 0, 20, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
}

/* The managed fast path forwards an established segment whatever its data offset (it reads only
 * the first 20 bytes, as the flow path does): a bad one is the receiver's to drop. The flow path
 * does the same, so that offloading changes nothing. */
NR_TEST(tcp_data_offset_is_not_judged_as_in_the_managed_fast_path)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    static const uint8_t offsets[] = {0x00, 0x40, 0x80, 0xF0};
    setup_all();
    for (uint32_t i = 0; i < sizeof(offsets); i++)
    {
        n = t_make_tcp(p, T_HOST(9), T_REMOTE, 1000, 443, 1, 1, T_TCP_ACK, 10, 0);
        p[32] = offsets[i];
        t_finish_transport(p, n);
        NR_CHECK_EQ(NR_FLOW_HIT, f_process(&s_f, p, n, NR_FLOW_SIDE_LAN, 1, NULL));
        NR_CHECK_EQ(0xFFFF, t_ip_verify(p));
        NR_CHECK_EQ(0xFFFF, t_transport_verify(p, n));
    }
}

/* Every protocol, both directions: the translated packet equals the oracle's packet built with
 * the translated fields and fresh checksums (a full recompute), TTL one less, the right egress. */
#include "fixture.h"

static fixture s_f;

/* Runs packet through the table and compares with expected (both of length bytes). */
static void expect_translation(uint8_t *packet, uint32_t length, uint8_t ingress, const uint8_t *expected)
{
    uint8_t side;
    NR_CHECK_EQ(NR_FLOW_HIT, f_process(&s_f, packet, length, ingress, 100, &side));
    NR_CHECK_EQ(ingress == NR_FLOW_SIDE_LAN ? NR_FLOW_SIDE_WAN : NR_FLOW_SIDE_LAN, side);
    NR_CHECK(t_same_packet(packet, expected, length));
}

static void check_tcp(uint16_t lan_port, uint16_t external_port)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_tcp(9, lan_port, external_port, T_REMOTE, 1, 1, 0, 0);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 5, &spec));

    n = t_make_tcp(p, T_HOST(9), T_REMOTE, lan_port, 443, 1000, 2000, T_TCP_ACK | T_TCP_PSH, 512, 64);
    t_make_tcp(want, T_WAN_ADDRESS, T_REMOTE, external_port, 443, 1000, 2000, T_TCP_ACK | T_TCP_PSH, 512, 64);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);

    n = t_make_tcp(p, T_REMOTE, T_WAN_ADDRESS, 443, external_port, 2000, 1064, T_TCP_ACK, 1024, 64);
    t_make_tcp(want, T_REMOTE, T_HOST(9), 443, lan_port, 2000, 1064, T_TCP_ACK, 1024, 64);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);

    /* An empty ACK (40 bytes) and a large segment. */
    n = t_make_tcp(p, T_HOST(9), T_REMOTE, lan_port, 443, 1064, 2064, T_TCP_ACK, 512, 0);
    t_make_tcp(want, T_WAN_ADDRESS, T_REMOTE, external_port, 443, 1064, 2064, T_TCP_ACK, 512, 0);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    n = t_make_tcp(p, T_REMOTE, T_WAN_ADDRESS, 443, external_port, 2064, 1064, T_TCP_ACK | T_TCP_PSH, 1024, 1460);
    t_make_tcp(want, T_REMOTE, T_HOST(9), 443, lan_port, 2064, 1064, T_TCP_ACK | T_TCP_PSH, 1024, 1460);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
}

NR_TEST(tcp_both_directions_port_preserved)
{
    check_tcp(40000, 40000);
}

NR_TEST(tcp_both_directions_port_remapped)
{
    check_tcp(40000, 10007);
    check_tcp(1, 65535);
}

static void check_udp(uint16_t lan_port, uint16_t external_port, uint32_t payload)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_udp(200, lan_port, external_port, T_REMOTE);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    n = t_make_udp(p, T_HOST(200), T_REMOTE, lan_port, 53, payload, 1);
    t_make_udp(want, T_WAN_ADDRESS, T_REMOTE, external_port, 53, payload, 1);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 53, external_port, payload, 1);
    t_make_udp(want, T_REMOTE, T_HOST(200), 53, lan_port, payload, 1);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
}

NR_TEST(udp_both_directions)
{
    check_udp(5353, 5353, 64);
    check_udp(5353, 20001, 64);
    check_udp(500, 500, 12); /* a 40-byte datagram: the shortest the path takes */
    check_udp(4500, 1025, 13);
}

/* A UDP entry with a remote port (a NAT-T session) matches only datagrams to (out) and from (in)
 * that port; any other remote port of the same 4-tuple goes managed, untouched. */
NR_TEST(udp_remote_port_when_set)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_udp(200, 4500, 4500, T_REMOTE);
    spec.u.ports.remote_port = t_wire16(4500);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    n = t_make_udp(p, T_HOST(200), T_REMOTE, 4500, 4500, 64, 1);
    t_make_udp(want, T_WAN_ADDRESS, T_REMOTE, 4500, 4500, 64, 1);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 4500, 4500, 64, 1);
    t_make_udp(want, T_REMOTE, T_HOST(200), 4500, 4500, 64, 1);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
    n = t_make_udp(p, T_HOST(200), T_REMOTE, 4500, 500, 64, 1); /* counted as IKE by the engine */
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 500, 4500, 64, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_udp(p, T_HOST(200), T_REMOTE, 4500, 4501, 64, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
}

/* A datagram shorter than 40 bytes goes managed, as the managed fast path sends it to its slow path
 * (which classifies each datagram by its ports). */
NR_TEST(udp_shorter_than_40_bytes_is_a_miss)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_udp(200, 5353, 5353, T_REMOTE);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    n = t_make_udp(p, T_HOST(200), T_REMOTE, 5353, 4500, 11, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_LAN);
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 4500, 5353, 0, 1);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
}

NR_TEST(udp_checksum_zero_stays_zero)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_udp(20, 1701, 30000, T_REMOTE);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 1, &spec));
    n = t_make_udp(p, T_HOST(20), T_REMOTE, 1701, 1701, 64, 0);
    t_make_udp(want, T_WAN_ADDRESS, T_REMOTE, 30000, 1701, 64, 0);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    NR_CHECK_EQ(0, t_get16(p + 26));
    n = t_make_udp(p, T_REMOTE, T_WAN_ADDRESS, 1701, 30000, 64, 0);
    t_make_udp(want, T_REMOTE, T_HOST(20), 1701, 1701, 64, 0);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
    NR_CHECK_EQ(0, t_get16(p + 26));
}

/* A datagram whose translated checksum computes to 0 must carry 0xFFFF (RFC 768), never 0. */
NR_TEST(udp_zero_result_is_sent_as_ffff)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n = 0;
    int found = 0;
    nr_flow_spec spec = t_spec_udp(20, 7000, 7001, T_REMOTE);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 1, &spec));
    /* Choose the first payload word so that the translated datagram's full checksum is 0xFFFF. */
    for (uint32_t w = 0; w < 0x10000 && !found; w++)
    {
        t_make_udp(want, T_WAN_ADDRESS, T_REMOTE, 7001, 53, 12, 0);
        t_put16(want + 28, w);
        t_finish_transport(want, 40);
        if (t_get16(want + 26) == 0xFFFF)
        {
            n = t_make_udp(p, T_HOST(20), T_REMOTE, 7000, 53, 12, 0);
            t_put16(p + 28, w);
            t_finish_transport(p, n);
            found = 1;
        }
    }
    NR_CHECK(found);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    NR_CHECK_EQ(0xFFFF, t_get16(p + 26));
}

static void check_icmp(uint16_t lan_id, uint16_t external_id)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_icmp(3, lan_id, external_id, T_REMOTE2);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 63, &spec));
    n = t_make_icmp(p, T_HOST(3), T_REMOTE2, 8, lan_id, 7, 56);
    t_make_icmp(want, T_WAN_ADDRESS, T_REMOTE2, 8, external_id, 7, 56);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    n = t_make_icmp(p, T_REMOTE2, T_WAN_ADDRESS, 0, external_id, 7, 56);
    t_make_icmp(want, T_REMOTE2, T_HOST(3), 0, lan_id, 7, 56);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
    /* A ping without data: 28 bytes. */
    n = t_make_icmp(p, T_HOST(3), T_REMOTE2, 8, lan_id, 8, 0);
    t_make_icmp(want, T_WAN_ADDRESS, T_REMOTE2, 8, external_id, 8, 0);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
}

NR_TEST(icmp_echo_both_directions)
{
    check_icmp(1, 1);
    check_icmp(1, 2);
    check_icmp(0xFFFF, 0x0100);
}

NR_TEST(esp_both_directions)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_esp(40, T_REMOTE, 0xC0FFEE01u, 0x00000101u, NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 10, &spec));
    n = t_make_esp(p, T_HOST(40), T_REMOTE, 0xC0FFEE01u, 5, 64);
    t_make_esp(want, T_WAN_ADDRESS, T_REMOTE, 0xC0FFEE01u, 5, 64);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    n = t_make_esp(p, T_REMOTE, T_WAN_ADDRESS, 0x00000101u, 6, 64);
    t_make_esp(want, T_REMOTE, T_HOST(40), 0x00000101u, 6, 64);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
}

static void check_gre0(uint8_t gre_flags, uint32_t key_out, uint32_t key_in)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = (gre_flags & 0x20) ? t_spec_gre(41, T_REMOTE, key_out, key_in) : t_spec_gre_nokey(41, T_REMOTE);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 11, &spec));
    n = t_make_gre0(p, T_HOST(41), T_REMOTE, gre_flags, key_out, 64);
    t_make_gre0(want, T_WAN_ADDRESS, T_REMOTE, gre_flags, key_out, 64);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    n = t_make_gre0(p, T_REMOTE, T_WAN_ADDRESS, gre_flags, key_in, 64);
    t_make_gre0(want, T_REMOTE, T_HOST(41), gre_flags, key_in, 64);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
}

NR_TEST(gre_v0_by_key_both_directions)
{
    check_gre0(0x20, 0x11111111u, 0x11111111u);
    check_gre0(0x20, 0x11111111u, 0x22222222u); /* RFC 2890: a key per direction */
    check_gre0(0x30, 7, 8);                     /* with sequence numbers */
    check_gre0(0xB0, 7, 8);                     /* with a checksum (the key moves to offset 8) */
}

/* Issue 14 section 1: two LAN hosts to one peer whose keys differ per direction and cross (A sends
 * key 1 and receives key 2, B the reverse): each packet goes to its own host by the key of its
 * direction. A third host's mapping whose inbound key the managed engine has not learned yet is
 * installed with NR_FLOW_MATCH_OUT alone, as ESP's: its out packets hit, in packets miss. */
NR_TEST(gre_v0_two_hosts_one_peer_crossed_keys_per_direction)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec a = t_spec_gre(41, T_REMOTE, 1, 2);
    nr_flow_spec b = t_spec_gre(42, T_REMOTE, 2, 1);
    nr_flow_spec c = t_spec_gre(43, T_REMOTE, 3, 0);
    c.kind = (uint8_t)(NR_FLOW_KIND_GRE | NR_FLOW_MATCH_OUT);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 11, &a));
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 12, &b));
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 13, &c));
    for (uint8_t host = 41; host <= 43; host++)
    {
        uint32_t out_key = host - 40u;
        n = t_make_gre0(p, T_HOST(host), T_REMOTE, 0x20, out_key, 64);
        t_make_gre0(want, T_WAN_ADDRESS, T_REMOTE, 0x20, out_key, 64);
        t_set_ttl(want, 63);
        expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    }
    for (uint32_t in_key = 1; in_key <= 2; in_key++)
    {
        uint8_t host = in_key == 2 ? 41 : 42;
        n = t_make_gre0(p, T_REMOTE, T_WAN_ADDRESS, 0x20, in_key, 64);
        t_make_gre0(want, T_REMOTE, T_HOST(host), 0x20, in_key, 64);
        t_set_ttl(want, 63);
        expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
    }
    n = t_make_gre0(p, T_REMOTE, T_WAN_ADDRESS, 0x20, 3, 64);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
    n = t_make_gre0(p, T_REMOTE, T_WAN_ADDRESS, 0x20, 0, 64);
    F_EXPECT_MISS(&s_f, p, n, NR_FLOW_SIDE_WAN);
}

NR_TEST(gre_v0_without_key_both_directions)
{
    check_gre0(0x00, 0, 0);
    check_gre0(0x80, 0, 0);
    check_gre0(0x10, 0, 0);
}

static void check_pptp(int with_sequence, int with_ack, uint32_t payload)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    /* The server's call ID 0x6001; the client's own 0x4001, given to the server as 0x4002. */
    nr_flow_spec spec = t_spec_pptp(50, T_REMOTE, 0x6001, 0x4002, 0x4001);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 12, &spec));
    n = t_make_gre1(p, T_HOST(50), T_REMOTE, 0x6001, with_sequence, with_ack, payload);
    t_make_gre1(want, T_WAN_ADDRESS, T_REMOTE, 0x6001, with_sequence, with_ack, payload);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    n = t_make_gre1(p, T_REMOTE, T_WAN_ADDRESS, 0x4002, with_sequence, with_ack, payload);
    t_make_gre1(want, T_REMOTE, T_HOST(50), 0x4001, with_sequence, with_ack, payload);
    t_set_ttl(want, 63);
    expect_translation(p, n, NR_FLOW_SIDE_WAN, want);
}

NR_TEST(pptp_gre_v1_by_call_id_both_directions)
{
    check_pptp(1, 0, 64);
    check_pptp(1, 1, 64);
    check_pptp(0, 1, 0); /* an acknowledgment alone: 32 bytes */
    check_pptp(0, 0, 10);
}

NR_TEST(ttl_is_decremented_and_two_goes_to_one)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_udp(9, 1000, 1000, T_REMOTE);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    for (uint32_t ttl = 2; ttl <= 255; ttl += 253)
    {
        n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 20, 1);
        t_set_ttl(p, (uint8_t)ttl);
        t_make_udp(want, T_WAN_ADDRESS, T_REMOTE, 1000, 53, 20, 1);
        t_set_ttl(want, (uint8_t)(ttl - 1));
        expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    }
}

NR_TEST(keep_ttl_table_leaves_ttl_alone)
{
    uint8_t p[T_MAX_PACKET], want[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_tcp(9, 1000, 2000, T_REMOTE, 0, 0, 0, 0);
    f_setup(&s_f, F_CAPACITY, 64, NR_FLOW_KEEP_TTL);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    n = t_make_tcp(p, T_HOST(9), T_REMOTE, 1000, 80, 1, 1, T_TCP_ACK, 100, 10);
    t_make_tcp(want, T_WAN_ADDRESS, T_REMOTE, 2000, 80, 1, 1, T_TCP_ACK, 100, 10);
    expect_translation(p, n, NR_FLOW_SIDE_LAN, want);
    NR_CHECK_EQ(64, p[8]);
}

/* RFC 1624 keeps an error: a packet whose checksums were wrong leaves with checksums wrong by as
 * much (the receiver still drops it), never "repaired". */
NR_TEST(bad_checksums_stay_bad_by_the_same_amount)
{
    uint8_t p[T_MAX_PACKET];
    uint32_t n;
    nr_flow_spec spec = t_spec_tcp(9, 1000, 2000, T_REMOTE, 0, 0, 0, 0);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    n = t_make_tcp(p, T_HOST(9), T_REMOTE, 1000, 80, 1, 1, T_TCP_ACK, 100, 10);
    p[11] ^= 0x10;
    p[37] ^= 0x01;
    uint16_t ip_before = t_ip_verify(p), l4_before = t_transport_verify(p, n);
    NR_CHECK(ip_before != 0xFFFF && l4_before != 0xFFFF);
    NR_CHECK_EQ(NR_FLOW_HIT, f_process(&s_f, p, n, NR_FLOW_SIDE_LAN, 1, NULL));
    NR_CHECK(t_same_sum(ip_before, t_ip_verify(p)));
    NR_CHECK(t_same_sum(l4_before, t_transport_verify(p, n)));
}

/* The packet may sit at any alignment (an lwIP payload is 2 past a word). */
NR_TEST(unaligned_packets_translate)
{
    uint8_t storage[T_MAX_PACKET + 8], want[T_MAX_PACKET];
    nr_flow_spec spec = t_spec_udp(9, 1000, 3000, T_REMOTE);
    f_setup(&s_f, F_CAPACITY, 64, 0);
    NR_CHECK_EQ(NR_FLOW_OK, nr_flow_install(&s_f.table, 0, &spec));
    for (uint32_t shift = 0; shift < 4; shift++)
    {
        uint8_t *p = storage + shift;
        uint32_t n = t_make_udp(p, T_HOST(9), T_REMOTE, 1000, 53, 30, 1);
        t_make_udp(want, T_WAN_ADDRESS, T_REMOTE, 3000, 53, 30, 1);
        t_set_ttl(want, 63);
        NR_CHECK_EQ(NR_FLOW_HIT, nr_flow_process(&s_f.table, p, n, NR_FLOW_SIDE_LAN, 1, &side_unused));
        NR_CHECK(t_same_packet(p, want, n));
    }
}

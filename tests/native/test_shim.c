/* Tests of the pure shim logic: header checks, classification, TTL handling. */
#include <string.h>

#include "nr_shim.h"
#include "nr_test.h"

#define LAN_ROUTER 0xC0A80401u /* 192.168.4.1 */
#define LAN_CLIENT 0xC0A80402u /* 192.168.4.2 */
#define WAN_ROUTER 0xC6120002u /* 198.18.0.2 */
#define SERVER 0xC6120707u     /* 198.18.7.7 */

static nr_config config_with_wan(void)
{
    nr_config cfg;
    nr_config_default(&cfg);
    cfg.wan_address = WAN_ROUTER;
    return cfg;
}

static nr_class classify(const nr_config *cfg, const uint8_t *pkt, uint32_t length, uint8_t side)
{
    return nr_classify(cfg, pkt, length, side);
}

/* A UDP or TCP packet with the given ports. */
static uint32_t transport(uint8_t *pkt, uint8_t protocol, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
    uint8_t payload[20];
    nr_build_ports(payload, sport, dport, sizeof(payload));
    return nr_build_ipv4(pkt, protocol, src, dst, 64, payload, sizeof(payload));
}

/* The well-known example header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7
 * (192.168.0.1 -> 192.168.0.199, UDP, TTL 64), from the Wikipedia article on the
 * IPv4 header checksum; its checksum 0xB861 is right. */
static const uint8_t k_known_header[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                           0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

NR_TEST(checksum_known_header_verifies)
{
    uint8_t pkt[0x73] = {0};
    uint16_t total = 0;
    memcpy(pkt, k_known_header, 20);
    NR_CHECK_EQ(0xFFFF, nr_checksum_fold(pkt, 20));
    NR_CHECK_EQ(NR_CHECK_OK, nr_check_ipv4(pkt, 20, sizeof(pkt), 1500, &total));
    NR_CHECK_EQ(0x73, total);
    pkt[10] = 0xb8;
    pkt[11] = 0x62;
    NR_CHECK_EQ(NR_CHECK_CHECKSUM, nr_check_ipv4(pkt, 20, sizeof(pkt), 1500, &total));
}

NR_TEST(check_rejects_fewer_bytes_than_a_header)
{
    uint8_t pkt[64];
    uint16_t total = 0;
    uint32_t length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 1000, 53);
    for (uint32_t n = 0; n < 20; n++)
    {
        NR_CHECK_EQ(NR_CHECK_TOO_SHORT, nr_check_ipv4(pkt, n, n, 1500, &total));
    }
    NR_CHECK_EQ(NR_CHECK_OK, nr_check_ipv4(pkt, length, length, 1500, &total));
}

NR_TEST(check_rejects_version_other_than_4)
{
    uint8_t pkt[64];
    uint16_t total = 0;
    uint32_t length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 1000, 53);
    pkt[0] = 0x65;
    NR_CHECK_EQ(NR_CHECK_VERSION, nr_check_ipv4(pkt, length, length, 1500, &total));
}

NR_TEST(check_rejects_ihl_below_5_and_beyond_the_bytes)
{
    uint8_t pkt[64];
    uint16_t total = 0;
    uint32_t length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 1000, 53);
    for (uint8_t ihl = 0; ihl < 5; ihl++)
    {
        pkt[0] = (uint8_t)(0x40 | ihl);
        NR_CHECK_EQ(NR_CHECK_IHL, nr_check_ipv4(pkt, length, length, 1500, &total));
    }
    pkt[0] = 0x4F; /* 60-byte header, but only 40 bytes there */
    NR_CHECK_EQ(NR_CHECK_IHL, nr_check_ipv4(pkt, length, length, 1500, &total));
}

NR_TEST(check_rejects_total_length_that_lies)
{
    uint8_t pkt[64];
    uint16_t total = 0;
    uint32_t length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 1000, 53);
    /* total length claims more than the pbuf holds */
    pkt[2] = 0x03;
    pkt[3] = 0xE8;
    NR_CHECK_EQ(NR_CHECK_TOTAL_LENGTH, nr_check_ipv4(pkt, length, length, 1500, &total));
    /* total length below the header */
    pkt[2] = 0;
    pkt[3] = 19;
    NR_CHECK_EQ(NR_CHECK_TOTAL_LENGTH, nr_check_ipv4(pkt, length, length, 1500, &total));
}

NR_TEST(check_accepts_link_padding_and_reports_the_ip_length)
{
    uint8_t pkt[60] = {0};
    uint16_t total = 0;
    uint32_t length = nr_build_ipv4(pkt, NR_PROTO_ICMP, LAN_CLIENT, SERVER, 64, (const uint8_t *)"abcdefgh", 8);
    NR_CHECK_EQ(28, length);
    NR_CHECK_EQ(NR_CHECK_OK, nr_check_ipv4(pkt, 60, 60, 1500, &total));
    NR_CHECK_EQ(28, total);
}

NR_TEST(check_rejects_packets_longer_than_a_slot)
{
    static uint8_t pkt[1600];
    static const uint8_t zeros[1520];
    uint16_t total = 0;
    uint32_t length = nr_build_ipv4(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 64, zeros, sizeof(zeros));
    NR_CHECK_EQ(NR_CHECK_TOO_LONG, nr_check_ipv4(pkt, length, length, 1500, &total));
    NR_CHECK_EQ(NR_CHECK_OK, nr_check_ipv4(pkt, length, length, 1540, &total));
}

NR_TEST(classify_lan_traffic_to_the_internet_is_consumed)
{
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    uint32_t length = transport(pkt, NR_PROTO_TCP, LAN_CLIENT, SERVER, 40000, 443);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_LAN));
    length = nr_build_ipv4(pkt, NR_PROTO_ESP, LAN_CLIENT, SERVER, 64, pkt + 40, 8);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_LAN));
    /* consumed even before the uplink is up: the core decides what to do */
    nr_config_default(&cfg);
    length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 5353, 53);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_LAN));
}

NR_TEST(classify_lan_traffic_for_the_router_or_the_lan_is_passed)
{
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    const uint32_t destinations[] = {LAN_ROUTER, WAN_ROUTER, 0xFFFFFFFFu, 0xC0A804FFu, 0xC0A80403u,
                                     0xE00000FBu, 0x7F000001u, 0x00000000u};
    for (unsigned i = 0; i < sizeof(destinations) / sizeof(destinations[0]); i++)
    {
        uint32_t length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, destinations[i], 68, 67);
        NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_LAN));
    }
}

NR_TEST(classify_wan_ports_in_the_nat_range_are_consumed)
{
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    uint32_t length;
    length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 53, (uint16_t)cfg.port_low);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = transport(pkt, NR_PROTO_TCP, SERVER, WAN_ROUTER, 443, (uint16_t)cfg.port_high);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    /* between 1024 and the range, and lwIP's own ephemeral ports above it: the router's sockets */
    length = transport(pkt, NR_PROTO_TCP, SERVER, WAN_ROUTER, 443, (uint16_t)(cfg.port_low - 1));
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = transport(pkt, NR_PROTO_TCP, SERVER, WAN_ROUTER, 443, 1024);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 123, NR_LWIP_EPHEMERAL_START);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    /* header only, no ports: nothing to match */
    length = nr_build_ipv4(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 64, NULL, 0);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
}

NR_TEST(classify_wan_ports_below_1024_are_the_nats_but_dhcp)
{
    /* The core maps LAN ports below 1024 within 1-1023 (NTP 123, IKE 500, ...): their replies are
     * the NAT's. UDP 67 and 68 are the router's own DHCP; port 0 is no one's. */
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    const uint16_t mapped[] = {1, 123, 500, 1023};
    for (unsigned i = 0; i < sizeof(mapped) / sizeof(mapped[0]); i++)
    {
        uint32_t length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 123, mapped[i]);
        NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
        length = transport(pkt, NR_PROTO_TCP, SERVER, WAN_ROUTER, 80, mapped[i]);
        NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    }
    uint32_t length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 67, 68);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 68, 67);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = transport(pkt, NR_PROTO_TCP, SERVER, WAN_ROUTER, 68, 67);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 53, 0);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
}

NR_TEST(classify_wan_needs_the_uplink_address)
{
    nr_config cfg;
    uint8_t pkt[64];
    nr_config_default(&cfg);
    uint32_t length = nr_build_ipv4(pkt, NR_PROTO_ESP, SERVER, WAN_ROUTER, 64, pkt + 40, 8);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    cfg.wan_address = WAN_ROUTER;
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = nr_build_ipv4(pkt, NR_PROTO_ESP, SERVER, WAN_ROUTER + 1, 64, pkt + 40, 8);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
}

NR_TEST(classify_wan_esp_and_gre_are_consumed)
{
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    uint8_t body[8] = {0};
    uint32_t length = nr_build_ipv4(pkt, NR_PROTO_ESP, SERVER, WAN_ROUTER, 64, body, 8);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = nr_build_ipv4(pkt, NR_PROTO_GRE, SERVER, WAN_ROUTER, 64, body, 8);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = nr_build_ipv4(pkt, 2 /* IGMP */, SERVER, WAN_ROUTER, 64, body, 8);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
}

NR_TEST(classify_wan_preserved_ports_only_while_mapped)
{
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    const uint16_t ports[] = {4500, 2000, 5000};
    for (unsigned i = 0; i < 3; i++)
    {
        uint32_t length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, ports[i], ports[i]);
        NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
        NR_CHECK_EQ(1, nr_config_set_preserved(&cfg, NR_PROTO_UDP, ports[i], 1));
        NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
        /* the same port over TCP is another mapping */
        length = transport(pkt, NR_PROTO_TCP, SERVER, WAN_ROUTER, ports[i], ports[i]);
        NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    }
    NR_CHECK_EQ(1, nr_config_set_preserved(&cfg, NR_PROTO_UDP, 4500, 0));
    uint32_t length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 4500, 4500);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    NR_CHECK_EQ(0, nr_config_set_preserved(&cfg, NR_PROTO_UDP, 4500, 0));
}

NR_TEST(preserved_table_refuses_when_full_and_ignores_duplicates)
{
    nr_config cfg = config_with_wan();
    for (uint16_t i = 0; i < NR_PRESERVED_MAX; i++)
    {
        NR_CHECK_EQ(1, nr_config_set_preserved(&cfg, NR_PROTO_UDP, (uint16_t)(100 + i), 1));
    }
    NR_CHECK_EQ(1, nr_config_set_preserved(&cfg, NR_PROTO_UDP, 100, 1));
    NR_CHECK_EQ(0, nr_config_set_preserved(&cfg, NR_PROTO_UDP, 999, 1));
    NR_CHECK_EQ(1, nr_config_set_preserved(&cfg, NR_PROTO_UDP, 103, 0));
    NR_CHECK_EQ(1, nr_config_set_preserved(&cfg, NR_PROTO_UDP, 999, 1));
    NR_CHECK_EQ(0, nr_config_set_preserved(&cfg, 0, 0, 1));
}

NR_TEST(classify_wan_icmp_echo_reply_whatever_the_identifier)
{
    /* The core keeps a LAN host's identifier when free (Windows pings with 1); the router pings no one. */
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    uint8_t icmp[8] = {NR_ICMP_ECHO_REPLY, 0, 0, 0, 0x27, 0x10 /* id 10000 */, 0, 1};
    const uint16_t ids[] = {1, 10000, 0xC010, 0xFFFF};
    for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
    {
        icmp[4] = (uint8_t)(ids[i] >> 8);
        icmp[5] = (uint8_t)ids[i];
        uint32_t length = nr_build_ipv4(pkt, NR_PROTO_ICMP, SERVER, WAN_ROUTER, 64, icmp, 8);
        NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    }
    icmp[0] = NR_ICMP_ECHO_REQUEST; /* someone pings the router: lwIP answers */
    uint32_t length = nr_build_ipv4(pkt, NR_PROTO_ICMP, SERVER, WAN_ROUTER, 64, icmp, 8);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
}

/* An ICMP error from the server about a packet the router sent from WAN_ROUTER. */
static uint32_t icmp_error(uint8_t *pkt, uint8_t type, uint8_t inner_protocol, uint16_t inner_source_port,
                           uint32_t inner_source, uint32_t keep)
{
    uint8_t inner[48];
    uint8_t body[8 + 48];
    uint8_t ports[8];
    nr_build_ports(ports, inner_source_port, 53, sizeof(ports));
    nr_build_ipv4(inner, inner_protocol, inner_source, SERVER, 1, ports, sizeof(ports));
    memset(body, 0, 8);
    body[0] = type;
    memcpy(body + 8, inner, 28);
    return nr_build_ipv4(pkt, NR_PROTO_ICMP, SERVER, WAN_ROUTER, 64, body, keep);
}

NR_TEST(classify_wan_icmp_errors_by_the_embedded_packet)
{
    nr_config cfg = config_with_wan();
    uint8_t pkt[128];
    uint32_t length;
    const uint8_t types[] = {NR_ICMP_UNREACHABLE, NR_ICMP_TIME_EXCEEDED, NR_ICMP_PARAMETER_PROBLEM,
                             NR_ICMP_SOURCE_QUENCH, NR_ICMP_REDIRECT};
    for (unsigned i = 0; i < sizeof(types); i++)
    {
        length = icmp_error(pkt, types[i], NR_PROTO_UDP, 12345, WAN_ROUTER, 36);
        NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    }
    /* about the router's own socket (ephemeral port), or someone else's packet */
    length = icmp_error(pkt, NR_ICMP_UNREACHABLE, NR_PROTO_UDP, 0xC123, WAN_ROUTER, 36);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = icmp_error(pkt, NR_ICMP_UNREACHABLE, NR_PROTO_UDP, 12345, WAN_ROUTER + 9, 36);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    /* embedded ESP and GRE belong to the router's passthrough */
    length = icmp_error(pkt, NR_ICMP_UNREACHABLE, NR_PROTO_ESP, 0, WAN_ROUTER, 36);
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
    /* truncated: the embedded packet is cut before its ports, or before its header ends */
    length = icmp_error(pkt, NR_ICMP_UNREACHABLE, NR_PROTO_UDP, 12345, WAN_ROUTER, 28);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    length = icmp_error(pkt, NR_ICMP_UNREACHABLE, NR_PROTO_UDP, 12345, WAN_ROUTER, 12);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
}

NR_TEST(classify_wan_later_fragments_are_consumed)
{
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    uint32_t length = transport(pkt, NR_PROTO_UDP, SERVER, WAN_ROUTER, 0x1111, 0x2222);
    NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_WAN));
    pkt[6] = 0x00;
    pkt[7] = 0xB9; /* offset 185 * 8 = 1480: the bytes there are data, not ports */
    NR_CHECK_EQ(NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_WAN));
}

NR_TEST(classify_ttl_one_or_zero_is_expired_only_when_forwarded)
{
    nr_config cfg = config_with_wan();
    uint8_t pkt[64];
    for (uint8_t ttl = 0; ttl <= 2; ttl++)
    {
        uint8_t ports[8];
        nr_build_ports(ports, 40000, 80, sizeof(ports));
        uint32_t length = nr_build_ipv4(pkt, NR_PROTO_TCP, LAN_CLIENT, SERVER, ttl, ports, 8);
        NR_CHECK_EQ(ttl <= 1 ? NR_CLASS_EXPIRED : NR_CLASS_CONSUME, classify(&cfg, pkt, length, NR_SIDE_LAN));
        length = nr_build_ipv4(pkt, NR_PROTO_TCP, LAN_CLIENT, LAN_ROUTER, ttl, ports, 8);
        NR_CHECK_EQ(NR_CLASS_PASS, classify(&cfg, pkt, length, NR_SIDE_LAN));
    }
}

NR_TEST(ttl_decrement_keeps_the_checksum_right_for_every_ttl)
{
    uint8_t pkt[64];
    uint32_t seed = 12345;
    for (int round = 0; round < 2000; round++)
    {
        seed = seed * 1103515245u + 12345u;
        uint8_t ttl = (uint8_t)(2 + (seed >> 8) % 254);
        uint8_t protocol = (uint8_t)(seed >> 20);
        uint32_t length = nr_build_ipv4(pkt, protocol, seed, ~seed, ttl, NULL, 0);
        NR_CHECK_EQ(1, nr_ttl_decrement(pkt, length));
        NR_CHECK_EQ(ttl - 1, pkt[8]);
        uint8_t copy[20];
        memcpy(copy, pkt, 20);
        copy[10] = copy[11] = 0;
        uint16_t expected = nr_reference_checksum(copy, 20);
        /* RFC 1624: the incremental result may differ from a recomputation only as -0 vs +0 */
        uint16_t actual = (uint16_t)((pkt[10] << 8) | pkt[11]);
        NR_CHECK(actual == expected || (actual == 0xFFFF && expected == 0) || (actual == 0 && expected == 0xFFFF));
        NR_CHECK_EQ(0xFFFF, nr_checksum_fold(pkt, 20));
    }
}

NR_TEST(ttl_decrement_refuses_one_and_zero)
{
    uint8_t pkt[64];
    for (uint8_t ttl = 0; ttl <= 1; ttl++)
    {
        uint32_t length = nr_build_ipv4(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, ttl, NULL, 0);
        uint8_t before[20];
        memcpy(before, pkt, 20);
        NR_CHECK_EQ(0, nr_ttl_decrement(pkt, length));
        NR_CHECK(memcmp(before, pkt, 20) == 0);
    }
    NR_CHECK_EQ(0, nr_ttl_decrement(pkt, 19));
}

NR_TEST(time_exceeded_quotes_the_header_and_eight_bytes)
{
    uint8_t pkt[128];
    uint8_t out[NR_TIME_EXCEEDED_MAX];
    uint32_t length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 40000, 33434);
    pkt[NR_IP_TTL] = 1;
    uint32_t n = nr_build_time_exceeded(out, pkt, length, 0xC0A80401u);
    NR_CHECK_EQ(56, n);
    NR_CHECK_EQ(0x45, out[0]);
    NR_CHECK_EQ(56, nr_get16(out + NR_IP_TOTAL_LENGTH));
    NR_CHECK_EQ(64, out[NR_IP_TTL]);
    NR_CHECK_EQ(0xC0A80401u, nr_get32(out + NR_IP_SOURCE));
    NR_CHECK_EQ(LAN_CLIENT, nr_get32(out + NR_IP_DESTINATION));
    NR_CHECK_EQ(0xFFFF, nr_checksum_fold(out, 20));
    NR_CHECK_EQ(11, out[20]);
    NR_CHECK_EQ(0, out[21]);
    NR_CHECK_EQ(0, nr_get32(out + 24));
    NR_CHECK_EQ(0xFFFF, nr_checksum_fold(out + 20, 36));
    NR_CHECK_EQ(0, memcmp(out + 28, pkt, 28));
}

NR_TEST(time_exceeded_quotes_options_and_cuts_at_the_bytes_there)
{
    uint8_t pkt[128];
    uint8_t out[NR_TIME_EXCEEDED_MAX];
    uint32_t length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 40000, 33434);
    /* 24-byte header: an options word inserted (NOPs), checksum need not be right here. */
    memmove(pkt + 24, pkt + 20, length - 20);
    memset(pkt + 20, 1, 4);
    pkt[0] = 0x46;
    length += 4;
    pkt[2] = (uint8_t)(length >> 8);
    pkt[3] = (uint8_t)length;
    NR_CHECK_EQ(20 + 8 + 24 + 8, nr_build_time_exceeded(out, pkt, length, 0xC0A80401u));
    NR_CHECK_EQ(0, memcmp(out + 28, pkt, 32));
    /* Only 26 bytes at hand: the quote is cut there, never read past them. */
    NR_CHECK_EQ(20 + 8 + 26, nr_build_time_exceeded(out, pkt, 26, 0xC0A80401u));
    NR_CHECK_EQ(0xFFFF, nr_checksum_fold(out + 20, 8 + 26));
    /* Fewer bytes than the header claims: nothing. */
    NR_CHECK_EQ(0, nr_build_time_exceeded(out, pkt, 22, 0xC0A80401u));
}

NR_TEST(time_exceeded_is_never_sent_about_errors_fragments_or_group_sources)
{
    uint8_t pkt[128];
    uint8_t out[NR_TIME_EXCEEDED_MAX];
    uint8_t icmp[8] = {NR_ICMP_UNREACHABLE, 3, 0, 0, 0, 0, 0, 0};
    uint32_t length = nr_build_ipv4(pkt, NR_PROTO_ICMP, LAN_CLIENT, SERVER, 1, icmp, sizeof(icmp));
    NR_CHECK_EQ(0, nr_build_time_exceeded(out, pkt, length, 0xC0A80401u));
    icmp[0] = NR_ICMP_ECHO_REQUEST;
    length = nr_build_ipv4(pkt, NR_PROTO_ICMP, LAN_CLIENT, SERVER, 1, icmp, sizeof(icmp));
    NR_CHECK_EQ(56, nr_build_time_exceeded(out, pkt, length, 0xC0A80401u));

    length = transport(pkt, NR_PROTO_UDP, LAN_CLIENT, SERVER, 40000, 33434);
    pkt[NR_IP_FLAGS_FRAGMENT + 1] = 1; /* offset 8 bytes: a later fragment */
    NR_CHECK_EQ(0, nr_build_time_exceeded(out, pkt, length, 0xC0A80401u));

    static const uint32_t sources[] = {0, 0xFFFFFFFFu, 0x7F000001u, 0xE0000001u, 0xF0000001u, 0x00000005u};
    for (unsigned i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
    {
        length = transport(pkt, NR_PROTO_UDP, sources[i], SERVER, 40000, 33434);
        NR_CHECK_EQ(0, nr_build_time_exceeded(out, pkt, length, 0xC0A80401u));
    }
}

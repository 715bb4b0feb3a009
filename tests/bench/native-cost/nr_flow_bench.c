/*
 * The native cost benchmark's harness: the traffic of tests/NanoRouter.Bench/Workload.cs on the
 * C flow path alone. <flows> established flows of one kind in a 512-entry table (512 buckets, the
 * device's default capacity), spread over 64 LAN hosts (198.19.4.2-65) and 200 remotes
 * (198.18.1.1-200), each with a LAN-to-WAN and a WAN-to-LAN template with 64 bytes of payload; a
 * round copies each template into the buffer and translates it. Every packet must be forwarded.
 * native-cost.sh runs this under callgrind collecting inside nr_flow_process only, so the copy,
 * the loop and the checks are not counted.
 *   nr_flow_bench tcp|udp|icmp|esp|gre FLOWS ROUNDS    prints "packets N"
 *   nr_flow_bench --entry-bytes                        prints the bytes per flow
 * gre is PPTP's GRE v1 (a call: the server's call ID out, the external one in, mapped back to the
 * client's own); its control connection stays managed, so each of the FLOWS entries is a call.
 * Ports and identifiers are preserved (external = LAN port), as the managed engine keeps them when
 * free, which is what the managed bench's flows get.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nr_flow.h"

#define LAN_ADDRESS 0xC6130401u
#define WAN_ADDRESS 0xC6120002u
#define CAPACITY 512u
#define PAYLOAD 64u
#define MAX_PACKET 256u

static nr_flow_table s_table;
static nr_flow_entry s_entries[CAPACITY];
static uint16_t s_heads[2][CAPACITY];
static uint8_t s_out[CAPACITY][MAX_PACKET];
static uint8_t s_in[CAPACITY][MAX_PACKET];
static uint32_t s_out_length[CAPACITY];
static uint32_t s_in_length[CAPACITY];
static uint8_t s_buffer[2048];

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static uint32_t sum(const uint8_t *p, uint32_t n, uint32_t s)
{
    for (uint32_t i = 0; i + 1 < n; i += 2)
    {
        s += ((uint32_t)p[i] << 8) | p[i + 1];
    }
    if (n & 1)
    {
        s += (uint32_t)p[n - 1] << 8;
    }
    return s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
    {
        s = (s & 0xFFFF) + (s >> 16);
    }
    return (uint16_t)~s;
}

/* An IPv4 header as Workload.Ip writes it (DF, id 0x1234, TTL 64), then the transport checksum. */
static uint32_t packet(uint8_t *p, uint32_t l4_length, uint8_t protocol, uint32_t src, uint32_t dst, int checksum_at)
{
    uint32_t total = 20 + l4_length;
    memset(p, 0, 20);
    p[0] = 0x45;
    put16(p + 2, total);
    put16(p + 4, 0x1234);
    p[6] = 0x40;
    p[8] = 64;
    p[9] = protocol;
    put32(p + 12, src);
    put32(p + 16, dst);
    put16(p + 10, fold(sum(p, 20, 0)));
    if (checksum_at >= 0)
    {
        uint32_t s = protocol == 1 ? 0 : (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + protocol + l4_length;
        put16(p + 20 + checksum_at, 0);
        put16(p + 20 + checksum_at, fold(sum(p + 20, l4_length, s)));
    }
    return total;
}

static uint32_t tcp(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
    uint8_t *t = p + 20;
    memset(t, 0, 20 + PAYLOAD);
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, 1000);
    put32(t + 8, 2000);
    t[12] = 0x50;
    t[13] = 0x10; /* ACK */
    put16(t + 14, 65535);
    for (uint32_t k = 0; k < PAYLOAD; k++)
    {
        t[20 + k] = (uint8_t)k;
    }
    return packet(p, 20 + PAYLOAD, 6, src, dst, 16);
}

static uint32_t udp(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
    uint8_t *u = p + 20;
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, 8 + PAYLOAD);
    for (uint32_t k = 0; k < PAYLOAD; k++)
    {
        u[8 + k] = (uint8_t)k;
    }
    return packet(p, 8 + PAYLOAD, 17, src, dst, 6);
}

static uint32_t icmp(uint8_t *p, uint32_t src, uint32_t dst, uint8_t type, uint16_t id)
{
    uint8_t *c = p + 20;
    memset(c, 0, 8 + PAYLOAD);
    c[0] = type;
    put16(c + 4, id);
    put16(c + 6, 1);
    return packet(p, 8 + PAYLOAD, 1, src, dst, 2);
}

static uint32_t esp(uint8_t *p, uint32_t src, uint32_t dst, uint32_t spi)
{
    put32(p + 20, spi);
    put32(p + 24, 1);
    for (uint32_t k = 0; k < PAYLOAD; k++)
    {
        p[28 + k] = (uint8_t)(k * 7);
    }
    return packet(p, 8 + PAYLOAD, 50, src, dst, -1);
}

/* Enhanced GRE as Workload.GreEnhanced: K and S, version 1, PPP, payload length, call ID, sequence. */
static uint32_t gre(uint8_t *p, uint32_t src, uint32_t dst, uint16_t call_id)
{
    uint8_t *g = p + 20;
    g[0] = 0x30;
    g[1] = 0x01;
    put16(g + 2, 0x880B);
    put16(g + 4, PAYLOAD);
    put16(g + 6, call_id);
    put32(g + 8, 7);
    for (uint32_t k = 0; k < PAYLOAD; k++)
    {
        g[12 + k] = (uint8_t)k;
    }
    return packet(p, 12 + PAYLOAD, 47, src, dst, -1);
}

static uint16_t wire16(uint32_t v)
{
    uint8_t b[2];
    uint16_t w;
    put16(b, v);
    memcpy(&w, b, 2);
    return w;
}

static uint32_t wire32(uint32_t v)
{
    uint8_t b[4];
    uint32_t w;
    put32(b, v);
    memcpy(&w, b, 4);
    return w;
}

/* Installs flow i and builds its two templates. */
static int establish(const char *kind, uint32_t i)
{
    uint32_t host = (LAN_ADDRESS & 0xFFFFFF00u) | (2 + i % 64);
    uint32_t remote = 0xC6120100u + 1 + i % 200;
    uint16_t lan_port = (uint16_t)(20000 + i);
    nr_flow_spec s;
    memset(&s, 0, sizeof(s));
    s.remote = wire32(remote);
    s.host = (uint8_t)host;
    if (strcmp(kind, "tcp") == 0)
    {
        s.kind = NR_FLOW_KIND_TCP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN;
        s.u.tcp.port[0] = s.u.tcp.port[1] = wire16(lan_port);
        s.u.tcp.ack[0] = s.u.tcp.ack[1] = 2000;
        s_out_length[i] = tcp(s_out[i], host, remote, lan_port, 443);
        s_in_length[i] = tcp(s_in[i], remote, WAN_ADDRESS, 443, lan_port);
    }
    else if (strcmp(kind, "udp") == 0)
    {
        s.kind = NR_FLOW_KIND_UDP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN;
        s.u.ports.id[0] = s.u.ports.id[1] = wire16(lan_port);
        s_out_length[i] = udp(s_out[i], host, remote, lan_port, 53);
        s_in_length[i] = udp(s_in[i], remote, WAN_ADDRESS, 53, lan_port);
    }
    else if (strcmp(kind, "icmp") == 0)
    {
        s.kind = NR_FLOW_KIND_ICMP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN;
        s.u.ports.id[0] = s.u.ports.id[1] = wire16(lan_port);
        s_out_length[i] = icmp(s_out[i], host, remote, 8, lan_port);
        s_in_length[i] = icmp(s_in[i], remote, WAN_ADDRESS, 0, lan_port);
    }
    else if (strcmp(kind, "esp") == 0)
    {
        s.kind = NR_FLOW_KIND_ESP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN;
        s.u.tunnel.id[0] = wire32(0x1000u + i);
        s.u.tunnel.id[1] = wire32(0x80000u + i);
        s_out_length[i] = esp(s_out[i], host, remote, 0x1000u + i);
        s_in_length[i] = esp(s_in[i], remote, WAN_ADDRESS, 0x80000u + i);
    }
    else if (strcmp(kind, "gre") == 0)
    {
        uint16_t pns = (uint16_t)(0x4000 + i);
        uint16_t pac = (uint16_t)(0x6000 + i);
        s.kind = NR_FLOW_KIND_PPTP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN;
        s.u.ports.id[0] = wire16(pac);
        s.u.ports.id[1] = wire16(pns); /* the tracker keeps the client's own ID when it is free */
        s.u.ports.rewrite = wire16(pns);
        s_out_length[i] = gre(s_out[i], host, remote, pac);
        s_in_length[i] = gre(s_in[i], remote, WAN_ADDRESS, pns);
    }
    else
    {
        return 0;
    }
    return nr_flow_install(&s_table, i, &s) == NR_FLOW_OK;
}

static void translate(const uint8_t *template, uint32_t length, uint8_t side, uint32_t now)
{
    uint8_t egress;
    memcpy(s_buffer, template, length);
    if (nr_flow_process(&s_table, s_buffer, length, side, now, &egress) != NR_FLOW_HIT || egress != (side ^ 1u))
    {
        fprintf(stderr, "a benchmark packet was not forwarded\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--entry-bytes") == 0)
    {
        /* the entry (spec + two 16-bit links) and one bucket per entry (two 16-bit heads) */
        printf("%u\n", (unsigned)(sizeof(nr_flow_entry) + 2 * sizeof(uint16_t)));
        return 0;
    }
    if (argc != 4)
    {
        fprintf(stderr, "usage: nr_flow_bench tcp|udp|icmp|esp|gre FLOWS ROUNDS | --entry-bytes\n");
        return 2;
    }
    uint32_t flows = (uint32_t)strtoul(argv[2], NULL, 10);
    uint32_t rounds = (uint32_t)strtoul(argv[3], NULL, 10);
    if (flows == 0 || flows > CAPACITY ||
        nr_flow_init(&s_table, s_entries, CAPACITY, s_heads[0], s_heads[1], CAPACITY, 0x5EED, 0) != NR_FLOW_OK ||
        nr_flow_set_addresses(&s_table, LAN_ADDRESS, 24, WAN_ADDRESS) != NR_FLOW_OK)
    {
        return 2;
    }
    for (uint32_t i = 0; i < flows; i++)
    {
        if (!establish(argv[1], i))
        {
            fprintf(stderr, "cannot establish %s flow %u\n", argv[1], i);
            return 2;
        }
    }
    for (uint32_t r = 0; r < rounds; r++)
    {
        for (uint32_t i = 0; i < flows; i++)
        {
            translate(s_out[i], s_out_length[i], NR_FLOW_SIDE_LAN, r);
            translate(s_in[i], s_in_length[i], NR_FLOW_SIDE_WAN, r);
        }
    }
    printf("packets %u\n", rounds * flows * 2);
    return 0;
}

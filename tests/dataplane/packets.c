/* The tests' packet oracle and reference model. See packets.h. Nothing here calls the flow path. */
#include "packets.h"

#include <stdio.h>
#include <string.h>

void t_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void t_put32(uint8_t *p, uint32_t v)
{
    t_put16(p, v >> 16);
    t_put16(p + 2, v);
}

uint32_t t_get16(const uint8_t *p)
{
    return ((uint32_t)p[0] << 8) | p[1];
}

uint32_t t_get32(const uint8_t *p)
{
    return (t_get16(p) << 16) | t_get16(p + 2);
}

uint32_t t_sum(const uint8_t *data, uint32_t n, uint32_t initial)
{
    uint64_t sum = initial;
    for (uint32_t i = 0; i < n; i++)
    {
        sum += (i % 2 == 0) ? (uint64_t)data[i] << 8 : data[i];
    }
    while (sum > 0xFFFFFFFFu)
    {
        sum = (sum & 0xFFFFu) + (sum >> 16);
    }
    return (uint32_t)sum;
}

uint16_t t_fold(uint32_t sum)
{
    while (sum > 0xFFFF)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (uint16_t)sum;
}

uint32_t t_pseudo_sum(uint32_t source, uint32_t destination, uint32_t protocol, uint32_t length)
{
    return (source >> 16) + (source & 0xFFFF) + (destination >> 16) + (destination & 0xFFFF) + protocol + length;
}

static void t_ip_header(uint8_t *out, uint32_t total, uint8_t protocol, uint32_t src, uint32_t dst)
{
    memset(out, 0, 20);
    out[0] = 0x45;
    t_put16(out + 2, total);
    t_put16(out + 4, 0x1234);
    out[6] = 0x40; /* DF */
    out[8] = 64;
    out[9] = protocol;
    t_put32(out + 12, src);
    t_put32(out + 16, dst);
    t_finish_ip(out);
}

void t_finish_ip(uint8_t *packet)
{
    uint32_t ihl = (uint32_t)(packet[0] & 0x0F) * 4u;
    t_put16(packet + 10, 0);
    t_put16(packet + 10, (uint16_t)~t_fold(t_sum(packet, ihl, 0)));
}

void t_set_ttl(uint8_t *packet, uint8_t ttl)
{
    packet[8] = ttl;
    t_finish_ip(packet);
}

static void t_pattern(uint8_t *out, uint32_t n, uint32_t salt)
{
    for (uint32_t i = 0; i < n; i++)
    {
        out[i] = (uint8_t)(i * 7u + salt);
    }
}

uint32_t t_transport_checksum_at(const uint8_t *packet, uint32_t length)
{
    uint32_t ihl = (uint32_t)(packet[0] & 0x0F) * 4u;
    switch (packet[9])
    {
    case T_PROTO_TCP:
        return length >= ihl + 18 ? ihl + 16 : 0;
    case T_PROTO_UDP:
        return length >= ihl + 8 ? ihl + 6 : 0;
    case T_PROTO_ICMP:
        return length >= ihl + 4 ? ihl + 2 : 0;
    default:
        return 0;
    }
}

void t_finish_transport(uint8_t *packet, uint32_t length)
{
    uint32_t ihl = (uint32_t)(packet[0] & 0x0F) * 4u;
    uint32_t at = t_transport_checksum_at(packet, length);
    uint32_t l4 = length - ihl;
    uint32_t sum;
    uint16_t checksum;
    if (at == 0)
    {
        return;
    }
    t_put16(packet + at, 0);
    sum = t_sum(packet + ihl, l4, 0);
    if (packet[9] != T_PROTO_ICMP)
    {
        sum += t_pseudo_sum(t_get32(packet + 12), t_get32(packet + 16), packet[9], l4);
    }
    checksum = (uint16_t)~t_fold(sum);
    if (packet[9] == T_PROTO_UDP && checksum == 0)
    {
        checksum = 0xFFFF; /* RFC 768 */
    }
    t_put16(packet + at, checksum);
}

uint32_t t_make_tcp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                    uint8_t flags, uint16_t window, uint32_t payload)
{
    uint32_t total = 20 + 20 + payload;
    t_ip_header(out, total, T_PROTO_TCP, src, dst);
    uint8_t *tcp = out + 20;
    memset(tcp, 0, 20);
    t_put16(tcp, sport);
    t_put16(tcp + 2, dport);
    t_put32(tcp + 4, seq);
    t_put32(tcp + 8, ack);
    tcp[12] = 0x50;
    tcp[13] = flags;
    t_put16(tcp + 14, window);
    t_pattern(tcp + 20, payload, 3);
    t_finish_transport(out, total);
    return total;
}

uint32_t t_make_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t payload,
                    int with_checksum)
{
    uint32_t total = 20 + 8 + payload;
    t_ip_header(out, total, T_PROTO_UDP, src, dst);
    uint8_t *udp = out + 20;
    t_put16(udp, sport);
    t_put16(udp + 2, dport);
    t_put16(udp + 4, 8 + payload);
    t_put16(udp + 6, 0);
    t_pattern(udp + 8, payload, 5);
    if (with_checksum)
    {
        t_finish_transport(out, total);
    }
    return total;
}

uint32_t t_make_icmp(uint8_t *out, uint32_t src, uint32_t dst, uint8_t type, uint16_t id, uint16_t sequence,
                     uint32_t payload)
{
    uint32_t total = 20 + 8 + payload;
    t_ip_header(out, total, T_PROTO_ICMP, src, dst);
    uint8_t *icmp = out + 20;
    icmp[0] = type;
    icmp[1] = 0;
    t_put16(icmp + 4, id);
    t_put16(icmp + 6, sequence);
    t_pattern(icmp + 8, payload, 9);
    t_finish_transport(out, total);
    return total;
}

uint32_t t_make_esp(uint8_t *out, uint32_t src, uint32_t dst, uint32_t spi, uint32_t sequence, uint32_t payload)
{
    uint32_t total = 20 + 8 + payload;
    t_ip_header(out, total, T_PROTO_ESP, src, dst);
    t_put32(out + 20, spi);
    t_put32(out + 24, sequence);
    t_pattern(out + 28, payload, 11);
    return total;
}

uint32_t t_make_gre0(uint8_t *out, uint32_t src, uint32_t dst, uint8_t gre_flags, uint32_t key, uint32_t payload)
{
    uint8_t *gre = out + 20;
    uint32_t header = 4;
    uint32_t checksum_at = 0;
    memset(gre, 0, 16);
    gre[0] = gre_flags;
    gre[1] = 0;
    t_put16(gre + 2, 0x0800);
    if (gre_flags & 0x80)
    {
        checksum_at = header;
        header += 4;
    }
    if (gre_flags & 0x20)
    {
        t_put32(gre + header, key);
        header += 4;
    }
    if (gre_flags & 0x10)
    {
        t_put32(gre + header, 77);
        header += 4;
    }
    t_pattern(gre + header, payload, 13);
    if (checksum_at != 0)
    {
        t_put16(gre + checksum_at, (uint16_t)~t_fold(t_sum(gre, header + payload, 0)));
    }
    uint32_t total = 20 + header + payload;
    uint8_t copy[T_MAX_PACKET];
    memcpy(copy, gre, header + payload);
    t_ip_header(out, total, T_PROTO_GRE, src, dst);
    memcpy(out + 20, copy, header + payload);
    return total;
}

uint32_t t_make_gre1(uint8_t *out, uint32_t src, uint32_t dst, uint16_t call_id, int with_sequence, int with_ack,
                     uint32_t payload)
{
    uint32_t header = 8 + (with_sequence ? 4u : 0u) + (with_ack ? 4u : 0u);
    uint32_t total = 20 + header + payload;
    t_ip_header(out, total, T_PROTO_GRE, src, dst);
    uint8_t *gre = out + 20;
    gre[0] = (uint8_t)(0x20 | (with_sequence ? 0x10 : 0));
    gre[1] = (uint8_t)(0x01 | (with_ack ? 0x80 : 0));
    t_put16(gre + 2, 0x880B);
    t_put16(gre + 4, payload);
    t_put16(gre + 6, call_id);
    if (with_sequence)
    {
        t_put32(gre + 8, 1000);
    }
    if (with_ack)
    {
        t_put32(gre + 8 + (with_sequence ? 4 : 0), 999);
    }
    t_pattern(gre + header, payload, 17);
    return total;
}

uint16_t t_ip_verify(const uint8_t *packet)
{
    return t_fold(t_sum(packet, (uint32_t)(packet[0] & 0x0F) * 4u, 0));
}

uint16_t t_transport_verify(const uint8_t *packet, uint32_t length)
{
    uint32_t ihl = (uint32_t)(packet[0] & 0x0F) * 4u;
    uint32_t at = t_transport_checksum_at(packet, length);
    uint32_t sum;
    if (at == 0 || (packet[9] == T_PROTO_UDP && t_get16(packet + at) == 0))
    {
        return 0;
    }
    sum = t_sum(packet + ihl, length - ihl, 0);
    if (packet[9] != T_PROTO_ICMP)
    {
        sum += t_pseudo_sum(t_get32(packet + 12), t_get32(packet + 16), packet[9], length - ihl);
    }
    return t_fold(sum);
}

int t_same_sum(uint16_t a, uint16_t b)
{
    return a == b || ((a == 0 || a == 0xFFFF) && (b == 0 || b == 0xFFFF));
}

int t_same_packet(const uint8_t *actual, const uint8_t *expected, uint32_t length)
{
    uint32_t transport = t_transport_checksum_at(expected, length);
    for (uint32_t i = 0; i < length; i++)
    {
        int checksum = i == 10 || i == 11 || (transport != 0 && (i == transport || i == transport + 1));
        if (!checksum && actual[i] != expected[i])
        {
            fprintf(stderr, "packets differ at byte %u: 0x%02x, expected 0x%02x\n", i, actual[i], expected[i]);
            return 0;
        }
    }
    if (t_ip_verify(actual) != 0xFFFF)
    {
        fprintf(stderr, "IP checksum 0x%04x does not verify (expected 0x%04x)\n", t_get16(actual + 10),
                t_get16(expected + 10));
        return 0;
    }
    if (transport != 0)
    {
        uint32_t got = t_get16(actual + transport);
        uint32_t want = t_get16(expected + transport);
        if (expected[9] == T_PROTO_UDP)
        {
            /* UDP: exact, with 0 meaning none and a zero result sent as 0xFFFF. */
            if (got != want)
            {
                fprintf(stderr, "UDP checksum 0x%04x, full recompute 0x%04x\n", got, want);
                return 0;
            }
        }
        else if (!t_same_sum((uint16_t)got, (uint16_t)want) && got != want)
        {
            fprintf(stderr, "transport checksum 0x%04x, full recompute 0x%04x\n", got, want);
            return 0;
        }
        if (t_transport_verify(actual, length) != 0xFFFF && !(expected[9] == T_PROTO_UDP && want == 0))
        {
            fprintf(stderr, "transport checksum 0x%04x does not verify\n", got);
            return 0;
        }
    }
    return 1;
}

/* ---- specs ---- */

uint16_t t_wire16(uint32_t v)
{
    uint8_t b[2];
    uint16_t w;
    t_put16(b, v);
    memcpy(&w, b, 2);
    return w;
}

static uint32_t t_wire32(uint32_t v)
{
    uint8_t b[4];
    uint32_t w;
    t_put32(b, v);
    memcpy(&w, b, 4);
    return w;
}

static nr_flow_spec t_spec(uint8_t host, uint32_t remote, uint8_t kind)
{
    nr_flow_spec s;
    memset(&s, 0, sizeof(s));
    s.remote = t_wire32(remote);
    s.host = host;
    s.kind = kind;
    return s;
}

nr_flow_spec t_spec_tcp(uint8_t host, uint16_t lan_port, uint16_t external_port, uint32_t remote, uint32_t ack_out,
                        uint32_t ack_in, uint16_t window_out, uint16_t window_in)
{
    nr_flow_spec s = t_spec(host, remote, NR_FLOW_KIND_TCP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN);
    s.u.tcp.port[0] = t_wire16(lan_port);
    s.u.tcp.port[1] = t_wire16(external_port);
    s.u.tcp.ack[0] = ack_out;
    s.u.tcp.ack[1] = ack_in;
    s.u.tcp.window[0] = window_out;
    s.u.tcp.window[1] = window_in;
    return s;
}

nr_flow_spec t_spec_udp(uint8_t host, uint16_t lan_port, uint16_t external_port, uint32_t remote)
{
    nr_flow_spec s = t_spec(host, remote, NR_FLOW_KIND_UDP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN);
    s.u.ports.id[0] = t_wire16(lan_port);
    s.u.ports.id[1] = t_wire16(external_port);
    return s;
}

nr_flow_spec t_spec_icmp(uint8_t host, uint16_t lan_id, uint16_t external_id, uint32_t remote)
{
    nr_flow_spec s = t_spec(host, remote, NR_FLOW_KIND_ICMP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN);
    s.u.ports.id[0] = t_wire16(lan_id);
    s.u.ports.id[1] = t_wire16(external_id);
    return s;
}

nr_flow_spec t_spec_esp(uint8_t host, uint32_t remote, uint32_t spi_out, uint32_t spi_in, uint8_t match)
{
    nr_flow_spec s = t_spec(host, remote, (uint8_t)(NR_FLOW_KIND_ESP | match));
    s.u.tunnel.id[0] = t_wire32(spi_out);
    s.u.tunnel.id[1] = t_wire32(spi_in);
    return s;
}

nr_flow_spec t_spec_gre(uint8_t host, uint32_t remote, uint32_t key_out, uint32_t key_in)
{
    nr_flow_spec s = t_spec(host, remote, NR_FLOW_KIND_GRE | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN);
    s.u.tunnel.id[0] = t_wire32(key_out);
    s.u.tunnel.id[1] = t_wire32(key_in);
    return s;
}

nr_flow_spec t_spec_gre_nokey(uint8_t host, uint32_t remote)
{
    return t_spec(host, remote, NR_FLOW_KIND_GRE_NOKEY | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN);
}

nr_flow_spec t_spec_pptp(uint8_t host, uint32_t remote, uint16_t pac_call_id, uint16_t external_call_id,
                         uint16_t client_call_id)
{
    nr_flow_spec s = t_spec(host, remote, NR_FLOW_KIND_PPTP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN);
    s.u.ports.id[0] = t_wire16(pac_call_id);
    s.u.ports.id[1] = t_wire16(external_call_id);
    s.u.ports.rewrite = t_wire16(client_call_id);
    return s;
}

/* ---- the reference model ----
 * Written from nr_flow.h's description, not from the code: big-endian numbers, the spec read at
 * its documented byte offsets, a linear scan. */

/* What a packet asks for: kind, the identifier (a number) and where it is. */
typedef struct t_want {
    uint32_t kind;
    uint32_t id;
    uint32_t id_at;    /* in the transport header */
    uint32_t id_bytes; /* 0, 2, 4 */
} t_want;

static int t_classify(const uint8_t *l4, uint32_t n, uint32_t protocol, uint32_t ingress, t_want *w)
{
    memset(w, 0, sizeof(*w));
    if (protocol == T_PROTO_TCP)
    {
        if (n < 20)
        {
            return 0;
        }
        /* The data offset is not judged (as the managed fast path does not). */
        uint32_t flags = l4[13];
        if ((flags & T_TCP_ACK) == 0 || (flags & (T_TCP_SYN | T_TCP_FIN | T_TCP_RST)) != 0)
        {
            return 0;
        }
        w->kind = NR_FLOW_KIND_TCP;
        w->id_at = ingress == 0 ? 0 : 2;
        w->id_bytes = 2;
    }
    else if (protocol == T_PROTO_UDP)
    {
        if (n < 20) /* 40 bytes in all, the managed fast path's minimum: shorter datagrams go managed */
        {
            return 0;
        }
        w->kind = NR_FLOW_KIND_UDP;
        w->id_at = ingress == 0 ? 0 : 2;
        w->id_bytes = 2;
    }
    else if (protocol == T_PROTO_ICMP)
    {
        if (n < 8 || l4[0] != (ingress == 0 ? 8 : 0))
        {
            return 0;
        }
        w->kind = NR_FLOW_KIND_ICMP;
        w->id_at = 4;
        w->id_bytes = 2;
    }
    else if (protocol == T_PROTO_ESP)
    {
        if (n < 8)
        {
            return 0;
        }
        w->kind = NR_FLOW_KIND_ESP;
        w->id_at = 0;
        w->id_bytes = 4;
    }
    else if (protocol == T_PROTO_GRE)
    {
        if (n < 4)
        {
            return 0;
        }
        uint32_t f = l4[0];
        uint32_t version = l4[1] & 7u;
        if (version == 1)
        {
            int s = (f & 0x10) != 0;
            int a = (l4[1] & 0x80) != 0;
            uint32_t header = 8u + (s ? 4u : 0u) + (a ? 4u : 0u);
            /* K set, nothing else in the first byte but S; reserved bits of the second clear. */
            if (f != 0x20 && f != 0x30)
            {
                return 0;
            }
            if ((l4[1] & 0x78) != 0 || n < header || t_get16(l4 + 2) != 0x880B || t_get16(l4 + 4) > n - header)
            {
                return 0;
            }
            w->kind = NR_FLOW_KIND_PPTP;
            w->id_at = 6;
            w->id_bytes = 2;
        }
        else if (version == 0)
        {
            if ((f & 0x40) || (f & 0x0F) || (l4[1] & 0xF8))
            {
                return 0;
            }
            uint32_t header = 4 + ((f & 0x80) ? 4u : 0u) + ((f & 0x20) ? 4u : 0u) + ((f & 0x10) ? 4u : 0u);
            if (n < header)
            {
                return 0;
            }
            if (f & 0x20)
            {
                w->kind = NR_FLOW_KIND_GRE;
                w->id_at = (f & 0x80) ? 8 : 4;
                w->id_bytes = 4;
            }
            else
            {
                w->kind = NR_FLOW_KIND_GRE_NOKEY;
            }
        }
        else
        {
            return 0;
        }
    }
    else
    {
        return 0;
    }
    w->id = w->id_bytes == 4 ? t_get32(l4 + w->id_at) : (w->id_bytes == 2 ? t_get16(l4 + w->id_at) : 0);
    return 1;
}

/* The identifier a spec (bytes) matches in a direction, as a number. */
static uint32_t t_spec_match_id(const uint8_t *spec, uint32_t kind, uint32_t direction)
{
    switch (kind)
    {
    case NR_FLOW_KIND_TCP:
    case NR_FLOW_KIND_UDP:
    case NR_FLOW_KIND_ICMP:
    case NR_FLOW_KIND_PPTP:
        return t_get16(spec + 8 + 2 * direction);
    case NR_FLOW_KIND_ESP:
    case NR_FLOW_KIND_GRE:
        return t_get32(spec + 8 + 4 * direction);
    default:
        return 0;
    }
}

int t_ref_predict(const t_ref *ref, const uint8_t *p, uint32_t length, uint32_t ingress, uint8_t *expected,
                  uint32_t *slot)
{
    t_want w;
    if (ingress > 1 || length < 24 || p[0] != 0x45 || t_get16(p + 2) != length ||
        (t_get16(p + 6) & 0xBFFF) != 0 || p[8] < 2 || ref->wan_address == 0)
    {
        return 0;
    }
    if (!t_classify(p + 20, length - 20, p[9], ingress, &w))
    {
        return 0;
    }
    uint32_t src = t_get32(p + 12);
    uint32_t dst = t_get32(p + 16);
    uint32_t mask = 0xFFFFFFFFu << (32 - ref->lan_prefix);
    uint32_t remote;
    uint32_t host = 0;
    if (ingress == 0)
    {
        if ((src & mask) != (ref->lan_address & mask))
        {
            return 0;
        }
        host = src & 0xFF;
        remote = dst;
    }
    else
    {
        if (dst != ref->wan_address)
        {
            return 0;
        }
        remote = src;
    }
    for (uint32_t i = 0; i < ref->count; i++)
    {
        const uint8_t *s = ref->spec[i];
        uint32_t kind = s[7] & 7u;
        if (!ref->live[i] || kind != w.kind || (s[7] & (ingress == 0 ? 0x10 : 0x20)) == 0 || t_get32(s) != remote ||
            (ingress == 0 && s[6] != host) || t_spec_match_id(s, kind, ingress) != w.id)
        {
            continue;
        }
        /* Hit: the LAN-side address, the identifier, the TTL. */
        memcpy(expected, p, length);
        if (ingress == 0)
        {
            t_put32(expected + 12, ref->wan_address);
        }
        else
        {
            t_put32(expected + 16, (ref->lan_address & 0xFFFFFF00u) | s[6]);
        }
        if (!ref->keep_ttl)
        {
            expected[8] = (uint8_t)(p[8] - 1);
        }
        if (kind == NR_FLOW_KIND_TCP || kind == NR_FLOW_KIND_UDP || kind == NR_FLOW_KIND_ICMP)
        {
            /* out: the external id (bytes 10-11); in: the LAN host's (bytes 8-9). */
            t_put16(expected + 20 + w.id_at, t_get16(s + (ingress == 0 ? 10 : 8)));
        }
        else if (kind == NR_FLOW_KIND_PPTP && ingress == 1)
        {
            t_put16(expected + 20 + w.id_at, t_get16(s + 12));
        }
        *slot = i;
        return 1;
    }
    return 0;
}

uint32_t t_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

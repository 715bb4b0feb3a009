/* nanoRouter native shim: pure packet logic. See nr_shim.h. */
#include "nr_shim.h"

#include <string.h>

#define NR_LIMITED_BROADCAST 0xFFFFFFFFu

void nr_config_default(nr_config *cfg)
{
    u32_t i;
    cfg->lan_address = 0xC0A80401u; /* 192.168.4.1 */
    cfg->lan_mask = 0xFFFFFF00u;    /* /24 */
    cfg->wan_address = 0;
    cfg->port_low = 10000u;
    cfg->port_high = NR_LWIP_EPHEMERAL_START - 1u;
    for (i = 0; i < NR_PRESERVED_MAX; i++)
    {
        cfg->preserved[i] = 0;
    }
}

int nr_config_set_preserved(nr_config *cfg, u8_t protocol, u16_t port, int active)
{
    u32_t key = ((u32_t)protocol << 16) | port;
    u32_t i;
    if (key == 0)
    {
        return 0;
    }
    for (i = 0; i < NR_PRESERVED_MAX; i++)
    {
        if (cfg->preserved[i] == key)
        {
            if (!active)
            {
                cfg->preserved[i] = 0;
            }
            return 1;
        }
    }
    if (!active)
    {
        return 0;
    }
    for (i = 0; i < NR_PRESERVED_MAX; i++)
    {
        if (cfg->preserved[i] == 0)
        {
            cfg->preserved[i] = key;
            return 1;
        }
    }
    return 0;
}

u16_t nr_checksum_fold(const u8_t *data, u32_t len)
{
    u32_t sum = 0;
    u32_t i;
    for (i = 0; i + 1 < len; i += 2)
    {
        sum += nr_get16(data + i);
    }
    if (len & 1u)
    {
        sum += (u32_t)data[len - 1] << 8;
    }
    while (sum >> 16)
    {
        sum = (sum & 0xFFFFu) + (sum >> 16);
    }
    return (u16_t)sum;
}

nr_check nr_check_ipv4(const u8_t *pkt, u32_t header_bytes, u32_t packet_bytes, u32_t max_length,
                       u16_t *total_length)
{
    u32_t ihl;
    u32_t total;
    if (header_bytes < NR_IP_MIN_HEADER || packet_bytes < NR_IP_MIN_HEADER || header_bytes > packet_bytes)
    {
        return NR_CHECK_TOO_SHORT;
    }
    if ((pkt[NR_IP_VERSION_IHL] >> 4) != 4u)
    {
        return NR_CHECK_VERSION;
    }
    ihl = (u32_t)(pkt[NR_IP_VERSION_IHL] & 0x0Fu) * 4u;
    if (ihl < NR_IP_MIN_HEADER || ihl > header_bytes)
    {
        return NR_CHECK_IHL;
    }
    total = nr_get16(pkt + NR_IP_TOTAL_LENGTH);
    if (total < ihl || total > packet_bytes)
    {
        return NR_CHECK_TOTAL_LENGTH;
    }
    if (total > max_length)
    {
        return NR_CHECK_TOO_LONG;
    }
    if (nr_checksum_fold(pkt, ihl) != 0xFFFFu)
    {
        return NR_CHECK_CHECKSUM;
    }
    *total_length = (u16_t)total;
    return NR_CHECK_OK;
}

static int nr_in_range(const nr_config *cfg, u32_t port)
{
    return port >= cfg->port_low && port <= cfg->port_high;
}

static int nr_is_preserved(const nr_config *cfg, u32_t protocol, u32_t port)
{
    u32_t key = (protocol << 16) | port;
    u32_t i;
    for (i = 0; i < NR_PRESERVED_MAX; i++)
    {
        if (cfg->preserved[i] == key)
        {
            return 1;
        }
    }
    return 0;
}

/* A port that a NAT mapping may own: the NAT range, the preserved ports (UDP 4500), and
 * 1-1023, where the core maps LAN ports below 1024 (never dropped, RFC 4787 REQ-3) except the
 * router's own DHCP ports UDP 67 and 68. */
static int nr_is_mapped(const nr_config *cfg, u32_t protocol, u32_t port)
{
    if (port >= 1u && port < 1024u)
    {
        return !(protocol == NR_PROTO_UDP && (port == 67u || port == 68u));
    }
    return nr_in_range(cfg, port) || nr_is_preserved(cfg, protocol, port);
}

/* LAN rule: everything not addressed to the router or to the LAN itself. */
static int nr_lan_consumes(const nr_config *cfg, const u8_t *w)
{
    u32_t dst = nr_get32(w + NR_IP_DESTINATION);
    if (dst == cfg->lan_address || (cfg->wan_address != 0 && dst == cfg->wan_address))
    {
        return 0; /* the router itself: admin page, DHCP, DNS, ping */
    }
    if (dst == NR_LIMITED_BROADCAST || (dst & 0xF0000000u) == 0xE0000000u)
    {
        return 0; /* broadcast, multicast */
    }
    if ((dst & cfg->lan_mask) == (cfg->lan_address & cfg->lan_mask))
    {
        return 0; /* on-link, including the subnet broadcast */
    }
    if ((dst >> 24) == 127u || (dst >> 24) == 0u)
    {
        return 0; /* martians: lwIP drops them */
    }
    return 1;
}

/* WAN ICMP error: consume when the embedded packet is one the router sent for a mapping. */
static int nr_wan_icmp_error_consumes(const nr_config *cfg, const u8_t *w, u32_t wl, u32_t inner)
{
    u32_t inner_ihl;
    u32_t protocol;
    if (wl < inner + NR_IP_MIN_HEADER || (w[inner] >> 4) != 4u)
    {
        return 0;
    }
    inner_ihl = (u32_t)(w[inner] & 0x0Fu) * 4u;
    if (inner_ihl < NR_IP_MIN_HEADER || nr_get32(w + inner + NR_IP_SOURCE) != cfg->wan_address)
    {
        return 0;
    }
    protocol = w[inner + NR_IP_PROTOCOL];
    if (protocol == NR_PROTO_ESP || protocol == NR_PROTO_GRE)
    {
        return 1;
    }
    if (protocol == NR_PROTO_TCP || protocol == NR_PROTO_UDP)
    {
        return wl >= inner + inner_ihl + 2u && nr_is_mapped(cfg, protocol, nr_get16(w + inner + inner_ihl));
    }
    if (protocol == NR_PROTO_ICMP && wl >= inner + inner_ihl + 6u)
    {
        /* The router sends no echo requests of its own: any quoted one was a LAN host's. */
        return w[inner + inner_ihl] == NR_ICMP_ECHO_REQUEST;
    }
    return 0;
}

/* WAN rule: packets to the router's uplink address that belong to a mapping. */
static int nr_wan_consumes(const nr_config *cfg, const u8_t *w, u32_t wl)
{
    u32_t ihl = (u32_t)(w[NR_IP_VERSION_IHL] & 0x0Fu) * 4u;
    u32_t protocol = w[NR_IP_PROTOCOL];
    u32_t type;
    if (cfg->wan_address == 0 || nr_get32(w + NR_IP_DESTINATION) != cfg->wan_address)
    {
        return 0;
    }
    if (protocol == NR_PROTO_ESP || protocol == NR_PROTO_GRE)
    {
        return 1;
    }
    if ((nr_get16(w + NR_IP_FLAGS_FRAGMENT) & NR_IP_FRAGMENT_OFFSET_MASK) != 0)
    {
        /* A later fragment has no ports; the core tracks fragments by IP id. */
        return protocol == NR_PROTO_TCP || protocol == NR_PROTO_UDP || protocol == NR_PROTO_ICMP;
    }
    if (protocol == NR_PROTO_TCP || protocol == NR_PROTO_UDP)
    {
        return wl >= ihl + 4u && nr_is_mapped(cfg, protocol, nr_get16(w + ihl + 2u));
    }
    if (protocol != NR_PROTO_ICMP || wl < ihl + 8u)
    {
        return 0;
    }
    type = w[ihl];
    if (type == NR_ICMP_ECHO_REPLY)
    {
        /* The core keeps a LAN host's echo identifier when it is free (any value, Windows uses
         * 1), and the router itself pings no one: every echo reply is a LAN host's. */
        return 1;
    }
    if (type == NR_ICMP_UNREACHABLE || type == NR_ICMP_SOURCE_QUENCH || type == NR_ICMP_REDIRECT ||
        type == NR_ICMP_TIME_EXCEEDED || type == NR_ICMP_PARAMETER_PROBLEM)
    {
        return nr_wan_icmp_error_consumes(cfg, w, wl, ihl + 8u);
    }
    return 0; /* echo requests to the router and the rest: lwIP answers */
}

nr_class nr_classify(const nr_config *cfg, const u8_t *window, u32_t window_length, u8_t side)
{
    int consume;
    if (window_length < NR_IP_MIN_HEADER)
    {
        return NR_CLASS_PASS;
    }
    consume = side == NR_SIDE_LAN ? nr_lan_consumes(cfg, window) : nr_wan_consumes(cfg, window, window_length);
    if (!consume)
    {
        return NR_CLASS_PASS;
    }
    return window[NR_IP_TTL] <= 1u ? NR_CLASS_EXPIRED : NR_CLASS_CONSUME;
}

int nr_ttl_decrement(u8_t *pkt, u32_t length)
{
    u32_t old_word;
    u32_t new_word;
    u32_t sum;
    if (length < NR_IP_MIN_HEADER || pkt[NR_IP_TTL] <= 1u)
    {
        return 0;
    }
    old_word = nr_get16(pkt + NR_IP_TTL); /* TTL and protocol share one 16-bit word */
    pkt[NR_IP_TTL]--;
    new_word = nr_get16(pkt + NR_IP_TTL);
    /* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
    sum = (~nr_get16(pkt + NR_IP_CHECKSUM) & 0xFFFFu) + (~old_word & 0xFFFFu) + new_word;
    while (sum >> 16)
    {
        sum = (sum & 0xFFFFu) + (sum >> 16);
    }
    sum = ~sum & 0xFFFFu;
    pkt[NR_IP_CHECKSUM] = (u8_t)(sum >> 8);
    pkt[NR_IP_CHECKSUM + 1] = (u8_t)sum;
    return 1;
}

/* Writes a big-endian 16/32-bit value at p. */
static void nr_put16(u8_t *p, u32_t value)
{
    p[0] = (u8_t)(value >> 8);
    p[1] = (u8_t)value;
}

static void nr_put32(u8_t *p, u32_t value)
{
    nr_put16(p, value >> 16);
    nr_put16(p + 2, value);
}

/* Whether an ICMP error may be sent about a packet from this source (RFC 1812
 * 4.3.2.7): not 0.0.0.0, loopback, broadcast, multicast or class E. */
static int nr_is_single_host(u32_t source)
{
    u32_t first = source >> 24;
    return source != 0 && source != 0xFFFFFFFFu && first != 0 && first != 127 && first < 224;
}

u32_t nr_build_time_exceeded(u8_t *out, const u8_t *original, u32_t original_length, u32_t source_address)
{
    u32_t ihl;
    u32_t quoted;
    u32_t total;
    u32_t destination;
    if (original_length < NR_IP_MIN_HEADER)
    {
        return 0;
    }
    ihl = (u32_t)(original[NR_IP_VERSION_IHL] & 0x0Fu) * 4u;
    if (ihl < NR_IP_MIN_HEADER || ihl > original_length)
    {
        return 0;
    }
    destination = nr_get32(original + NR_IP_SOURCE);
    if (!nr_is_single_host(destination) || (nr_get16(original + NR_IP_FLAGS_FRAGMENT) & NR_IP_FRAGMENT_OFFSET_MASK) != 0)
    {
        return 0;
    }
    if (original[NR_IP_PROTOCOL] == NR_PROTO_ICMP)
    {
        /* Never an error about an error: only echo and other queries may be answered. */
        u8_t type;
        if (original_length < ihl + 1u)
        {
            return 0;
        }
        type = original[ihl];
        if (type == NR_ICMP_UNREACHABLE || type == NR_ICMP_SOURCE_QUENCH || type == NR_ICMP_REDIRECT ||
            type == NR_ICMP_TIME_EXCEEDED || type == NR_ICMP_PARAMETER_PROBLEM)
        {
            return 0;
        }
    }
    quoted = nr_get16(original + NR_IP_TOTAL_LENGTH);
    if (quoted > ihl + 8u)
    {
        quoted = ihl + 8u;
    }
    if (quoted > original_length)
    {
        quoted = original_length;
    }
    if (quoted < ihl)
    {
        quoted = ihl;
    }
    total = NR_IP_MIN_HEADER + 8u + quoted;

    /* IPv4 header: no options, id 0, DF clear (RFC 791), TTL 64. */
    out[0] = 0x45;
    out[1] = 0;
    nr_put16(out + NR_IP_TOTAL_LENGTH, total);
    nr_put32(out + 4, 0);
    out[NR_IP_TTL] = 64;
    out[NR_IP_PROTOCOL] = NR_PROTO_ICMP;
    nr_put16(out + NR_IP_CHECKSUM, 0);
    nr_put32(out + NR_IP_SOURCE, source_address);
    nr_put32(out + NR_IP_DESTINATION, destination);
    nr_put16(out + NR_IP_CHECKSUM, ~nr_checksum_fold(out, NR_IP_MIN_HEADER) & 0xFFFFu);

    /* ICMP: type, code, checksum, 4 unused bytes, then the quote (RFC 792). */
    out[NR_IP_MIN_HEADER] = NR_ICMP_TIME_EXCEEDED;
    out[NR_IP_MIN_HEADER + 1] = 0;
    nr_put16(out + NR_IP_MIN_HEADER + 2, 0);
    nr_put32(out + NR_IP_MIN_HEADER + 4, 0);
    memcpy(out + NR_IP_MIN_HEADER + 8, original, quoted);
    nr_put16(out + NR_IP_MIN_HEADER + 2, ~nr_checksum_fold(out + NR_IP_MIN_HEADER, 8u + quoted) & 0xFFFFu);
    return total;
}

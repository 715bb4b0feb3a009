/*
 * nanoRouter flow path: the per-packet hook (nr_flow_process). See nr_flow.h.
 *
 * One routine for both directions: the direction (the ingress side) indexes the offsets and the
 * address rules, and each kind's description says what its identifier is, what to write and
 * which checksum follows. Three steps: parse (header checks, the kind and where its identifier
 * is: nothing shared is read yet), match (inside the data epoch: the configuration, one hash
 * probe), then account (last_seen, counters or TCP tracking) and translate (address,
 * identifier, TTL, checksums).
 */
#include "nr_flow_internal.h"

/* IPv4 (RFC 791), with a 20-byte header: the only one the flow path takes. */
#define IP_VERSION_IHL_20 0x45u
#define IP_TOTAL_LENGTH 2
#define IP_FLAGS 6
#define IP_TTL 8
#define IP_PROTOCOL 9
#define IP_CHECKSUM 10
#define IP_SOURCE 12
#define IP_DESTINATION 16
#define IP_HEADER 20u
/* The flags and fragment offset word in wire form: every bit but DF (0x40 of its first byte):
 * MF, the reserved bit and any offset miss. */
#define IP_FRAGMENT_BITS 0xFFBFu

#define PROTO_ICMP 1u
#define PROTO_TCP 6u
#define PROTO_UDP 17u
#define PROTO_GRE 47u
#define PROTO_ESP 50u

/* TCP (RFC 793). */
#define TCP_HEADER 20u
#define TCP_ACK_NUMBER 8
#define TCP_FLAGS 13
#define TCP_WINDOW 14
#define TCP_CHECKSUM 16
#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_ACK 0x10u

/* UDP (RFC 768), ICMP echo (RFC 792), ESP (RFC 4303). */
#define UDP_HEADER 8u
#define UDP_CHECKSUM 6
#define UDP_MIN_FAST 20u /* the managed fast path's 40-byte minimum, less the IP header */
#define ICMP_HEADER 8u
#define ICMP_CHECKSUM 2
#define ICMP_IDENTIFIER 4
#define ICMP_ECHO_REPLY 0u
#define ICMP_ECHO_REQUEST 8u
#define ESP_HEADER 8u /* SPI and sequence number */

/* GRE: version 0 (RFC 2784 + RFC 2890 keys), version 1 (PPTP, RFC 2637 section 4.1). */
#define GRE_HEADER 4u
#define GRE_C 0x80u
#define GRE_R 0x40u
#define GRE_K 0x20u
#define GRE_S 0x10u
#define GRE_STRICT_RECURSION 0x0Fu /* s and Recur: must be 0 */
#define GRE_V1_A 0x80u
#define GRE_VERSION 0x07u
#define GRE_V0_RESERVED 0xF8u /* Reserved0 bits of the second byte: 0 here, else the slow path judges */
#define GRE_V1_PROTOCOL_PPP 0x880Bu
#define GRE_V1_PAYLOAD_LENGTH 4
#define GRE_V1_CALL_ID 6
#define GRE_V1_HEADER 8u
/* The first word of a version 1 header in wire form (byte 0 the flags, 1 the version, 2-3 the
 * protocol type): every bit but S (byte 0) and A (byte 1) must be as in K | version 1 | PPP. */
#define GRE_V1_WORD_MASK (0xFFFF0000u | ((uint32_t)(0xFFu & ~GRE_V1_A) << 8) | (0xFFu & ~GRE_S))
#define GRE_V1_WORD (((uint32_t)(GRE_V1_PROTOCOL_PPP & 0xFF) << 24) | ((uint32_t)(GRE_V1_PROTOCOL_PPP >> 8) << 16) | (1u << 8) | GRE_K)

/* What each kind matches and writes besides the address: the width of its identifier (0, 2 or 4
 * bytes: spec id[d] is matched), which new identifier it writes, the checksum's offset in the
 * transport header (0: none), whether that checksum covers the addresses (a pseudo-header) and
 * follows UDP's rules, and whether the kind has packet counters (all but TCP, which keeps its
 * tracking fields there). */
#define REWRITE_NONE 0u
#define REWRITE_OTHER_ID 1u /* TCP, UDP, ICMP: out writes id[1], in writes id[0] */
#define REWRITE_IN_ONLY 2u  /* PPTP: in writes the client's call ID; out writes nothing */

typedef struct nr_kind {
    uint8_t id_bytes;
    uint8_t rewrite;
    uint8_t checksum;
    uint8_t pseudo;
    uint8_t udp;
    uint8_t counted;
} nr_kind;

static const nr_kind s_kinds[8] = {
    [NR_FLOW_KIND_TCP] = {2, REWRITE_OTHER_ID, TCP_CHECKSUM, 1, 0, 0},
    [NR_FLOW_KIND_UDP] = {2, REWRITE_OTHER_ID, UDP_CHECKSUM, 1, 1, 1},
    [NR_FLOW_KIND_ICMP] = {2, REWRITE_OTHER_ID, ICMP_CHECKSUM, 0, 0, 1},
    [NR_FLOW_KIND_ESP] = {4, REWRITE_NONE, 0, 0, 0, 1},
    [NR_FLOW_KIND_GRE] = {4, REWRITE_NONE, 0, 0, 0, 1},
    [NR_FLOW_KIND_GRE_NOKEY] = {0, REWRITE_NONE, 0, 0, 0, 1},
    [NR_FLOW_KIND_PPTP] = {2, REWRITE_IN_ONLY, 0, 0, 0, 1},
};

const nr_kind_key nr_kind_keys[8] = {
    [NR_FLOW_KIND_TCP] = {{0, 0}, {0, 16}, 0xFFFFu},
    [NR_FLOW_KIND_UDP] = {{0, 0}, {0, 16}, 0xFFFFu},
    [NR_FLOW_KIND_ICMP] = {{0, 0}, {0, 16}, 0xFFFFu},
    [NR_FLOW_KIND_ESP] = {{0, 1}, {0, 0}, 0xFFFFFFFFu},
    [NR_FLOW_KIND_GRE] = {{0, 1}, {0, 0}, 0xFFFFFFFFu},
    [NR_FLOW_KIND_GRE_NOKEY] = {{0, 1}, {0, 0}, 0},
    [NR_FLOW_KIND_PPTP] = {{0, 0}, {0, 16}, 0xFFFFu},
};

/* The TCP tracking fields of direction d follow a forwarded segment: its ACK and window, the last
 * ones forwarded, exactly as the managed engine keeps them (NatTable.TcpAck, TcpWindow: every ACK
 * segment from that side, reordered or not), so a RST or FIN is judged the same whether the flow
 * was offloaded or not. */
static inline void nr_track_tcp(nr_flow_spec *spec, const uint8_t *tcp, uint32_t d)
{
    NR_STORE_RELEASE(spec->u.tcp.window[d], (uint16_t)nr_be16(tcp + TCP_WINDOW));
    NR_STORE_RELEASE(spec->u.tcp.ack[d], nr_be32(tcp + TCP_ACK_NUMBER));
}

/* Steps 2 and 3 for one kind: match (inside the data epoch, see the protocol in nr_flow.h: the
 * addresses, then one hash probe), then translate and account. Direction is data throughout:
 * d = 0 (out) or 1 (in) picks the LAN-side address (the source out, the destination in), the
 * address rule, whether the host is part of the key (out) and which identifier is written.
 * nr_flow_process calls it with a constant kind, so the compiler makes one copy per kind with
 * that kind's constants folded in, as a template would; the source is this one routine. */
static inline __attribute__((always_inline)) int nr_translate(nr_flow_table *t, uint8_t *p, uint32_t d, uint32_t now_sec,
                                                              uint8_t *egress_side, const uint32_t kind, uint32_t id_at)
{
    const nr_kind *k = &s_kinds[kind];
    uint8_t *l4 = p + IP_HEADER;
    const nr_flow_config *cfg;
    const nr_flow_direction *dir;
    nr_flow_entry *e;
    uint32_t local;
    uint32_t remote;
    uint32_t id;
    uint32_t tag;
    uint32_t tag_mask;
    uint32_t i;

    __atomic_fetch_add(&t->epoch, 1u, __ATOMIC_SEQ_CST);
    cfg = NR_LOAD_SC(t->config_current);
    dir = &cfg->dir[d];
    local = nr_load32(p + IP_SOURCE + 4u * d);
    if ((local & dir->check_mask) != dir->check_value)
    {
        goto miss;
    }
    remote = nr_load32(p + IP_DESTINATION - 4u * d);
    id = k->id_bytes == 4 ? nr_load32(l4 + id_at) : (k->id_bytes == 2 ? nr_load16(l4 + id_at) : 0);
    tag = (kind << NR_TAG_KIND_SHIFT) | ((local >> 8) & dir->key_host);
    tag_mask = dir->tag_mask;
    for (i = NR_LOAD_SC(t->heads[d][nr_bucket(t, remote, id, tag)]);; i = NR_LOAD_SC(e->next[d]))
    {
        if (i == NR_FLOW_NONE)
        {
            goto miss;
        }
        e = &t->entries[i];
        if (e->spec.remote == remote && ((nr_tag_word(&e->spec) ^ tag) & tag_mask) == 0 &&
            (k->id_bytes == 4 ? e->spec.u.tunnel.id[d] : (k->id_bytes == 2 ? e->spec.u.ports.id[d] : 0)) == id)
        {
            break;
        }
    }
    /* UDP: an entry with a remote port (NAT-T) takes only datagrams from or to that port; the
     * others go managed, which counts each by its ports (500 before 4500 before 1701). The remote
     * port is the destination out, the source in. */
    if (k->udp && e->spec.u.ports.remote_port != 0 && e->spec.u.ports.remote_port != nr_load16(l4 + 2u - 2u * d))
    {
        goto miss;
    }

    /* Account first (the data thread is the one writer of these words), then translate. */
    NR_STORE_RELEASE(e->spec.last_seen, (uint16_t)now_sec);
    if (k->counted)
    {
        NR_STORE_RELEASE(e->spec.u.ports.packets[d], NR_LOAD_RELAXED(e->spec.u.ports.packets[d]) + 1u);
    }
    else
    {
        nr_track_tcp(&e->spec, l4, d);
    }
    *egress_side = (uint8_t)(d ^ 1u);

    /* Step 3: the address (and TTL) move the IP checksum; the address moves a pseudo-header
     * checksum too, and a new identifier the transport checksum. */
    {
        /* The identifier is read again rather than kept across the lookup (cheaper than holding
         * it in a register there); the address delta is the host's, precomputed. */
        uint32_t host = e->spec.host; /* out: the packet's source host, as matched */
        uint32_t new_local = dir->rewrite_base | ((host << 24) & dir->rewrite_host);
        uint32_t address_delta = cfg->host_delta[host] ^ dir->delta_flip;
        uint32_t l4_delta = k->pseudo ? address_delta : 0;
        id = k->id_bytes == 4 ? nr_load32(l4 + id_at) : (k->id_bytes == 2 ? nr_load16(l4 + id_at) : 0);
        nr_store32(p + IP_SOURCE + 4u * d, new_local);
        p[IP_TTL] = (uint8_t)(p[IP_TTL] - t->ttl_step);
        nr_checksum_apply(p + IP_CHECKSUM, address_delta + t->ttl_delta);
        if (k->rewrite != REWRITE_NONE)
        {
            uint32_t new_id = k->rewrite == REWRITE_OTHER_ID ? e->spec.u.ports.id[d ^ 1u]
                                                            : (d == NR_FLOW_DIR_IN ? e->spec.u.ports.rewrite : id);
            if (new_id != id)
            {
                l4_delta = nr_fold(l4_delta + nr_delta16(id, new_id));
                nr_store16(l4 + id_at, new_id);
            }
        }
        /* A zero delta changes nothing either way: tested only where it is likely (ICMP echo
         * with its identifier kept). */
        if (k->checksum != 0 && (k->pseudo || l4_delta != 0))
        {
            if (k->udp)
            {
                nr_checksum_apply_udp(l4 + k->checksum, l4_delta);
            }
            else
            {
                nr_checksum_apply16(l4 + k->checksum, l4_delta);
            }
        }
    }
    NR_STORE_RELEASE(t->epoch, NR_LOAD_RELAXED(t->epoch) + 1u); /* the data thread's own word */
    return NR_FLOW_HIT;

miss:
    NR_STORE_RELEASE(t->epoch, NR_LOAD_RELAXED(t->epoch) + 1u);
    return NR_FLOW_MISS;
}

int nr_flow_process(nr_flow_table *t, uint8_t *p, uint32_t length, uint8_t ingress_side, uint32_t now_sec,
                    uint8_t *egress_side)
{
    uint32_t d = ingress_side;
    const uint8_t *l4 = p + IP_HEADER;
    uint32_t l4_length = length - IP_HEADER;
    uint32_t protocol;
    uint32_t flags;

    /* Step 1, the packet alone: a plain 20-byte IPv4 header whose total length is the packet's,
     * not a fragment (DF is the one flag bit allowed), TTL > 1 (the slow path answers Time
     * Exceeded), then the transport header of a kind we translate. */
    if (l4_length - 4u > 0xFFFFu - IP_HEADER - 4u || d > NR_FLOW_DIR_IN || p[0] != IP_VERSION_IHL_20 ||
        nr_be16(p + IP_TOTAL_LENGTH) != length || (nr_load16(p + IP_FLAGS) & IP_FRAGMENT_BITS) != 0 ||
        p[IP_TTL] <= 1u)
    {
        return NR_FLOW_MISS;
    }
    protocol = p[IP_PROTOCOL];
    if (protocol == PROTO_TCP)
    {
        /* SYN, FIN and RST change the connection's state: the managed engine judges them. A
         * segment without ACK carries no tracking values: it goes managed too. Like the managed
         * fast path, the data offset is not judged (a bad one is the receiver's to drop; the
         * fields read here are all in the first 20 bytes). */
        if (l4_length < TCP_HEADER || (l4[TCP_FLAGS] & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK)) != TCP_ACK)
        {
            return NR_FLOW_MISS;
        }
        return nr_translate(t, p, d, now_sec, egress_side, NR_FLOW_KIND_TCP, 2u * d);
    }
    if (protocol == PROTO_UDP)
    {
        /* At least 40 bytes in all, as the managed fast path takes them: a shorter datagram goes to
         * its slow path, which classifies each datagram by its ports (a plain session's 37-byte
         * datagram to UDP 4500 counts as NAT-T there, or is dropped with that switch off). */
        if (l4_length < UDP_MIN_FAST)
        {
            return NR_FLOW_MISS;
        }
        return nr_translate(t, p, d, now_sec, egress_side, NR_FLOW_KIND_UDP, 2u * d);
    }
    switch (protocol)
    {
    case PROTO_ICMP:
        /* Echo requests out, echo replies in; errors and everything else go managed. */
        if (l4_length < ICMP_HEADER || l4[0] != (d == NR_FLOW_DIR_OUT ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY))
        {
            return NR_FLOW_MISS;
        }
        return nr_translate(t, p, d, now_sec, egress_side, NR_FLOW_KIND_ICMP, ICMP_IDENTIFIER);
    case PROTO_ESP:
        if (l4_length < ESP_HEADER)
        {
            return NR_FLOW_MISS;
        }
        return nr_translate(t, p, d, now_sec, egress_side, NR_FLOW_KIND_ESP, 0);
    case PROTO_GRE:
        flags = l4[0];
        if ((nr_load32(l4) & GRE_V1_WORD_MASK) == GRE_V1_WORD)
        {
            /* Version 1 with K set; C, R, s, Recur clear; S and A optional; the reserved bits
             * clear; PPP (one masked comparison of the first word in wire form, which also tells
             * the version); a payload length that fits. Any other version 1 header fails the
             * version 0 test below. */
            uint32_t header = GRE_V1_HEADER + ((flags & GRE_S) >> 2) + ((l4[1] & GRE_V1_A) >> 5);
            if (l4_length < header || nr_be16(l4 + GRE_V1_PAYLOAD_LENGTH) > l4_length - header)
            {
                return NR_FLOW_MISS;
            }
            return nr_translate(t, p, d, now_sec, egress_side, NR_FLOW_KIND_PPTP, GRE_V1_CALL_ID);
        }
        if ((l4[1] & (GRE_VERSION | GRE_V0_RESERVED)) != 0 || (flags & (GRE_R | GRE_STRICT_RECURSION)) != 0)
        {
            return NR_FLOW_MISS;
        }
        {
            uint32_t checksum_bytes = (flags & GRE_C) ? 4u : 0u;
            uint32_t key_bytes = (flags & GRE_K) ? 4u : 0u;
            if (l4_length < GRE_HEADER + checksum_bytes + key_bytes + ((flags & GRE_S) ? 4u : 0u))
            {
                return NR_FLOW_MISS;
            }
            if (key_bytes == 0)
            {
                return nr_translate(t, p, d, now_sec, egress_side, NR_FLOW_KIND_GRE_NOKEY, 0);
            }
            return nr_translate(t, p, d, now_sec, egress_side, NR_FLOW_KIND_GRE, GRE_HEADER + checksum_bytes);
        }
    default:
        return NR_FLOW_MISS;
    }
}

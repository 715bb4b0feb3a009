/*
 * nanoRouter flow path: the per-packet hook (nr_flow_process). See nr_flow.h.
 *
 * One routine for both directions: the direction (the ingress side) indexes the offsets and the
 * address rules, and each kind's description says where its identifier is, what to write and
 * which checksum follows. Three steps: parse (header checks, the kind and where its identifier
 * is: nothing shared is read yet), match (inside the data epoch: the configuration, one hash
 * probe), translate (address, identifier, TTL, checksums) and account (last_seen, counters or
 * TCP tracking).
 */
#include "nr_flow_internal.h"

/* IPv4 (RFC 791), with a 20-byte header: the only one the flow path takes. */
#define IP_VERSION_IHL_20 0x45u
#define IP_TOTAL_LENGTH 2
#define IP_FLAGS 6
#define IP_FRAGMENT_LOW 7
#define IP_TTL 8
#define IP_PROTOCOL 9
#define IP_CHECKSUM 10
#define IP_SOURCE 12
#define IP_DESTINATION 16
#define IP_HEADER 20u
#define IP_FLAG_DF 0x40u /* the one flag bit allowed: MF, the reserved bit and any offset miss */

#define PROTO_ICMP 1u
#define PROTO_TCP 6u
#define PROTO_UDP 17u
#define PROTO_GRE 47u
#define PROTO_ESP 50u

/* TCP (RFC 793). */
#define TCP_HEADER 20u
#define TCP_ACK_NUMBER 8
#define TCP_DATA_OFFSET 12
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
#define GRE_V1_RESERVED 0x78u
#define GRE_V1_PROTOCOL_PPP 0x880Bu
#define GRE_V1_PAYLOAD_LENGTH 4
#define GRE_V1_CALL_ID 6
#define GRE_V1_HEADER 8u

/* Per direction (index = ingress side = direction): where the LAN-side and the remote address
 * are (out: source and destination; in: the other way round), where a TCP/UDP port is matched
 * and rewritten (out: source; in: destination), and the ICMP echo type expected. */
static const uint8_t s_local_address[2] = {IP_SOURCE, IP_DESTINATION};
static const uint8_t s_remote_address[2] = {IP_DESTINATION, IP_SOURCE};
static const uint8_t s_port[2] = {0, 2};
static const uint8_t s_echo_type[2] = {ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY};
static const uint32_t s_tag_mask[2] = {NR_TAG_MASK_OUT, NR_TAG_MASK_IN};
static const uint32_t s_host_mask[2] = {0xFFu, 0};

/* What each kind writes besides the address: the spec byte offset of its new identifier per
 * direction (0: none), the checksum's offset in the transport header (0: none), whether that
 * checksum covers the addresses (a pseudo-header) and whether it follows UDP's rules. */
typedef struct nr_kind_rewrite {
    uint8_t new_id[2];
    uint8_t checksum;
    uint8_t pseudo;
    uint8_t udp;
    uint8_t counted; /* packets[] at spec offset 16 (all but TCP, which has its tracking there) */
} nr_kind_rewrite;

static const nr_kind_rewrite s_rewrite[8] = {
    [NR_FLOW_KIND_TCP] = {{10, 8}, TCP_CHECKSUM, 1, 0, 0},
    [NR_FLOW_KIND_UDP] = {{10, 8}, UDP_CHECKSUM, 1, 1, 1},
    [NR_FLOW_KIND_ICMP] = {{10, 8}, ICMP_CHECKSUM, 0, 0, 1},
    [NR_FLOW_KIND_ESP] = {{0, 0}, 0, 0, 0, 1},
    [NR_FLOW_KIND_GRE] = {{0, 0}, 0, 0, 0, 1},
    [NR_FLOW_KIND_GRE_NOKEY] = {{0, 0}, 0, 0, 0, 1},
    [NR_FLOW_KIND_PPTP] = {{0, 12}, 0, 0, 0, 1},
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

/* Step 1: the transport header. Returns the kind (0: miss) and sets *id_at (the identifier's
 * offset in the transport header) and *id_bytes (0, 2 or 4). Reads only the packet. */
static uint32_t nr_parse(const uint8_t *l4, uint32_t l4_length, uint32_t protocol, uint32_t d, uint32_t *id_at,
                         uint32_t *id_bytes)
{
    uint32_t flags;
    switch (protocol)
    {
    case PROTO_TCP:
        if (l4_length < TCP_HEADER)
        {
            return 0;
        }
        /* SYN, FIN and RST change the connection's state: the managed engine judges them. A
         * segment without ACK carries no tracking values: it goes managed too. */
        flags = l4[TCP_FLAGS];
        if ((flags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_ACK)) != TCP_ACK || l4[TCP_DATA_OFFSET] < 0x50u ||
            (uint32_t)(l4[TCP_DATA_OFFSET] >> 4) * 4u > l4_length)
        {
            return 0;
        }
        *id_at = s_port[d];
        *id_bytes = 2;
        return NR_FLOW_KIND_TCP;
    case PROTO_UDP:
        if (l4_length < UDP_HEADER)
        {
            return 0;
        }
        *id_at = s_port[d];
        *id_bytes = 2;
        return NR_FLOW_KIND_UDP;
    case PROTO_ICMP:
        /* Echo requests out, echo replies in; errors and everything else go managed. */
        if (l4_length < ICMP_HEADER || l4[0] != s_echo_type[d])
        {
            return 0;
        }
        *id_at = ICMP_IDENTIFIER;
        *id_bytes = 2;
        return NR_FLOW_KIND_ICMP;
    case PROTO_ESP:
        if (l4_length < ESP_HEADER)
        {
            return 0;
        }
        *id_at = 0;
        *id_bytes = 4;
        return NR_FLOW_KIND_ESP;
    case PROTO_GRE:
        if (l4_length < GRE_HEADER)
        {
            return 0;
        }
        flags = l4[0];
        if ((l4[1] & GRE_VERSION) == 1u)
        {
            /* K set; C, R, s, Recur clear; S and A optional; PPP; a payload length that fits. */
            uint32_t header = GRE_V1_HEADER + ((flags & GRE_S) ? 4u : 0u) + ((l4[1] & GRE_V1_A) ? 4u : 0u);
            if ((flags & ~GRE_S) != GRE_K || (l4[1] & GRE_V1_RESERVED) != 0 || l4_length < header ||
                nr_be16(l4 + 2) != GRE_V1_PROTOCOL_PPP || nr_be16(l4 + GRE_V1_PAYLOAD_LENGTH) > l4_length - header)
            {
                return 0;
            }
            *id_at = GRE_V1_CALL_ID;
            *id_bytes = 2;
            return NR_FLOW_KIND_PPTP;
        }
        if ((l4[1] & (GRE_VERSION | GRE_V0_RESERVED)) != 0 || (flags & (GRE_R | GRE_STRICT_RECURSION)) != 0)
        {
            return 0;
        }
        {
            uint32_t checksum_bytes = (flags & GRE_C) ? 4u : 0u;
            uint32_t header = GRE_HEADER + checksum_bytes + ((flags & GRE_K) ? 4u : 0u) + ((flags & GRE_S) ? 4u : 0u);
            if (l4_length < header)
            {
                return 0;
            }
            if ((flags & GRE_K) == 0)
            {
                *id_at = 0;
                *id_bytes = 0;
                return NR_FLOW_KIND_GRE_NOKEY;
            }
            *id_at = GRE_HEADER + checksum_bytes;
            *id_bytes = 4;
            return NR_FLOW_KIND_GRE;
        }
    default:
        return 0;
    }
}

/* The TCP tracking fields of direction d follow a forwarded segment: its ACK and window, when the
 * ACK is not older than the one kept (sequence-space comparison, wrap-safe). */
static void nr_track_tcp(nr_flow_spec *spec, const uint8_t *tcp, uint32_t d)
{
    uint32_t ack = nr_be32(tcp + TCP_ACK_NUMBER);
    if ((int32_t)(ack - NR_LOAD_RELAXED(spec->u.tcp.ack[d])) >= 0)
    {
        NR_STORE_RELEASE(spec->u.tcp.window[d], (uint16_t)nr_be16(tcp + TCP_WINDOW));
        NR_STORE_RELEASE(spec->u.tcp.ack[d], ack);
    }
}

int nr_flow_process(nr_flow_table *t, uint8_t *p, uint32_t length, uint8_t ingress_side, uint32_t now_sec,
                    uint8_t *egress_side)
{
    uint32_t d = ingress_side;
    uint32_t kind;
    uint32_t id_at = 0;
    uint32_t id_bytes = 0;
    uint32_t epoch;
    uint32_t result = NR_FLOW_MISS;
    uint8_t *l4 = p + IP_HEADER;

    /* Step 1: a plain 20-byte IPv4 header whose total length is the packet's, not a fragment,
     * TTL > 1 (the slow path answers Time Exceeded), and a transport header we translate. */
    if (length < IP_HEADER + 4u || d > NR_FLOW_DIR_IN || p[0] != IP_VERSION_IHL_20 ||
        nr_be16(p + IP_TOTAL_LENGTH) != length || (p[IP_FLAGS] & ~IP_FLAG_DF) != 0 || p[IP_FRAGMENT_LOW] != 0 ||
        p[IP_TTL] <= 1u)
    {
        return NR_FLOW_MISS;
    }
    kind = nr_parse(l4, length - IP_HEADER, p[IP_PROTOCOL], d, &id_at, &id_bytes);
    if (kind == 0)
    {
        return NR_FLOW_MISS;
    }

    /* Step 2, inside the data epoch (see the protocol in nr_flow.h): the addresses, then one
     * hash probe. */
    epoch = __atomic_fetch_add(&t->epoch, 1u, __ATOMIC_SEQ_CST);
    {
        const nr_flow_config *cfg = &t->config[NR_LOAD_SC(t->config_index) & 1u];
        uint32_t local = nr_load32(p + s_local_address[d]);
        uint32_t remote = nr_load32(p + s_remote_address[d]);
        uint32_t id = id_bytes == 4 ? nr_load32(l4 + id_at) : (id_bytes == 2 ? nr_load16(l4 + id_at) : 0);
        uint32_t tag = (kind << NR_TAG_KIND_SHIFT) | (((local >> 24) & s_host_mask[d]) << NR_TAG_HOST_SHIFT);
        const nr_kind_key *key = &nr_kind_keys[kind];
        uint32_t key_word = key->word[d];
        uint32_t key_id = id << key->shift[d];
        uint32_t key_mask = key->mask << key->shift[d];
        uint32_t tag_mask = s_tag_mask[d];
        uint32_t i;
        nr_flow_entry *e = NULL;

        if ((local & cfg->check_mask[d]) == cfg->check_value[d])
        {
            for (i = NR_LOAD_SC(t->heads[d][nr_bucket(t, remote, id, tag)]); i != NR_FLOW_NONE;
                 i = NR_LOAD_SC(t->entries[i].next[d]))
            {
                nr_flow_entry *c = &t->entries[i];
                if (c->spec.remote == remote && ((nr_tag_word(&c->spec) ^ tag) & tag_mask) == 0 &&
                    ((c->spec.u.word[key_word] ^ key_id) & key_mask) == 0)
                {
                    e = c;
                    break;
                }
            }
        }

        if (e != NULL)
        {
            /* Step 3: translate. The address (and TTL) move the IP checksum; the address moves a
             * pseudo-header checksum too, and a new identifier the transport checksum. */
            const nr_kind_rewrite *rw = &s_rewrite[kind];
            uint32_t new_local = cfg->rewrite_base[d] | (((uint32_t)e->spec.host << 24) & cfg->host_mask[d]);
            uint32_t address_delta = nr_delta32(local, new_local);
            uint32_t l4_delta = rw->pseudo ? address_delta : 0;
            nr_store32(p + s_local_address[d], new_local);
            if (t->flags & NR_FLOW_KEEP_TTL)
            {
                nr_checksum_apply(p + IP_CHECKSUM, address_delta, 0);
            }
            else
            {
                p[IP_TTL]--;
                nr_checksum_apply(p + IP_CHECKSUM, address_delta + NR_DELTA_TTL_DECREMENT, 0);
            }
            if (rw->new_id[d] != 0)
            {
                uint32_t new_id = nr_load16((const uint8_t *)&e->spec + rw->new_id[d]);
                if (new_id != id)
                {
                    l4_delta += nr_delta16(id, new_id);
                    nr_store16(l4 + id_at, new_id);
                }
            }
            if (rw->checksum != 0 && l4_delta != 0)
            {
                nr_checksum_apply(l4 + rw->checksum, l4_delta, rw->udp);
            }

            /* Account: the data thread is the one writer of these words. */
            NR_STORE_RELEASE(e->spec.last_seen, (uint16_t)now_sec);
            if (rw->counted)
            {
                NR_STORE_RELEASE(e->spec.u.ports.packets[d], NR_LOAD_RELAXED(e->spec.u.ports.packets[d]) + 1u);
            }
            else
            {
                nr_track_tcp(&e->spec, l4, d);
            }
            if (egress_side != NULL)
            {
                *egress_side = (uint8_t)(d ^ 1u);
            }
            result = NR_FLOW_HIT;
        }
    }
    NR_STORE_RELEASE(t->epoch, epoch + 2u);
    return (int)result;
}

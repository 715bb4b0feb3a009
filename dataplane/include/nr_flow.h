/*
 * nanoRouter flow path: established flows forwarded in C, on both boards.
 *
 * The managed NAT engine stays the authority (the control plane). It creates every flow, runs
 * the ALGs, learns passthrough identifiers, enforces quotas, evicts and expires; when a flow is
 * established it installs a compact native entry (a "flow spec") at a slot number of its own
 * choosing, and it removes the entry when the flow ends (TCP FIN/RST, timeout, a switch turned
 * off, quota eviction, WAN address change). nr_flow_process translates the packets of installed
 * flows in place; everything it does not match is left untouched for the managed engine, which
 * then handles it exactly as if no flow had been offloaded.
 *
 * What the flow path translates (both directions, LAN->WAN "out" and WAN->LAN "in"):
 *   TCP    data/ACK segments (ACK set; no SYN, FIN or RST), by (host, LAN port, remote) out and
 *          (external port, remote) in, keeping the TCP tracking fields current (see the spec);
 *          like the managed fast path it reads only the first 20 bytes and does not judge the
 *          data offset
 *   UDP    by the same keys; a checksum of 0 ("none", RFC 768) stays 0, as the managed slow path
 *          (where the managed fast path sends such datagrams) leaves it
 *   ICMP   echo requests out and echo replies in, by identifier
 *   ESP    by (host, peer, outbound SPI) out and (peer, inbound SPI) in
 *   GRE v0 by (host, peer, key) out and (peer, key) in; keyless: by (host, peer) and (peer)
 *   GRE v1 (PPTP) by (host, server, the server's call ID) out and (server, external call ID) in,
 *          where the call ID goes back to the client's own
 * It rewrites the LAN-side address (and port or identifier), decrements the TTL (unless the
 * table was made with NR_FLOW_KEEP_TTL) and updates every checksum incrementally (RFC 1624),
 * so a packet that arrived with a bad checksum leaves with an equally bad one.
 *
 * What it leaves to the managed engine (a miss, the packet untouched): IP options, fragments
 * (MF or an offset), the reserved flag bit, a total length that is not the packet's length,
 * TTL <= 1 (the slow path / shim answers Time Exceeded), TCP with SYN, FIN or RST or without
 * ACK, ICMP errors and every other ICMP type, unknown flows, PPTP control (TCP 1723 is never
 * installed), and anything malformed. Matching is the managed engine's (NatEngine.Fast.cs, and
 * for packets shorter than its 40-byte minimum the slow path's checks), never wider: a packet the
 * managed engine would not forward as an established flow is never forwarded here, and one it
 * would forward leaves with the same bytes (plus the TTL the port would take off).
 *
 * Preconditions: the caller's stack has checked the IPv4 header (version, header length, total
 * length, header checksum): nr_check_ipv4 on the ESP32 (the lwIP hook runs before lwIP's own
 * checks), the kernel on the host board. The flow path still bounds-checks every byte it reads,
 * so any bytes at all are safe to pass.
 *
 * Byte order: every multi-byte field of the spec is either "wire" (the bytes exactly as they
 * appear in the packet, network order; the managed side's "wire form", what BitConverter reads
 * on a little-endian CPU) or "le" (a little-endian integer: the CPU order of both boards, the
 * ESP32's Xtensa and the host's x86-64; the header refuses to compile on a big-endian target).
 *
 * No allocation, no OS, no libc beyond memcpy/memset, C11; atomics on 16- and 32-bit words and on
 * one pointer only (lock-free on both boards; nothing needs a 64-bit atomic on a 32-bit target).
 */
#ifndef NR_FLOW_H
#define NR_FLOW_H

#include <stddef.h>
#include <stdint.h>

/* The layout checks below hold in C and in C++ alike: the ESP32's interop glue (nr_interop.cpp) is
 * C++ and reaches this header through nr_port.h, and _Static_assert is C11 only. */
#ifdef __cplusplus
#define NR_FLOW_STATIC_ASSERT(condition, message) static_assert(condition, message)
#else
#define NR_FLOW_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nr_flow: the spec's le fields are little-endian; both boards are little-endian"
#endif

/* Exported from libnrflow.so (the host board P/Invokes it); nothing else is. */
#if defined(NR_FLOW_BUILD_SHARED)
#define NR_FLOW_API __attribute__((visibility("default")))
#else
#define NR_FLOW_API
#endif

/* ---- sides, directions, results ---- */

/* Sides: the same numbers as NanoRouter.Hal.Side and the ESP32 shim's NR_SIDE_*. */
#define NR_FLOW_SIDE_LAN 0u
#define NR_FLOW_SIDE_WAN 1u

/* Directions, by ingress side: out = LAN to WAN, in = WAN to LAN. Arrays of two in the spec
 * are indexed by direction. */
#define NR_FLOW_DIR_OUT 0u
#define NR_FLOW_DIR_IN 1u

/* nr_flow_process results. */
#define NR_FLOW_MISS 0 /* untouched: hand the packet to the managed engine */
#define NR_FLOW_HIT 1  /* translated in place: send it out of *egress_side */

/* ---- the flow spec: the contract the managed side mirrors byte for byte ----
 *
 * 24 bytes, 4-byte aligned. The managed side builds these bytes and passes them to
 * nr_flow_install; nr_flow_read returns the dynamic fields. Offsets in bytes:
 *
 *  off len order  field
 *    0   4 wire   remote     the remote address: the destination of "out" packets, the source
 *                            of "in" packets (the managed 4-tuple: no remote port, see below)
 *    4   2 le     last_seen  seconds: the low 16 bits of the now_sec of the last packet
 *                            forwarded (the managed Seen stamp; compare as (uint16_t)(now - seen))
 *    6   1 -      host       the LAN host: the last byte of its address (the LAN is a /24 to /30,
 *                            as the managed engine requires)
 *    7   1 -      kind       bits 0-2 the kind (NR_FLOW_KIND_*), bit 4 NR_FLOW_MATCH_OUT (match
 *                            LAN->WAN packets), bit 5 NR_FLOW_MATCH_IN (match WAN->LAN packets);
 *                            at least one of the two; other bits 0
 *    8  16 -      per kind (below)
 *
 *  TCP (kind 1):
 *    8   2 wire   port[0]    the LAN host's port (out: matched as the source port; in: written
 *                            as the destination port)
 *   10   2 wire   port[1]    the external port (in: matched as the destination port; out:
 *                            written as the source port)
 *   12   4 le     ack[0]     the acknowledgment number of the last segment forwarded out: the
 *                            LAN host's RCV.NXT (judges a RST/FIN arriving from the WAN)
 *   16   4 le     ack[1]     the same for segments forwarded in: the remote's RCV.NXT (judges a
 *                            RST/FIN from the LAN)
 *   20   2 le     window[0]  the window field of that out segment, unscaled: the LAN host's
 *                            RCV.WND >> its window scale (the managed side knows both scales
 *                            from the SYNs it handled)
 *   22   2 le     window[1]  the same for in segments: the remote's window, unscaled
 *     ack[d] and window[d] move together: those of the last segment forwarded that way, reordered
 *     or not, as the managed engine keeps its own (NatTable.TcpAck, TcpWindow). The managed side
 *     installs them from its own tracking and, before it handles a segment of an offloaded flow
 *     itself, takes the flow out and reads them back (FlowInstaller.TcpTracking), so the two
 *     copies never diverge.
 *     TCP entries have no packet counters (the managed engine counts no TCP packets).
 *
 *  UDP (kind 2), ICMP echo (kind 3; the identifier plays the port):
 *    8   2 wire   id[0]      the LAN host's port / identifier (out: matched; in: written)
 *   10   2 wire   id[1]      the external port / identifier (in: matched; out: written)
 *   12   2 wire   remote_port  UDP: 0 for any remote port (the 4-tuple, below); else only
 *                            datagrams to (out) or from (in) that remote port match: NAT-T
 *                            sessions, whose datagrams the managed engine counts by both ports
 *                            (500 before 4500 before 1701). ICMP: 0
 *   14   2 -      0
 *   16   4 le     packets[0] packets forwarded out (the data plane counts; see nr_flow_read)
 *   20   4 le     packets[1] packets forwarded in
 *
 *  ESP (kind 4), GRE v0 with a key (kind 5), GRE v0 without a key (kind 6):
 *    8   4 wire   id[0]      ESP: the outbound SPI; GRE: the key of out packets (matched)
 *   12   4 wire   id[1]      ESP: the inbound SPI; GRE: the key of in packets (matched; may
 *                            differ from id[0], RFC 2890); both 0 for kind 6
 *   16   4 le     packets[0]
 *   20   4 le     packets[1]
 *     Neither SPIs nor keys are rewritten. An ESP mapping whose inbound SPI is not learned yet
 *     is installed with NR_FLOW_MATCH_OUT alone.
 *
 *  PPTP GRE v1 (kind 7):
 *    8   2 wire   id[0]      the server's (PAC's) call ID: what out packets carry (matched)
 *   10   2 wire   id[1]      the external call ID the server was given: what in packets carry
 *                            (matched)
 *   12   2 wire   rewrite    the client's own call ID: in packets get it in place of id[1]
 *   14   2 -      0
 *   16   4 le     packets[0]
 *   20   4 le     packets[1]
 *
 * The native entry is this spec followed by the two 16-bit hash links (28 bytes); with one
 * bucket per entry (two 16-bit bucket heads), the table costs 32 bytes per flow: see
 * NR_FLOW_BYTES_PER_FLOW.
 *
 * Why a 4-tuple and not a 5-tuple: the managed table keeps one session per (host, protocol, LAN
 * port, remote address), endpoint-independent mapping with address-dependent filtering (RFC 4787),
 * and its fast path forwards any remote port of that remote. The native key is the same, so
 * every packet the managed fast path forwards can be forwarded here, from one entry. A remote
 * port would cost 2 bytes, and the TCP layout has none to spare: 26 bytes, 28 with alignment,
 * 36 per flow with the index. (Two TCP connections that differ only in the remote port share
 * one managed session, and would share its tracking; the managed side should not offload such
 * a session.)
 */
#define NR_FLOW_SPEC_BYTES 24u

#define NR_FLOW_KIND_FREE 0u
#define NR_FLOW_KIND_TCP 1u
#define NR_FLOW_KIND_UDP 2u
#define NR_FLOW_KIND_ICMP 3u     /* ICMP echo: request out, reply in */
#define NR_FLOW_KIND_ESP 4u
#define NR_FLOW_KIND_GRE 5u      /* GRE v0 with a key */
#define NR_FLOW_KIND_GRE_NOKEY 6u /* GRE v0 without a key */
#define NR_FLOW_KIND_PPTP 7u     /* GRE v1 (PPTP) */
#define NR_FLOW_KIND_MASK 0x07u
#define NR_FLOW_MATCH_OUT 0x10u
#define NR_FLOW_MATCH_IN 0x20u

typedef struct nr_flow_tcp {
    uint16_t port[2];   /*  8: wire */
    uint32_t ack[2];    /* 12: le */
    uint16_t window[2]; /* 20: le */
} nr_flow_tcp;

typedef struct nr_flow_ports {
    uint16_t id[2];      /*  8: wire */
    union {
        uint16_t rewrite;     /* 12: wire, PPTP */
        uint16_t remote_port; /* 12: wire, UDP: 0 any remote port, else only that one */
    };
    uint16_t reserved;   /* 14: 0 */
    uint32_t packets[2]; /* 16: le */
} nr_flow_ports;

typedef struct nr_flow_tunnel {
    uint32_t id[2];      /*  8: wire */
    uint32_t packets[2]; /* 16: le */
} nr_flow_tunnel;

typedef struct nr_flow_spec {
    uint32_t remote;    /* 0: wire */
    uint16_t last_seen; /* 4: le */
    uint8_t host;       /* 6 */
    uint8_t kind;       /* 7 */
    union {
        nr_flow_tcp tcp;       /* kind 1 */
        nr_flow_ports ports;   /* kinds 2, 3, 7 */
        nr_flow_tunnel tunnel; /* kinds 4, 5, 6 */
        uint32_t word[4];
    } u; /* 8 */
} nr_flow_spec;

NR_FLOW_STATIC_ASSERT(sizeof(nr_flow_spec) == NR_FLOW_SPEC_BYTES, "the spec is 24 bytes");
NR_FLOW_STATIC_ASSERT(offsetof(nr_flow_spec, last_seen) == 4 && offsetof(nr_flow_spec, host) == 6 &&
                   offsetof(nr_flow_spec, kind) == 7 && offsetof(nr_flow_spec, u) == 8,
               "spec header offsets");
NR_FLOW_STATIC_ASSERT(offsetof(nr_flow_spec, u.tcp.ack) == 12 && offsetof(nr_flow_spec, u.tcp.window) == 20,
               "spec TCP offsets");
NR_FLOW_STATIC_ASSERT(offsetof(nr_flow_spec, u.ports.rewrite) == 12 && offsetof(nr_flow_spec, u.ports.packets) == 16 &&
                   offsetof(nr_flow_spec, u.tunnel.id) == 8 && offsetof(nr_flow_spec, u.tunnel.packets) == 16,
               "spec counter offsets");

/* The native entry: the spec and its two hash links (NR_FLOW_NONE ends a chain). Internal to
 * the flow path; callers only provide the array. */
typedef struct nr_flow_entry {
    nr_flow_spec spec;
    uint16_t next[2]; /* 24: by direction */
} nr_flow_entry;

#define NR_FLOW_NONE 0xFFFFu
#define NR_FLOW_MAX_CAPACITY 0xFFFEu
#define NR_FLOW_ENTRY_BYTES 28u
#define NR_FLOW_BUCKET_BYTES 4u /* two 16-bit heads: one per direction */
/* Per flow with one bucket per entry (capacity a power of two): 28 + 4. */
#define NR_FLOW_BYTES_PER_FLOW (NR_FLOW_ENTRY_BYTES + NR_FLOW_BUCKET_BYTES)
NR_FLOW_STATIC_ASSERT(sizeof(nr_flow_entry) == NR_FLOW_ENTRY_BYTES, "the entry is 28 bytes");

/* ---- the one-writer protocol ----
 *
 * Two threads touch a table: the data thread (lwIP's tcpip thread on the ESP32, the NFQUEUE
 * thread on the host board) calls nr_flow_process and nothing else; the control thread (the CLR
 * thread, the managed engine) calls every other function. Each word has one writer:
 *
 *   control writes: the spec fields (remote, host, kind, ids, rewrite), the hash links and
 *                   bucket heads, the address configuration;
 *   data writes:    last_seen, the packet counters, the TCP ack/window fields (of live
 *                   entries), and the table's data epoch.
 *
 * Specs are immutable while reachable: the control thread never writes to an entry a call may
 * still stand on (so "live" is not a flag in the entry: a slot is live when its chain holds it,
 * which the control thread checks by walking that chain). install writes an entry that no chain
 * reaches, then publishes it by storing its slot into a bucket head (a seq_cst store; the data
 * thread's link loads are seq_cst, so it sees the whole entry once it sees the link). remove
 * unlinks the entry (stores to the links of other entries and heads only) but leaves its own
 * links alone, so a data thread standing on it walks on. A removed ("retiring") slot may be rewritten
 * only after a grace period: the data epoch is odd while the data thread is inside
 * nr_flow_process (a seq_cst increment on entry, a release store on exit); after unlinking, the
 * control thread reads it (seq_cst): even means no call could still see the entry; odd means the
 * grace period ends as soon as the epoch moves on (the call in progress returned). Until then
 * nr_flow_install of that slot returns NR_FLOW_BUSY (the flow simply stays managed a little
 * longer) and nr_flow_read reports NR_FLOW_STATE_RETIRING (its counters may still move); after
 * it, the slot reads NR_FLOW_STATE_FINAL: its counters and TCP fields are final, the managed side
 * harvests them, and the slot may be installed again (the control thread then owns the whole
 * entry). This is quiescent-state reclamation (RCU) with one reader; it makes counters exact: a
 * packet forwarded while its flow was being removed is counted in that flow's final values. The
 * table keeps one grace period, that of the latest removal (a later removal covers an earlier
 * one, the data thread running one call at a time): a retiring slot may wait for a later
 * removal's grace period too, a packet's time longer, but never less than its own.
 *
 * Addresses are double-buffered: nr_flow_set_addresses first unlinks every entry, then writes
 * the configuration copy no data thread uses and publishes it (seq_cst), then starts a grace
 * period; the data thread reads the copy once per packet. Until that grace period ends every
 * install returns NR_FLOW_BUSY, even into a slot never used, and a further address change waits
 * too. A data thread therefore never combines an entry with addresses other than those it was
 * installed under.
 *
 * nr_flow_read returns the data-owned fields of one slot with `consistent` set when no packet was
 * processed while it read them (the epoch was even and unchanged: a seqlock over the data epoch),
 * so a TCP ack and its window always belong together; it retries a few times before returning a
 * possibly mixed snapshot with `consistent` 0 (each field is still one atomic word).
 *
 * Neither side ever waits for the other: the data thread never retries, the control thread gets
 * NR_FLOW_BUSY and tries again later (the managed sweep runs every 100 ms; a packet takes
 * microseconds).
 */

/* Table flags. */
#define NR_FLOW_KEEP_TTL 1u /* the host board: the kernel routes the packet and decrements TTL itself */

/* One direction's address rules (internal; read by the data thread). */
typedef struct nr_flow_direction {
    uint32_t check_mask;   /* the packet's LAN-side address (out: source; in: destination), masked, */
    uint32_t check_value;  /* must equal this: out the LAN subnet, in the WAN address */
    uint32_t rewrite_base; /* the new LAN-side address: out the WAN address, in the LAN prefix */
    uint32_t rewrite_host; /* where the entry's host byte goes into it: out nowhere (0), in the last byte */
    uint32_t key_host;     /* where the packet's host byte goes into the lookup tag: out bits 16-23, in 0 */
    uint32_t tag_mask;     /* what a lookup compares of an entry's tag word (kind; out also the host) */
    uint32_t delta_flip;   /* out 0, in 0xFFFF: the in delta is the out delta negated (one's complement) */
    uint32_t reserved;
} nr_flow_direction;

/* One address configuration: the rules of both directions and, per LAN host (the last address
 * byte), the RFC 1624 delta ~host + wan that moves a checksum from the host's address to the WAN
 * address (folded; in, its negation), as the managed engine keeps per host too (576 bytes). */
typedef struct nr_flow_config {
    nr_flow_direction dir[2];
    uint16_t host_delta[256];
} nr_flow_config;

/* A table. The caller owns the memory (static on the device, native memory on the host) and
 * treats the fields as private. */
typedef struct nr_flow_table {
    nr_flow_config config[2]; /* double-buffered: control writes the one not in use */
    nr_flow_entry *entries;
    uint16_t *heads[2];
    uint32_t capacity;
    uint32_t hash_shift; /* 32 - log2(buckets) */
    uint32_t hash_multiplier;
    uint32_t flags;
    uint32_t ttl_step;     /* 1, or 0 with NR_FLOW_KEEP_TTL */
    uint32_t ttl_delta;    /* its checksum delta */
    nr_flow_config *config_current; /* the copy in use: control publishes it (seq_cst); data reads */
    uint32_t epoch;        /* data writes: odd while inside nr_flow_process */
    uint32_t retire_epoch; /* control only from here on */
    uint32_t retire_pending;
    uint32_t config_pending; /* installs wait for the grace period of an address change */
    uint32_t live;
    uint32_t lan_address; /* as given to nr_flow_set_addresses */
    uint32_t lan_prefix;
    uint32_t wan_address;
} nr_flow_table;

/* Status codes of the control functions. */
#define NR_FLOW_OK 0
#define NR_FLOW_BUSY 1        /* a grace period is running: try again later */
#define NR_FLOW_IN_USE 2      /* the slot holds a live entry */
#define NR_FLOW_INVALID 3     /* bad argument or spec */
#define NR_FLOW_DUPLICATE 4   /* a live entry already matches one of the spec's keys */
#define NR_FLOW_NO_ADDRESS 5  /* no addresses set (or no WAN address): nothing can be installed */
#define NR_FLOW_NOT_LIVE 6    /* remove: the slot holds no live entry */

/* Slot states (nr_flow_read). */
#define NR_FLOW_STATE_FREE 0     /* never installed, or installed again since */
#define NR_FLOW_STATE_LIVE 1
#define NR_FLOW_STATE_RETIRING 2 /* removed; counters may still move until the grace period ends */
#define NR_FLOW_STATE_FINAL 3    /* removed and quiescent: final values; the slot may be installed */

/* What nr_flow_read returns. Layout (for the managed mirror): 0 u8 state, 1 u8 kind byte, 2 u8
 * host, 3 u8 consistent, 4 u16 last_seen, 6 u16 0, 8 u32 a[2], 16 u16 window[2], all le. a[] is
 * the TCP ack pair for TCP entries and the packet counters for every other kind. */
typedef struct nr_flow_state {
    uint8_t state;
    uint8_t kind;
    uint8_t host;
    uint8_t consistent;
    uint16_t last_seen;
    uint16_t reserved;
    uint32_t value[2];  /* TCP: ack[d]; others: packets[d] */
    uint16_t window[2]; /* TCP: window[d]; others: 0 */
} nr_flow_state;
NR_FLOW_STATIC_ASSERT(sizeof(nr_flow_state) == 20, "the state is 20 bytes");

/* ---- control thread ---- */

/* Sets up a table over caller-provided arrays: capacity entries (1..NR_FLOW_MAX_CAPACITY) and
 * two arrays of buckets heads each (a power of two, 2..65536; one per entry is the intended
 * size). seed picks the hash multiplier (choose it at random per boot: LAN hosts then cannot aim
 * collisions). flags: NR_FLOW_KEEP_TTL or 0. No addresses are set: nothing matches until
 * nr_flow_set_addresses. Returns NR_FLOW_OK or NR_FLOW_INVALID. */
NR_FLOW_API int nr_flow_init(nr_flow_table *table, nr_flow_entry *entries, uint32_t capacity, uint16_t *out_heads,
                             uint16_t *in_heads, uint32_t buckets, uint32_t seed, uint32_t flags);

/* The same over one caller-provided block of nr_flow_block_bytes(capacity, buckets) bytes,
 * 4-byte aligned, holding the table, the entries and the heads: one allocation for P/Invoke.
 * Returns the table inside the block, or NULL. */
NR_FLOW_API size_t nr_flow_block_bytes(uint32_t capacity, uint32_t buckets);
NR_FLOW_API nr_flow_table *nr_flow_init_block(void *block, size_t block_bytes, uint32_t capacity, uint32_t buckets,
                                              uint32_t seed, uint32_t flags);

/* Sets the router's addresses as host-order numbers (192.168.4.1 is 0xC0A80401): its LAN address
 * and prefix length (24..30), its WAN address (0: no uplink, nothing matches). Every entry is
 * removed first (they belong to the old addresses). NR_FLOW_BUSY when the previous change's
 * grace period is still running: the entries are removed anyway, call again. */
NR_FLOW_API int nr_flow_set_addresses(nr_flow_table *table, uint32_t lan_address, uint32_t lan_prefix,
                                      uint32_t wan_address);

/* Installs a spec (NR_FLOW_SPEC_BYTES in the layout above) at slot. The slot must be free or
 * final (NR_FLOW_IN_USE when live, NR_FLOW_BUSY while retiring); the host must lie in the LAN
 * subnet; no live entry may match either of its keys. The spec's last_seen, counters and TCP
 * fields are the starting values. */
NR_FLOW_API int nr_flow_install(nr_flow_table *table, uint32_t slot, const nr_flow_spec *spec);

/* Removes the live entry at slot: no packet matches it from now on; it is retiring until the
 * grace period ends (nr_flow_read). */
NR_FLOW_API int nr_flow_remove(nr_flow_table *table, uint32_t slot);

/* Removes every live entry. */
NR_FLOW_API void nr_flow_flush(nr_flow_table *table);

/* Reads a slot's state and its data-owned fields (see nr_flow_state). Returns the state
 * (NR_FLOW_STATE_*), or -1 for a slot out of range. The managed sweep reads a slice of slots per
 * tick by the same index it uses for its own table. */
NR_FLOW_API int nr_flow_read(nr_flow_table *table, uint32_t slot, nr_flow_state *out);

/* Reads the installed spec of a live, retiring or final slot into *out (for tests and the
 * status page). Returns the state as nr_flow_read does. */
NR_FLOW_API int nr_flow_read_spec(nr_flow_table *table, uint32_t slot, nr_flow_spec *out);

/* Live entries. */
NR_FLOW_API uint32_t nr_flow_live(const nr_flow_table *table);

/* ---- data thread ---- */

/* Translates one IPv4 packet of length bytes at packet (its header at byte 0, any alignment) that
 * arrived on ingress_side (NR_FLOW_SIDE_*). now_sec: the managed engine's clock in seconds (only
 * the low 16 bits are kept). Returns NR_FLOW_HIT when the packet belongs to a live entry and was
 * translated in place (same length), ready to send out of *egress_side (which must not be NULL);
 * NR_FLOW_MISS, the packet and *egress_side untouched, for everything else. Never allocates,
 * never blocks. */
NR_FLOW_API int nr_flow_process(nr_flow_table *table, uint8_t *packet, uint32_t length, uint8_t ingress_side,
                                uint32_t now_sec, uint8_t *egress_side);

#ifdef __cplusplus
}
#endif

#endif /* NR_FLOW_H */

/*
 * nanoRouter native shim: the pure packet logic (no lwIP calls, no heap, no OS).
 *
 * The shim sits in lwIP's IPv4 input hook, which runs before lwIP has checked
 * anything but the version nibble. So it validates every length itself, and it
 * consumes only packets that are whole, well formed and meant for the router to
 * forward. Everything else is left to lwIP, which drops what is malformed.
 *
 * All addresses are host-order numbers of the big-endian wire value:
 * 192.168.4.1 is 0xC0A80401. Byte access goes through nr_get16/nr_get32 only.
 */
#ifndef NR_SHIM_H
#define NR_SHIM_H

#include "lwip/arch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sides, verdicts: the same numbers as NanoRouter.Hal.Side and Verdict. */
#define NR_SIDE_LAN 0u
#define NR_SIDE_WAN 1u
#define NR_VERDICT_FORWARD 0u
#define NR_VERDICT_LOCAL 1u
#define NR_VERDICT_DROP 2u

/* IP protocol numbers (IANA). */
#define NR_PROTO_ICMP 1u
#define NR_PROTO_TCP 6u
#define NR_PROTO_UDP 17u
#define NR_PROTO_GRE 47u
#define NR_PROTO_ESP 50u

/* IPv4 header field offsets (RFC 791). */
#define NR_IP_VERSION_IHL 0
#define NR_IP_TOTAL_LENGTH 2
#define NR_IP_FLAGS_FRAGMENT 6
#define NR_IP_TTL 8
#define NR_IP_PROTOCOL 9
#define NR_IP_CHECKSUM 10
#define NR_IP_SOURCE 12
#define NR_IP_DESTINATION 16
#define NR_IP_MIN_HEADER 20
#define NR_IP_MAX_HEADER 60
#define NR_IP_FRAGMENT_OFFSET_MASK 0x1FFFu

/* ICMP types the WAN rule looks at (RFC 792). */
#define NR_ICMP_ECHO_REPLY 0u
#define NR_ICMP_UNREACHABLE 3u
#define NR_ICMP_SOURCE_QUENCH 4u
#define NR_ICMP_REDIRECT 5u
#define NR_ICMP_ECHO_REQUEST 8u
#define NR_ICMP_TIME_EXCEEDED 11u
#define NR_ICMP_PARAMETER_PROBLEM 12u

/* Bytes of a packet the classifier may look at: the largest outer header,
 * 8 bytes of ICMP, the largest embedded header and 4 bytes of its ports. */
#define NR_CLASSIFY_WINDOW (NR_IP_MAX_HEADER + 8 + NR_IP_MAX_HEADER + 4)

/* How many preserved-port mappings (UDP 500/4500/1701 and the like) the managed
 * side can announce at once. */
#define NR_PRESERVED_MAX 8

/* What lwIP's own sockets use as local ports (TCP_LOCAL_PORT_RANGE_START..END,
 * UDP likewise); the NAT range must stay below it. */
#define NR_LWIP_EPHEMERAL_START 0xC000u

/* What the classifier decides. */
typedef enum nr_class {
    NR_CLASS_PASS = 0,    /* not ours: lwIP handles it */
    NR_CLASS_CONSUME = 1, /* the router forwards it: queue it for the managed core */
    NR_CLASS_EXPIRED = 2  /* would be consumed, but TTL <= 1: ICMP time exceeded */
} nr_class;

/* Why a packet was not accepted as a well-formed IPv4 packet. */
typedef enum nr_check {
    NR_CHECK_OK = 0,
    NR_CHECK_TOO_SHORT,   /* fewer bytes than an IPv4 header */
    NR_CHECK_VERSION,     /* version nibble is not 4 */
    NR_CHECK_IHL,         /* header length below 5 words or beyond the bytes there */
    NR_CHECK_TOTAL_LENGTH,/* total length below the header or beyond the bytes there */
    NR_CHECK_CHECKSUM,    /* header checksum does not verify */
    NR_CHECK_TOO_LONG     /* longer than a ring slot */
} nr_check;

/* The classification rule's inputs. The managed side writes it; the input hook
 * reads it. Each field is one aligned 32-bit word, so a reader sees the old or
 * the new value of each field, never a torn one. */
typedef struct nr_config {
    u32_t lan_address;  /* the router's AP address */
    u32_t lan_mask;     /* the AP subnet mask */
    u32_t wan_address;  /* the router's STA address; 0 = no uplink, nothing consumed from WAN */
    u32_t port_low;     /* NAT external port (and ICMP id) range, inclusive */
    u32_t port_high;
    /* Active preserved mappings below the range: (protocol << 16) | port; 0 = free. */
    u32_t preserved[NR_PRESERVED_MAX];
} nr_config;

/* Reads a big-endian 16/32-bit value at p. */
static inline u32_t nr_get16(const u8_t *p) { return ((u32_t)p[0] << 8) | p[1]; }
static inline u32_t nr_get32(const u8_t *p)
{
    return ((u32_t)p[0] << 24) | ((u32_t)p[1] << 16) | ((u32_t)p[2] << 8) | p[3];
}

/* Sets defaults: LAN 192.168.4.1/24, no WAN, NAT range 10000..49151, no preserved ports. */
void nr_config_default(nr_config *cfg);

/* Adds or removes one preserved mapping. Returns 1 on success, 0 when the table
 * is full (add) or the mapping is absent (remove). */
int nr_config_set_preserved(nr_config *cfg, u8_t protocol, u16_t port, int active);

/* Checks a packet of packet_bytes bytes (the whole pbuf chain) whose first
 * header_bytes bytes are at pkt: version 4, a header of 5..15 words that is all
 * there, a total length from the header length to packet_bytes and at most
 * max_length, and a header checksum that verifies. Writes the total length to
 * *total_length (bytes past it are link-layer padding, not part of the packet). */
nr_check nr_check_ipv4(const u8_t *pkt, u32_t header_bytes, u32_t packet_bytes, u32_t max_length,
                       u16_t *total_length);

/* RFC 1071 one's-complement sum of len bytes, folded, not inverted. */
u16_t nr_checksum_fold(const u8_t *data, u32_t len);

/* Classifies a packet already accepted by nr_check_ipv4. window holds its first
 * window_length bytes (at least the IP header; up to NR_CLASSIFY_WINDOW). */
nr_class nr_classify(const nr_config *cfg, const u8_t *window, u32_t window_length, u8_t side);

/* The largest ICMP Time Exceeded message nr_build_time_exceeded writes: its own
 * IPv4 header, the ICMP header, and the original header with 8 bytes of data. */
#define NR_TIME_EXCEEDED_MAX (NR_IP_MIN_HEADER + 8 + NR_IP_MAX_HEADER + 8)

/* Builds the ICMP Time Exceeded (type 11, code 0: TTL exceeded in transit)
 * answering a packet the router would forward with TTL <= 1, as RFC 792 and
 * RFC 1812 section 5.3.1 ask: a complete IPv4 packet from source_address (the
 * router's address on the side the packet came from) to the packet's source,
 * TTL 64, quoting the original IPv4 header and the first 8 bytes of its data.
 * original holds at least the original header; original_length counts the bytes
 * there (the quote is cut at them). Returns the length written to out (at most
 * NR_TIME_EXCEEDED_MAX), or 0 when no error may be sent (RFC 1812 4.3.2.7: not
 * about an ICMP error, a later fragment, or a packet whose source is not a
 * single host). lwIP's icmp_time_exceeded is not used: lwIP compiles it only
 * with IP_FORWARD or IP_REASSEMBLY, and the firmware has both off. */
u32_t nr_build_time_exceeded(u8_t *out, const u8_t *original, u32_t original_length, u32_t source_address);

/* Decrements the TTL of a forwarded packet in place and updates the header
 * checksum incrementally (RFC 1624). Returns 0 (and leaves the packet alone)
 * when the TTL is already 0 or 1. */
int nr_ttl_decrement(u8_t *pkt, u32_t length);

#ifdef __cplusplus
}
#endif

#endif /* NR_SHIM_H */

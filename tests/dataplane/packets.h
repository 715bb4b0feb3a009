/*
 * The tests' own packet oracle, written apart from the flow path: big-endian field access, RFC
 * 1071 sums computed from scratch, packet builders for every protocol the flow path handles,
 * spec builders, and an independent reference model of what the flow path must do (a linear
 * scan over the installed specs, read byte by byte at the offsets nr_flow.h documents).
 */
#ifndef NR_TEST_PACKETS_H
#define NR_TEST_PACKETS_H

#include <stdint.h>

#include "nr_flow.h"

/* The test network: LAN 198.19.4.1/24, WAN 198.18.0.2, remotes 198.18.1.x (host-order numbers). */
#define T_LAN_ADDRESS 0xC6130401u
#define T_LAN_PREFIX 24u
#define T_WAN_ADDRESS 0xC6120002u
#define T_WAN_ADDRESS2 0xC6120063u
#define T_REMOTE 0xC6120107u
#define T_REMOTE2 0xC6120108u
#define T_HOST(h) (0xC6130400u | (uint32_t)(h))

#define T_PROTO_ICMP 1u
#define T_PROTO_TCP 6u
#define T_PROTO_UDP 17u
#define T_PROTO_GRE 47u
#define T_PROTO_ESP 50u

#define T_TCP_FIN 0x01u
#define T_TCP_SYN 0x02u
#define T_TCP_RST 0x04u
#define T_TCP_PSH 0x08u
#define T_TCP_ACK 0x10u

#define T_MAX_PACKET 2048u

void t_put16(uint8_t *p, uint32_t v);
void t_put32(uint8_t *p, uint32_t v);
uint32_t t_get16(const uint8_t *p);
uint32_t t_get32(const uint8_t *p);

/* The RFC 1071 sum of n bytes (big-endian words, a trailing odd byte padded), unfolded, plus initial. */
uint32_t t_sum(const uint8_t *data, uint32_t n, uint32_t initial);
uint16_t t_fold(uint32_t sum);
/* The TCP/UDP pseudo-header sum (RFC 793, RFC 768). */
uint32_t t_pseudo_sum(uint32_t source, uint32_t destination, uint32_t protocol, uint32_t length);

/* Builders: whole IPv4 packets (20-byte header, DF, id 0x1234, the given TTL) with valid
 * checksums; payload bytes follow a pattern. Each returns the total length. */
uint32_t t_make_tcp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                    uint8_t flags, uint16_t window, uint32_t payload);
uint32_t t_make_udp(uint8_t *out, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint32_t payload,
                    int with_checksum);
uint32_t t_make_icmp(uint8_t *out, uint32_t src, uint32_t dst, uint8_t type, uint16_t id, uint16_t sequence,
                     uint32_t payload);
uint32_t t_make_esp(uint8_t *out, uint32_t src, uint32_t dst, uint32_t spi, uint32_t sequence, uint32_t payload);
/* GRE v0 (RFC 2784/2890): gre_flags any of 0x80 C (checksum over the GRE packet), 0x20 K, 0x10 S. */
uint32_t t_make_gre0(uint8_t *out, uint32_t src, uint32_t dst, uint8_t gre_flags, uint32_t key, uint32_t payload);
/* GRE v1 (RFC 2637 4.1): K, optional S and A, PPP, payload length, call ID. */
uint32_t t_make_gre1(uint8_t *out, uint32_t src, uint32_t dst, uint16_t call_id, int with_sequence, int with_ack,
                     uint32_t payload);

/* Sets the TTL and recomputes the header checksum; recomputes the transport checksum. */
void t_set_ttl(uint8_t *packet, uint8_t ttl);
void t_finish_ip(uint8_t *packet);
void t_finish_transport(uint8_t *packet, uint32_t length);

/* Verification sums: the folded sum over the header with its checksum: 0xFFFF when valid.
 * Transport: TCP and UDP with the pseudo-header, ICMP plain; 0 for other protocols and for a UDP
 * checksum of 0 (none). */
uint16_t t_ip_verify(const uint8_t *packet);
uint16_t t_transport_verify(const uint8_t *packet, uint32_t length);
/* Whether two verification sums are the same one's-complement number (0x0000 is 0xFFFF). */
int t_same_sum(uint16_t a, uint16_t b);

/* The offset of the transport checksum in a packet (0: none). */
uint32_t t_transport_checksum_at(const uint8_t *packet, uint32_t length);

/* Compares two packets byte for byte except the checksum fields, whose actual values must verify
 * (the expected packet was built with fresh checksums): a translation equals a full recompute.
 * Prints the first difference. */
int t_same_packet(const uint8_t *actual, const uint8_t *expected, uint32_t length);

/* Specs, from host-order numbers (the builders convert to wire form). */
nr_flow_spec t_spec_tcp(uint8_t host, uint16_t lan_port, uint16_t external_port, uint32_t remote, uint32_t ack_out,
                        uint32_t ack_in, uint16_t window_out, uint16_t window_in);
/* A 16-bit number in wire form, as the spec fields keep it. */
uint16_t t_wire16(uint32_t v);
nr_flow_spec t_spec_udp(uint8_t host, uint16_t lan_port, uint16_t external_port, uint32_t remote);
nr_flow_spec t_spec_icmp(uint8_t host, uint16_t lan_id, uint16_t external_id, uint32_t remote);
nr_flow_spec t_spec_esp(uint8_t host, uint32_t remote, uint32_t spi_out, uint32_t spi_in, uint8_t match);
nr_flow_spec t_spec_gre(uint8_t host, uint32_t remote, uint32_t key_out, uint32_t key_in);
nr_flow_spec t_spec_gre_nokey(uint8_t host, uint32_t remote);
nr_flow_spec t_spec_pptp(uint8_t host, uint32_t remote, uint16_t pac_call_id, uint16_t external_call_id,
                         uint16_t client_call_id);

/* The reference model: the installed specs (as bytes), the addresses and flags. */
#define T_REF_MAX 1024
typedef struct t_ref {
    uint8_t spec[T_REF_MAX][NR_FLOW_SPEC_BYTES];
    uint8_t live[T_REF_MAX];
    uint32_t count;
    uint32_t lan_address;
    uint32_t lan_prefix;
    uint32_t wan_address;
    uint32_t keep_ttl;
} t_ref;

/* What the flow path must do with a packet: returns 1 (hit: *slot and expected[], the packet as
 * it must leave, checksum fields aside) or 0 (miss). */
int t_ref_predict(const t_ref *ref, const uint8_t *packet, uint32_t length, uint32_t ingress, uint8_t *expected,
                  uint32_t *slot);

/* A small deterministic generator (xorshift32). */
uint32_t t_random(uint32_t *state);

#endif

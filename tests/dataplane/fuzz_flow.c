/*
 * libFuzzer target (optional, not in CI): the fuzzer's bytes are a table script and a packet.
 * Byte 0 picks the ingress side, how many specs to install and the mode; the next bytes, in
 * 8-byte records, install specs drawn from them (any kind, any fields). Raw mode: the rest is the
 * packet. Structured mode (bit 7): a valid packet of the first installed spec, in its direction,
 * with the rest of the bytes as (offset, value) pairs written over it, so that hits are common.
 * The reference model (packets.c) must agree on hit or miss and on every byte out; a miss must
 * leave the packet alone.
 *   CC=clang cmake -S tests/dataplane -B /tmp/dpf -DNR_FLOW_FUZZER=ON && cmake --build /tmp/dpf --target nr_flow_fuzzer
 *   /tmp/dpf/nr_flow_fuzzer -max_total_time=60
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packets.h"

static nr_flow_table s_table;
static nr_flow_entry s_entries[16];
static uint16_t s_heads[2][4];
static t_ref s_ref;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t want[T_MAX_PACKET];
    uint32_t slot;
    if (size < 2 || size > 1 + 4 * 8 + T_MAX_PACKET)
    {
        return 0;
    }
    uint32_t side = data[0] & 1u;
    uint32_t records = (data[0] >> 1) & 3u;
    int mode_structured = (data[0] & 0x80u) != 0;
    data++;
    size--;
    nr_flow_init(&s_table, s_entries, 16, s_heads[0], s_heads[1], 4, 1, 0);
    nr_flow_set_addresses(&s_table, T_LAN_ADDRESS, T_LAN_PREFIX, T_WAN_ADDRESS);
    memset(&s_ref, 0, sizeof(s_ref));
    s_ref.count = 16;
    s_ref.lan_address = T_LAN_ADDRESS;
    s_ref.lan_prefix = T_LAN_PREFIX;
    s_ref.wan_address = T_WAN_ADDRESS;
    for (uint32_t r = 0; r < records && size >= 8; r++, data += 8, size -= 8)
    {
        nr_flow_spec s;
        uint32_t kind = 1u + data[0] % 7u;
        memset(&s, 0, sizeof(s));
        s.remote = (uint32_t)198 | (18u << 8) | (1u << 16) | ((uint32_t)(data[1] & 3u) << 24);
        s.host = (uint8_t)(2 + (data[2] & 7u));
        s.kind = (uint8_t)(kind | ((data[0] & 0x30u) ? (data[0] & 0x30u) : 0x30u));
        memcpy(s.u.word, data + 4, 4);
        memcpy(&s.u.word[1], data + 2, 4);
        if (kind == NR_FLOW_KIND_GRE_NOKEY)
        {
            s.u.word[0] = s.u.word[1] = 0;
        }
        if (kind != NR_FLOW_KIND_PPTP && kind != NR_FLOW_KIND_ESP && kind != NR_FLOW_KIND_GRE)
        {
            s.u.ports.rewrite = 0;
            s.u.ports.reserved = 0;
        }
        if (kind == NR_FLOW_KIND_PPTP)
        {
            s.u.ports.reserved = 0;
        }
        if (nr_flow_install(&s_table, r, &s) == NR_FLOW_OK)
        {
            memcpy(s_ref.spec[r], &s, NR_FLOW_SPEC_BYTES);
            s_ref.live[r] = 1;
        }
    }
    uint8_t built[T_MAX_PACKET];
    if (mode_structured && s_ref.live[0])
    {
        /* a valid packet of spec 0 (the kind's id in the right place), then the overwrites */
        const uint8_t *sp = s_ref.spec[0];
        uint32_t remote = t_get32(sp);
        uint32_t host = T_HOST(sp[6]);
        uint32_t src = side == 0 ? host : remote;
        uint32_t dst = side == 0 ? remote : T_WAN_ADDRESS;
        uint32_t id16 = t_get16(sp + 8 + 2 * side);
        uint32_t id32 = t_get32(sp + 8 + 4 * side);
        uint32_t n;
        switch (sp[7] & 7u)
        {
        case NR_FLOW_KIND_TCP:
            n = side == 0 ? t_make_tcp(built, src, dst, (uint16_t)id16, 80, 1, 2, T_TCP_ACK, 100, 20)
                          : t_make_tcp(built, src, dst, 80, (uint16_t)id16, 1, 2, T_TCP_ACK, 100, 20);
            break;
        case NR_FLOW_KIND_UDP:
            n = side == 0 ? t_make_udp(built, src, dst, (uint16_t)id16, 53, 20, 1)
                          : t_make_udp(built, src, dst, 53, (uint16_t)id16, 20, 1);
            break;
        case NR_FLOW_KIND_ICMP:
            n = t_make_icmp(built, src, dst, (uint8_t)(side == 0 ? 8 : 0), (uint16_t)id16, 1, 20);
            break;
        case NR_FLOW_KIND_ESP:
            n = t_make_esp(built, src, dst, id32, 1, 20);
            break;
        case NR_FLOW_KIND_GRE:
            n = t_make_gre0(built, src, dst, 0x20, id32, 20);
            break;
        case NR_FLOW_KIND_GRE_NOKEY:
            n = t_make_gre0(built, src, dst, 0, 0, 20);
            break;
        default:
            n = t_make_gre1(built, src, dst, (uint16_t)id16, 1, 0, 20);
            break;
        }
        for (; size >= 2; data += 2, size -= 2)
        {
            built[data[0] % n] = data[1];
        }
        data = built;
        size = n;
    }
    uint8_t *packet = (uint8_t *)malloc(size > 0 ? size : 1);
    memcpy(packet, data, size);
    int expect = t_ref_predict(&s_ref, data, (uint32_t)size, side, want, &slot);
    uint8_t egress;
    int result = nr_flow_process(&s_table, packet, (uint32_t)size, (uint8_t)side, 1, &egress);
    if (result != (expect ? NR_FLOW_HIT : NR_FLOW_MISS))
    {
        abort();
    }
    if (result == NR_FLOW_MISS && memcmp(packet, data, size) != 0)
    {
        abort();
    }
    if (result == NR_FLOW_HIT)
    {
        uint32_t transport = t_transport_checksum_at(data, (uint32_t)size);
        for (uint32_t b = 0; b < size; b++)
        {
            int checksum = b == 10 || b == 11 || (transport != 0 && (b == transport || b == transport + 1));
            if (!checksum && packet[b] != want[b])
            {
                abort();
            }
        }
        if (!t_same_sum(t_ip_verify(data), t_ip_verify(packet)) ||
            !t_same_sum(t_transport_verify(data, (uint32_t)size), t_transport_verify(packet, (uint32_t)size)))
        {
            abort();
        }
    }
    free(packet);
    return 0;
}

/* Tests of the packet port over real lwIP pbufs (Debian's liblwip), with fake side effects. */
#include <string.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "nr_port.h"
#include "nr_test.h"

#define LAN_ROUTER 0xC0A80401u
#define LAN_CLIENT 0xC0A80402u
#define WAN_ROUTER 0xC6120002u
#define SERVER 0xC6120707u

/* What the fake ops saw. */
typedef struct fake {
    int wakes;
    int kicks;
    int outputs;
    struct netif *output_netif;
    uint32_t output_destination;
    uint8_t output_bytes[NR_SLOT_BYTES];
    uint32_t output_length;
    err_t output_result;
    int reinjects;
    int reinject_hook_result;
    struct netif *reinject_netif;
    nr_port *port;
} fake;

static void fake_wake(void *ctx) { ((fake *)ctx)->wakes++; }
static void fake_kick(void *ctx) { ((fake *)ctx)->kicks++; }
static err_t fake_output(void *ctx, struct netif *netif, struct pbuf *p, u32_t destination)
{
    fake *f = ctx;
    f->outputs++;
    f->output_netif = netif;
    f->output_destination = destination;
    f->output_length = pbuf_copy_partial(p, f->output_bytes, p->tot_len, 0);
    return f->output_result;
}
/* Like ip4_input: the packet runs through the input hook again (which must let it
 * through), then lwIP owns it. */
static void fake_reinject(void *ctx, struct netif *netif, struct pbuf *p)
{
    fake *f = ctx;
    f->reinjects++;
    f->reinject_netif = netif;
    f->reinject_hook_result = nr_port_input(f->port, p, netif);
    if (!f->reinject_hook_result)
    {
        pbuf_free(p);
    }
}

static nr_slot s_rx[4];
static nr_slot s_tx[4];
static struct netif s_ap;
static struct netif s_sta;
static struct netif s_other;

static void setup(nr_port *port, fake *f)
{
    nr_ops ops = {fake_wake, fake_kick, fake_output, fake_reinject, f};
    memset(f, 0, sizeof(*f));
    f->port = port;
    NR_CHECK_EQ(1, nr_port_init(port, s_rx, 4, s_tx, 4, &ops));
    nr_port_attach(port, NR_SIDE_LAN, &s_ap);
    nr_port_attach(port, NR_SIDE_WAN, &s_sta);
    port->config.wan_address = WAN_ROUTER;
}

/* A pbuf chain holding bytes, split into segments of at most segment bytes. */
static struct pbuf *chain(const uint8_t *bytes, uint16_t length, uint16_t segment)
{
    struct pbuf *head = NULL;
    for (uint16_t offset = 0; offset < length; offset += segment)
    {
        uint16_t n = (uint16_t)(length - offset < segment ? length - offset : segment);
        struct pbuf *p = pbuf_alloc(PBUF_RAW, n, PBUF_RAM);
        memcpy(p->payload, bytes + offset, n);
        if (head == NULL)
        {
            head = p;
        }
        else
        {
            pbuf_cat(head, p);
        }
    }
    return head;
}

static uint32_t udp(uint8_t *pkt, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, uint8_t ttl,
                    uint32_t payload)
{
    uint8_t body[1400];
    nr_build_ports(body, sport, dport, payload);
    for (uint32_t i = 8; i < payload; i++)
    {
        body[i] = (uint8_t)(i * 7);
    }
    return nr_build_ipv4(pkt, NR_PROTO_UDP, src, dst, ttl, body, payload);
}

NR_TEST(port_consumes_a_chained_lan_packet_whole_and_wakes_the_consumer)
{
    nr_port port;
    fake f;
    uint8_t pkt[1500];
    uint8_t out[1500];
    uint8_t side = 9;
    setup(&port, &f);
    uint32_t length = udp(pkt, LAN_CLIENT, SERVER, 40000, 53, 64, 1000);
    /* a 10-byte first segment: even the IP header is split */
    NR_CHECK_EQ(1, nr_port_input(&port, chain(pkt, (uint16_t)length, 10), &s_ap));
    NR_CHECK_EQ(1, f.wakes);
    NR_CHECK_EQ(1, port.counters.rx_consumed);
    NR_CHECK_EQ(length, nr_port_receive(&port, out, sizeof(out), &side));
    NR_CHECK_EQ(NR_SIDE_LAN, side);
    NR_CHECK(memcmp(pkt, out, length) == 0);
    NR_CHECK_EQ(0, nr_port_receive(&port, out, sizeof(out), &side));
}

NR_TEST(port_leaves_router_traffic_and_unknown_netifs_to_lwip)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    uint32_t length = udp(pkt, LAN_CLIENT, LAN_ROUTER, 40000, 53, 64, 40);
    struct pbuf *p = chain(pkt, (uint16_t)length, 512);
    NR_CHECK_EQ(0, nr_port_input(&port, p, &s_ap)); /* DNS to the router */
    NR_CHECK_EQ(0, nr_port_input(&port, p, &s_other));
    NR_CHECK_EQ(1, p->ref); /* still lwIP's */
    pbuf_free(p);
    NR_CHECK_EQ(1, port.counters.rx_passed);
    NR_CHECK_EQ(0, f.wakes);
}

NR_TEST(port_leaves_malformed_lengths_to_lwip)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    uint32_t length = udp(pkt, LAN_CLIENT, SERVER, 40000, 53, 64, 40);

    /* pbuf shorter than an IP header */
    struct pbuf *p = chain(pkt, 12, 512);
    NR_CHECK_EQ(0, nr_port_input(&port, p, &s_ap));
    pbuf_free(p);

    /* total length says 1000, the pbuf chain holds 60 */
    uint8_t lie[256];
    memcpy(lie, pkt, length);
    lie[2] = 0x03;
    lie[3] = 0xE8;
    p = chain(lie, (uint16_t)length, 16);
    NR_CHECK_EQ(0, nr_port_input(&port, p, &s_ap));
    pbuf_free(p);

    /* IHL 4 (16 bytes) */
    memcpy(lie, pkt, length);
    lie[0] = 0x44;
    p = chain(lie, (uint16_t)length, 512);
    NR_CHECK_EQ(0, nr_port_input(&port, p, &s_ap));
    pbuf_free(p);

    NR_CHECK_EQ(3, port.counters.rx_malformed);
    NR_CHECK_EQ(0, port.counters.rx_consumed);
    NR_CHECK_EQ(0, nr_ring_count(&port.rx));
}

NR_TEST(port_trims_link_padding)
{
    nr_port port;
    fake f;
    uint8_t pkt[64] = {0};
    uint8_t out[1500];
    uint8_t side;
    setup(&port, &f);
    uint32_t length = nr_build_ipv4(pkt, NR_PROTO_ICMP, LAN_CLIENT, SERVER, 64,
                                    (const uint8_t *)"\x08\x00\x00\x00\x00\x01\x00\x01", 8);
    NR_CHECK_EQ(1, nr_port_input(&port, chain(pkt, 46, 512), &s_ap)); /* padded to Ethernet's minimum */
    NR_CHECK_EQ(length, nr_port_receive(&port, out, sizeof(out), &side));
}

NR_TEST(port_answers_expired_ttl_with_time_exceeded)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    uint32_t length = udp(pkt, LAN_CLIENT, SERVER, 40000, 33434, 1, 40);
    struct pbuf *p = chain(pkt, (uint16_t)length, 512);
    pbuf_ref(p); /* keep it to see the port let go of it */
    NR_CHECK_EQ(1, nr_port_input(&port, p, &s_ap));
    NR_CHECK_EQ(1, p->ref);
    pbuf_free(p);
    NR_CHECK_EQ(0, nr_ring_count(&port.rx));
    NR_CHECK_EQ(1, port.counters.rx_expired);

    /* The reply went back out of the AP netif, to the client, from the router's LAN address. */
    NR_CHECK_EQ(1, f.outputs);
    NR_CHECK(f.output_netif == &s_ap);
    NR_CHECK_EQ(LAN_CLIENT, f.output_destination);
    NR_CHECK_EQ(20 + 8 + 20 + 8, f.output_length);
    NR_CHECK_EQ(LAN_ROUTER, nr_get32(f.output_bytes + NR_IP_SOURCE));
    NR_CHECK_EQ(LAN_CLIENT, nr_get32(f.output_bytes + NR_IP_DESTINATION));
    NR_CHECK_EQ(NR_PROTO_ICMP, f.output_bytes[NR_IP_PROTOCOL]);
    NR_CHECK_EQ(0xFFFF, nr_checksum_fold(f.output_bytes, 20));
    NR_CHECK_EQ(NR_ICMP_TIME_EXCEEDED, f.output_bytes[20]);
    NR_CHECK_EQ(0, f.output_bytes[21]);
    NR_CHECK_EQ(0xFFFF, nr_checksum_fold(f.output_bytes + 20, 8 + 28));
    /* The quote is the original header (TTL 1, not decremented) and its first 8 bytes. */
    NR_CHECK_EQ(0, memcmp(f.output_bytes + 28, pkt, 28));
}

NR_TEST(port_answers_expired_ttl_from_the_wan_with_the_wan_address)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    port.config.port_low = 10000;
    port.config.port_high = 49151;
    uint32_t length = udp(pkt, SERVER, WAN_ROUTER, 53, 20000, 1, 40);
    struct pbuf *p = chain(pkt, (uint16_t)length, 512);
    NR_CHECK_EQ(1, nr_port_input(&port, p, &s_sta));
    NR_CHECK_EQ(1, port.counters.rx_expired);
    NR_CHECK_EQ(1, f.outputs);
    NR_CHECK(f.output_netif == &s_sta);
    NR_CHECK_EQ(SERVER, f.output_destination);
    NR_CHECK_EQ(WAN_ROUTER, nr_get32(f.output_bytes + NR_IP_SOURCE));
}

NR_TEST(port_counts_an_unsendable_time_exceeded)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    f.output_result = ERR_RTE;
    uint32_t length = udp(pkt, LAN_CLIENT, SERVER, 40000, 33434, 1, 40);
    NR_CHECK_EQ(1, nr_port_input(&port, chain(pkt, (uint16_t)length, 512), &s_ap));
    NR_CHECK_EQ(1, port.counters.rx_expired);
    NR_CHECK_EQ(1, port.counters.tx_output_error);
}

NR_TEST(port_drops_and_counts_when_the_rx_ring_is_full)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    uint32_t length = udp(pkt, SERVER, WAN_ROUTER, 53, 20000, 64, 40);
    for (int i = 0; i < 6; i++)
    {
        NR_CHECK_EQ(1, nr_port_input(&port, chain(pkt, (uint16_t)length, 512), &s_sta));
    }
    NR_CHECK_EQ(4, port.counters.rx_consumed);
    NR_CHECK_EQ(2, port.rx.overflow);
    uint32_t counters[20];
    NR_CHECK_EQ(16, nr_port_counters(&port, counters, 20)); /* 14 port counters, then the rings' overflows */
    NR_CHECK_EQ(4, counters[0]);
    NR_CHECK_EQ(2, counters[14]);
}

NR_TEST(port_receive_drops_a_packet_larger_than_the_buffer)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    uint8_t out[32];
    uint8_t side;
    setup(&port, &f);
    uint32_t length = udp(pkt, LAN_CLIENT, SERVER, 40000, 53, 64, 40);
    nr_port_input(&port, chain(pkt, (uint16_t)length, 512), &s_ap);
    NR_CHECK_EQ(0, nr_port_receive(&port, out, sizeof(out), &side));
    NR_CHECK_EQ(1, port.counters.rx_truncated);
    NR_CHECK_EQ(0, nr_ring_count(&port.rx));
}

NR_TEST(port_forward_decrements_ttl_and_outputs_on_the_egress_netif)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    uint32_t length = udp(pkt, WAN_ROUTER, SERVER, 20000, 53, 64, 40);
    NR_CHECK_EQ(1, nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, length, NR_SIDE_WAN));
    NR_CHECK_EQ(1, f.kicks);
    NR_CHECK_EQ(0, f.outputs); /* only on the tcpip thread */
    nr_port_drain_tx(&port);
    NR_CHECK_EQ(1, f.outputs);
    NR_CHECK(f.output_netif == &s_sta);
    NR_CHECK_EQ(SERVER, f.output_destination);
    NR_CHECK_EQ(length, f.output_length);
    NR_CHECK_EQ(63, f.output_bytes[8]);
    NR_CHECK_EQ(0, nr_reference_checksum(f.output_bytes, 20));
    NR_CHECK(memcmp(pkt + 20, f.output_bytes + 20, length - 20) == 0);
    NR_CHECK_EQ(1, port.counters.tx_forwarded);

    f.output_result = ERR_RTE;
    nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, length, NR_SIDE_LAN);
    nr_port_drain_tx(&port);
    NR_CHECK(f.output_netif == &s_ap);
    NR_CHECK_EQ(1, port.counters.tx_output_error);
}

NR_TEST(port_local_reinjects_past_the_hook)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    /* a LAN packet the hook consumed but the core hands back (Local) */
    uint32_t length = udp(pkt, LAN_CLIENT, SERVER, 40000, 53, 64, 40);
    NR_CHECK_EQ(1, nr_port_complete(&port, NR_VERDICT_LOCAL, pkt, length, NR_SIDE_LAN));
    nr_port_drain_tx(&port);
    NR_CHECK_EQ(1, f.reinjects);
    NR_CHECK(f.reinject_netif == &s_ap);
    NR_CHECK_EQ(0, f.reinject_hook_result); /* not consumed a second time */
    NR_CHECK_EQ(0, port.reinjecting);
    NR_CHECK_EQ(0, nr_ring_count(&port.rx));
    NR_CHECK_EQ(1, port.counters.tx_local);
    NR_CHECK_EQ(0, f.outputs);
}

NR_TEST(port_complete_drop_does_nothing)
{
    nr_port port;
    fake f;
    setup(&port, &f);
    NR_CHECK_EQ(1, nr_port_complete(&port, NR_VERDICT_DROP, NULL, 0, NR_SIDE_LAN));
    NR_CHECK_EQ(0, f.kicks);
    NR_CHECK_EQ(0, nr_ring_count(&port.tx));
}

NR_TEST(port_complete_refuses_bad_arguments_and_malformed_packets)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    uint32_t length = udp(pkt, WAN_ROUTER, SERVER, 20000, 53, 64, 40);
    NR_CHECK_EQ(0, nr_port_complete(&port, 7, pkt, length, NR_SIDE_WAN));
    NR_CHECK_EQ(0, nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, length, 2));
    NR_CHECK_EQ(0, nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, 19, NR_SIDE_WAN));
    NR_CHECK_EQ(0, nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, length - 1, NR_SIDE_WAN)); /* length lies */
    pkt[10] ^= 0x55; /* core bug: checksum not kept */
    NR_CHECK_EQ(0, nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, length, NR_SIDE_WAN));
    NR_CHECK_EQ(5, port.counters.tx_malformed);
    NR_CHECK_EQ(0, nr_ring_count(&port.tx));
    NR_CHECK_EQ(0, f.kicks);
}

NR_TEST(port_complete_refuses_when_the_tx_ring_is_full)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    uint32_t length = udp(pkt, WAN_ROUTER, SERVER, 20000, 53, 64, 40);
    for (int i = 0; i < 4; i++)
    {
        NR_CHECK_EQ(1, nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, length, NR_SIDE_WAN));
    }
    NR_CHECK_EQ(0, nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, length, NR_SIDE_WAN));
    NR_CHECK_EQ(1, port.tx.overflow);
    nr_port_drain_tx(&port);
    NR_CHECK_EQ(4, f.outputs);
}

NR_TEST(port_drain_counts_a_detached_egress)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    setup(&port, &f);
    nr_port_attach(&port, NR_SIDE_WAN, NULL);
    uint32_t length = udp(pkt, WAN_ROUTER, SERVER, 20000, 53, 64, 40);
    nr_port_complete(&port, NR_VERDICT_FORWARD, pkt, length, NR_SIDE_WAN);
    nr_port_drain_tx(&port);
    NR_CHECK_EQ(0, f.outputs);
    NR_CHECK_EQ(1, port.counters.tx_no_netif);
}

/* A LAN frame as the soft-AP netif's ethernet_input hands it on: the Ethernet header is still in
 * the buffer, just before the payload pbuf_remove_header moved past it. */
static struct pbuf *ethernet_frame(const uint8_t *pkt, uint16_t length, const uint8_t *source_mac)
{
    static const uint8_t router_mac[6] = {0x24, 0x0A, 0xC4, 0x00, 0x00, 0x01};
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(14 + length), PBUF_RAM);
    uint8_t *frame = p->payload;
    memcpy(frame, router_mac, 6);
    memcpy(frame + 6, source_mac, 6);
    frame[12] = 0x08;
    frame[13] = 0x00;
    memcpy(frame + 14, pkt, length);
    NR_CHECK_EQ(0, pbuf_remove_header(p, 14));
    return p;
}

NR_TEST(port_receive_puts_the_lan_frames_source_address_after_the_packet)
{
    nr_port port;
    fake f;
    uint8_t pkt[1500];
    uint8_t out[1500 + 6];
    uint8_t side = 9;
    static const uint8_t client_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    setup(&port, &f);
    uint32_t length = udp(pkt, LAN_CLIENT, SERVER, 40000, 53, 64, 200);
    NR_CHECK_EQ(1, nr_port_input(&port, ethernet_frame(pkt, (uint16_t)length, client_mac), &s_ap));
    memset(out, 0xEE, sizeof(out));
    NR_CHECK_EQ(length, nr_port_receive(&port, out, sizeof(out), &side));
    NR_CHECK_EQ(NR_SIDE_LAN, side);
    NR_CHECK(memcmp(pkt, out, length) == 0);
    NR_CHECK(memcmp(out + length, client_mac, 6) == 0);
    NR_CHECK_EQ(0xEE, out[length + 6]);

    /* No room after the packet: nothing is written past it. */
    NR_CHECK_EQ(1, nr_port_input(&port, ethernet_frame(pkt, (uint16_t)length, client_mac), &s_ap));
    memset(out, 0xEE, sizeof(out));
    NR_CHECK_EQ(length, nr_port_receive(&port, out, length + 5, &side));
    NR_CHECK_EQ(0xEE, out[length]);
}

NR_TEST(port_receive_puts_zeros_after_a_wan_packet)
{
    nr_port port;
    fake f;
    uint8_t pkt[256];
    uint8_t out[256 + 6];
    uint8_t side = 9;
    setup(&port, &f);
    port.config.port_low = 10000;
    port.config.port_high = 49151;
    uint32_t length = udp(pkt, SERVER, WAN_ROUTER, 53, 20000, 64, 40);
    NR_CHECK_EQ(1, nr_port_input(&port, chain(pkt, (uint16_t)length, 512), &s_sta));
    memset(out, 0xEE, sizeof(out));
    NR_CHECK_EQ(length, nr_port_receive(&port, out, sizeof(out), &side));
    NR_CHECK_EQ(NR_SIDE_WAN, side);
    static const uint8_t zeros[6] = {0, 0, 0, 0, 0, 0};
    NR_CHECK(memcmp(out + length, zeros, 6) == 0);
}

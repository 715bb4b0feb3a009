/*
 * The ESP32 glue (hal/NanoRouter.Hal.Esp32/native/nr_esp32.c) linked with the shim against
 * lwIP 2.1.3 compiled from source with the device's IPv4 options (lwipopts.h here). A call the
 * device's lwIP does not compile (icmp_time_exceeded without IP_FORWARD or IP_REASSEMBLY, say)
 * fails this link, as it would fail the firmware's. The cases then drive packets through the
 * real ip4_input, the input hook, the rings and netif->output.
 *   nr_device_glue [CASE]   runs one case (or all); exit 0 when every check held.
 */
#include <stdio.h>
#include <string.h>

#include "device_glue.h"
#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "nr_esp32.h"

#define LAN_ROUTER 0xC0A80401u /* 192.168.4.1 */
#define LAN_CLIENT 0xC0A80402u
#define WAN_ROUTER 0xC6120002u /* 198.18.0.2 */
#define WAN_GATEWAY 0xC6120001u
#define SERVER 0xC6130707u     /* 198.19.7.7, off-link on the WAN */
#define NR_FLOW_STATE_BYTES_FOR_TEST 20

static int s_failures;

#define CHECK(cond)                                                                  \
    do                                                                               \
    {                                                                                \
        if (!(cond))                                                                 \
        {                                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            s_failures++;                                                            \
        }                                                                            \
    } while (0)

/* What each netif's output (etharp_output's place) was handed. */
typedef struct sent {
    int count;
    u32_t next_hop;
    u8_t bytes[1600];
    u16_t length;
} sent;

static struct netif s_ap;
static struct netif s_sta;
static sent s_ap_sent;
static sent s_sta_sent;

static u32_t get32(const u8_t *p) { return ((u32_t)p[0] << 24) | ((u32_t)p[1] << 16) | ((u32_t)p[2] << 8) | p[3]; }
static u16_t get16(const u8_t *p) { return (u16_t)((p[0] << 8) | p[1]); }

static u16_t fold(const u8_t *data, u32_t length)
{
    u32_t sum = 0;
    for (u32_t i = 0; i + 1 < length; i += 2)
    {
        sum += ((u32_t)data[i] << 8) | data[i + 1];
    }
    if (length & 1u)
    {
        sum += (u32_t)data[length - 1] << 8;
    }
    while (sum >> 16)
    {
        sum = (sum & 0xFFFFu) + (sum >> 16);
    }
    return (u16_t)sum;
}

static err_t capture(struct netif *netif, struct pbuf *p, const ip4_addr_t *next_hop)
{
    sent *s = netif == &s_ap ? &s_ap_sent : &s_sta_sent;
    s->count++;
    s->next_hop = lwip_ntohl(ip4_addr_get_u32(next_hop));
    s->length = pbuf_copy_partial(p, s->bytes, sizeof(s->bytes), 0);
    return ERR_OK;
}

static err_t link_output(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    (void)p;
    return ERR_OK;
}

static err_t netif_setup(struct netif *netif)
{
    netif->output = capture;
    netif->linkoutput = link_output;
    netif->mtu = 1500;
    netif->hwaddr_len = 6;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

static void add(struct netif *netif, u32_t address, u32_t mask, u32_t gateway)
{
    ip4_addr_t a, m, g;
    ip4_addr_set_u32(&a, lwip_htonl(address));
    ip4_addr_set_u32(&m, lwip_htonl(mask));
    ip4_addr_set_u32(&g, lwip_htonl(gateway));
    netif_add(netif, &a, &m, &g, NULL, netif_setup, ip4_input);
    netif_set_up(netif);
    netif_set_link_up(netif);
}

/* An IPv4 packet (IHL 5, valid checksum) with payload bytes after the header. */
static u16_t ipv4(u8_t *out, u8_t protocol, u32_t source, u32_t destination, u8_t ttl, const u8_t *payload, u16_t n)
{
    u16_t total = (u16_t)(20 + n);
    memset(out, 0, 20);
    out[0] = 0x45;
    out[2] = (u8_t)(total >> 8);
    out[3] = (u8_t)total;
    out[8] = ttl;
    out[9] = protocol;
    for (int i = 0; i < 4; i++)
    {
        out[12 + i] = (u8_t)(source >> (24 - 8 * i));
        out[16 + i] = (u8_t)(destination >> (24 - 8 * i));
    }
    u16_t sum = (u16_t)~fold(out, 20);
    out[10] = (u8_t)(sum >> 8);
    out[11] = (u8_t)sum;
    memcpy(out + 20, payload, n);
    return total;
}

static struct pbuf *packet(const u8_t *bytes, u16_t length)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, length, PBUF_RAM);
    memcpy(p->payload, bytes, length);
    return p;
}

static const u8_t s_udp[16] = {0x9c, 0x40, 0x82, 0x9a, 0x00, 0x10, 0x00, 0x00, 'n', 'a', 'n', 'o', 'R', 'o', 'u', 't'};

static void reset_world(void)
{
    memset(&s_ap_sent, 0, sizeof(s_ap_sent));
    memset(&s_sta_sent, 0, sizeof(s_sta_sent));
    g_glue.wakes = 0;
    g_glue.callbacks = 0;
    g_glue.mailbox_full = 0;
}

static void start_configured(void)
{
    reset_world();
    CHECK(nr_esp32_start() == 1);
    g_nr_port.config.lan_address = LAN_ROUTER;
    g_nr_port.config.lan_mask = 0xFFFFFF00u;
    g_nr_port.config.port_low = 10000;
    g_nr_port.config.port_high = 49151;
    g_nr_port.config.wan_address = WAN_ROUTER;
}

static void case_start_needs_both_netifs(void)
{
    nr_glue_set_netifs(&s_ap, NULL);
    CHECK(nr_esp32_start() == 0);
    nr_glue_set_netifs(&s_ap, &s_sta);
    CHECK(nr_esp32_start() == 1);
    CHECK(g_nr_port.netifs[0] == &s_ap && g_nr_port.netifs[1] == &s_sta);
}

static void case_expired_ttl_gets_time_exceeded_from_the_lan_address(void)
{
    u8_t bytes[64];
    start_configured();
    u16_t n = ipv4(bytes, 17, LAN_CLIENT, SERVER, 1, s_udp, sizeof(s_udp));
    ip4_input(packet(bytes, n), &s_ap);
    CHECK(g_nr_port.counters.rx_expired == 1);
    CHECK(s_ap_sent.count == 1);
    CHECK(s_ap_sent.next_hop == LAN_CLIENT);
    CHECK(s_ap_sent.length == 56);
    CHECK(get32(s_ap_sent.bytes + 12) == LAN_ROUTER);
    CHECK(get32(s_ap_sent.bytes + 16) == LAN_CLIENT);
    CHECK(s_ap_sent.bytes[9] == 1 && s_ap_sent.bytes[20] == 11 && s_ap_sent.bytes[21] == 0);
    CHECK(fold(s_ap_sent.bytes, 20) == 0xFFFFu);
    CHECK(fold(s_ap_sent.bytes + 20, 36) == 0xFFFFu);
    CHECK(memcmp(s_ap_sent.bytes + 28, bytes, 28) == 0);
    CHECK(s_sta_sent.count == 0);
    g_nr_port.counters.rx_expired = 0;
}

static void case_forwarded_packet_leaves_the_station_with_ttl_decremented(void)
{
    u8_t bytes[64];
    u8_t buffer[1600];
    u8_t side = 9;
    start_configured();
    u16_t n = ipv4(bytes, 17, LAN_CLIENT, SERVER, 64, s_udp, sizeof(s_udp));
    ip4_input(packet(bytes, n), &s_ap);
    CHECK(g_glue.wakes == 1);
    u32_t length = nr_port_receive(&g_nr_port, buffer, sizeof(buffer), &side);
    CHECK(length == n && side == NR_SIDE_LAN);
    CHECK(memcmp(buffer, bytes, n) == 0);
    /* The managed core rewrote it (here: unchanged) and forwards it out of the WAN side. */
    CHECK(nr_port_complete(&g_nr_port, NR_VERDICT_FORWARD, buffer, length, NR_SIDE_WAN) == 1);
    CHECK(g_glue.callbacks == 1);
    CHECK(s_sta_sent.count == 1);
    CHECK(s_sta_sent.next_hop == SERVER); /* etharp_output picks the gateway for off-link hops */
    CHECK(s_sta_sent.length == n);
    CHECK(s_sta_sent.bytes[8] == 63);
    CHECK(fold(s_sta_sent.bytes, 20) == 0xFFFFu);
}

static void case_local_verdict_reinjects_and_lwip_answers(void)
{
    u8_t bytes[64];
    u8_t buffer[1600];
    u8_t side;
    static const u8_t echo[12] = {8, 0, 0xF7, 0xFE, 0, 1, 0, 0, 'p', 'i', 'n', 'g'};
    u8_t request[12];
    memcpy(request, echo, sizeof(request));
    u16_t sum = (u16_t)~fold((const u8_t *)"\x08\x00\x00\x00\x00\x01\x00\x00ping", 12);
    request[2] = (u8_t)(sum >> 8);
    request[3] = (u8_t)sum;
    start_configured();
    /* An echo request to a WAN host the core decides is not its business (verdict Local) goes
     * back into lwIP past the hook; lwIP, which does not forward, drops it quietly. */
    u16_t n = ipv4(bytes, 1, LAN_CLIENT, SERVER, 64, request, sizeof(request));
    ip4_input(packet(bytes, n), &s_ap);
    u32_t length = nr_port_receive(&g_nr_port, buffer, sizeof(buffer), &side);
    CHECK(length == n);
    CHECK(nr_port_complete(&g_nr_port, NR_VERDICT_LOCAL, buffer, length, NR_SIDE_LAN) == 1);
    CHECK(g_nr_port.counters.tx_local == 1);
    CHECK(s_ap_sent.count == 0 && s_sta_sent.count == 0);
    /* An echo request to the router itself never enters the hook's queue: lwIP answers it. */
    n = ipv4(bytes, 1, LAN_CLIENT, LAN_ROUTER, 64, request, sizeof(request));
    ip4_input(packet(bytes, n), &s_ap);
    CHECK(s_ap_sent.count == 1);
    CHECK(s_ap_sent.length == n && s_ap_sent.bytes[20] == 0); /* echo reply */
    CHECK(get32(s_ap_sent.bytes + 16) == LAN_CLIENT);
    g_nr_port.counters.tx_local = 0;
}

static void case_full_mailbox_keeps_packets_until_the_next_kick(void)
{
    u8_t bytes[64];
    start_configured();
    u16_t n = ipv4(bytes, 17, LAN_CLIENT, SERVER, 64, s_udp, sizeof(s_udp));
    g_glue.mailbox_full = 1;
    CHECK(nr_port_complete(&g_nr_port, NR_VERDICT_FORWARD, bytes, n, NR_SIDE_WAN) == 1);
    CHECK(s_sta_sent.count == 0);
    g_glue.mailbox_full = 0;
    CHECK(nr_port_complete(&g_nr_port, NR_VERDICT_FORWARD, bytes, n, NR_SIDE_WAN) == 1);
    CHECK(s_sta_sent.count == 2);
}

/* A datagram the native path takes, as the managed fast path does: 40 bytes with the IP header and a
 * checksum (shorter or checksum-less ones go to the engine's slow path); 40000 -> 33434. The
 * checksum is not the datagram's true one: the path only moves it (RFC 1624), it never checks it. */
static const u8_t s_flow_udp[24] = {0x9c, 0x40, 0x82, 0x9a, 0x00, 0x18, 0x12, 0x34, 'n', 'a', 'n', 'o', 'R', 'o', 'u', 't',
                                    'e', 'r', ' ', 'f', 'l', 'o', 'w', '!'};

/* A UDP flow spec (nr_flow.h) for LAN_CLIENT:40000 <-> SERVER, external port 40000, both directions. */
static void udp_spec(u8_t *spec)
{
    nr_flow_spec f;
    memset(&f, 0, sizeof(f));
    f.remote = lwip_htonl(SERVER);
    f.last_seen = 5;
    f.host = (u8_t)(LAN_CLIENT & 0xFF);
    f.kind = NR_FLOW_KIND_UDP | NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN;
    f.u.ports.id[0] = lwip_htons(40000);
    f.u.ports.id[1] = lwip_htons(40000);
    memcpy(spec, &f, sizeof(f));
}

/* The flow table as the managed engine sets it up through the interop methods. */
static void install_udp_flow(u32_t seconds)
{
    u8_t spec[NR_FLOW_SPEC_BYTES + 1];
    nr_flows *flows = nr_esp32_flows();
    CHECK(nr_flows_configure(flows, LAN_ROUTER, 24, WAN_ROUTER, seconds) == NR_FLOW_OK);
    udp_spec(spec + 1); /* any alignment */
    CHECK(nr_flows_set(flows, 3, spec + 1) == NR_FLOW_OK);
}

/* A packet in a pbuf with room in front for the Ethernet header, as ethernet_input leaves it. */
static struct pbuf *received(const u8_t *bytes, u16_t length)
{
    struct pbuf *p = pbuf_alloc(PBUF_LINK, length, PBUF_RAM);
    memcpy(p->payload, bytes, length);
    return p;
}

static void case_native_flow_leaves_from_the_hook_never_queued(void)
{
    u8_t bytes[64];
    u8_t reply[64];
    u8_t state[NR_FLOW_STATE_BYTES_FOR_TEST + 3];
    nr_flow_state read;
    start_configured();
    install_udp_flow(7);
    u32_t consumed = g_nr_port.counters.rx_consumed;
    u16_t n = ipv4(bytes, 17, LAN_CLIENT, SERVER, 64, s_flow_udp, sizeof(s_flow_udp));
    ip4_input(received(bytes, n), &s_ap);
    CHECK(g_glue.wakes == 0 && g_nr_port.counters.rx_consumed == consumed); /* never queued */
    CHECK(g_nr_port.counters.native_forwarded == 1);
    CHECK(s_sta_sent.count == 1 && s_ap_sent.count == 0);
    CHECK(s_sta_sent.next_hop == SERVER);
    CHECK(s_sta_sent.length == n);
    CHECK(get32(s_sta_sent.bytes + 12) == WAN_ROUTER && get32(s_sta_sent.bytes + 16) == SERVER);
    CHECK(s_sta_sent.bytes[8] == 63); /* the TTL, as the TX path takes it off */
    CHECK(fold(s_sta_sent.bytes, 20) == 0xFFFFu);
    CHECK(memcmp(s_sta_sent.bytes + 20, s_flow_udp, 6) == 0); /* ports kept */
    CHECK(get16(s_sta_sent.bytes + 26) != 0x1234);               /* the checksum follows the address */
    CHECK(memcmp(s_sta_sent.bytes + 28, s_flow_udp + 8, sizeof(s_flow_udp) - 8) == 0);

    /* The answer comes back in from the station to the client. */
    static const u8_t answer[24] = {0x82, 0x9a, 0x9c, 0x40, 0x00, 0x18, 0x56, 0x78, 'a', 'n', 's', 'w', 'e', 'r', '!', '!',
                                    'a', 'n', 's', 'w', 'e', 'r', '!', '!'};
    n = ipv4(reply, 17, SERVER, WAN_ROUTER, 60, answer, sizeof(answer));
    ip4_input(received(reply, n), &s_sta);
    CHECK(g_nr_port.counters.native_forwarded == 2 && g_glue.wakes == 0);
    CHECK(s_ap_sent.count == 1 && s_ap_sent.next_hop == LAN_CLIENT);
    CHECK(get32(s_ap_sent.bytes + 12) == SERVER && get32(s_ap_sent.bytes + 16) == LAN_CLIENT);
    CHECK(s_ap_sent.bytes[8] == 59 && fold(s_ap_sent.bytes, 20) == 0xFFFFu);

    /* The managed side reads the counters and the stamp back (any alignment). */
    CHECK(nr_flows_read(nr_esp32_flows(), 3, state + 3) == NR_FLOW_STATE_LIVE);
    memcpy(&read, state + 3, sizeof(read));
    CHECK(read.value[0] == 1 && read.value[1] == 1 && read.last_seen == 7 && read.consistent == 1);
    CHECK(nr_flows_set(nr_esp32_flows(), 3, NULL) == NR_FLOW_OK);
    g_nr_port.counters.native_forwarded = 0;
}

static void case_native_flow_from_a_driver_pbuf_is_copied_once(void)
{
    static u8_t driver[64]; /* the Wi-Fi driver's receive buffer: no room in front of it */
    start_configured();
    install_udp_flow(9);
    u16_t n = ipv4(driver, 17, LAN_CLIENT, SERVER, 64, s_flow_udp, sizeof(s_flow_udp));
    struct pbuf *p = pbuf_alloc(PBUF_RAW, n, PBUF_REF);
    p->payload = driver;
    ip4_input(p, &s_ap);
    CHECK(g_nr_port.counters.native_forwarded == 1 && g_nr_port.counters.native_no_memory == 0);
    CHECK(s_sta_sent.count == 1 && s_sta_sent.length == n);
    CHECK(get32(s_sta_sent.bytes + 12) == WAN_ROUTER && s_sta_sent.bytes[8] == 63);
    CHECK(fold(s_sta_sent.bytes, 20) == 0xFFFFu);
    CHECK(g_glue.wakes == 0);
    CHECK(nr_flows_set(nr_esp32_flows(), 3, NULL) == NR_FLOW_OK);
    g_nr_port.counters.native_forwarded = 0;
}

static void case_native_flow_removed_goes_managed_again(void)
{
    u8_t bytes[64];
    u8_t buffer[1600];
    u8_t side = 9;
    start_configured();
    install_udp_flow(11);
    CHECK(nr_flows_set(nr_esp32_flows(), 3, NULL) == NR_FLOW_OK);
    u16_t n = ipv4(bytes, 17, LAN_CLIENT, SERVER, 64, s_flow_udp, sizeof(s_flow_udp));
    ip4_input(received(bytes, n), &s_ap);
    CHECK(g_nr_port.counters.native_forwarded == 0);
    CHECK(g_glue.wakes == 1 && s_sta_sent.count == 0);
    CHECK(nr_port_receive(&g_nr_port, buffer, sizeof(buffer), &side) == n && side == NR_SIDE_LAN);
    CHECK(memcmp(buffer, bytes, n) == 0);
}

/* The interop methods as IFlowPath calls them: the capacity; SetSeconds stamps what the hook forwards;
 * SetAddresses lets every entry go even when the addresses are the ones already applied (the managed
 * installer has retired every slot by then), where nr_flows_configure keeps them. */
static void case_native_flow_interop_calls_keep_the_flow_path_contract(void)
{
    u8_t bytes[64];
    u8_t state[NR_FLOW_STATE_BYTES_FOR_TEST];
    u8_t buffer[1600];
    u8_t side = 9;
    nr_flow_state read;
    nr_flows *flows;
    start_configured();
    flows = nr_esp32_flows();
    CHECK(flows != NULL && nr_flows_capacity(flows) == 128);
    install_udp_flow(13);
    nr_flows_set_seconds(flows, 21);
    u16_t n = ipv4(bytes, 17, LAN_CLIENT, SERVER, 64, s_flow_udp, sizeof(s_flow_udp));
    ip4_input(received(bytes, n), &s_ap);
    CHECK(g_nr_port.counters.native_forwarded == 1);
    CHECK(nr_flows_read(flows, 3, state) == NR_FLOW_STATE_LIVE);
    memcpy(&read, state, sizeof(read));
    CHECK(read.last_seen == 21);

    CHECK(nr_flows_configure(flows, LAN_ROUTER, 24, WAN_ROUTER, 21) == NR_FLOW_OK);
    CHECK(nr_flows_read(flows, 3, state) == NR_FLOW_STATE_LIVE); /* unchanged: kept */
    CHECK(nr_flows_set_addresses(flows, LAN_ROUTER, 24, WAN_ROUTER) == NR_FLOW_OK);
    CHECK(nr_flows_read(flows, 3, state) != NR_FLOW_STATE_LIVE); /* the same again: gone */
    CHECK(nr_flows_seconds(flows) == 21);
    ip4_input(received(bytes, n), &s_ap);
    CHECK(g_nr_port.counters.native_forwarded == 1 && g_glue.wakes == 1); /* managed again */
    CHECK(nr_port_receive(&g_nr_port, buffer, sizeof(buffer), &side) == n && side == NR_SIDE_LAN);

    /* Installed again under the same addresses, the flow is forwarded in C again. */
    udp_spec(bytes);
    CHECK(nr_flows_set(flows, 3, bytes) == NR_FLOW_OK);
    n = ipv4(bytes, 17, LAN_CLIENT, SERVER, 64, s_flow_udp, sizeof(s_flow_udp));
    ip4_input(received(bytes, n), &s_ap);
    CHECK(g_nr_port.counters.native_forwarded == 2);
    CHECK(nr_flows_set(flows, 3, NULL) == NR_FLOW_OK);
    CHECK(nr_flows_set_addresses(flows, LAN_ROUTER, 23, WAN_ROUTER) == NR_FLOW_INVALID);
    g_nr_port.counters.native_forwarded = 0;
}

typedef struct named_case {
    const char *name;
    void (*run)(void);
} named_case;

static const named_case s_cases[] = {
    {"glue_start_needs_both_netifs", case_start_needs_both_netifs},
    {"glue_expired_ttl_gets_time_exceeded_from_the_lan_address", case_expired_ttl_gets_time_exceeded_from_the_lan_address},
    {"glue_forwarded_packet_leaves_the_station_with_ttl_decremented", case_forwarded_packet_leaves_the_station_with_ttl_decremented},
    {"glue_local_verdict_reinjects_and_lwip_answers", case_local_verdict_reinjects_and_lwip_answers},
    {"glue_full_mailbox_keeps_packets_until_the_next_kick", case_full_mailbox_keeps_packets_until_the_next_kick},
    {"glue_native_flow_leaves_from_the_hook_never_queued", case_native_flow_leaves_from_the_hook_never_queued},
    {"glue_native_flow_from_a_driver_pbuf_is_copied_once", case_native_flow_from_a_driver_pbuf_is_copied_once},
    {"glue_native_flow_removed_goes_managed_again", case_native_flow_removed_goes_managed_again},
    {"glue_native_flow_interop_calls_keep_the_flow_path_contract", case_native_flow_interop_calls_keep_the_flow_path_contract},
};

int main(int argc, char **argv)
{
    int ran = 0;
    lwip_init();
    add(&s_ap, LAN_ROUTER, 0xFFFFFF00u, 0);
    add(&s_sta, WAN_ROUTER, 0xFFFFFF00u, WAN_GATEWAY);
    netif_set_default(&s_sta);
    nr_glue_set_netifs(&s_ap, &s_sta);
    for (unsigned i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++)
    {
        if (argc > 1 && strcmp(argv[1], s_cases[i].name) != 0)
        {
            continue;
        }
        int before = s_failures;
        s_cases[i].run();
        printf("%s: %s\n", s_cases[i].name, s_failures == before ? "passed" : "FAILED");
        ran++;
    }
    if (ran == 0)
    {
        fprintf(stderr, "no such case: %s\n", argv[1]);
        return 2;
    }
    return s_failures == 0 ? 0 : 1;
}

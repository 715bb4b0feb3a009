/*
 * nanoRouter native shim: the ESP32 glue (ESP-IDF 5.x + lwIP). NOT built on the Linux CI:
 * it needs ESP-IDF's headers. Everything it calls into (nr_port.c) is unit-tested on the
 * host; this file only wires the side effects to lwIP and the nanoCLR wake-up.
 *
 * Memory: the slot rings are static (NR_RX_SLOTS + NR_TX_SLOTS) * sizeof(nr_slot), taken
 * from internal DRAM at link time; nothing here allocates per packet except the pbuf that
 * lwIP needs to send or re-inject a packet.
 */
#include "esp_netif.h"
#include "esp_netif_net_stack.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "nr_esp32.h"
#include "nr_lwip_hooks.h"

/* RX covers the longest time the managed packet thread cannot drain the ring, at 2,500
 * packets/s: an admin request's longest run between yields (5,067 IL measured, the IL bench's
 * "longest-run"; the stage gate is 6,000) plus the engine's costliest tick (4,941 IL) plus one
 * packet (~400 IL since the managed refactor, ~200 before), at 0.58 us per IL op = 6.0 ms;
 * 2,500/s x 6.0 ms = 15.0 packets -> 16 slots (a power of two; at the gate's 6,000 IL it is 6.6 ms,
 * 16.4 packets: the edge).
 * A GC during that time (1.4-2.6 ms measured in nanoCLR) or a flash erase (the IDF stalls both
 * cores, lwIP included) is not covered. The engine installs established flows in the native table
 * (NR_FLOW_SLOTS), so the ring carries only what reaches the managed engine: first packets, TCP
 * SYN/FIN/RST, ICMP errors, PPTP control, IKE, L2TP, and flows that found no native slot. That is
 * far below 2,500/s in steady traffic, but not in a burst of new flows (a page load opening dozens
 * of connections, each with its first packets managed) or with more busy flows than slots, which
 * arrive at the managed rate as before; so 16 stays. 8 would give 12 KB back to the managed heap,
 * a choice to make once the burst is measured on hardware (not done: no board here). */
#ifndef NR_RX_SLOTS
#define NR_RX_SLOTS 16
#endif
#ifndef NR_TX_SLOTS
#define NR_TX_SLOTS 4
#endif

/* The native flow table (dataplane/): 28-byte entries and one 2-byte bucket head per direction per
 * slot (32 bytes per flow), plus the 1,244-byte nr_flows (the table's 1,224-byte header with the two
 * address configurations, and the glue's own 20): 128 flows are 3,584 + 512 + 1,244 + 4 (the ready
 * flag) = 5,344 bytes of internal DRAM, which the managed heap is sized from (boards/esp32-devkitc/
 * README.md, "Memory"). The managed engine installs into it through the interop methods
 * (nr_interop.cpp Flow*, NativePacketPort's IFlowPath). 128, a power of two (one bucket per slot),
 * fewer than the engine's 512 sessions on purpose: most sessions of a small network are idle at any
 * moment, the installer gives idle flows' slots back when it is crowded, and a flow that finds no
 * slot stays managed. -DNR_FLOW_SLOTS=0 builds the firmware without it (FlowCapacity then answers
 * 0 and the engine runs without a native path). */
#ifndef NR_FLOW_SLOTS
#define NR_FLOW_SLOTS 128
#endif

static nr_slot s_rx_slots[NR_RX_SLOTS];
static nr_slot s_tx_slots[NR_TX_SLOTS];
#if NR_FLOW_SLOTS > 0
static nr_flows s_flows;
static nr_flow_entry s_flow_entries[NR_FLOW_SLOTS];
static uint16_t s_flow_heads[2][NR_FLOW_SLOTS];
static int s_flows_ready;
#endif
static struct tcpip_callback_msg *s_tx_message;
static u32_t s_tx_pending;

nr_port g_nr_port; /* zeroed until nr_esp32_start: the hook then consumes nothing */

static void nr_tx_callback(void *ctx)
{
    (void)ctx;
    __atomic_store_n(&s_tx_pending, 0u, __ATOMIC_RELEASE);
    nr_port_drain_tx(&g_nr_port);
}

static void nr_kick_tx(void *ctx)
{
    (void)ctx;
    /* At most one callback message in flight: it is preallocated and reused. If lwIP's
     * mailbox is full the packets wait in the ring until the next kick. */
    if (__atomic_exchange_n(&s_tx_pending, 1u, __ATOMIC_ACQ_REL) == 0u &&
        tcpip_callbackmsg_trycallback(s_tx_message) != ERR_OK)
    {
        __atomic_store_n(&s_tx_pending, 0u, __ATOMIC_RELEASE);
    }
}

static err_t nr_output(void *ctx, struct netif *netif, struct pbuf *p, u32_t destination)
{
    ip4_addr_t next;
    (void)ctx;
    ip4_addr_set_u32(&next, lwip_htonl(destination));
    /* etharp_output: routes to the netif's gateway when off-link, ARPs, queues if pending. */
    return netif->output(netif, p, &next);
}

static void nr_reinject(void *ctx, struct netif *netif, struct pbuf *p)
{
    (void)ctx;
    ip4_input(p, netif); /* the hook sees g_nr_port.reinjecting and lets it through */
}

int nr_lwip_hook_ip4_input(struct pbuf *p, struct netif *inp)
{
    return nr_port_input(&g_nr_port, p, inp);
}

static struct netif *nr_netif_of(const char *key)
{
    esp_netif_t *handle = esp_netif_get_handle_from_ifkey(key);
    return handle != NULL ? (struct netif *)esp_netif_get_netif_impl(handle) : NULL;
}

int nr_esp32_start(void)
{
    static const nr_ops ops = {nr_esp32_wake_clr, nr_kick_tx, nr_output, nr_reinject, NULL};
    struct netif *ap = nr_netif_of("WIFI_AP_DEF");
    struct netif *sta = nr_netif_of("WIFI_STA_DEF");
    if (ap == NULL || sta == NULL)
    {
        return 0;
    }
    if (s_tx_message == NULL)
    {
        s_tx_message = tcpip_callbackmsg_new(nr_tx_callback, NULL);
        if (s_tx_message == NULL || !nr_port_init(&g_nr_port, s_rx_slots, NR_RX_SLOTS, s_tx_slots, NR_TX_SLOTS, &ops))
        {
            return 0;
        }
    }
    nr_port_attach(&g_nr_port, NR_SIDE_LAN, ap);
    nr_port_attach(&g_nr_port, NR_SIDE_WAN, sta);
    nr_port_attach_flows(&g_nr_port, nr_esp32_flows());
    return 1;
}

nr_flows *nr_esp32_flows(void)
{
#if NR_FLOW_SLOTS > 0
    /* The engine configures and installs from its first tick, which may come before Wi-Fi is up. */
    if (!s_flows_ready)
    {
        s_flows_ready = nr_flows_init(&s_flows, s_flow_entries, s_flow_heads[0], s_flow_heads[1], NR_FLOW_SLOTS, esp_random());
    }
    return s_flows_ready ? &s_flows : NULL;
#else
    return NULL;
#endif
}

s32_t nr_esp32_now_ms(void)
{
    return (s32_t)(u32_t)(esp_timer_get_time() / 1000);
}

/*
 * nanoRouter native shim: the packet port between lwIP and the managed core.
 *
 *   lwIP tcpip thread                         nanoCLR thread (managed)
 *   nr_port_input (IPv4 input hook) --RX ring--> nr_port_receive
 *     `- native flow path: netif output   <----- nr_flows_* (installs, removals, reads)
 *   nr_port_drain_tx              <--TX ring--- nr_port_complete
 *
 * With a native flow table attached (nr_port_attach_flows), the hook first hands every checked
 * packet that is one piece to the flow path (dataplane/, nr_flow_process): a packet of an installed
 * flow is translated in place (TTL included) and sent with netif output at once, never queued;
 * everything else goes on as before (classification, the RX ring, the managed engine).
 *
 * Side effects that need the OS, lwIP's output path or the CLR go through
 * nr_ops, so this file builds and is unit-tested on a Linux host against
 * Debian's lwIP; nr_esp32.c wires the ops on the device.
 */
#ifndef NR_PORT_H
#define NR_PORT_H

#include "lwip/err.h"
#include "lwip/pbuf.h"
#include "nr_flows.h"
#include "nr_ring.h"
#include "nr_shim.h"

#ifdef __cplusplus
extern "C" {
#endif

struct netif;

typedef struct nr_ops {
    /* RX: a packet is waiting for the managed side (device: Events_Set). */
    void (*wake_consumer)(void *ctx);
    /* TX: run nr_port_drain_tx on the tcpip thread soon (device: a preallocated
     * tcpip callback message). */
    void (*kick_tx)(void *ctx);
    /* Sends p (an IPv4 packet) out of netif towards destination (device:
     * netif->output, i.e. etharp_output, which resolves the next hop and ARPs).
     * The caller keeps p and frees it afterwards. Also carries the ICMP Time
     * Exceeded the port builds itself for a packet that arrives with TTL <= 1. */
    err_t (*output)(void *ctx, struct netif *netif, struct pbuf *p, u32_t destination);
    /* Hands p to lwIP's normal IPv4 input, which takes ownership (device: ip4_input). */
    void (*reinject)(void *ctx, struct netif *netif, struct pbuf *p);
    void *ctx;
} nr_ops;

/* Counters; each is written by one thread only. Order matches the managed
 * NativePacketPort.ReadCounters (NanoRouter.Hal.Esp32). */
typedef struct nr_counters {
    u32_t rx_consumed;     /* queued for the managed core */
    u32_t rx_passed;       /* left to lwIP (router-local, broadcast, not mapped) */
    u32_t rx_malformed;    /* failed nr_check_ipv4: left to lwIP, which drops them */
    u32_t rx_expired;      /* TTL <= 1: dropped, ICMP time exceeded sent back out of the ingress netif */
    u32_t rx_truncated;    /* managed buffer smaller than the packet: dropped */
    u32_t tx_forwarded;    /* sent with netif output */
    u32_t tx_local;        /* re-injected into lwIP */
    u32_t tx_malformed;    /* refused by nr_port_complete: bad verdict, side or packet */
    u32_t tx_no_memory;    /* pbuf_alloc failed */
    u32_t tx_output_error; /* netif output returned an error */
    u32_t tx_no_netif;     /* egress side not attached */
    u32_t native_forwarded;    /* forwarded by the native flow path from the hook */
    u32_t native_no_memory;    /* native: no pbuf to send a driver-owned packet from (dropped) */
    u32_t native_output_error; /* native: netif output returned an error */
} nr_counters;

#define NR_COUNTER_COUNT (sizeof(nr_counters) / sizeof(u32_t))

typedef struct nr_port {
    nr_config config;
    nr_ring rx;
    nr_ring tx;
    struct netif *netifs[2]; /* [NR_SIDE_LAN] = soft-AP, [NR_SIDE_WAN] = station */
    nr_ops ops;
    int reinjecting;         /* tcpip thread only: the hook lets re-injected packets through */
    nr_flows *flows;         /* the native flow table, or NULL: every consumed packet is queued */
    nr_counters counters;
} nr_port;

/* Sets up the port over caller-owned slot arrays (powers of two). Returns 0 on
 * a bad capacity. The config starts at nr_config_default. */
int nr_port_init(nr_port *port, nr_slot *rx_slots, u32_t rx_capacity, nr_slot *tx_slots, u32_t tx_capacity,
                 const nr_ops *ops);

/* Tells the port which netif is which side (NULL detaches). */
void nr_port_attach(nr_port *port, u8_t side, struct netif *netif);

/* Puts the native flow table in the hook (NULL: none). Both netifs must be attached first. */
void nr_port_attach_flows(nr_port *port, nr_flows *flows);

/* The LWIP_HOOK_IP4_INPUT body. Returns 1 when it consumed p (and freed it), 0
 * when lwIP should process p as usual. */
int nr_port_input(nr_port *port, struct pbuf *p, struct netif *inp);

/* Consumer: copies the oldest queued packet into buffer. Returns its length and
 * sets *side, or 0 when nothing is queued. When the buffer has room, the
 * NR_LINK_SOURCE_BYTES after the packet receive its link-layer source address
 * (IPacketPort.Receive's contract: the Ethernet source of a LAN frame, zeros for
 * the WAN), which the managed NAT charges new sessions to. */
u32_t nr_port_receive(nr_port *port, u8_t *buffer, u32_t capacity, u8_t *side);

/* Producer: queues the managed core's verdict for a packet. Drop needs nothing
 * and returns 1. Forward (out of side) and Local (back into lwIP on side) copy
 * the packet into the TX ring and kick the tcpip thread. Returns 0 when refused
 * (bad arguments, malformed packet, ring full). */
int nr_port_complete(nr_port *port, u8_t verdict, const u8_t *buffer, u32_t length, u8_t side);

/* tcpip thread: sends or re-injects every packet in the TX ring. Forwarded
 * packets get their TTL decremented here (the core leaves TTL alone). */
void nr_port_drain_tx(nr_port *port);

/* Fills out[0..count) with the counters followed by the RX and TX overflow counts. */
u32_t nr_port_counters(const nr_port *port, u32_t *out, u32_t count);

#ifdef __cplusplus
}
#endif

#endif /* NR_PORT_H */

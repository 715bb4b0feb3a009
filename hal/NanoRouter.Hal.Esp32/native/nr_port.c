/* nanoRouter native shim: the packet port. See nr_port.h. */
#include "nr_port.h"

#include <string.h>

/* Destination, source, EtherType: the header ethernet_input strips before the IPv4 input hook. */
#define NR_ETH_HEADER_BYTES 14

int nr_port_init(nr_port *port, nr_slot *rx_slots, u32_t rx_capacity, nr_slot *tx_slots, u32_t tx_capacity,
                 const nr_ops *ops)
{
    memset(port, 0, sizeof(*port));
    nr_config_default(&port->config);
    port->ops = *ops;
    return nr_ring_init(&port->rx, rx_slots, rx_capacity, 0) && nr_ring_init(&port->tx, tx_slots, tx_capacity, 0);
}

void nr_port_attach(nr_port *port, u8_t side, struct netif *netif)
{
    if (side <= NR_SIDE_WAN)
    {
        port->netifs[side] = netif;
    }
}

void nr_port_attach_flows(nr_port *port, nr_flows *flows)
{
    port->flows = flows;
}

/* The native flow path (see nr_port.h): returns 1 when it forwarded p (and p is gone), 0 when p is
 * not one of its flows (untouched: the hook goes on as before). p holds the whole packet in its first
 * pbuf, total bytes (checked by nr_check_ipv4). netif output (etharp) puts the Ethernet header in
 * front of the payload: a pbuf with room there (RAM, pool: ethernet_input only moved the payload past
 * the header) goes as it is; one without (the Wi-Fi driver's PBUF_REF) is copied into one with room. */
static int nr_port_forward_native(nr_port *port, struct pbuf *p, u16_t total, u8_t side)
{
    u8_t egress = side;
    struct netif *netif;
    struct pbuf *q = p;
    if (nr_flow_process(&port->flows->table, (u8_t *)p->payload, total, side, nr_flows_seconds(port->flows), &egress) !=
        NR_FLOW_HIT)
    {
        return 0;
    }
    netif = port->netifs[egress];
    if (p->tot_len > total)
    {
        pbuf_realloc(p, total); /* link-layer padding is not part of the packet */
    }
    if (pbuf_add_header(p, PBUF_LINK_HLEN) == 0)
    {
        pbuf_remove_header(p, PBUF_LINK_HLEN);
    }
    else
    {
        q = pbuf_alloc(PBUF_LINK, total, PBUF_RAM);
        if (q == NULL)
        {
            port->counters.native_no_memory++;
            pbuf_free(p);
            return 1;
        }
        memcpy(q->payload, p->payload, total);
        pbuf_free(p);
    }
    if (port->ops.output(port->ops.ctx, netif, q, nr_get32((const u8_t *)q->payload + NR_IP_DESTINATION)) == ERR_OK)
    {
        port->counters.native_forwarded++;
    }
    else
    {
        port->counters.native_output_error++;
    }
    pbuf_free(q);
    return 1;
}

/* Answers a packet that would be forwarded with TTL <= 1 with ICMP Time Exceeded,
 * from the router's address on the side it came from, out of the netif it came
 * in on (RFC 1812 section 5.3.1). Built here, not by lwIP's icmp_time_exceeded,
 * which lwIP compiles only with IP_FORWARD or IP_REASSEMBLY (both off on the
 * device). A reply that cannot be sent is counted like any other send. */
static void nr_port_send_time_exceeded(nr_port *port, u8_t side, struct netif *inp, const u8_t *original,
                                       u32_t original_length)
{
    u8_t reply[NR_TIME_EXCEEDED_MAX];
    u32_t source = side == NR_SIDE_LAN ? port->config.lan_address : port->config.wan_address;
    u32_t length = nr_build_time_exceeded(reply, original, original_length, source);
    struct pbuf *q;
    if (length == 0 || port->ops.output == NULL)
    {
        return;
    }
    q = pbuf_alloc(PBUF_LINK, (u16_t)length, PBUF_RAM);
    if (q == NULL)
    {
        port->counters.tx_no_memory++;
        return;
    }
    memcpy(q->payload, reply, length);
    if (port->ops.output(port->ops.ctx, inp, q, nr_get32(reply + NR_IP_DESTINATION)) != ERR_OK)
    {
        port->counters.tx_output_error++;
    }
    pbuf_free(q);
}

int nr_port_input(nr_port *port, struct pbuf *p, struct netif *inp)
{
    u8_t window[NR_CLASSIFY_WINDOW];
    u16_t window_length;
    u16_t total = 0;
    u8_t side;
    nr_slot *slot;

    if (port->reinjecting || p == NULL || inp == NULL)
    {
        return 0;
    }
    if (inp == port->netifs[NR_SIDE_LAN])
    {
        side = NR_SIDE_LAN;
    }
    else if (inp == port->netifs[NR_SIDE_WAN])
    {
        side = NR_SIDE_WAN;
    }
    else
    {
        return 0;
    }

    window_length = pbuf_copy_partial(p, window, p->tot_len < sizeof(window) ? p->tot_len : sizeof(window), 0);
    if (nr_check_ipv4(window, window_length, p->tot_len, NR_SLOT_BYTES, &total) != NR_CHECK_OK)
    {
        port->counters.rx_malformed++;
        return 0;
    }
    /* An established flow: forwarded here, in C (both netifs are attached before the flows are). */
    if (port->flows != NULL && p->len >= total && nr_port_forward_native(port, p, total, side))
    {
        return 1;
    }
    switch (nr_classify(&port->config, window, window_length < total ? window_length : total, side))
    {
    case NR_CLASS_PASS:
        port->counters.rx_passed++;
        return 0;
    case NR_CLASS_EXPIRED:
        port->counters.rx_expired++;
        nr_port_send_time_exceeded(port, side, inp, window, window_length < total ? window_length : total);
        pbuf_free(p);
        return 1;
    default:
        break;
    }

    slot = nr_ring_reserve(&port->rx);
    if (slot == NULL)
    {
        pbuf_free(p); /* counted as rx.overflow */
        return 1;
    }
    slot->length = pbuf_copy_partial(p, slot->data, total, 0); /* == total: checked above */
    slot->side = side;
    slot->verdict = 0;
    if (side == NR_SIDE_LAN)
    {
        /* ethernet_input moved the payload past the Ethernet header (pbuf_remove_header: a
         * pointer move within the same buffer), so the header's bytes still lie just before it:
         * destination (6), source (6), type (2). The soft-AP netif's frames all come that way. */
        memcpy(slot->link_source, (const u8_t *)p->payload - NR_ETH_HEADER_BYTES + NR_LINK_SOURCE_BYTES, NR_LINK_SOURCE_BYTES);
    }
    else
    {
        memset(slot->link_source, 0, NR_LINK_SOURCE_BYTES);
    }
    nr_ring_publish(&port->rx);
    port->counters.rx_consumed++;
    pbuf_free(p);
    if (port->ops.wake_consumer != NULL)
    {
        port->ops.wake_consumer(port->ops.ctx);
    }
    return 1;
}

u32_t nr_port_receive(nr_port *port, u8_t *buffer, u32_t capacity, u8_t *side)
{
    nr_slot *slot = nr_ring_peek(&port->rx);
    u32_t length;
    if (slot == NULL)
    {
        return 0;
    }
    length = slot->length;
    if (length > capacity)
    {
        port->counters.rx_truncated++;
        nr_ring_release(&port->rx);
        return 0;
    }
    memcpy(buffer, slot->data, length);
    if (capacity - length >= NR_LINK_SOURCE_BYTES)
    {
        memcpy(buffer + length, slot->link_source, NR_LINK_SOURCE_BYTES);
    }
    *side = slot->side;
    nr_ring_release(&port->rx);
    return length;
}

int nr_port_complete(nr_port *port, u8_t verdict, const u8_t *buffer, u32_t length, u8_t side)
{
    u16_t total = 0;
    nr_slot *slot;
    if (verdict == NR_VERDICT_DROP)
    {
        return 1;
    }
    if ((verdict != NR_VERDICT_FORWARD && verdict != NR_VERDICT_LOCAL) || side > NR_SIDE_WAN || buffer == NULL ||
        nr_check_ipv4(buffer, length, length, NR_SLOT_BYTES, &total) != NR_CHECK_OK)
    {
        port->counters.tx_malformed++;
        return 0;
    }
    slot = nr_ring_reserve(&port->tx);
    if (slot == NULL)
    {
        return 0; /* counted as tx.overflow */
    }
    memcpy(slot->data, buffer, total);
    slot->length = total;
    slot->side = side;
    slot->verdict = verdict;
    nr_ring_publish(&port->tx);
    if (port->ops.kick_tx != NULL)
    {
        port->ops.kick_tx(port->ops.ctx);
    }
    return 1;
}

void nr_port_drain_tx(nr_port *port)
{
    nr_slot *slot;
    while ((slot = nr_ring_peek(&port->tx)) != NULL)
    {
        struct netif *netif = port->netifs[slot->side];
        u8_t verdict = slot->verdict;
        struct pbuf *p;
        if (netif == NULL)
        {
            port->counters.tx_no_netif++;
            nr_ring_release(&port->tx);
            continue;
        }
        /* PBUF_LINK leaves room for the Ethernet header etharp_output prepends. */
        p = pbuf_alloc(PBUF_LINK, slot->length, PBUF_RAM);
        if (p == NULL)
        {
            port->counters.tx_no_memory++;
            nr_ring_release(&port->tx);
            continue;
        }
        memcpy(p->payload, slot->data, slot->length);
        nr_ring_release(&port->tx);

        if (verdict == NR_VERDICT_LOCAL)
        {
            port->reinjecting = 1;
            port->ops.reinject(port->ops.ctx, netif, p); /* takes p */
            port->reinjecting = 0;
            port->counters.tx_local++;
            continue;
        }
        if (!nr_ttl_decrement((u8_t *)p->payload, p->len))
        {
            /* Cannot happen: the input hook answers TTL <= 1 itself. */
            port->counters.tx_malformed++;
            pbuf_free(p);
            continue;
        }
        if (port->ops.output(port->ops.ctx, netif, p, nr_get32((const u8_t *)p->payload + NR_IP_DESTINATION)) == ERR_OK)
        {
            port->counters.tx_forwarded++;
        }
        else
        {
            port->counters.tx_output_error++;
        }
        pbuf_free(p);
    }
}

u32_t nr_port_counters(const nr_port *port, u32_t *out, u32_t count)
{
    const u32_t *c = (const u32_t *)&port->counters;
    u32_t i;
    u32_t n = 0;
    for (i = 0; i < NR_COUNTER_COUNT && n < count; i++)
    {
        out[n++] = c[i];
    }
    if (n < count)
    {
        out[n++] = port->rx.overflow;
    }
    if (n < count)
    {
        out[n++] = port->tx.overflow;
    }
    return n;
}

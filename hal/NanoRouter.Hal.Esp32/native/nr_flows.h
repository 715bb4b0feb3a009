/*
 * nanoRouter native shim: the native flow table on the device, its control side (nanoCLR's
 * thread, through the interop methods) and what the input hook needs of it. The flow path itself
 * is dataplane/ (nr_flow.h), shared with the host board; this is the thin layer the InternalCalls
 * reach: records as byte arrays of any alignment, the addresses applied only when they change, and
 * the engine's clock in seconds for the hook's last-seen stamps.
 */
#ifndef NR_FLOWS_H
#define NR_FLOWS_H

#include "lwip/arch.h"
#include "nr_flow.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nr_flows {
    nr_flow_table table;
    u32_t seconds;     /* the engine's seconds: written by the control thread, read by the hook */
    u32_t lan_address; /* the addresses the table was last given (host order) */
    u32_t lan_prefix;
    u32_t wan_address;
    int configured;    /* addresses applied at least once */
} nr_flows;

/* Sets the table up over caller-owned arrays (capacity entries, capacity bucket heads per
 * direction: a power of two); seed picks the hash multiplier (random per boot). Returns 1, or 0 on
 * bad arguments. */
int nr_flows_init(nr_flows *flows, nr_flow_entry *entries, uint16_t *out_heads, uint16_t *in_heads, u32_t capacity,
                  u32_t seed);

/* Control thread: the engine's addresses (applied, and every entry removed, only when they differ
 * from the last ones applied; NR_FLOW_BUSY while a grace period runs: call again) and its clock in
 * seconds. Returns an NR_FLOW_* status. */
int nr_flows_configure(nr_flows *flows, u32_t lan_address, u32_t lan_prefix, u32_t wan_address, u32_t seconds);

/* Control thread: the engine's addresses (IFlowPath.SetAddresses): applied, and every entry removed,
 * even when they are the ones applied last (the managed side has let every installed flow go).
 * NR_FLOW_BUSY while a grace period runs: call again. Returns an NR_FLOW_* status. */
int nr_flows_set_addresses(nr_flows *flows, u32_t lan_address, u32_t lan_prefix, u32_t wan_address);

/* Control thread: the engine's clock in seconds (IFlowPath.SetSeconds), for the hook's stamps. */
void nr_flows_set_seconds(nr_flows *flows, u32_t seconds);

/* Control thread: installs the NR_FLOW_SPEC_BYTES at spec (any alignment) at slot, or removes the
 * slot's entry when spec is NULL. Returns an NR_FLOW_* status. */
int nr_flows_set(nr_flows *flows, u32_t slot, const u8_t *spec);

/* Control thread: reads a slot's state (nr_flow_state, 20 bytes) to out (any alignment). Returns
 * the state or -1 (nr_flow_read). */
int nr_flows_read(nr_flows *flows, u32_t slot, u8_t *out);

/* The number of slots (fixed at nr_flows_init). */
static inline u32_t nr_flows_capacity(const nr_flows *flows)
{
    return flows->table.capacity;
}

/* The hook (tcpip thread): the seconds to stamp with. */
static inline u32_t nr_flows_seconds(const nr_flows *flows)
{
    return __atomic_load_n(&flows->seconds, __ATOMIC_RELAXED);
}

#ifdef __cplusplus
}
#endif

#endif /* NR_FLOWS_H */

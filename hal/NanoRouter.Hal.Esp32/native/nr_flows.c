/* nanoRouter native shim: the native flow table's control side on the device. See nr_flows.h. */
#include "nr_flows.h"

#include <string.h>

int nr_flows_init(nr_flows *flows, nr_flow_entry *entries, uint16_t *out_heads, uint16_t *in_heads, u32_t capacity,
                  u32_t seed)
{
    memset(flows, 0, sizeof(*flows));
    return nr_flow_init(&flows->table, entries, capacity, out_heads, in_heads, capacity, seed, 0) == NR_FLOW_OK;
}

int nr_flows_configure(nr_flows *flows, u32_t lan_address, u32_t lan_prefix, u32_t wan_address, u32_t seconds)
{
    int status = NR_FLOW_OK;
    __atomic_store_n(&flows->seconds, seconds, __ATOMIC_RELAXED);
    if (!flows->configured || flows->lan_address != lan_address || flows->lan_prefix != lan_prefix ||
        flows->wan_address != wan_address)
    {
        status = nr_flow_set_addresses(&flows->table, lan_address, lan_prefix, wan_address);
        if (status == NR_FLOW_OK)
        {
            flows->configured = 1;
            flows->lan_address = lan_address;
            flows->lan_prefix = lan_prefix;
            flows->wan_address = wan_address;
        }
    }
    return status;
}

int nr_flows_set_addresses(nr_flows *flows, u32_t lan_address, u32_t lan_prefix, u32_t wan_address)
{
    flows->configured = 0; /* applied even when unchanged; stays 0 on NR_FLOW_BUSY, so the retry applies them */
    return nr_flows_configure(flows, lan_address, lan_prefix, wan_address, nr_flows_seconds(flows));
}

void nr_flows_set_seconds(nr_flows *flows, u32_t seconds)
{
    __atomic_store_n(&flows->seconds, seconds, __ATOMIC_RELAXED);
}

int nr_flows_set(nr_flows *flows, u32_t slot, const u8_t *spec)
{
    nr_flow_spec copy;
    if (spec == NULL)
    {
        return nr_flow_remove(&flows->table, slot);
    }
    memcpy(&copy, spec, sizeof(copy));
    return nr_flow_install(&flows->table, slot, &copy);
}

int nr_flows_read(nr_flows *flows, u32_t slot, u8_t *out)
{
    nr_flow_state state;
    int result = nr_flow_read(&flows->table, slot, &state);
    if (result >= 0)
    {
        memcpy(out, &state, sizeof(state));
    }
    return result;
}

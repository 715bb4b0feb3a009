/*
 * nanoRouter flow path: the table's life, on the control thread (install, remove, flush,
 * addresses, reads, grace periods). See the one-writer protocol in nr_flow.h. Nothing here runs
 * per packet; the packet hook is nr_flow_path.c.
 */
#include "nr_flow_internal.h"

/* How often nr_flow_read tries for a snapshot no packet interleaved with. */
#define NR_READ_ATTEMPTS 8

/* A configuration that matches nothing: (x & 0) is never 1. */
static void nr_config_clear(nr_flow_config *cfg)
{
    uint32_t d;
    __builtin_memset(cfg, 0, sizeof(*cfg));
    for (d = 0; d < 2; d++)
    {
        cfg->dir[d].check_value = 1;
        cfg->dir[d].tag_mask = NR_TAG_MASK_IN;
    }
}

int nr_flow_init(nr_flow_table *t, nr_flow_entry *entries, uint32_t capacity, uint16_t *out_heads, uint16_t *in_heads,
                 uint32_t buckets, uint32_t seed, uint32_t flags)
{
    uint32_t bits = 0;
    uint32_t i;
    if (t == NULL || entries == NULL || out_heads == NULL || in_heads == NULL || capacity == 0 ||
        capacity > NR_FLOW_MAX_CAPACITY || buckets < 2 || buckets > 65536u || (buckets & (buckets - 1u)) != 0 ||
        (flags & ~NR_FLOW_KEEP_TTL) != 0)
    {
        return NR_FLOW_INVALID;
    }
    while ((1u << bits) < buckets)
    {
        bits++;
    }
    __builtin_memset(t, 0, sizeof(*t));
    t->entries = entries;
    t->heads[NR_FLOW_DIR_OUT] = out_heads;
    t->heads[NR_FLOW_DIR_IN] = in_heads;
    t->capacity = capacity;
    t->hash_shift = 32u - bits;
    t->hash_multiplier = (seed * 2654435761u) | 0x9E370001u; /* odd, high bits set */
    t->flags = flags;
    t->ttl_step = (flags & NR_FLOW_KEEP_TTL) ? 0u : 1u;
    t->ttl_delta = (flags & NR_FLOW_KEEP_TTL) ? 0u : NR_DELTA_TTL_DECREMENT;
    nr_config_clear(&t->config[0]);
    nr_config_clear(&t->config[1]);
    t->config_current = &t->config[0];
    for (i = 0; i < buckets; i++)
    {
        out_heads[i] = NR_FLOW_NONE;
        in_heads[i] = NR_FLOW_NONE;
    }
    __builtin_memset(entries, 0, (size_t)capacity * sizeof(nr_flow_entry));
    for (i = 0; i < capacity; i++)
    {
        entries[i].next[0] = NR_FLOW_NONE;
        entries[i].next[1] = NR_FLOW_NONE;
    }
    return NR_FLOW_OK;
}

static size_t nr_align4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

size_t nr_flow_block_bytes(uint32_t capacity, uint32_t buckets)
{
    return nr_align4(sizeof(nr_flow_table)) + (size_t)capacity * sizeof(nr_flow_entry) +
           2u * nr_align4((size_t)buckets * sizeof(uint16_t));
}

nr_flow_table *nr_flow_init_block(void *block, size_t block_bytes, uint32_t capacity, uint32_t buckets, uint32_t seed,
                                  uint32_t flags)
{
    uint8_t *base = (uint8_t *)block;
    nr_flow_table *t;
    nr_flow_entry *entries;
    uint16_t *out_heads;
    uint16_t *in_heads;
    size_t heads_bytes = nr_align4((size_t)buckets * sizeof(uint16_t));
    if (block == NULL || ((uintptr_t)block & 3u) != 0 || capacity == 0 || capacity > NR_FLOW_MAX_CAPACITY ||
        buckets > 65536u || block_bytes < nr_flow_block_bytes(capacity, buckets))
    {
        return NULL;
    }
    t = (nr_flow_table *)(void *)base;
    entries = (nr_flow_entry *)(void *)(base + nr_align4(sizeof(nr_flow_table)));
    out_heads = (uint16_t *)(void *)((uint8_t *)entries + (size_t)capacity * sizeof(nr_flow_entry));
    in_heads = (uint16_t *)(void *)((uint8_t *)out_heads + heads_bytes);
    return nr_flow_init(t, entries, capacity, out_heads, in_heads, buckets, seed, flags) == NR_FLOW_OK ? t : NULL;
}

/* ---- grace periods ---- */

/* Called after unlinking (seq_cst stores): a data call that could still see what was unlinked is
 * one in progress now. */
static void nr_retire(nr_flow_table *t)
{
    uint32_t epoch = NR_LOAD_SC(t->epoch);
    if ((epoch & 1u) == 0)
    {
        /* Nothing in progress: every call that could see the old links has returned, and so has
         * every call of earlier retirements (the data thread runs one call at a time). */
        t->retire_pending = 0;
    }
    else
    {
        t->retire_epoch = epoch;
        t->retire_pending = 1;
    }
}

/* Whether every retirement so far is past its grace period. A later retirement replaces the
 * epoch an earlier one waits for; waiting for the later call covers the earlier one. */
static int nr_quiescent(nr_flow_table *t)
{
    if (t->retire_pending && NR_LOAD_ACQUIRE(t->epoch) != t->retire_epoch)
    {
        t->retire_pending = 0;
    }
    return !t->retire_pending;
}

/* ---- addresses ---- */

int nr_flow_set_addresses(nr_flow_table *t, uint32_t lan_address, uint32_t lan_prefix, uint32_t wan_address)
{
    nr_flow_config *cfg;
    uint32_t lan_mask;
    uint32_t d;
    int quiet;
    if (t == NULL || lan_prefix < 24u || lan_prefix > 30u)
    {
        return NR_FLOW_INVALID;
    }
    /* The copy not in use may still be read by a call that began before the last change: judged
     * before this change's own flush starts a grace period of its own. */
    quiet = nr_quiescent(t);
    nr_flow_flush(t);
    if (!quiet)
    {
        return NR_FLOW_BUSY;
    }
    cfg = NR_LOAD_RELAXED(t->config_current) == &t->config[0] ? &t->config[1] : &t->config[0];
    nr_config_clear(cfg);
    lan_mask = 0xFFFFFFFFu << (32u - lan_prefix);
    if (wan_address != 0 && lan_address != 0)
    {
        nr_flow_direction *out = &cfg->dir[NR_FLOW_DIR_OUT];
        nr_flow_direction *in = &cfg->dir[NR_FLOW_DIR_IN];
        out->check_mask = nr_wire_of(lan_mask);
        out->check_value = nr_wire_of(lan_address & lan_mask);
        out->rewrite_base = nr_wire_of(wan_address);
        out->rewrite_host = 0;
        out->key_host = 0xFFu << NR_TAG_HOST_SHIFT;
        out->tag_mask = NR_TAG_MASK_OUT;
        in->check_mask = 0xFFFFFFFFu;
        in->check_value = nr_wire_of(wan_address);
        in->rewrite_base = nr_wire_of(lan_address & 0xFFFFFF00u);
        in->rewrite_host = 0xFF000000u;
        in->key_host = 0;
        in->tag_mask = NR_TAG_MASK_IN;
        in->delta_flip = 0xFFFFu;
        for (d = 0; d < 256; d++)
        {
            cfg->host_delta[d] =
                (uint16_t)nr_delta32(nr_wire_of((lan_address & 0xFFFFFF00u) | d), nr_wire_of(wan_address));
        }
    }
    t->lan_address = lan_address;
    t->lan_prefix = lan_prefix;
    t->wan_address = wan_address;
    NR_STORE_SC(t->config_current, cfg);
    nr_retire(t);
    t->config_pending = 1;
    return NR_FLOW_OK;
}

/* ---- entries ---- */

static uint32_t nr_spec_bucket(const nr_flow_table *t, const nr_flow_spec *spec, uint32_t d)
{
    uint32_t kind = spec->kind & NR_FLOW_KIND_MASK;
    return nr_bucket(t, spec->remote, nr_spec_id(spec, kind, d), nr_spec_tag(spec, d));
}

/* Whether two specs match the same packets in direction d. */
static int nr_same_key(const nr_flow_spec *a, const nr_flow_spec *b, uint32_t d)
{
    uint32_t kind = a->kind & NR_FLOW_KIND_MASK;
    return (b->kind & NR_FLOW_KIND_MASK) == kind && a->remote == b->remote && nr_spec_tag(a, d) == nr_spec_tag(b, d) &&
           nr_spec_id(a, kind, d) == nr_spec_id(b, kind, d);
}

static int nr_spec_valid(const nr_flow_table *t, const nr_flow_spec *spec)
{
    uint32_t kind = spec->kind & NR_FLOW_KIND_MASK;
    uint32_t host_address;
    if (kind == NR_FLOW_KIND_FREE || (spec->kind & ~NR_FLOW_SPEC_KIND_BITS) != 0 ||
        (spec->kind & (NR_FLOW_MATCH_OUT | NR_FLOW_MATCH_IN)) == 0)
    {
        return 0;
    }
    /* The host's address must be a host of the LAN subnet (not its network or broadcast address,
     * not the router's). */
    host_address = (t->lan_address & 0xFFFFFF00u) | spec->host;
    if (t->lan_prefix == 0 || (host_address >> (32u - t->lan_prefix)) != (t->lan_address >> (32u - t->lan_prefix)))
    {
        return 0;
    }
    {
        uint32_t host_bits = 0xFFFFFFFFu >> t->lan_prefix;
        uint32_t part = host_address & host_bits;
        if (part == 0 || part == host_bits || host_address == t->lan_address)
        {
            return 0; /* the router's own address is never a flow's host */
        }
    }
    /* Reserved fields are zero, so that the managed mirror and this side never disagree on them. */
    switch (kind)
    {
    case NR_FLOW_KIND_UDP:
        return spec->u.ports.reserved == 0; /* remote_port: 0 for any remote port, or the one */
    case NR_FLOW_KIND_ICMP:
        return spec->u.ports.rewrite == 0 && spec->u.ports.reserved == 0;
    case NR_FLOW_KIND_PPTP:
        return spec->u.ports.reserved == 0;
    case NR_FLOW_KIND_GRE_NOKEY:
        return spec->u.tunnel.id[0] == 0 && spec->u.tunnel.id[1] == 0;
    default:
        return 1;
    }
}

/* The live entry that matches spec's key in direction d, or NR_FLOW_NONE. */
static uint32_t nr_find_key(const nr_flow_table *t, const nr_flow_spec *spec, uint32_t d)
{
    uint32_t i = NR_LOAD_RELAXED(t->heads[d][nr_spec_bucket(t, spec, d)]);
    while (i != NR_FLOW_NONE)
    {
        if (nr_same_key(&t->entries[i].spec, spec, d))
        {
            return i;
        }
        i = NR_LOAD_RELAXED(t->entries[i].next[d]);
    }
    return NR_FLOW_NONE;
}

/* Whether slot is in its chain: live entries are linked in every direction they match, removed
 * ones in none. The control thread never writes to an entry a call may still stand on, so "live"
 * is not a flag in the entry but this walk (one chain, control side only). */
static int nr_linked(const nr_flow_table *t, uint32_t slot)
{
    const nr_flow_spec *spec = &t->entries[slot].spec;
    uint32_t d = (spec->kind & NR_FLOW_MATCH_OUT) != 0 ? NR_FLOW_DIR_OUT : NR_FLOW_DIR_IN;
    uint32_t i = NR_LOAD_RELAXED(t->heads[d][nr_spec_bucket(t, spec, d)]);
    while (i != NR_FLOW_NONE)
    {
        if (i == slot)
        {
            return 1;
        }
        i = NR_LOAD_RELAXED(t->entries[i].next[d]);
    }
    return 0;
}

/* A slot's state as the control thread sees it. */
static int nr_slot_state(nr_flow_table *t, uint32_t slot)
{
    if ((t->entries[slot].spec.kind & NR_FLOW_KIND_MASK) == 0)
    {
        return NR_FLOW_STATE_FREE;
    }
    if (nr_linked(t, slot))
    {
        return NR_FLOW_STATE_LIVE;
    }
    return nr_quiescent(t) ? NR_FLOW_STATE_FINAL : NR_FLOW_STATE_RETIRING;
}

int nr_flow_install(nr_flow_table *t, uint32_t slot, const nr_flow_spec *spec)
{
    nr_flow_entry *e;
    uint32_t d;
    int state;
    if (t == NULL || spec == NULL || slot >= t->capacity)
    {
        return NR_FLOW_INVALID;
    }
    if (t->wan_address == 0)
    {
        return NR_FLOW_NO_ADDRESS;
    }
    if (!nr_spec_valid(t, spec))
    {
        return NR_FLOW_INVALID;
    }
    e = &t->entries[slot];
    state = nr_slot_state(t, slot);
    if (state == NR_FLOW_STATE_LIVE)
    {
        return NR_FLOW_IN_USE;
    }
    if (state == NR_FLOW_STATE_RETIRING)
    {
        return NR_FLOW_BUSY;
    }
    /* After an address change, a call still holding the old copy must not meet a new entry. */
    if (t->config_pending)
    {
        if (!nr_quiescent(t))
        {
            return NR_FLOW_BUSY;
        }
        t->config_pending = 0;
    }
    for (d = 0; d < 2; d++)
    {
        if ((spec->kind & (NR_FLOW_MATCH_OUT << d)) != 0 && nr_find_key(t, spec, d) != NR_FLOW_NONE)
        {
            return NR_FLOW_DUPLICATE;
        }
    }

    /* No chain reaches the slot and no call can still stand on it: the control thread owns it.
     * Write it whole, then publish it (seq_cst: the data thread sees the entry with the link). */
    __builtin_memcpy(&e->spec, spec, sizeof(*spec));
    for (d = 0; d < 2; d++)
    {
        if ((spec->kind & (NR_FLOW_MATCH_OUT << d)) != 0)
        {
            uint16_t *head = &t->heads[d][nr_spec_bucket(t, spec, d)];
            NR_STORE_RELAXED(e->next[d], NR_LOAD_RELAXED(*head));
            NR_STORE_SC(*head, (uint16_t)slot);
        }
        else
        {
            NR_STORE_RELAXED(e->next[d], (uint16_t)NR_FLOW_NONE);
        }
    }
    t->live++;
    return NR_FLOW_OK;
}

/* Takes entry slot out of its chain of direction d; its own link stays for callers on it. */
static void nr_unlink(nr_flow_table *t, uint32_t slot, uint32_t d)
{
    nr_flow_entry *e = &t->entries[slot];
    uint16_t *link = &t->heads[d][nr_spec_bucket(t, &e->spec, d)];
    uint32_t i = NR_LOAD_RELAXED(*link);
    while (i != NR_FLOW_NONE)
    {
        if (i == slot)
        {
            NR_STORE_SC(*link, NR_LOAD_RELAXED(e->next[d]));
            return;
        }
        link = &t->entries[i].next[d];
        i = NR_LOAD_RELAXED(*link);
    }
}

int nr_flow_remove(nr_flow_table *t, uint32_t slot)
{
    nr_flow_entry *e;
    uint32_t d;
    if (t == NULL || slot >= t->capacity)
    {
        return NR_FLOW_INVALID;
    }
    e = &t->entries[slot];
    if (nr_slot_state(t, slot) != NR_FLOW_STATE_LIVE)
    {
        return NR_FLOW_NOT_LIVE;
    }
    for (d = 0; d < 2; d++)
    {
        if ((e->spec.kind & (NR_FLOW_MATCH_OUT << d)) != 0)
        {
            nr_unlink(t, slot, d);
        }
    }
    t->live--;
    nr_retire(t);
    return NR_FLOW_OK;
}

void nr_flow_flush(nr_flow_table *t)
{
    uint32_t buckets = 1u << (32u - t->hash_shift);
    uint32_t i;
    uint32_t d;
    if (t == NULL || t->live == 0)
    {
        return;
    }
    for (d = 0; d < 2; d++)
    {
        for (i = 0; i < buckets; i++)
        {
            NR_STORE_SC(t->heads[d][i], (uint16_t)NR_FLOW_NONE);
        }
    }
    t->live = 0;
    nr_retire(t);
}

int nr_flow_read(nr_flow_table *t, uint32_t slot, nr_flow_state *out)
{
    const nr_flow_entry *e;
    int state;
    int attempt;
    if (t == NULL || out == NULL || slot >= t->capacity)
    {
        return -1;
    }
    e = &t->entries[slot];
    state = nr_slot_state(t, slot);
    __builtin_memset(out, 0, sizeof(*out));
    out->state = (uint8_t)state;
    out->kind = (uint8_t)(e->spec.kind & NR_FLOW_SPEC_KIND_BITS);
    out->host = e->spec.host;
    if (state == NR_FLOW_STATE_FREE)
    {
        out->consistent = 1;
        return state;
    }
    /* A seqlock over the data epoch: the fields belong together when no call ran meanwhile. The
     * field loads are acquire so that the second epoch load cannot move before them. */
    for (attempt = 0; attempt < NR_READ_ATTEMPTS; attempt++)
    {
        uint32_t before = NR_LOAD_ACQUIRE(t->epoch);
        out->last_seen = NR_LOAD_ACQUIRE(e->spec.last_seen);
        if ((e->spec.kind & NR_FLOW_KIND_MASK) == NR_FLOW_KIND_TCP)
        {
            out->value[0] = NR_LOAD_ACQUIRE(e->spec.u.tcp.ack[0]);
            out->value[1] = NR_LOAD_ACQUIRE(e->spec.u.tcp.ack[1]);
            out->window[0] = NR_LOAD_ACQUIRE(e->spec.u.tcp.window[0]);
            out->window[1] = NR_LOAD_ACQUIRE(e->spec.u.tcp.window[1]);
        }
        else
        {
            out->value[0] = NR_LOAD_ACQUIRE(e->spec.u.ports.packets[0]);
            out->value[1] = NR_LOAD_ACQUIRE(e->spec.u.ports.packets[1]);
        }
        if ((before & 1u) == 0 && NR_LOAD_RELAXED(t->epoch) == before)
        {
            out->consistent = 1;
            break;
        }
    }
    return state;
}

int nr_flow_read_spec(nr_flow_table *t, uint32_t slot, nr_flow_spec *out)
{
    nr_flow_state state;
    const nr_flow_entry *e;
    int result;
    if (out == NULL)
    {
        return -1;
    }
    result = nr_flow_read(t, slot, &state);
    if (result < 0)
    {
        return result;
    }
    e = &t->entries[slot];
    out->remote = e->spec.remote;
    out->host = e->spec.host;
    out->kind = state.kind;
    out->last_seen = state.last_seen;
    out->u.word[0] = e->spec.u.word[0];
    if (out->kind != 0 && (out->kind & NR_FLOW_KIND_MASK) == NR_FLOW_KIND_TCP)
    {
        out->u.tcp.ack[0] = state.value[0];
        out->u.tcp.ack[1] = state.value[1];
        out->u.tcp.window[0] = state.window[0];
        out->u.tcp.window[1] = state.window[1];
    }
    else
    {
        out->u.word[1] = e->spec.u.word[1];
        out->u.ports.packets[0] = state.value[0];
        out->u.ports.packets[1] = state.value[1];
    }
    return result;
}

uint32_t nr_flow_live(const nr_flow_table *t)
{
    return t == NULL ? 0 : t->live;
}

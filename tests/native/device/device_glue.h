/* Shared state of the device-glue link test: what the stand-ins saw. */
#ifndef NR_DEVICE_GLUE_H
#define NR_DEVICE_GLUE_H

#include <stdint.h>

struct netif;

struct nr_glue_world {
    int64_t now_us;
    int wakes;
    int messages;
    int callbacks;
    int mailbox_full;
};

extern struct nr_glue_world g_glue;

/* Which netifs esp_netif_get_handle_from_ifkey finds for "WIFI_AP_DEF" and "WIFI_STA_DEF". */
void nr_glue_set_netifs(struct netif *ap, struct netif *sta);

#endif /* NR_DEVICE_GLUE_H */

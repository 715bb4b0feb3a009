/*
 * Stand-ins for what the ESP32 glue (nr_esp32.c) and lwIP need from ESP-IDF, FreeRTOS and
 * nanoCLR, for the device-glue link test. One thread, nothing blocks: the tcpip "thread" runs a
 * callback at once, as soon as it is posted.
 */
#include <stdint.h>
#include <string.h>

#include "esp_netif.h"
#include "esp_netif_net_stack.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "device_glue.h"

struct esp_netif_obj {
    struct netif *netif;
};

static struct esp_netif_obj s_ap_handle;
static struct esp_netif_obj s_sta_handle;
struct nr_glue_world g_glue;

void nr_glue_set_netifs(struct netif *ap, struct netif *sta)
{
    s_ap_handle.netif = ap;
    s_sta_handle.netif = sta;
}

esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key)
{
    if (strcmp(if_key, "WIFI_AP_DEF") == 0)
    {
        return s_ap_handle.netif != NULL ? &s_ap_handle : NULL;
    }
    if (strcmp(if_key, "WIFI_STA_DEF") == 0)
    {
        return s_sta_handle.netif != NULL ? &s_sta_handle : NULL;
    }
    return NULL;
}

void *esp_netif_get_netif_impl(esp_netif_t *esp_netif)
{
    return esp_netif->netif;
}

int64_t esp_timer_get_time(void)
{
    return g_glue.now_us;
}

uint32_t esp_random(void)
{
    return 0x2545F491u; /* the hash seed: any value works, a fixed one repeats */
}

/* nanoCLR: wakes managed threads waiting in NativeReceive (nr_interop.cpp on the device). */
void nr_esp32_wake_clr(void *ctx)
{
    (void)ctx;
    g_glue.wakes++;
}

struct tcpip_callback_msg {
    tcpip_callback_fn function;
    void *ctx;
};

static struct tcpip_callback_msg s_message;

struct tcpip_callback_msg *tcpip_callbackmsg_new(tcpip_callback_fn function, void *ctx)
{
    s_message.function = function;
    s_message.ctx = ctx;
    g_glue.messages++;
    return &s_message;
}

err_t tcpip_callbackmsg_trycallback(struct tcpip_callback_msg *msg)
{
    if (g_glue.mailbox_full)
    {
        return ERR_MEM;
    }
    g_glue.callbacks++;
    msg->function(msg->ctx);
    return ERR_OK;
}

sys_prot_t sys_arch_protect(void)
{
    return 0;
}

void sys_arch_unprotect(sys_prot_t level)
{
    (void)level;
}

u32_t sys_now(void)
{
    return (u32_t)(g_glue.now_us / 1000);
}

void sys_init(void)
{
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
    *mutex = 1;
    return ERR_OK;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
    (void)mutex;
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
    (void)mutex;
}

/* pbuf.c posts "free out-of-sequence TCP data" through the tcpip thread when a pool runs dry. */
err_t tcpip_try_callback(tcpip_callback_fn function, void *ctx)
{
    function(ctx);
    return ERR_OK;
}

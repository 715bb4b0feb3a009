/*
 * nanoRouter's lwIP hook header for ESP-IDF. The firmware build compiles ESP-IDF's lwip
 * component with -DESP_IDF_LWIP_HOOK_FILENAME="nr_lwip_hooks.h" (see
 * FindINTEROP-NanoRouter.Hal.Esp32.cmake), so lwip_default_hooks.h includes this file and
 * ip4_input() calls the hook for every IPv4 packet on every netif, on the tcpip thread,
 * right after the version check and before lwIP's own length, checksum and address checks.
 */
#ifndef NR_LWIP_HOOKS_H
#define NR_LWIP_HOOKS_H

#ifdef __cplusplus
extern "C" {
#endif

struct pbuf;
struct netif;

/* Returns non-zero when nanoRouter consumed (and freed) the packet. */
int nr_lwip_hook_ip4_input(struct pbuf *p, struct netif *inp);

#ifdef __cplusplus
}
#endif

#define LWIP_HOOK_IP4_INPUT(p, inp) nr_lwip_hook_ip4_input((p), (inp))

#endif /* NR_LWIP_HOOKS_H */

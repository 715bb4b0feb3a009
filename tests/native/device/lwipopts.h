/*
 * lwIP options for the device-glue link test: the IPv4 layer as the ESP32 firmware builds it,
 * so that a call into lwIP that the device's options compile out fails to link here too.
 *
 * Where each value comes from (nf-interpreter 3367392a0, the commit the firmware is pinned to;
 * ESP-IDF v5.5.4, the IDF that commit builds with):
 *   targets/ESP32/_include/lwipopts.h replaces ESP-IDF's own lwipopts.h; it maps each option to
 *   a CONFIG_ value; targets/ESP32/_IDF/sdkconfig.default(_nopsram.esp32) sets few of them, so
 *   the rest take ESP-IDF v5.5.4's components/lwip/Kconfig defaults:
 *   IP_FORWARD          0  CONFIG_LWIP_IP_FORWARD, Kconfig default n (the recipe requires it off)
 *   IP_REASSEMBLY       0  CONFIG_LWIP_IP4_REASSEMBLY, Kconfig default n
 *   IP_FRAG             1  CONFIG_LWIP_IP4_FRAG, Kconfig default y
 *   LWIP_ICMP           1  CONFIG_LWIP_ICMP, Kconfig default y
 *   LWIP_IPV6           0  CONFIG_LWIP_IPV6=n in sdkconfig.default
 *   LWIP_RAW, LWIP_UDP, LWIP_TCP, LWIP_DHCP, LWIP_IGMP  1, unconditional in lwipopts.h
 *   LWIP_HOOK_IP4_INPUT  the firmware's hook (nr_lwip_hooks.h), which ESP-IDF's
 *                        lwip_default_hooks.h includes through ESP_IDF_LWIP_HOOK_FILENAME
 * Deliberate differences, none of which changes what the IPv4 layer compiles: no netconn or
 * socket API and no tcpip thread (the host has no FreeRTOS; tcpip_callbackmsg_* are stand-ins),
 * lwIP's own pools instead of the C library's malloc, 8-byte alignment (64-bit host pointers), statistics and debug output off.
 */
#ifndef NR_DEVICE_LWIPOPTS_H
#define NR_DEVICE_LWIPOPTS_H

#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_TCPIP_CORE_LOCKING 0

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define IP_FORWARD 0
#define IP_REASSEMBLY 0
#define IP_FRAG 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_IGMP 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_DNS 0
#define LWIP_AUTOIP 0

#define MEM_ALIGNMENT 8 /* the device has 4; the host's pointers need 8 */
#define MEM_SIZE 65536
#define PBUF_POOL_SIZE 32
#define LWIP_STATS 0

#define LWIP_HOOK_FILENAME "nr_lwip_hooks.h"

#endif /* NR_DEVICE_LWIPOPTS_H */

/* Stand-in for ESP-IDF's esp_netif_net_stack.h: only the prototypes nr_esp32.c uses, as ESP-IDF 5.x documents them. */
void *esp_netif_get_netif_impl(esp_netif_t *esp_netif);

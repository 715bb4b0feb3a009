/* Stand-in for ESP-IDF's esp_netif.h: only the prototypes nr_esp32.c uses, as ESP-IDF 5.x documents them. */
typedef struct esp_netif_obj esp_netif_t;
esp_netif_t *esp_netif_get_handle_from_ifkey(const char *if_key);

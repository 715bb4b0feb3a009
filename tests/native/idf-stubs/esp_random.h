/* Stand-in for ESP-IDF's esp_random.h: only the prototype nr_esp32.c uses, as ESP-IDF 5.x documents it. */
#include <stdint.h>
uint32_t esp_random(void);

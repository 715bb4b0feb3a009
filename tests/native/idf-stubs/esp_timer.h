/* Stand-in for ESP-IDF's esp_timer.h: only the prototypes nr_esp32.c uses, as ESP-IDF 5.x documents them. */
#include <stdint.h>
int64_t esp_timer_get_time(void);

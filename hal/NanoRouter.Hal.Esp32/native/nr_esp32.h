/* nanoRouter native shim: what the nanoCLR interop file needs from the ESP32 glue. */
#ifndef NR_ESP32_H
#define NR_ESP32_H

#include "nr_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The one port instance; the input hook, the interop methods and the TX callback share it. */
extern nr_port g_nr_port;

/* Finds the soft-AP and station netifs, sets up the rings once and attaches them.
 * Returns 0 when Wi-Fi is not started yet. */
int nr_esp32_start(void);

/* The native flow table (set up on first use, before or after nr_esp32_start), or NULL when the
 * firmware is built without one (NR_FLOW_SLOTS 0; the default is 128: see nr_esp32.c). */
nr_flows *nr_esp32_flows(void);

/* A monotonic millisecond clock (esp_timer), wrapping at 2^32. */
s32_t nr_esp32_now_ms(void);

/* Wakes managed threads waiting in NativeShim.Receive (defined in nr_interop.cpp). */
void nr_esp32_wake_clr(void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* NR_ESP32_H */

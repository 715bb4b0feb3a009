/*
 * nanoRouter: PBKDF2-HMAC-SHA256's inner loop (RFC 8018 section 5.2, the function F) in C over
 * mbedTLS, for the admin password. The managed side (NanoRouter.Core.Admin.Pbkdf2) calls it a
 * bounded number of iterations at a time and lets the other managed threads run in between: a
 * native call holds the interpreter, so one of thousands of iterations would stall forwarding.
 * Stateless: the key comes with every call, nothing is kept between calls.
 */
#ifndef NR_KDF_H
#define NR_KDF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NR_KDF_HASH_BYTES 32

/*
 * block (block_len bytes) holds T (NR_KDF_HASH_BYTES), then the message (message_len bytes).
 * iterations times: U = HMAC-SHA256(key, message); the message becomes U (NR_KDF_HASH_BYTES at
 * offset NR_KDF_HASH_BYTES); T ^= U.
 * Returns 1; 0 when the arguments do not fit (block unchanged) or mbedTLS failed (block then
 * undefined: the caller discards it).
 */
int nr_hmac_chain(const uint8_t *key, size_t key_len, uint8_t *block, size_t block_len, size_t message_len,
                  uint32_t iterations);

#ifdef __cplusplus
}
#endif

#endif

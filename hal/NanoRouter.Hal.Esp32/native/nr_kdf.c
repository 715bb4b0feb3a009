/*
 * nanoRouter: PBKDF2-HMAC-SHA256's inner loop over mbedTLS (see nr_kdf.h). It uses mbedTLS's
 * generic message-digest HMAC (mbedtls_md_setup / hmac_starts / hmac_reset / hmac_update /
 * hmac_finish), the same functions with the same arguments in mbedTLS 2.28 (Debian, the host
 * tests) and 3.6 (ESP-IDF v5.x, the device). The context lives on this call's stack and is set up
 * once per call (one key, many iterations): mbedtls_md_setup allocates the context's two hash
 * states, so a one-shot mbedtls_md_hmac per iteration would allocate twice per iteration. On the
 * ESP32 its SHA-256 is ESP-IDF's, with the hardware accelerator when it is free.
 */
#include "nr_kdf.h"

#include <string.h>

#include "mbedtls/md.h"

int nr_hmac_chain(const uint8_t *key, size_t key_len, uint8_t *block, size_t block_len, size_t message_len,
                  uint32_t iterations)
{
    const mbedtls_md_info_t *sha256 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    mbedtls_md_context_t md;
    uint8_t u[NR_KDF_HASH_BYTES];
    uint32_t n;
    size_t i;
    int ok = 1;

    if (block == NULL || (key == NULL && key_len != 0) || sha256 == NULL || block_len < 2 * NR_KDF_HASH_BYTES ||
        message_len > block_len - NR_KDF_HASH_BYTES)
    {
        return 0;
    }

    if (iterations == 0)
    {
        return 1;
    }

    mbedtls_md_init(&md);
    if (mbedtls_md_setup(&md, sha256, 1) != 0 || mbedtls_md_hmac_starts(&md, key, key_len) != 0)
    {
        mbedtls_md_free(&md);
        return 0;
    }

    for (n = 0; n < iterations && ok; n++)
    {
        if ((n > 0 && mbedtls_md_hmac_reset(&md) != 0) ||
            mbedtls_md_hmac_update(&md, block + NR_KDF_HASH_BYTES, message_len) != 0 ||
            mbedtls_md_hmac_finish(&md, u) != 0)
        {
            ok = 0;
            break;
        }

        memcpy(block + NR_KDF_HASH_BYTES, u, NR_KDF_HASH_BYTES);
        message_len = NR_KDF_HASH_BYTES;
        for (i = 0; i < NR_KDF_HASH_BYTES; i++)
        {
            block[i] ^= u[i];
        }
    }

    mbedtls_md_free(&md); /* zeroizes the padded keys it held */
    memset(u, 0, sizeof(u));
    return ok;
}

/* Tests of the admin password's native PBKDF2 loop (nr_kdf.c) against Debian's mbedTLS 2.28:
 * published PBKDF2-HMAC-SHA256 vectors through the chain as the managed Pbkdf2 drives it, any
 * step size giving the same key, and the bounds. */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nr_kdf.h"
#include "nr_test.h"

/* PBKDF2 with one 32-byte block, as NanoRouter.Core.Admin.Pbkdf2 does it over the chain. */
static int pbkdf2(const char *password, size_t password_len, const uint8_t *salt, size_t salt_len, uint32_t iterations,
                  uint32_t step, uint8_t out[32])
{
    uint8_t block[32 + 64];
    uint32_t done = 1;
    memset(block, 0, sizeof(block));
    memcpy(block + 32, salt, salt_len);
    block[32 + salt_len + 3] = 1;
    if (!nr_hmac_chain((const uint8_t *)password, password_len, block, sizeof(block), salt_len + 4, 1))
    {
        return 0;
    }

    while (done < iterations)
    {
        uint32_t n = iterations - done < step ? iterations - done : step;
        if (!nr_hmac_chain((const uint8_t *)password, password_len, block, sizeof(block), 32, n))
        {
            return 0;
        }
        done += n;
    }

    memcpy(out, block, 32);
    return 1;
}

static void hex(const uint8_t *bytes, size_t count, char *text)
{
    for (size_t i = 0; i < count; i++)
    {
        sprintf(text + (2 * i), "%02x", bytes[i]);
    }
}

static void check_vector(const char *password, size_t password_len, const char *salt, size_t salt_len, uint32_t iterations,
                         const char *expected)
{
    uint8_t key[32];
    char text[65];
    NR_CHECK(pbkdf2(password, password_len, (const uint8_t *)salt, salt_len, iterations, 1000, key));
    hex(key, strlen(expected) / 2, text);
    if (strcmp(text, expected) != 0)
    {
        fprintf(stderr, "PBKDF2(%s, %u): expected %s, got %s\n", password, iterations, expected, text);
        nr_test_failures++;
    }
}

/* RFC 7914 section 11 (the first 32 of its 64 bytes are block 1), and RFC 6070's inputs with
 * SHA-256 as the managed tests have them (tests/NanoRouter.Tests.Shared/Admin/Sha256Tests.cs). */
NR_TEST(kdf_published_vectors)
{
    check_vector("passwd", 6, "salt", 4, 1, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    check_vector("Password", 8, "NaCl", 4, 80000, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56");
    check_vector("password", 8, "salt", 4, 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
    check_vector("password", 8, "salt", 4, 4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    check_vector("passwordPASSWORDpassword", 24, "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096,
                 "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1");
    check_vector("pass\0word", 9, "sa\0lt", 5, 4096, "89b69d0516f829893c696226650a8687");
}

NR_TEST(kdf_any_step_same_key)
{
    static const uint32_t steps[] = {1, 7, 32, 4095, 4096, 100000};
    uint8_t first[32];
    NR_CHECK(pbkdf2("password", 8, (const uint8_t *)"salt", 4, 4096, 1, first));
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
    {
        uint8_t key[32];
        NR_CHECK(pbkdf2("password", 8, (const uint8_t *)"salt", 4, 4096, steps[i], key));
        NR_CHECK(memcmp(first, key, 32) == 0);
    }
}

NR_TEST(kdf_bounds_refused_block_unchanged)
{
    uint8_t block[96];
    uint8_t before[96];
    for (size_t i = 0; i < sizeof(block); i++)
    {
        block[i] = (uint8_t)i;
    }
    memcpy(before, block, sizeof(block));
    NR_CHECK_EQ(0, nr_hmac_chain((const uint8_t *)"k", 1, block, 63, 0, 1));            /* shorter than T and U */
    NR_CHECK_EQ(0, nr_hmac_chain((const uint8_t *)"k", 1, block, sizeof(block), 65, 1)); /* message past the block */
    NR_CHECK_EQ(0, nr_hmac_chain(NULL, 1, block, sizeof(block), 32, 1));                  /* no key bytes */
    NR_CHECK_EQ(0, nr_hmac_chain((const uint8_t *)"k", 1, NULL, sizeof(block), 32, 1));
    NR_CHECK_EQ(1, nr_hmac_chain((const uint8_t *)"k", 1, block, sizeof(block), 32, 0)); /* nothing to do */
    NR_CHECK(memcmp(before, block, sizeof(block)) == 0);
    NR_CHECK_EQ(1, nr_hmac_chain(NULL, 0, block, sizeof(block), 64, 1));                  /* the empty key */
    NR_CHECK(memcmp(before, block, sizeof(block)) != 0);
}

/* Not a check: what one iteration costs on this machine (x86, mbedTLS's portable C SHA-256). */
NR_TEST(kdf_cost_per_iteration)
{
    uint8_t key[32];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    NR_CHECK(pbkdf2("correct horse", 13, (const uint8_t *)"0123456789abcdef", 16, 20000, 32, key));
    clock_gettime(CLOCK_MONOTONIC, &end);
    double us = ((double)(end.tv_sec - start.tv_sec) * 1e6 + (double)(end.tv_nsec - start.tv_nsec) / 1e3) / 20000.0;
    fprintf(stderr, "kdf: %.2f us per iteration (20000 in steps of 32, this build's flags)\n", us);
}

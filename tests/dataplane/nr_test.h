/* A minimal test harness (as tests/native): NR_TEST(name) registers a case; NR_CHECK* record
 * failures. test_main.c runs one named case (as CTest does) or all of them. */
#ifndef NR_TEST_H
#define NR_TEST_H

#include <stdint.h>
#include <stdio.h>

typedef void (*nr_test_fn)(void);
void nr_test_register(const char *name, nr_test_fn fn);
extern int nr_test_failures;

/* The seed of the randomised cases: NR_FLOW_SEED from the environment, else a fixed one. */
uint32_t nr_test_seed(void);

#define NR_TEST(name)                                                                                  \
    static void name(void);                                                                            \
    __attribute__((constructor)) static void register_##name(void) { nr_test_register(#name, name); } \
    static void name(void)

#define NR_CHECK(cond)                                                                \
    do                                                                                \
    {                                                                                 \
        if (!(cond))                                                                  \
        {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
            nr_test_failures++;                                                       \
        }                                                                             \
    } while (0)

#define NR_CHECK_EQ(expected, actual)                                                                   \
    do                                                                                                  \
    {                                                                                                   \
        long long e_ = (long long)(expected), a_ = (long long)(actual);                                 \
        if (e_ != a_)                                                                                   \
        {                                                                                               \
            fprintf(stderr, "%s:%d: %s: expected %lld (0x%llx), got %lld (0x%llx)\n", __FILE__, __LINE__, \
                    #actual, e_, (unsigned long long)e_, a_, (unsigned long long)a_);                   \
            nr_test_failures++;                                                                         \
        }                                                                                               \
    } while (0)

#endif

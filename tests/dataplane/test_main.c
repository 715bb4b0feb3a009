/* Runs one named test case (as CTest does) or all of them. */
#include <stdlib.h>
#include <string.h>

#include "nr_test.h"

#define NR_MAX_TESTS 256

static const char *s_names[NR_MAX_TESTS];
static nr_test_fn s_fns[NR_MAX_TESTS];
static int s_count;
int nr_test_failures;

void nr_test_register(const char *name, nr_test_fn fn)
{
    if (s_count < NR_MAX_TESTS)
    {
        s_names[s_count] = name;
        s_fns[s_count] = fn;
        s_count++;
    }
}

uint32_t nr_test_seed(void)
{
    const char *text = getenv("NR_FLOW_SEED");
    return text != NULL && *text != 0 ? (uint32_t)strtoul(text, NULL, 0) : 20261202u;
}

int main(int argc, char **argv)
{
    int ran = 0;
    if (argc > 1 && strcmp(argv[1], "--list") == 0)
    {
        for (int i = 0; i < s_count; i++)
        {
            printf("%s\n", s_names[i]);
        }
        return 0;
    }
    for (int i = 0; i < s_count; i++)
    {
        if (argc > 1 && strcmp(argv[1], s_names[i]) != 0)
        {
            continue;
        }
        int before = nr_test_failures;
        s_fns[i]();
        ran++;
        printf("%s %s\n", nr_test_failures == before ? "PASS" : "FAIL", s_names[i]);
    }
    if (ran == 0)
    {
        fprintf(stderr, "no test named %s\n", argc > 1 ? argv[1] : "(any)");
        return 2;
    }
    return nr_test_failures == 0 ? 0 : 1;
}

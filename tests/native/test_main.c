/* Runs one named test case (as CTest does) or all of them. */
#include <string.h>

#include "lwip/init.h"
#include "nr_test.h"

#define NR_MAX_TESTS 128

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

uint16_t nr_reference_checksum(const uint8_t *data, uint32_t length)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < length; i++)
    {
        sum += (i % 2 == 0) ? (uint64_t)data[i] << 8 : data[i];
    }
    while (sum > 0xFFFF)
    {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

uint32_t nr_build_ipv4(uint8_t *out, uint8_t protocol, uint32_t source, uint32_t destination, uint8_t ttl,
                       const uint8_t *payload, uint32_t payload_length)
{
    uint32_t total = 20 + payload_length;
    memset(out, 0, 20);
    out[0] = 0x45;
    out[2] = (uint8_t)(total >> 8);
    out[3] = (uint8_t)total;
    out[4] = 0x12;
    out[5] = 0x34;
    out[6] = 0x40; /* DF */
    out[8] = ttl;
    out[9] = protocol;
    for (int i = 0; i < 4; i++)
    {
        out[12 + i] = (uint8_t)(source >> (24 - 8 * i));
        out[16 + i] = (uint8_t)(destination >> (24 - 8 * i));
    }
    uint16_t checksum = nr_reference_checksum(out, 20);
    out[10] = (uint8_t)(checksum >> 8);
    out[11] = (uint8_t)checksum;
    if (payload_length > 0)
    {
        memcpy(out + 20, payload, payload_length);
    }
    return total;
}

uint32_t nr_build_ports(uint8_t *out, uint16_t source_port, uint16_t destination_port, uint32_t length)
{
    memset(out, 0, length);
    out[0] = (uint8_t)(source_port >> 8);
    out[1] = (uint8_t)source_port;
    out[2] = (uint8_t)(destination_port >> 8);
    out[3] = (uint8_t)destination_port;
    return length;
}

int main(int argc, char **argv)
{
    int ran = 0;
    lwip_init();
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

/* libFuzzer harness: arbitrary bytes through domain_normalize and the
 * matcher (a small fixed rule set with exact, wildcard, IDNA and IP
 * rules), the raw bytes straight into domain_rules_match (it must cope
 * with names nobody normalised), and the first bytes as an address
 * through domain_rules_match_ip and addr_special. Checks the invariants
 * a normalised name promises. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/addr_class.h"
#include "net/domain.h"

static struct domain_rules *rules;

static const char *const trusted[] = {
    "github.com", "*.github.com", "*.npmjs.org", "xn--bcher-kva.example", "*.bücher.de",
    "10.0.0.0/8", "::1", "::ffff:192.168.0.0/112", "a_b.example",
};
static const char *const blocked[] = {
    "evil.github.com", "*.ads.npmjs.org", "*.com", "10.66.0.0/16", "fd00::/8",
};

static void check_normalised(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > DOMAIN_NAME_MAX || name[0] == '.' || name[n - 1] == '.' || strstr(name, ".."))
        abort();
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            abort();
    }
    /* Normalising a normalised name changes nothing. */
    char again[DOMAIN_BUF_SIZE];
    if (domain_normalize(name, again, sizeof again) != 0 || strcmp(again, name) != 0)
        abort();
}

static void fuzz_name(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    if (!in)
        return;
    memcpy(in, data, size);
    in[size] = '\0';
    char name[DOMAIN_BUF_SIZE];
    const char *rule = NULL;
    if (domain_normalize(in, name, sizeof name) == 0) {
        check_normalised(name);
        enum domain_verdict v = domain_rules_match(rules, name, &rule);
        if ((v == DOMAIN_UNLISTED) != (rule == NULL))
            abort();
    }
    (void)domain_rules_match(rules, in, &rule);
    char small[8];
    int rc = domain_normalize(in, small, sizeof small);
    if (rc != 0 && rc != -EINVAL && rc != -ENOSPC)
        abort();
    free(in);
}

static void fuzz_addr(const uint8_t *data, size_t size)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (size >= 16) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        memcpy(&in6->sin6_addr, data, 16);
    } else if (size >= 4) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        memcpy(&in->sin_addr, data, 4);
    } else {
        return;
    }
    (void)domain_rules_match_ip(rules, (struct sockaddr *)&ss, NULL);
    (void)addr_special((struct sockaddr *)&ss);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!rules) {
        rules = domain_rules_build(trusted, sizeof trusted / sizeof trusted[0], blocked,
                                   sizeof blocked / sizeof blocked[0]);
        if (!rules)
            abort();
        /* No getifaddrs per input: a fixed own-address set. */
        struct net_ip own = { .family = AF_INET, .b = { 198, 51, 100, 7 } };
        addr_own_override(&own, 1);
    }
    fuzz_name(data, size);
    fuzz_addr(data, size);
    return 0;
}

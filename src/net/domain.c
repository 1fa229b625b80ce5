/* Domain matcher: one open-addressing hash set keyed by names, where each
 * key carries flags for "exact trusted", "exact blocked", "*.key trusted"
 * and "*.key blocked". A lookup hashes the name once from right to left;
 * at every label boundary the suffix's hash is tested against a Bloom
 * filter small enough to stay in cache, and only suffixes that pass are
 * probed in the set (prefetched together, so their misses overlap).
 * Also: wire-name normalisation (ASCII, IDNA via libidn2, mixed-script
 * refusal) and IP-literal / CIDR rules. */
#include <arpa/inet.h>
#include <errno.h>
#include <idn2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "net/addr_class.h"
#include "net/domain.h"

#define INPUT_MAX 1024 /* longest wire name looked at (UTF-8 bytes) */
#define LABEL_MAX 63

/* ================= normalisation ================= */

static bool is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* Byte -> the byte of a normalised name ('A'-'Z' lower-cased), or 0 for a
 * byte no name may hold. */
static const unsigned char name_map[256] = {
    ['-'] = '-', ['.'] = '.', ['_'] = '_',
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
#define L(c) [c] = c, [c - 'a' + 'A'] = c
    L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'),
    L('j'), L('k'), L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'),
    L('s'), L('t'), L('u'), L('v'), L('w'), L('x'), L('y'), L('z'),
#undef L
};

/* s[0..left) starts with "xn--" in any case. */
static bool is_ace_prefix(const char *s, size_t left)
{
    return left >= 4 && name_map[(unsigned char)s[0]] == 'x' &&
           name_map[(unsigned char)s[1]] == 'n' && s[2] == '-' && s[3] == '-';
}

/* Lower-case s[0..n) into out (>= DOMAIN_BUF_SIZE), dropping one trailing
 * dot; labels of 1..63 bytes of [a-z0-9-_], 1..253 bytes in all. Sets
 * *ace when a label starts with "xn--". Returns the length or -EINVAL. */
static int ascii_lower_check(const char *s, size_t n, char *out, bool *ace)
{
    *ace = false;
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n == 0 || n > DOMAIN_NAME_MAX)
        return -EINVAL;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = name_map[(unsigned char)s[i]];
        out[i] = (char)c;
        if (c == '.') {
            if (label == 0)
                return -EINVAL;
            label = 0;
            continue;
        }
        if (c == 0 || ++label > LABEL_MAX)
            return -EINVAL;
        if (label == 1 && is_ace_prefix(s + i, n - i))
            *ace = true;
    }
    if (label == 0)
        return -EINVAL;
    out[n] = '\0';
    return (int)n;
}

/* ---- scripts (UTS #39 "highly restrictive", coarse) ---- */

enum script {
    SC_COMMON = -1,
    SC_LATIN, SC_GREEK, SC_CYRILLIC, SC_ARMENIAN, SC_HEBREW, SC_ARABIC,
    SC_SYRIAC, SC_THAANA, SC_DEVANAGARI, SC_BENGALI, SC_GURMUKHI,
    SC_GUJARATI, SC_ORIYA, SC_TAMIL, SC_TELUGU, SC_KANNADA, SC_MALAYALAM,
    SC_SINHALA, SC_THAI, SC_LAO, SC_TIBETAN, SC_MYANMAR, SC_GEORGIAN,
    SC_HANGUL, SC_ETHIOPIC, SC_CHEROKEE, SC_KHMER, SC_MONGOLIAN,
    SC_HIRAGANA, SC_KATAKANA, SC_BOPOMOFO, SC_HAN, SC_YI, SC_OTHER,
};

struct script_range {
    uint32_t lo, hi;
    int script;
};

static const struct script_range script_ranges[] = {
    { 0x0030, 0x0039, SC_COMMON }, { 0x002d, 0x002d, SC_COMMON },
    { 0x005f, 0x005f, SC_COMMON }, { 0x00b7, 0x00b7, SC_COMMON },
    { 0x0300, 0x036f, SC_COMMON }, { 0x200c, 0x200d, SC_COMMON },
    { 0x0041, 0x005a, SC_LATIN }, { 0x0061, 0x007a, SC_LATIN },
    { 0x00aa, 0x00aa, SC_LATIN }, { 0x00ba, 0x00ba, SC_LATIN },
    { 0x00c0, 0x00d6, SC_LATIN }, { 0x00d8, 0x00f6, SC_LATIN },
    { 0x00f8, 0x02af, SC_LATIN }, { 0x1d00, 0x1d7f, SC_LATIN },
    { 0x1e00, 0x1eff, SC_LATIN }, { 0x2c60, 0x2c7f, SC_LATIN },
    { 0xa720, 0xa7ff, SC_LATIN }, { 0xab30, 0xab6f, SC_LATIN },
    { 0x0370, 0x03ff, SC_GREEK }, { 0x1f00, 0x1fff, SC_GREEK },
    { 0x0400, 0x052f, SC_CYRILLIC }, { 0x1c80, 0x1c8f, SC_CYRILLIC },
    { 0x2de0, 0x2dff, SC_CYRILLIC }, { 0xa640, 0xa69f, SC_CYRILLIC },
    { 0x0530, 0x058f, SC_ARMENIAN }, { 0xfb13, 0xfb17, SC_ARMENIAN },
    { 0x0590, 0x05ff, SC_HEBREW }, { 0xfb1d, 0xfb4f, SC_HEBREW },
    { 0x0600, 0x06ff, SC_ARABIC }, { 0x0750, 0x077f, SC_ARABIC },
    { 0x08a0, 0x08ff, SC_ARABIC }, { 0xfb50, 0xfdff, SC_ARABIC },
    { 0xfe70, 0xfeff, SC_ARABIC },
    { 0x0700, 0x074f, SC_SYRIAC }, { 0x0780, 0x07bf, SC_THAANA },
    { 0x0900, 0x097f, SC_DEVANAGARI }, { 0xa8e0, 0xa8ff, SC_DEVANAGARI },
    { 0x0980, 0x09ff, SC_BENGALI }, { 0x0a00, 0x0a7f, SC_GURMUKHI },
    { 0x0a80, 0x0aff, SC_GUJARATI }, { 0x0b00, 0x0b7f, SC_ORIYA },
    { 0x0b80, 0x0bff, SC_TAMIL }, { 0x0c00, 0x0c7f, SC_TELUGU },
    { 0x0c80, 0x0cff, SC_KANNADA }, { 0x0d00, 0x0d7f, SC_MALAYALAM },
    { 0x0d80, 0x0dff, SC_SINHALA }, { 0x0e00, 0x0e7f, SC_THAI },
    { 0x0e80, 0x0eff, SC_LAO }, { 0x0f00, 0x0fff, SC_TIBETAN },
    { 0x1000, 0x109f, SC_MYANMAR },
    { 0x10a0, 0x10ff, SC_GEORGIAN }, { 0x1c90, 0x1cbf, SC_GEORGIAN },
    { 0x2d00, 0x2d2f, SC_GEORGIAN },
    { 0x1100, 0x11ff, SC_HANGUL }, { 0x3130, 0x318f, SC_HANGUL },
    { 0xa960, 0xa97f, SC_HANGUL }, { 0xac00, 0xd7ff, SC_HANGUL },
    { 0x1200, 0x139f, SC_ETHIOPIC }, { 0x2d80, 0x2ddf, SC_ETHIOPIC },
    { 0x13a0, 0x13ff, SC_CHEROKEE }, { 0xab70, 0xabbf, SC_CHEROKEE },
    { 0x1780, 0x17ff, SC_KHMER }, { 0x1800, 0x18af, SC_MONGOLIAN },
    { 0x3040, 0x309f, SC_HIRAGANA },
    { 0x30a0, 0x30ff, SC_KATAKANA }, { 0x31f0, 0x31ff, SC_KATAKANA },
    { 0x3100, 0x312f, SC_BOPOMOFO }, { 0x31a0, 0x31bf, SC_BOPOMOFO },
    { 0x2e80, 0x2fdf, SC_HAN }, { 0x3005, 0x3007, SC_HAN },
    { 0x3021, 0x3029, SC_HAN }, { 0x3400, 0x4dbf, SC_HAN },
    { 0x4e00, 0x9fff, SC_HAN }, { 0xf900, 0xfaff, SC_HAN },
    { 0x20000, 0x323af, SC_HAN },
    { 0xa000, 0xa4cf, SC_YI },
};

static int script_of(uint32_t cp)
{
    for (size_t i = 0; i < sizeof script_ranges / sizeof script_ranges[0]; i++)
        if (cp >= script_ranges[i].lo && cp <= script_ranges[i].hi)
            return script_ranges[i].script;
    return SC_OTHER;
}

#define SBIT(s) (UINT64_C(1) << (s))

/* One script, or Latin with the scripts of Japanese, Chinese or Korean. */
static bool scripts_ok(uint64_t m)
{
    static const uint64_t combos[] = {
        SBIT(SC_LATIN) | SBIT(SC_HAN) | SBIT(SC_HIRAGANA) | SBIT(SC_KATAKANA),
        SBIT(SC_LATIN) | SBIT(SC_HAN) | SBIT(SC_BOPOMOFO),
        SBIT(SC_LATIN) | SBIT(SC_HAN) | SBIT(SC_HANGUL),
    };
    if ((m & (m - 1)) == 0)
        return true;
    for (size_t i = 0; i < sizeof combos / sizeof combos[0]; i++)
        if ((m & ~combos[i]) == 0)
            return true;
    return false;
}

/* Decode one UTF-8 sequence at s (NUL-terminated); 0 on a malformed one. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4
             : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (n == 0)
        return 0;
    uint32_t v = n == 1 ? s[0] : (uint32_t)(s[0] & (0x7f >> n));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    *cp = v;
    return n;
}

/* Every '.'-separated label of the UTF-8 name u sticks to one script. */
static bool labels_single_script(const char *u)
{
    const unsigned char *s = (const unsigned char *)u;
    uint64_t mask = 0;
    while (*s) {
        uint32_t cp;
        size_t n = utf8_next(s, &cp);
        if (n == 0)
            return false;
        s += n;
        if (cp == '.') {
            if (!scripts_ok(mask))
                return false;
            mask = 0;
            continue;
        }
        int sc = script_of(cp);
        if (sc != SC_COMMON)
            mask |= SBIT(sc);
    }
    return scripts_ok(mask);
}

static const int idn_flags = IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL;

/* An ASCII name with "xn--" labels: they must decode, encode back to the
 * same A-labels (valid IDNA2008, canonical) and not mix scripts. */
static int check_ace(const char *ace)
{
    char *u = NULL, *back = NULL;
    int rc = -EINVAL;
    if (idn2_to_unicode_8z8z(ace, &u, 0) != IDN2_OK)
        goto out;
    if (!labels_single_script(u))
        goto out;
    if (idn2_to_ascii_8z(u, &back, idn_flags) != IDN2_OK)
        goto out;
    if (strcmp(back, ace) == 0)
        rc = 0;
out:
    idn2_free(u);
    idn2_free(back);
    return rc;
}

/* Check the name in tmp (len bytes, ace as found) and copy it to out. */
static int finish(const char *tmp, int len, bool ace, char *out, size_t size)
{
    if (len < 0)
        return len;
    if (ace && check_ace(tmp) < 0)
        return -EINVAL;
    if ((size_t)len + 1 > size)
        return -ENOSPC;
    memcpy(out, tmp, (size_t)len + 1);
    return 0;
}

static int idna_to_ascii(const char *in, char *out, size_t size)
{
    char *ace_name = NULL, tmp[DOMAIN_BUF_SIZE];
    bool ace;
    if (idn2_to_ascii_8z(in, &ace_name, idn_flags) != IDN2_OK)
        return -EINVAL;
    int len = ascii_lower_check(ace_name, strlen(ace_name), tmp, &ace);
    idn2_free(ace_name);
    return finish(tmp, len, ace, out, size);
}

int domain_normalize(const char *in, char *out, size_t size)
{
    if (!in || !out || size == 0)
        return -EINVAL;
    size_t n = strnlen(in, INPUT_MAX + 1);
    if (n > INPUT_MAX)
        return -EINVAL;
    int rc;
    if (is_ascii(in, n)) {
        char tmp[DOMAIN_BUF_SIZE];
        bool ace;
        int len = ascii_lower_check(in, n, tmp, &ace);
        rc = finish(tmp, len, ace, out, size);
    } else {
        rc = idna_to_ascii(in, out, size);
    }
    if (rc < 0)
        out[0] = '\0';
    return rc;
}

/* ================= the name set ================= */

enum {
    F_EXACT_TRUSTED = 1,
    F_EXACT_BLOCKED = 2,
    F_WILD_TRUSTED = 4,  /* "*.key" */
    F_WILD_BLOCKED = 8,
};

/* 8 bytes, so that a 1 M-key set (2 M slots) takes 16 MiB. The key's
 * record in the arena is: flags (F_*), length (<= 253), "*.", key, NUL;
 * off points at the key. Offset 0 is never a key: it marks an empty slot. */
struct slot {
    uint32_t tag;   /* high half of the key's hash */
    uint32_t off;
};

#define REC_HEAD 4 /* flags, length, '*', '.' */

struct ip_rule {
    struct net_ip net;
    unsigned prefix;
    bool blocked;
    size_t text;    /* arena offset of the pattern */
};

struct domain_rules {
    struct slot *slots;     /* big_alloc'ed, mask + 1 of them */
    size_t mask;
    uint64_t *bloom;        /* 8 bits per slot pair, 2 bits per key: most
                             * unlisted suffixes stop here, in cache */
    size_t bloom_mask;      /* words - 1 */
    size_t n_keys;
    char *arena;            /* big_alloc'ed: key records, IP rule texts */
    size_t arena_len, arena_cap;
    struct ip_rule *ips;
    size_t n_ips, ips_cap;
};

/* ---- memory: large tables on transparent huge pages (fewer TLB misses
 * on a 1 M-entry set) ---- */

#define HUGE_PAGE (2u << 20)

static void *big_alloc(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (size >= HUGE_PAGE)
        (void)madvise(p, size, MADV_HUGEPAGE);
    return p;
}

static void *big_grow(void *p, size_t old, size_t size)
{
    void *q = mremap(p, old, size, MREMAP_MAYMOVE);
    if (q == MAP_FAILED)
        return NULL;
    if (size >= HUGE_PAGE)
        (void)madvise(q, size, MADV_HUGEPAGE);
    return q;
}

static void big_free(void *p, size_t size)
{
    if (p)
        munmap(p, size);
}

/* ---- hashing ---- */

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)

static inline uint64_t hash_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * FNV_PRIME;
}

static inline uint64_t hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    return h ^ (h >> 33);
}

/* FNV-1a over the bytes from last to first, so that the hash of every
 * suffix falls out of one right-to-left pass over a longer name. */
static uint64_t hash_backward(const char *s, size_t n)
{
    uint64_t h = FNV_OFFSET;
    while (n-- > 0)
        h = hash_step(h, (unsigned char)s[n]);
    return hash_mix(h);
}

/* Two bits in one word of the Bloom filter. */
static inline size_t bloom_word(const struct domain_rules *r, uint64_t mixed, uint64_t *bits)
{
    uint64_t b = mixed * UINT64_C(0x9e3779b97f4a7c15);
    *bits = UINT64_C(1) << (b >> 58) | UINT64_C(1) << ((b >> 52) & 63);
    return (size_t)(b >> 20) & r->bloom_mask;
}

static inline bool bloom_maybe(const struct domain_rules *r, uint64_t mixed)
{
    uint64_t bits;
    size_t w = bloom_word(r, mixed, &bits);
    return (r->bloom[w] & bits) == bits;
}

static inline uint8_t *rec_flags(const struct domain_rules *r, const struct slot *s)
{
    return (uint8_t *)r->arena + s->off - REC_HEAD;
}

static inline size_t rec_len(const struct domain_rules *r, const struct slot *s)
{
    return (uint8_t)r->arena[s->off - REC_HEAD + 1];
}

static inline bool slot_is(const struct domain_rules *r, const struct slot *s, uint32_t tag,
                           const char *key, size_t len)
{
    return s->tag == tag && rec_len(r, s) == len && memcmp(r->arena + s->off, key, len) == 0;
}

/* The slot holding key, or the empty slot where it would go; linear
 * probing from slot i. */
static struct slot *find_slot_from(const struct domain_rules *r, size_t i, const char *key,
                                   size_t len, uint64_t mixed)
{
    uint32_t tag = (uint32_t)(mixed >> 32);
    for (;; i = (i + 1) & r->mask) {
        struct slot *s = &r->slots[i];
        if (s->off == 0 || slot_is(r, s, tag, key, len))
            return s;
    }
}

static struct slot *find_slot(const struct domain_rules *r, const char *key, size_t len,
                              uint64_t mixed)
{
    return find_slot_from(r, (size_t)mixed & r->mask, key, len, mixed);
}

/* ---- building ---- */

/* Reserve n bytes in the arena; returns the offset or SIZE_MAX. */
static size_t arena_reserve(struct domain_rules *r, size_t n)
{
    if (r->arena_len + n > r->arena_cap) {
        size_t cap = r->arena_cap * 2 + n;
        char *a = big_grow(r->arena, r->arena_cap, cap);
        if (!a)
            return SIZE_MAX;
        r->arena = a;
        r->arena_cap = cap;
    }
    size_t off = r->arena_len;
    r->arena_len += n;
    return off;
}

static size_t arena_add(struct domain_rules *r, const char *s, size_t n)
{
    size_t off = arena_reserve(r, n + 1);
    if (off != SIZE_MAX)
        memcpy(r->arena + off, s, n + 1);
    return off;
}

/* Store the record of key and return the offset of key, or SIZE_MAX. */
static size_t arena_add_key(struct domain_rules *r, const char *key, size_t len)
{
    size_t off = arena_reserve(r, REC_HEAD + len + 1);
    if (off == SIZE_MAX || off + REC_HEAD > UINT32_MAX)
        return SIZE_MAX;
    char *rec = r->arena + off;
    rec[0] = 0;
    rec[1] = (char)len;
    rec[2] = '*';
    rec[3] = '.';
    memcpy(rec + REC_HEAD, key, len + 1);
    return off + REC_HEAD;
}

struct pending {    /* a domain pattern between hashing and insertion */
    char key[DOMAIN_BUF_SIZE];
    size_t len;
    uint64_t mixed;
    uint8_t flag;
};

static int insert_key(struct domain_rules *r, const struct pending *p)
{
    struct slot *s = find_slot(r, p->key, p->len, p->mixed);
    if (s->off == 0) {
        size_t off = arena_add_key(r, p->key, p->len);
        if (off == SIZE_MAX)
            return -ENOMEM;
        s->tag = (uint32_t)(p->mixed >> 32);
        s->off = (uint32_t)off;
        r->n_keys++;
        uint64_t bits;
        size_t w = bloom_word(r, p->mixed, &bits);
        r->bloom[w] |= bits;
    }
    *rec_flags(r, s) |= p->flag;
    return 0;
}

/* The key of a domain pattern: normalised, or failing that lower-cased. */
static size_t pattern_key(const char *p, char key[DOMAIN_BUF_SIZE])
{
    if (domain_normalize(p, key, DOMAIN_BUF_SIZE) == 0)
        return strlen(key);
    size_t n = strlen(p);
    if (n == 0 || n > DOMAIN_NAME_MAX)
        return 0;
    for (size_t i = 0; i <= n; i++)
        key[i] = (p[i] >= 'A' && p[i] <= 'Z') ? (char)(p[i] - 'A' + 'a') : p[i];
    return n;
}

/* Fill p for a domain pattern and prefetch its slot; false to skip it. */
static bool prepare_domain(const struct domain_rules *r, const char *pat, bool blocked,
                           struct pending *p)
{
    bool wild = strncmp(pat, "*.", 2) == 0;
    p->len = pattern_key(wild ? pat + 2 : pat, p->key);
    if (p->len == 0)
        return false;
    p->flag = wild ? (blocked ? F_WILD_BLOCKED : F_WILD_TRUSTED)
                   : (blocked ? F_EXACT_BLOCKED : F_EXACT_TRUSTED);
    p->mixed = hash_backward(p->key, p->len);
    __builtin_prefetch(&r->slots[p->mixed & r->mask], 1);
    return true;
}

/* ================= IP rules ================= */

/* "addr" or "addr/prefix" (1..3 digits); false when p is not one. */
static bool parse_ip_rule(const char *p, struct net_ip *net, unsigned *prefix)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(p, '/');
    size_t alen = slash ? (size_t)(slash - p) : strlen(p);
    if (alen == 0 || alen >= sizeof tmp)
        return false;
    memcpy(tmp, p, alen);
    tmp[alen] = '\0';
    memset(net, 0, sizeof *net);
    if (inet_pton(AF_INET, tmp, net->b) == 1)
        net->family = AF_INET;
    else if (inet_pton(AF_INET6, tmp, net->b) == 1)
        net->family = AF_INET6;
    else
        return false;
    unsigned bits = net->family == AF_INET ? 32 : 128;
    *prefix = bits;
    if (!slash)
        return true;
    const char *d = slash + 1;
    size_t dn = strlen(d);
    unsigned v = 0;
    if (dn == 0 || dn > 3)
        return false;
    for (size_t i = 0; i < dn; i++) {
        if (d[i] < '0' || d[i] > '9')
            return false;
        v = v * 10 + (unsigned)(d[i] - '0');
    }
    *prefix = v;
    return v <= bits;
}

static int add_ip_rule(struct domain_rules *r, const char *p, const struct net_ip *net,
                       unsigned prefix, bool blocked)
{
    if (r->n_ips == r->ips_cap) {
        size_t cap = r->ips_cap ? r->ips_cap * 2 : 8;
        struct ip_rule *v = realloc(r->ips, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        r->ips = v;
        r->ips_cap = cap;
    }
    size_t off = arena_add(r, p, strlen(p));
    if (off == SIZE_MAX)
        return -ENOMEM;
    r->ips[r->n_ips++] = (struct ip_rule){ *net, prefix, blocked, off };
    return 0;
}

/* ================= build / match ================= */

#define BATCH 16 /* patterns hashed and prefetched before they are inserted */

static size_t table_size(size_t n)
{
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    return size;
}

static size_t arena_estimate(const char *const *v, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += (v[i] ? strlen(v[i]) : 0) + REC_HEAD + 1;
    return total;
}

/* IP rules go straight in; domain patterns go through a batch so that
 * their slots' cache misses overlap. */
static int add_list(struct domain_rules *r, const char *const *v, size_t n, bool blocked)
{
    struct pending batch[BATCH];
    size_t nb = 0;
    for (size_t i = 0; i < n || nb > 0;) {
        if (i < n && nb < BATCH) {
            struct net_ip net;
            unsigned prefix;
            const char *pat = v[i++];
            if (!pat)
                continue;
            if (parse_ip_rule(pat, &net, &prefix)) {
                if (add_ip_rule(r, pat, &net, prefix, blocked) < 0)
                    return -ENOMEM;
            } else if (prepare_domain(r, pat, blocked, &batch[nb])) {
                nb++;
            }
            continue;
        }
        for (size_t k = 0; k < nb; k++)
            if (insert_key(r, &batch[k]) < 0)
                return -ENOMEM;
        nb = 0;
    }
    return 0;
}

struct domain_rules *domain_rules_build(const char *const *trusted, size_t n_trusted,
                                        const char *const *blocked, size_t n_blocked)
{
    struct domain_rules *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    size_t slots = table_size(n_trusted + n_blocked);
    r->mask = slots - 1;
    r->slots = big_alloc(slots * sizeof *r->slots);
    r->bloom_mask = slots / 16 - 1; /* >= 8 bits per key (load <= 1/2) */
    r->bloom = big_alloc((r->bloom_mask + 1) * sizeof *r->bloom);
    r->arena_cap = arena_estimate(trusted, n_trusted) + arena_estimate(blocked, n_blocked) + 64;
    r->arena = big_alloc(r->arena_cap);
    r->arena_len = REC_HEAD; /* offset 0 (and so any off < REC_HEAD) is no key */
    if (!r->slots || !r->bloom || !r->arena || add_list(r, trusted, n_trusted, false) < 0 ||
        add_list(r, blocked, n_blocked, true) < 0) {
        domain_rules_free(r);
        return NULL;
    }
    return r;
}

struct verdicts {
    const char *trusted, *blocked;
};

static void note_hit(const struct domain_rules *r, const struct slot *s, bool whole,
                     struct verdicts *v)
{
    const char *key = r->arena + s->off;
    uint8_t flags = *rec_flags(r, s);
    if (whole) {
        if (flags & F_EXACT_BLOCKED)
            v->blocked = key;
        if (flags & F_EXACT_TRUSTED)
            v->trusted = key;
    } else {
        if (flags & F_WILD_BLOCKED)
            v->blocked = key - 2;
        if (flags & F_WILD_TRUSTED)
            v->trusted = key - 2;
    }
}

static enum domain_verdict decide(const struct verdicts *v, const char **rule)
{
    const char *why = v->blocked ? v->blocked : v->trusted;
    if (rule)
        *rule = why;
    return v->blocked ? DOMAIN_BLOCKED : v->trusted ? DOMAIN_TRUSTED : DOMAIN_UNLISTED;
}

/* One label suffix of the name being matched. */
struct probe {
    size_t pos;        /* suffix = name + pos */
    uint64_t mixed;    /* its hash */
    bool maybe;        /* passed the Bloom filter */
    size_t slot;       /* first slot with its tag, or SIZE_MAX */
};

/* Hash every label suffix (shortest first) and prefetch its home slot. */
static size_t hash_suffixes(const struct domain_rules *r, const char *name, size_t len,
                            struct probe *p)
{
    size_t n = 0;
    uint64_t h = FNV_OFFSET;
    for (size_t i = len; i-- > 0;) {
        h = hash_step(h, (unsigned char)name[i]);
        if (i > 0 && name[i - 1] != '.')
            continue;
        p[n].pos = i;
        p[n].mixed = hash_mix(h);
        p[n].maybe = bloom_maybe(r, p[n].mixed);
        if (p[n].maybe)
            __builtin_prefetch(&r->slots[p[n].mixed & r->mask]);
        n++;
    }
    return n;
}

/* Find the first slot with the suffix's tag (no key comparison yet) and
 * prefetch its record. */
static void find_candidate(const struct domain_rules *r, struct probe *p)
{
    uint32_t tag = (uint32_t)(p->mixed >> 32);
    p->slot = SIZE_MAX;
    if (!p->maybe)
        return;
    for (size_t i = (size_t)p->mixed & r->mask; r->slots[i].off; i = (i + 1) & r->mask) {
        if (r->slots[i].tag == tag) {
            p->slot = i;
            __builtin_prefetch(r->arena + r->slots[i].off - REC_HEAD);
            return;
        }
    }
}

/* The slot holding the suffix, or NULL. */
static const struct slot *confirm(const struct domain_rules *r, const char *name, size_t len,
                                  const struct probe *p)
{
    const char *key = name + p->pos;
    size_t klen = len - p->pos;
    if (p->slot == SIZE_MAX)
        return NULL;
    const struct slot *s = &r->slots[p->slot];
    if (rec_len(r, s) != klen || memcmp(r->arena + s->off, key, klen) != 0)
        s = find_slot_from(r, (p->slot + 1) & r->mask, key, klen, p->mixed); /* tag collision */
    return s->off ? s : NULL;
}

/* Three passes over the label suffixes, so that the cache misses of one
 * pass overlap: hash and prefetch the slots, pick candidates and prefetch
 * their keys, compare. Shortest suffix first: a longer (more specific)
 * hit overrides. */
enum domain_verdict domain_rules_match(const struct domain_rules *r, const char *name,
                                       const char **rule)
{
    struct verdicts v = { NULL, NULL };
    struct probe p[DOMAIN_NAME_MAX + 1]; /* one per boundary, even in "...." */
    size_t len = (r && name) ? strnlen(name, DOMAIN_NAME_MAX + 1) : 0;
    if (len == 0 || len > DOMAIN_NAME_MAX)
        return decide(&v, rule);
    size_t n = hash_suffixes(r, name, len, p);
    for (size_t k = 0; k < n; k++)
        find_candidate(r, &p[k]);
    for (size_t k = 0; k < n; k++) {
        const struct slot *s = confirm(r, name, len, &p[k]);
        if (s)
            note_hit(r, s, p[k].pos == 0, &v);
    }
    return decide(&v, rule);
}

/* The rule's prefix length in a's terms when it matches a (an IPv6 rule
 * matching an IPv4 address through ::ffff:0:0/96 counts 96 bits less),
 * else -1. */
static int ip_rule_match_len(const struct ip_rule *ir, const struct net_ip *a,
                             const struct net_ip *mapped)
{
    if (net_ip_in_prefix(a, &ir->net, ir->prefix))
        return (int)ir->prefix;
    if (mapped && net_ip_in_prefix(mapped, &ir->net, ir->prefix))
        return ir->prefix > 96 ? (int)ir->prefix - 96 : 0;
    return -1;
}

enum domain_verdict domain_rules_match_ip(const struct domain_rules *r, const struct sockaddr *sa,
                                          const char **rule)
{
    struct verdicts v = { NULL, NULL };
    int best[2] = { -1, -1 }; /* longest prefix seen: trusted, blocked */
    struct net_ip a, m = { .family = AF_INET6, .b = { [10] = 0xff, [11] = 0xff } };
    if (!r || net_ip_from_sockaddr(sa, &a) < 0)
        return decide(&v, rule);
    /* An IPv4 address is also tested as ::ffff:a.b.c.d against IPv6 rules. */
    memcpy(m.b + 12, a.b, 4);
    const struct net_ip *mapped = a.family == AF_INET ? &m : NULL;
    for (size_t i = 0; i < r->n_ips; i++) {
        const struct ip_rule *ir = &r->ips[i];
        int len = ip_rule_match_len(ir, &a, mapped);
        if (len <= best[ir->blocked])
            continue;
        best[ir->blocked] = len;
        *(ir->blocked ? &v.blocked : &v.trusted) = r->arena + ir->text;
    }
    return decide(&v, rule);
}

size_t domain_rules_count(const struct domain_rules *r, size_t *n_ip_rules)
{
    if (n_ip_rules)
        *n_ip_rules = r ? r->n_ips : 0;
    return r ? r->n_keys : 0;
}

void domain_rules_free(struct domain_rules *r)
{
    if (!r)
        return;
    big_free(r->slots, (r->mask + 1) * sizeof *r->slots);
    big_free(r->bloom, (r->bloom_mask + 1) * sizeof *r->bloom);
    big_free(r->arena, r->arena_cap);
    free(r->ips);
    free(r);
}

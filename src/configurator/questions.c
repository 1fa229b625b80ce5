/* Questions and answer checks for the interactive mode. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "configurator/questions.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The answer to one question, trimmed; "" for Enter; NULL at end of input. */
static char *ask(FILE *in, FILE *out, const char *question, const char *def)
{
    fprintf(out, "%s [%s]: ", question, def);
    fflush(out);
    char *line = NULL;
    size_t cap = 0;
    if (getline(&line, &cap, in) < 0) {
        free(line);
        fprintf(out, "\n");
        return NULL;
    }
    char *s = line;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    memmove(line, s, n + 1);
    return line;
}

static void again(FILE *out, const char *why)
{
    fprintf(out, "  %s; try again\n", why);
}

static int ask_profile(FILE *in, FILE *out, struct init_profile **p)
{
    char q[128];
    snprintf(q, sizeof q, "Profile (%s)", init_profile_list_text());
    for (;;) {
        _cleanup_free_ char *a = ask(in, out, q, INIT_DEFAULT_PROFILE);
        if (!a)
            return -1;
        *p = init_profile_new(*a ? a : INIT_DEFAULT_PROFILE);
        if (*p)
            return 0;
        char why[160];
        snprintf(why, sizeof why, "no profile \"%.40s\"; expected %s", a,
                 init_profile_list_text());
        again(out, why);
    }
}

static int ask_workspace(FILE *in, FILE *out, struct init_profile *p)
{
    for (;;) {
        _cleanup_free_ char *a = ask(in, out, "Workspace: ${WORKSPACE} (the directory "
                                     "`sandboxctl run` starts in) or an absolute directory",
                                     p->workspace);
        if (!a)
            return -1;
        if (!*a || !strcmp(a, p->workspace))
            return 0;
        struct stat st;
        if (!strcmp(a, "${WORKSPACE}") || (a[0] == '/' && stat(a, &st) == 0 &&
                                           S_ISDIR(st.st_mode))) {
            free(p->workspace);
            p->workspace = TAKE_PTR(a);
            return 0;
        }
        again(out, a[0] == '/' ? "not an existing directory"
                               : "expected ${WORKSPACE} or an absolute directory");
    }
}

/* Every word of a (spaces or commas between) must be a valid domain: the
 * words go to a scratch profile first, so that p gets all of them or none. */
static int add_domains(struct init_profile *p, const char *a, char *why, size_t n)
{
    struct init_profile *scratch = init_profile_new(p->name);
    int r = 0;
    for (int pass = 0; pass < 2 && r == 0; pass++) {
        _cleanup_free_ char *copy = xstrdup(a);
        char *save = NULL;
        for (char *w = strtok_r(copy, " ,\t", &save); w && r == 0;
             w = strtok_r(NULL, " ,\t", &save))
            r = init_profile_add_domain(pass ? p : scratch, w, why, n);
    }
    init_profile_free(scratch);
    return r;
}

static int ask_domains(FILE *in, FILE *out, struct init_profile *p)
{
    if (!p->network)
        return 0;
    fprintf(out, "Trusted now: %zu domains (", p->trusted.n);
    for (size_t i = 0; i < p->trusted.n && i < 4; i++)
        fprintf(out, "%s%s", i ? ", " : "", p->trusted.v[i]);
    fprintf(out, "%s)\n", p->trusted.n > 4 ? ", ..." : "");
    for (;;) {
        _cleanup_free_ char *a = ask(in, out, "Trusted domains to add (spaces or commas "
                                     "between; *.example.com for subdomains)", "none");
        if (!a)
            return -1;
        if (!*a || !strcmp(a, "none") || !strcmp(a, "-"))
            return 0;
        char why[512];
        if (add_domains(p, a, why, sizeof why) == 0)
            return 0;
        again(out, why);
    }
}

static int ask_number(FILE *in, FILE *out, const char *q, uint64_t min, uint64_t max,
                      uint64_t *v)
{
    char def[32];
    snprintf(def, sizeof def, "%" PRIu64, *v);
    for (;;) {
        _cleanup_free_ char *a = ask(in, out, q, def);
        if (!a)
            return -1;
        if (!*a)
            return 0;
        char *end;
        errno = 0;
        unsigned long long n = strtoull(a, &end, 10);
        bool digits = isdigit((unsigned char)a[0]) && !*end && !errno;
        if (digits && (n == 0 || (n >= min && n <= max))) {
            *v = n;
            return 0;
        }
        char why[128];
        snprintf(why, sizeof why, "expected 0 (no limit) or a number from %" PRIu64
                 " to %" PRIu64, min, max);
        again(out, why);
    }
}

int init_interview(FILE *in, FILE *out, const char *workspace, struct init_profile **result)
{
    struct init_profile *p = NULL;
    fprintf(out, "sandboxctl init: a few questions; Enter keeps the [default], "
            "Ctrl-D aborts.\n");
    int r = ask_profile(in, out, &p);
    if (r == 0 && workspace) {
        free(p->workspace);
        p->workspace = xstrdup(workspace);
    }
    if (r == 0)
        r = ask_workspace(in, out, p);
    if (r == 0)
        r = ask_domains(in, out, p);
    if (r == 0)
        r = ask_number(in, out, "Memory limit in MiB (0: none)", 32, UINT64_C(8388608),
                       &p->limits.memory_mb);
    if (r == 0)
        r = ask_number(in, out, "Process limit (0: none)", 4, 4194304, &p->limits.pids);
    if (r < 0) {
        log_error("init: no answer (end of input); nothing written");
        init_profile_free(p);
        return -1;
    }
    *result = p;
    return 0;
}

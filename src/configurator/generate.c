/* The generation step of init: policy texts, the judgement of this host,
 * the documents, then the files, all checked before any is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "configurator/assess.h"
#include "configurator/docs.h"
#include "configurator/init.h"
#include "configurator/writer.h"
#include "util/cleanup.h"
#include "util/log.h"

enum { DOC_REQ, DOC_THREAT, N_DOCS };

static void iso_date(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%S%z", &tm))
        snprintf(buf, n, "(unknown date)");
}

static void summary(const struct init_profile *p, const struct init_assessment *a,
                    const char *shown)
{
    printf("risk (this host):");
    for (int t = 0; t < THREAT_COUNT; t++)
        printf("%s %s %s", t ? "," : "", threat_name((enum threat)t),
               risk_level_name(a->risk.rows[t].level));
    printf("\n");
    if (p->strict_mode && a->refusals)
        log_warn("init: strict_mode: `run` will refuse to start on this host: %zu "
                 "confinement control(s) not fully enforced (see `sandboxctl check`)",
                 a->refusals);
    _cleanup_free_ char *pol = init_display_path(shown, "policies", NULL);
    printf("next: sandboxctl check --policy %s\n"
           "      sandboxctl run --policy %s -- COMMAND\n", pol, pol);
}

static void free_texts(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
}

int init_generate(const struct init_profile *p, const struct init_opts *o, int dirfd,
                  const char *dir_abs)
{
    char *texts[INIT_N_POLICY_FILES] = {
        init_profile_fs_json(p), init_profile_net_json(p), init_profile_res_json(p),
    };
    char *docs[N_DOCS] = {0};
    struct policy_env env;
    struct common_opts none = {0};
    cli_fill_env(&env, &none);
    env.cwd = dir_abs; /* ${WORKSPACE}: DIR, as when run starts there */
    struct init_assessment a;
    struct policy_error err = {{0}};
    int code = 1;
    if (init_assess((const char *const *)texts, &env, NULL, &a, &err) < 0) {
        log_error("init: the generated policy does not load: %s", err.msg);
        goto out_assess;
    }
    char date[64];
    iso_date(date, sizeof date);
    struct init_doc_meta meta = {
        .profile = p->name, .summary = p->summary, .workspace = p->workspace, .date = date,
    };
    docs[DOC_REQ] = init_doc_requirements(&meta, &a);
    docs[DOC_THREAT] = init_doc_threats(&meta, &a);
    if (!docs[DOC_REQ] || !docs[DOC_THREAT]) {
        log_error("init: cannot build the documents: out of memory");
        goto out_assess;
    }
    const struct init_file files[] = {
        { "policies", init_policy_file_names[INIT_FILE_FS], texts[INIT_FILE_FS] },
        { "policies", init_policy_file_names[INIT_FILE_NET], texts[INIT_FILE_NET] },
        { "policies", init_policy_file_names[INIT_FILE_RES], texts[INIT_FILE_RES] },
        { "docs", "REQUIREMENTS.md", docs[DOC_REQ] },
        { "docs", "THREAT-ASSESSMENT.md", docs[DOC_THREAT] },
    };
    static const char *const extra_dirs[] = { "policies", "docs", "tests", NULL };
    if (init_files_check(dirfd, o->dir, files, ARRAY_SIZE(files), o->force) < 0) {
        log_error("init: nothing written");
        goto out_assess;
    }
    printf("sandboxctl init: profile %s, workspace %s (here: %s)\n", p->name, p->workspace,
           a.policy->fs.workspace);
    if (init_files_write(dirfd, o->dir, files, ARRAY_SIZE(files), extra_dirs, o->force,
                         false) < 0)
        goto out_assess;
    summary(p, &a, o->dir);
    code = 0;
out_assess:
    init_assessment_free(&a);
    free_texts(texts, INIT_N_POLICY_FILES);
    free_texts(docs, N_DOCS);
    return code;
}

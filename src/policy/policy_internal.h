/* Helpers shared by the policy loader, finaliser and serialiser. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"

/* Replace *dst with a copy of s (NULL clears). */
void policy_set_str(char **dst, const char *s);
void origin_set(struct origin *o, const char *where);

/* Lists append with duplicates removed: a later file adding what an
 * earlier one had changes nothing. */
void port_list_add_unique(struct port_list *l, uint16_t port);
void port_list_free(struct port_list *l);
/* Takes ownership of r's members; frees them when r duplicates an entry. */
void fw_rule_list_add_unique(struct fw_rule_list *l, struct fw_rule *r);
void fw_rule_free(struct fw_rule *r);
void fw_rule_list_free(struct fw_rule_list *l);
/* network.hosts: a later pin of the same name replaces the earlier one. */
void policy_set_host(struct policy *p, const char *name, const char *address);

/* ${WORKSPACE} while loading: --workspace, else the workspace the policy
 * files declared so far, else the current directory. */
const char *policy_workspace_var(const struct policy *p,
                                 const struct policy_env *env);

/* Value checks (policy_validate.c).  Each returns 0, or -1 with a
 * "what is wrong; expected what" text in why.  On success *out (when the
 * function has one) is a heap copy in canonical form. */
int policy_expand_path(const char *in, const struct policy_env *env,
                       const char *workspace, char **out,
                       char *why, size_t whylen);
int policy_check_domain(const char *in, bool allow_ip, char **out,
                        char *why, size_t whylen);
int policy_check_ip(const char *in, char *why, size_t whylen);
int policy_check_upstream(const char *in, char *why, size_t whylen);
int policy_check_env_pattern(const char *in, char *why, size_t whylen);
int policy_check_env_name(const char *in, char *why, size_t whylen);

/* Known words, NULL-terminated. */
extern const char *const policy_protocol_words[];

/* s quoted for a message: "..." with control characters escaped and long
 * values shortened, so a hostile file cannot garble the terminal. */
const char *policy_quote(const char *s, char *buf, size_t n);

/* Copy msg into err, shortened to fit. */
void policy_error_set(struct policy_error *err, const char *msg);

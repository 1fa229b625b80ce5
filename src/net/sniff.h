/* Protocol sniffing from the first bytes a client sends, and the host-name
 * check shared by the HTTP, SOCKS5 and TLS parsers. No allocation; never
 * reads past len. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sniffed_proto { PROTO_UNKNOWN, PROTO_NEED_MORE, PROTO_TLS, PROTO_HTTP, PROTO_SSH, PROTO_GIT };

/* Client-speaks-first protocols only:
 *   tls   a handshake record header: 0x16 0x03 0x00..0x04
 *   http  "METHOD " for the common HTTP/WebDAV methods, and the HTTP/2
 *         prior-knowledge preface "PRI * HTTP/2.0"
 *   ssh   "SSH-2.0-" or "SSH-1.99-" (RFC 4253: the client's first line)
 *   git   a git:// pkt-line: four hex digits, then "git-upload-pack ",
 *         "git-receive-pack " or "git-upload-archive "
 * PROTO_NEED_MORE while buf[0..len) is a proper prefix of some pattern.
 * Server-speaks-first protocols (ftp, smtp, telnet) give PROTO_UNKNOWN: the
 * caller falls back to well-known ports. */
enum sniffed_proto sniff_protocol(const uint8_t *buf, size_t len);
/* "tls", "http", "ssh", "git", "unknown" ("need-more" for PROTO_NEED_MORE). */
const char *sniffed_proto_name(enum sniffed_proto p);

/* Validate a DNS host name in[0..n) and copy it lower-cased and
 * NUL-terminated into out[size]. Letters, digits, '-', '_' and '.';
 * labels of 1..63 bytes; at most 253 bytes plus one optional trailing dot
 * (kept). IPv4 dotted quads pass too: the caller tells literals apart with
 * inet_pton. False when invalid or when it does not fit in out. */
bool net_host_normalize(const char *in, size_t n, char *out, size_t size);

#!/usr/bin/env python3
# Regenerate the case table of test_policy_errors.c:
#   python3 tests/unit/gen_errors.py > /tmp/cases.inc
# Generates the expected positions for test_policy_errors.c independently of
# the C locator: each case names the text the error must point at.
import json, sys
P = 'expected an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}'
D = 'expected a domain name (letters, digits, \'-\', \'.\'), "*.suffix", an IP address or a CIDR'
cases = [
 ('unknown_key', '{\n  "file_system": {\n    "alowed_paths": ["/x"]\n  }\n}', '"alowed_paths"',
  'unknown key "alowed_paths" in file_system; did you mean "allowed_paths"?'),
 ('unknown_top', '{"netwrok": {}}', '"netwrok"', 'unknown key "netwrok" at top level; did you mean "network"?'),
 ('unknown_no_hint', '{"enforcement": {"zzz": 1}}', '"zzz"',
  'unknown key "zzz" in enforcement; expected one of "strict_mode", "symlink_resolution", "case_sensitive", "audit_all_access"'),
 ('escaped_key', '{"file_system": {"allowed_paths": [], "writable\\u005fpathz": []}}', '"writable',
  'unknown key "writable_pathz" in file_system; did you mean "writable_paths"?'),
 ('list_type', '{"file_system": {"allowed_paths": "/x"}}', '"/x"',
  'file_system.allowed_paths: got a string; expected an array of strings'),
 ('element_type', '{"file_system": {"allowed_paths": ["/a", "/b",\n   "/c", 4]}}', '4]',
  'file_system.allowed_paths[3]: got an integer; expected a string'),
 ('relative_path', '{"file_system": {"denied_paths": ["/a", "etc/x"]}}', '"etc/x"',
  'file_system.denied_paths[1]: "etc/x" is not an absolute path; ' + P),
 ('unknown_var', '{"audit": {"path": "${LOGDIR}/a"}}', '"${LOGDIR}',
  'audit.path: unknown variable ${LOGDIR}; expected ${HOME}, ${WORKSPACE} or ${TMPDIR}'),
 ('control_char', '{"file_system": {"allowed_paths": ["/a\\nb"]}}', '"/a',
  'file_system.allowed_paths[0]: path contains control character 0x0a; ' + P),
 ('control_char_scalar', '{"file_system": {"temp_directory": {"path": "/t\\tx"}}}', '"/t',
  'file_system.temp_directory.path: contains control character 0x09; ' + P),
 ('negative', '{"resources": {"pids": -5}}', '-5',
  'resources.pids: -5 is out of range; expected an integer from 0 to 4611686018427387904'),
 ('float_for_int', '{"resources": {"nofile": 1.0}}', '1.0',
  'resources.nofile: got a fractional number; expected an integer from 0 to 4611686018427387904'),
 ('mb_limit', '{"resources": {"memory_mb": 8796093022208}}', '8796',
  'resources.memory_mb: 8796093022208 is out of range; expected an integer from 0 to 8796093022207'),
 ('top_array', '  [1]', '[1]',
  'the top level is an array; expected an object with keys such as "file_system", "network", "firewall"'),
 ('lone_star', '{"network": {"trusted_domains": ["*"]}}', '"*"',
  'network.trusted_domains[0]: a lone "*" would trust every destination; use network.mode "host" to turn filtering off, or "*.example.com" for the subdomains of one domain'),
 ('bad_domain_char', '{"network": {"blocked_domains": ["exa mple.com"]}}', '"exa',
  'network.blocked_domains[0]: invalid character \' \' in domain "exa mple.com"; ' + D),
 ('mid_wildcard', '{"network": {"trusted_domains": ["a.*.com"]}}', '"a.*',
  'network.trusted_domains[0]: "a.*.com": a wildcard is only accepted as a leading "*." (e.g. "*.example.com"); ' + D),
 ('url', '{"network": {"trusted_domains": ["https://github.com"]}}', '"https',
  'network.trusted_domains[0]: "https://github.com" is a URL; expected a bare domain such as "github.com" (no scheme, port or path)'),
 ('domain_port', '{"network": {"trusted_domains": ["localhost:3000"]}}', '"localhost',
  'network.trusted_domains[0]: "localhost:3000" has a port; expected a domain without one (ports go in network.allowed_ports)'),
 ('cidr_prefix', '{"network": {"trusted_domains": ["10.0.0.0/33"]}}', '"10.',
  'network.trusted_domains[0]: "10.0.0.0/33" has an invalid prefix length; expected /0 to /32'),
 ('port_range', '{"network": {"allowed_ports": {"inbound": [80, 70000]}}}', '70000',
  'network.allowed_ports.inbound[1]: 70000 is out of range; expected an integer from 1 to 65535'),
 ('port_zero', '{"network": {"allowed_ports": {"outbound": [0]}}}', '0]',
  'network.allowed_ports.outbound[0]: 0 is out of range; expected an integer from 1 to 65535'),
 ('protocol_typo', '{"network": {"protocols": {"allowed": ["htps"]}}}', '"htps"',
  'network.protocols.allowed[0]: unknown protocol "htps"; did you mean "https"?'),
 ('protocol_ssl', '{"network": {"protocols": {"allowed": ["ssl"]}}}', '"ssl"',
  'network.protocols.allowed[0]: unknown protocol "ssl"; did you mean "tls"?'),
 ('protocol_unknown', '{"network": {"protocols": {"denied": ["gopher"]}}}', '"gopher"',
  'network.protocols.denied[0]: unknown protocol "gopher"; expected one of http, https, tls, ssh, git, ftp, telnet, smtp, dns'),
 ('host_address', '{"network": {"hosts": {"a.com": "1.2.3"}}}', '"1.2.3"',
  'network.hosts."a.com": "1.2.3" is not an IP address; expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1'),
 ('host_wildcard', '{"network": {"hosts": {"*.a.com": "1.2.3.4"}}}', '"*.a.com"',
  'network.hosts: "*.a.com": a pin needs an exact host name, not a wildcard'),
 ('dns_upstream', '{"network": {"dns": {"upstream": "1.2.3.4:99999"}}}', '"1.2.3.4:',
  'network.dns.upstream: "1.2.3.4:99999" is not a DNS server address; expected "IP", "IPv4:port" or "[IPv6]:port"'),
 ('rule_missing_action', '{"firewall": {"egress_rules": [{"destination": "a.com"}]}}', '{"destination',
  'firewall.egress_rules[0]: missing "action"; expected "allow" or "deny"'),
 ('rule_unknown_key', '{"firewall": {"ingress_rules": [{"action": "allow", "destination": "a.com"}]}}', '"destination',
  'unknown key "destination" in firewall.ingress_rules[0]; expected one of "action", "source", "ports"'),
 ('mode_typo', '{"network": {"mode": "whitelst"}}', '"whitelst"',
  'network.mode: unknown value "whitelst"; did you mean "whitelist"?'),
 ('unprotected_typo', '{"file_system": {"unprotected_paths": [".bashrcc"]}}', '".bashrcc"',
  'file_system.unprotected_paths[0]: ".bashrcc" is not a protected path; did you mean ".bashrc"?'),
 ('permissions', '{"file_system": {"workspace": {"permissions": "rw"}}}', '"rw"',
  'file_system.workspace.permissions: unknown value "rw"; expected "read-write" or "read-only"'),
 ('temp_size_zero', '{"file_system": {"temp_directory": {"size_limit_mb": 0}}}', '0}',
  'file_system.temp_directory.size_limit_mb: 0 is out of range; expected an integer from 1 to 8796093022207'),
 ('workspace_size_negative', '{"file_system": {"workspace": {"size_limit_gb": -1}}}', '-1',
  'file_system.workspace.size_limit_gb: -1 is out of range; expected a number from 0 to 8.58993e+09'),
 ('bool_type', '{"enforcement": {"strict_mode": "yes"}}', '"yes"',
  'enforcement.strict_mode: got a string; expected true or false'),
 ('section_type', '{"network": []}', '[]', 'network: got an array; expected an object'),
 ('symlink', '{"enforcement": {"symlink_resolution": "follow"}}', '"follow"',
  'enforcement.symlink_resolution: unknown value "follow"; expected "deny"'),
 ('env_pattern', '{"environment": {"deny": ["A-B"]}}', '"A-B"',
  'environment.deny[0]: "A-B" is not a variable name pattern; expected letters, digits, \'_\' and the wildcards \'*\' and \'?\''),
 ('env_name', '{"environment": {"allow": ["1X"]}}', '"1X"',
  'environment.allow[0]: "1X" is not a variable name; expected letters, digits and \'_\', not starting with a digit'),
 ('fs_mode', '{"file_system": {"mode": "blacklist"}}', '"blacklist"',
  'file_system.mode: unknown value "blacklist"; expected "whitelist"'),
 ('empty_path', '{"file_system": {"writable_paths": [""]}}', '""',
  'file_system.writable_paths[0]: empty path; ' + P),
 ('tilde_user', '{"file_system": {"writable_paths": ["~root/x"]}}', '"~root',
  'file_system.writable_paths[0]: ~user is not supported; ' + P),
 ('unicode_column', '{"network": {"trusted_domains": ["\u00e9\u00e9", "b c"]}}', '"b c"',
  'network.trusted_domains[0]: invalid byte 0xc3 in domain "\u00e9\u00e9"; ' + D),
]

def pos(text, marker):
    i = text.index(marker)
    line = text.count('\n', 0, i) + 1
    start = text.rfind('\n', 0, i) + 1
    return line, i - start + 1

def c_str(s):
    out = ''
    for ch in s.encode('utf-8'):
        c = chr(ch)
        if c == '"' or c == '\\':
            out += '\\' + c
        elif c == '\n':
            out += '\\n'
        elif c == '\t':
            out += '\\t'
        elif ch >= 0x80:
            out += '\\x%02x""' % ch
        else:
            out += c
    return '"' + out + '"'

print('/* Generated by gen_errors.py: positions computed from the marker text. */')
for name, text, marker, msg in cases:
    if name == 'unicode_column':
        # the error is about the first element; the marker check is below
        marker = '"\u00e9'
    line, col = pos(text, marker)
    print('    { %s,\n      %s,\n      %s },' % (c_str(name), c_str(text), c_str('t.json:%d:%d: %s' % (line, col, msg))))

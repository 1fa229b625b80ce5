# shellcheck shell=bash
# File-system boundaries of the default policy (and one custom policy).

SECRET_MARK=SBX-SECRET-c0ffee

plant_ssh_key() { # -> $KEY
    user_dir "$HOME/.ssh"
    chmod 700 "$HOME/.ssh"
    KEY=$HOME/.ssh/id_rsa
    user_file "$KEY" "-----BEGIN OPENSSH PRIVATE KEY----- $SECRET_MARK"
}

test_read_ssh_key() {
    plant_ssh_key
    baseline "cat ~/.ssh/id_rsa" as_user cat "$KEY"
    assert_contains "$OUT" "$SECRET_MARK"
    sandboxed_fails "cat ~/.ssh/id_rsa" sbx run -- cat "$KEY"
    assert_not_contains "$OUT" "$SECRET_MARK"
    # The same through the shell's ~ expansion (HOME keeps its value inside).
    sandboxed_fails "sh: cat ~/.ssh/id_rsa" sbx run -- sh -c 'echo "HOME=$HOME"; cat ~/.ssh/id_rsa'
    assert_contains "$OUT" "HOME=$HOME" "HOME inside"
    assert_not_contains "$OUT" "$SECRET_MARK"
}

test_read_ssh_key_workspace_in_home() {
    plant_ssh_key
    local ws=$HOME/proj
    user_dir "$ws"
    user_file "$ws/README" "workspace file" 644
    baseline "cat ~/.ssh/id_rsa" as_user cat "$KEY"
    cd "$ws" || fail "cd"
    # The workspace (inside HOME) is visible, the rest of HOME is not.
    assert_succeeds sbx run -- cat "$ws/README"
    assert_contains "$OUT" "workspace file"
    sandboxed_fails "cat ~/.ssh/id_rsa" sbx run -- cat "$KEY"
    assert_not_contains "$OUT" "$SECRET_MARK"
    run_capture sbx run -- sh -c "ls -A '$HOME'; cat '$ws/../.ssh/id_rsa'"
    assert_not_contains "$OUT" "$SECRET_MARK"
    assert_not_contains "$OUT" ".ssh" "listing of HOME inside"
}

test_read_etc_shadow() {
    # (read to /dev/null: the host's hashes never end up in a test log)
    baseline "cat /etc/shadow" as_user sh -c 'cat /etc/shadow >/dev/null'
    sandboxed_fails "cat /etc/shadow" sbx run -- sh -c 'cat /etc/shadow >/dev/null'
    sandboxed_fails "cat /etc/gshadow" sbx run -- sh -c 'cat /etc/gshadow >/dev/null'
    # /etc itself stays readable.
    assert_succeeds sbx run -- sh -c 'grep -c "^root:" /etc/passwd'
    assert_eq "1" "$OUT" "root lines in /etc/passwd inside"
}

test_read_denied_path_custom_policy() {
    local tree=$T/tree
    user_dir "$tree" "$tree/public" "$tree/secret"
    user_file "$tree/public/file" "public data" 644
    user_file "$tree/secret/key" "$SECRET_MARK" 600
    write_policy "$T/run/p.json" "{
  \"file_system\": {
    \"allowed_paths\": [$SYS_RO, \"$tree/**\"],
    \"readonly_paths\": [$SYS_RO],
    \"denied_paths\": [\"$tree/secret/**\"]
  }
}"
    baseline "cat $tree/secret/key" as_user cat "$tree/secret/key"
    assert_succeeds sbx run --policy "$T/run/p.json" -- cat "$tree/public/file"
    assert_contains "$OUT" "public data"
    sandboxed_fails "cat denied file" sbx run --policy "$T/run/p.json" -- cat "$tree/secret/key"
    assert_not_contains "$OUT" "$SECRET_MARK"
    # Path-matching evasion: .., //, trailing /., a symlink made inside.
    run_capture sbx run --policy "$T/run/p.json" -- sh -c "
        cat '$tree/public/../secret/key' '$tree//secret/key' '$tree/./secret/./key'
        ln -s '$tree/secret' '$WS/s' && cat '$WS/s/key'
        cd '$tree/public' && cat ../secret/key"
    assert_not_contains "$OUT" "$SECRET_MARK"
}

test_denied_path_inside_workspace() {
    # A denied path inside the (allowed, writable) workspace is masked.
    user_dir "$WS/secrets" "$WS/src"
    user_file "$WS/secrets/key" "$SECRET_MARK"
    user_file "$WS/src/main.c" "int main;" 644
    write_policy "$T/run/p.json" "{
  \"file_system\": {
    \"allowed_paths\": [$SYS_RO],
    \"readonly_paths\": [$SYS_RO],
    \"denied_paths\": [\"\${WORKSPACE}/secrets/**\"]
  }
}"
    baseline "cat ws/secrets/key" as_user cat "$WS/secrets/key"
    assert_succeeds sbx run --policy "$T/run/p.json" -- cat src/main.c
    assert_contains "$OUT" "int main;"
    sandboxed_fails "cat ws/secrets/key" sbx run --policy "$T/run/p.json" -- cat "$WS/secrets/key"
    assert_not_contains "$OUT" "$SECRET_MARK"
    run_capture sbx run --policy "$T/run/p.json" -- sh -c "
        cat secrets/key ./secrets//key src/../secrets/key
        mv secrets s2; cat s2/key
        ln -s secrets l; cat l/key"
    assert_not_contains "$OUT" "$SECRET_MARK"
    # and the host copy is intact, wherever the attack moved things
    assert_eq "$SECRET_MARK" "$(cat "$WS/secrets/key" 2>/dev/null)" "host secret"
}

test_write_usr() {
    local f=/usr/sbxit-$(rand)
    on_exit "rm -f '$f'"
    baseline "echo x > $f" as_user sh -c "echo x > '$f'"
    rm -f "$f"
    sandboxed_fails "echo x > $f" sbx run -- sh -c "echo x > '$f'"
    [[ ! -e $f ]] || fail "$f was created on the host"
    sandboxed_fails "touch /usr/bin/sh" sbx run -- touch /usr/bin/sh
    local e=/etc/sbxit-$(rand)
    on_exit "rm -f '$e'"
    sandboxed_fails "echo x > $e" sbx run -- sh -c "echo x > '$e'"
    [[ ! -e $e ]] || fail "$e was created on the host"
}

test_write_outside_workspace() {
    local sib=$T/sibling
    user_dir "$sib"
    baseline "echo pwned > $sib/x" as_user sh -c "echo pwned > '$sib/x'"
    rm -f "$sib/x"
    sandboxed_fails "echo pwned > $sib/x" sbx run -- sh -c "echo pwned > '$sib/x'"
    [[ ! -e $sib/x ]] || fail "$sib/x was created on the host"
    # Even recreating the directory inside must not reach the host.
    run_capture sbx run -- sh -c "mkdir -p '$sib' '$HOME' && echo pwned > '$sib/x'; echo pwned > '$HOME/.bashrc'"
    [[ ! -e $sib/x ]] || fail "$sib/x was created on the host"
    [[ ! -e $HOME/.bashrc ]] || fail "$HOME/.bashrc was created on the host"
}

test_workspace_symlink_to_secret() {
    local secret=$T/run/secret
    user_file "$secret" "$SECRET_MARK"
    plant_ssh_key
    as_user ln -s "$secret" "$WS/link"
    as_user ln -s "$KEY" "$WS/keylink"
    as_user ln -s "$T/run" "$WS/dirlink"
    baseline "cat ws/link" as_user cat "$WS/link"
    sandboxed_fails "cat ws/link" sbx run -- cat "$WS/link"
    assert_not_contains "$OUT" "$SECRET_MARK"
    sandboxed_fails "cat ws/keylink" sbx run -- cat "$WS/keylink"
    assert_not_contains "$OUT" "$SECRET_MARK"
    sandboxed_fails "cat ws/dirlink/secret" sbx run -- cat "$WS/dirlink/secret"
    assert_not_contains "$OUT" "$SECRET_MARK"
    if [[ $TEST_USER == root ]]; then
        as_user ln -s /etc/shadow "$WS/shadowlink"
        sandboxed_fails "cat ws/shadowlink" sbx run -- cat "$WS/shadowlink"
    fi
}

test_hardlink_to_secret() {
    plant_ssh_key
    # Same file system (/tmp) and the user's own file: works outside.
    baseline "ln ~/.ssh/id_rsa ws/hl" as_user ln "$KEY" "$WS/hl"
    rm -f "$WS/hl"
    sandboxed_fails "ln ~/.ssh/id_rsa ws/hl" sbx run -- ln "$KEY" "$WS/hl"
    [[ ! -e $WS/hl ]] || fail "hard link to the secret created in the workspace"
}

# The persistence attacks: every line prints PWNED when it worked.
PERSIST_ATTACKS='
a() { if sh -c "$1" 2>/dev/null; then echo "PWNED: $1"; else echo "blocked: $1"; fi; }
a "echo evil >> .git/hooks/pre-commit"
a "echo evil > .git/hooks/post-checkout"
a "printf \"[alias]\\n x = !evil\\n\" >> .git/config"
a "echo evil > .bashrc"
a "echo evil > .bash_profile"
a "echo evil > .zshrc"
a "echo evil > .zprofile"
a "echo evil > .profile"
a "echo evil > .gitconfig"
a "echo evil > .gitmodules"
a "echo {} > .mcp.json"
a "mkdir .vscode && echo {} > .vscode/tasks.json"
a "mkdir .idea && echo x > .idea/workspace.xml"
a "mkdir .claude/commands && echo evil > .claude/commands/x.md"
a "mkdir .claude/agents && echo evil > .claude/agents/x.md"
'
PERSIST_COUNT=15

make_git_ws() { # DIR
    as_user git -C "$1" init -q || fail "git init"
    as_user sh -c "printf '#!/bin/sh\necho original-hook\n' > '$1/.git/hooks/pre-commit'; chmod 755 '$1/.git/hooks/pre-commit'; mkdir '$1/.claude'"
}

test_protected_persistence_paths() {
    local ws2=$T/run/ws2
    user_dir "$ws2"
    make_git_ws "$ws2"
    make_git_ws "$WS"
    local before
    before=$(cd "$WS" && find . | sort)
    local config_before
    config_before=$(cat "$WS/.git/config")
    echo "# baseline (unsandboxed, in a copy of the workspace)"
    run_capture as_user sh -c "cd '$ws2' && $PERSIST_ATTACKS"
    local n
    n=$(grep -c '^PWNED' <<<"$OUT")
    [[ $n == "$PERSIST_COUNT" ]] || skip "only $n/$PERSIST_COUNT persistence writes work unsandboxed"
    echo "# sandboxed"
    run_capture sbx run -- sh -c "$PERSIST_ATTACKS"
    [[ $RC == 0 ]] || fail "sandboxed attack script exited $RC"
    assert_not_contains "$OUT" "PWNED"
    assert_eq "$PERSIST_COUNT" "$(grep -c '^blocked' <<<"$OUT")" "blocked attacks"
    # Host side: nothing changed, nothing left behind.
    assert_eq "#!/bin/sh
echo original-hook" "$(cat "$WS/.git/hooks/pre-commit")" "pre-commit hook"
    assert_eq "$config_before" "$(cat "$WS/.git/config")" ".git/config"
    local after
    after=$(cd "$WS" && find . | sort)
    [[ $before == "$after" ]] || fail "workspace changed: $(diff <(echo "$before") <(echo "$after"))"
    as_user git -C "$WS" status >/dev/null || fail "git status fails after the run"
}

test_protected_paths_absent() {
    # No .git, no .claude, nothing: the protected names are still uncreatable.
    local attack='
        a() { if sh -c "$1" 2>/dev/null; then echo "PWNED: $1"; else echo "blocked: $1"; fi; }
        a "mkdir -p .git/hooks && echo evil > .git/hooks/pre-commit"
        a "mkdir -p .git && printf \"[core]\\n\\thooksPath = /tmp\\n\" > .git/config"
        a "git init -q . && echo evil > .git/hooks/pre-commit"
        a "mkdir -p .claude/commands && echo evil > .claude/commands/x.md"
        a "mkdir -p .claude/agents && echo evil > .claude/agents/x.md"
        a "mkdir -p .vscode && echo {} > .vscode/settings.json"
        a "echo evil > .bashrc"'
    local ws2=$T/run/ws2
    user_dir "$ws2"
    echo "# baseline (unsandboxed, in a copy of the workspace)"
    run_capture as_user sh -c "cd '$ws2' && $attack"
    [[ $(grep -c '^PWNED' <<<"$OUT") == 7 ]] || skip "not all writes work unsandboxed"
    run_capture sbx run -- sh -c "$attack"
    assert_not_contains "$OUT" "PWNED"
    local f
    for f in .git/hooks/pre-commit .git/config .claude/commands/x.md .claude/agents/x.md .vscode/settings.json .bashrc; do
        [[ ! -s $WS/$f ]] || fail "$WS/$f written on the host: $(head -c 100 "$WS/$f")"
    done
    # Directories the command created on its own (.git, .claude) may stay;
    # the protected names themselves must not.
    for f in .git/hooks .git/config .claude/commands .claude/agents .vscode .bashrc; do
        [[ ! -e $WS/$f ]] || fail "placeholder left in the workspace: $f"
    done
}

test_protected_rename_parent() {
    local ws2=$T/run/ws2
    user_dir "$ws2"
    make_git_ws "$ws2"
    make_git_ws "$WS"
    local attack='
        mv .git .git-old 2>/dev/null && cp -a .git-old .git; mkdir -p .git/hooks; echo evil > .git/hooks/pre-commit
        mv .git-old/hooks .git-old/h2 2>/dev/null; mkdir -p .git-old/hooks; echo evil > .git-old/hooks/pre-commit
        mv .claude .claude-old 2>/dev/null; mkdir -p .claude/commands; echo evil > .claude/commands/x.md
        true'
    baseline "rename .git then write hooks" as_user sh -c "cd '$ws2' && $attack && grep -q evil .git/hooks/pre-commit"
    run_capture sbx run -- sh -c "$attack"
    # What git and Claude Code would read on the host afterwards: the
    # repository git finds from the workspace, any git directory (HEAD +
    # hooks/) anywhere in the workspace, and .claude/commands.
    local gd
    gd=$(as_user git -C "$WS" rev-parse --absolute-git-dir 2>&1)
    echo "git dir found from the workspace: $gd"
    [[ -d $gd ]] || fail "the workspace is no longer a git repository: $gd"
    [[ -f $gd/hooks/pre-commit ]] && ! grep -q evil "$gd/hooks/pre-commit" ||
        fail "hooks of the repository ($gd) were replaced: $(ls -la "$gd/hooks" 2>&1 | head -5)"
    local head
    while IFS= read -r head; do
        local d=${head%/HEAD}
        if grep -rqs evil "$d/hooks"; then
            fail "persistence through rename: git dir $d has an attacker hook"
        fi
    done < <(find "$WS" -name HEAD -type f)
    if grep -rqs evil "$WS/.claude/commands"; then
        fail "persistence through rename: $WS/.claude/commands written"
    fi
}

test_no_placeholders_after_run() {
    make_git_ws "$WS"
    rm -rf "$WS/.claude"
    local before after
    before=$(cd "$WS" && find . | sort)
    assert_succeeds sbx run -- sh -c 'ls -A >/dev/null'
    after=$(cd "$WS" && find . | sort)
    [[ $before == "$after" ]] || fail "the run left files in the workspace: $(diff <(echo "$before") <(echo "$after"))"
    # Empty workspace too.
    local ws2=$T/run/empty
    user_dir "$ws2"
    assert_succeeds sbx run --workspace "$ws2" -- true
    assert_eq "" "$(ls -A "$ws2")" "entries left in an empty workspace"
}

test_workspace_rw_same_path() {
    user_file "$WS/in" "hello" 644
    assert_succeeds sbx run -- sh -c "pwd; cat '$WS/in'; echo out > '$WS/out'"
    assert_contains "$OUT" "$WS" "cwd inside"
    assert_contains "$OUT" "hello"
    assert_eq "out" "$(cat "$WS/out" 2>/dev/null)" "file written inside"
    local owner
    owner=$(stat -c %u "$WS/out")
    assert_eq "$TUID" "$owner" "owner of a file written inside"
    # cwd = the workspace when started outside it
    cd /
    assert_succeeds sbx run --workspace "$WS" -- pwd
    assert_eq "$WS" "$OUT" "cwd inside when started outside the workspace"
}

test_private_tmp() {
    user_file "$T/run/hostfile" "host tmp" 644
    assert_succeeds sbx run -- sh -c "echo TMPDIR=\$TMPDIR; ls /tmp; cat '$T/run/hostfile'; mktemp >/dev/null"
    assert_not_contains "$OUT" "host tmp" "host /tmp file visible inside"
    assert_contains "$OUT" "TMPDIR=/"
}

test_dev_minimal() {
    baseline "host /dev has device nodes" sh -c 'ls /dev | grep -Eqx "kmsg|kvm|loop0|vda|sda|fuse|vsock|tty0|zram0|mem"'
    assert_succeeds sbx run -- sh -c 'ls -A /dev; echo x > /dev/null; head -c 4 /dev/urandom | wc -c'
    local d
    for d in mem kmsg kvm loop0 loop-control sda vda fuse vsock tty0 tty1 vcs zram0 port userfaultfd btrfs-control; do
        [[ $'\n'$OUT$'\n' != *$'\n'"$d"$'\n'* ]] || fail "/dev/$d visible inside"
    done
    for d in null zero full random urandom tty pts ptmx shm; do
        [[ $'\n'$OUT$'\n' == *$'\n'"$d"$'\n'* ]] || fail "/dev/$d missing inside"
    done
}

test_setup_follows_no_symlinks() {
    # Attacker-planted dangling symlinks at protected names: set-up must not
    # create their targets (outside the workspace) while masking them.
    local tgt=$T/run/planted
    user_dir "$tgt"
    as_user ln -s "$tgt/bashrc" "$WS/.bashrc"
    as_user ln -s "$tgt/vscode" "$WS/.vscode"
    as_user ln -s "$tgt/mcp.json" "$WS/.mcp.json"
    as_user mkdir -p "$WS/.git"
    as_user ln -s "$tgt/hooks" "$WS/.git/hooks"
    baseline "write through ws/.bashrc symlink" as_user sh -c "echo x > '$WS/.bashrc'"
    rm -f "$tgt/bashrc"
    run_capture sbx run -- sh -c 'echo evil > .bashrc; mkdir .vscode; echo {} > .mcp.json; mkdir .git/hooks; echo evil > .git/hooks/pre-commit; true'
    local left
    left=$(ls -A "$tgt")
    [[ -z $left ]] || fail "created outside the workspace through planted symlinks: $left"
    # The symlinks themselves are left as they were.
    [[ -L $WS/.bashrc && -L $WS/.vscode && -L $WS/.mcp.json && -L $WS/.git/hooks ]] ||
        fail "planted symlinks were replaced: $(ls -la "$WS" "$WS/.git")"
}

# Lists and reads through fd 7; exit 0 when anything leaked.
FD7_ATTACK='
import os, sys
leak = []
try:
    leak.append("names=" + ",".join(os.listdir(7)))
except OSError as e:
    print("listdir(7):", e)
try:
    leak.append("content=" + os.read(os.open("key", os.O_RDONLY, dir_fd=7), 100).decode())
except OSError as e:
    print("openat(7, key):", e)
try:
    leak.append("proc=" + open("/proc/self/fd/7/key").read())
except OSError as e:
    print("/proc/self/fd/7/key:", e)
print("LEAK:", leak)
sys.exit(0 if leak else 1)
'

test_inherited_dir_fd() {
    # A directory fd opened outside and inherited: closed, or useless inside.
    local d=$T/run/sdir
    user_dir "$d"
    user_file "$d/key" "$SECRET_MARK"
    baseline "use inherited dir fd 7" as_user sh -c "exec 7< '$d'; exec $PY -c \"\$0\"" "$FD7_ATTACK"
    assert_contains "$OUT" "$SECRET_MARK"
    sandboxed_fails "use inherited dir fd 7" as_user sh -c "exec 7< '$d'; exec timeout 30 '$SBX' run -- $PY -c \"\$0\"" "$FD7_ATTACK"
    assert_not_contains "$OUT" "$SECRET_MARK"
    assert_not_contains "$OUT" "names=key" "directory listing through fd 7"
}

test_proc_sys_write() {
    require_root "only root can write /proc/sys outside"
    baseline "echo 1 > /proc/sys/vm/drop_caches" sh -c 'echo 1 > /proc/sys/vm/drop_caches'
    sandboxed_fails "echo 1 > /proc/sys/vm/drop_caches" sbx run -- sh -c 'echo 1 > /proc/sys/vm/drop_caches'
    sandboxed_fails "write /sys (cgroup release_agent)" sbx run -- sh -c 'for f in /sys/fs/cgroup/*/release_agent /sys/kernel/uevent_helper; do echo /x > $f && exit 0; done; exit 1'
}

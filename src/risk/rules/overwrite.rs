//! Unpacking over files and changing them in place without deleting them:
//! archives extracted into `/`, immutable attributes, holes punched.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "unzip"
            if ctx
                .args
                .windows(2)
                .any(|w| w[0] == "-d" && matches!(classify(w[1]), Some(PathClass::Root))) =>
        {
            acc.danger(OVER_ROOT)
        }
        // cpio -i unpacks; into / (`-D /`, or run there) it replaces system files.
        "cpio" if ctx.has_flag('i', &["--extract"]) => {
            let into_root = ctx.args.windows(2).any(|w| {
                matches!(w[0], "-D" | "--directory")
                    && matches!(classify(w[1]), Some(PathClass::Root))
            });
            if into_root {
                acc.danger(OVER_ROOT);
            } else {
                acc.caution("cpio extracts files over existing ones");
            }
        }
        // chattr +i/+a makes files immutable: on a system tree, updates and
        // logins start failing.
        "chattr" => {
            let recursive = ctx.has_flag('R', &[]);
            let system = ctx
                .positionals()
                .iter()
                .any(|w| find_start_is_broad(&w.text));
            if recursive && system {
                acc.danger("chattr -R on a system tree: files become immutable and the system stops updating and logging");
            } else {
                acc.caution("chattr changes file attributes");
            }
        }
        // Punching holes zeroes the file's contents in place.
        "fallocate"
            if ctx.args.iter().any(|a| {
                matches!(
                    *a,
                    "-p" | "--punch-hole" | "-c" | "--collapse-range" | "-d" | "--dig-holes"
                )
            }) =>
        {
            let data = ctx.positionals().iter().any(|w| {
                matches!(classify(&w.text), Some(PathClass::DataDir(_)))
                    || is_critical_file(&w.text)
                    || is_system_file(&w.text)
            });
            if data {
                acc.danger("fallocate zeroes or removes part of a data or system file in place");
            } else {
                acc.caution("fallocate zeroes or removes part of a file in place");
            }
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    #[test]
    fn examples() {
        check_examples(&[
            ("sudo unzip -o rootfs.zip -d /", Danger),
            ("unzip -o site.zip -d ./public", Caution),
            ("sudo cpio -idmu --no-absolute-filenames -D / < over.cpio", Danger),
            ("cpio -idv < initrd.cpio", Caution),
            ("sudo chattr -R +i /", Danger),
            ("chattr +i ./important.txt", Caution),
            (
                "sudo fallocate --punch-hole --offset 0 --length 1G /var/lib/postgresql/16/main/base/16384/2619",
                Danger,
            ),
            ("fallocate -l 1G ./swapfile", Safe),
        ]);
    }
}

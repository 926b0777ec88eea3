//! Disks: block devices, partition tables, filesystems, volumes, RAID.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name below; folding the inner `if`s into guards would let
// a command that fails its guard fall through to unrelated later arms.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    check_writers(name, ctx, acc) || check_tables_and_volumes(name, ctx, acc)
}

/// Raw writers, filesystems and erasers.
#[allow(clippy::collapsible_match)]
fn check_writers(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "dd" => analyze_dd(ctx, acc),
        n if n.starts_with("mkfs")
            || matches!(
                n,
                "mke2fs" | "mkdosfs" | "mkntfs" | "newfs" | "mkswap" | "mkexfatfs"
            ) =>
        {
            // A device (or something we cannot see, like a variable) is wiped; an image or swap file is routine.
            let pos = ctx.positionals();
            // mke2fs -n / mkfs.xfs -N only print what they would create.
            let ext = n == "mke2fs"
                || n.starts_with("mkfs.ext")
                || n == "mkfs" && ctx.args.iter().any(|a| a.starts_with("ext"));
            if ext && ctx.has_flag('n', &[]) || n == "mkfs.xfs" && ctx.has_flag('N', &[]) {
                return true;
            }
            let on_device = pos
                .iter()
                .any(|w| is_device(&w.text) || w.text.starts_with('$'))
                || pos.is_empty();
            if on_device {
                acc.danger(format!(
                    "{n} creates a new filesystem, erasing everything on the device"
                ));
            } else {
                acc.caution(format!("{n} formats a file (its contents are replaced)"));
            }
        }
        "fsck" | "e2fsck" | "xfs_repair" | "btrfs" | "tune2fs" | "resize2fs" | "ntfsfix"
        | "dosfsck" | "fsck.ext4" | "fsck.vfat" | "xfs_growfs" => repair_tools(name, ctx, acc),
        "wipefs" => wipefs(ctx, acc),
        "blkdiscard" => acc.danger("blkdiscard discards every block on the device"),
        // SCSI low-level format and sanitize erase the whole drive.
        "sg_format" | "sg_sanitize"
            if ctx.args.iter().any(|a| {
                a.starts_with("--format")
                    || *a == "-F"
                    || a.starts_with("--block")
                    || a.starts_with("--crypto")
                    || a.starts_with("--overwrite")
            }) || name == "sg_sanitize" && !ctx.positionals().is_empty() =>
        {
            acc.danger(format!("{name} erases the whole drive"))
        }
        "badblocks" if ctx.has_flag('w', &[]) => {
            acc.danger("badblocks -w overwrites the whole device")
        }
        "hdparm"
            if ctx.args.iter().any(|a| {
                a.starts_with("--security-erase")
                    || a.starts_with("--trim-sector")
                    || *a == "--fwdownload"
            }) =>
        {
            acc.danger("hdparm erase/firmware operation on a disk")
        }
        "nvme"
            if ctx
                .args
                .first()
                .is_some_and(|a| matches!(*a, "format" | "sanitize")) =>
        {
            acc.danger("nvme format/sanitize erases the drive")
        }
        "flashrom" if ctx.has_flag('w', &["--write"]) || ctx.has_flag('E', &["--erase"]) => {
            acc.danger("flashrom rewrites the firmware chip")
        }
        _ => return false,
    }
    true
}

/// Filesystem checkers, repairers and resizers.
fn repair_tools(name: &str, ctx: &Ctx, acc: &mut Acc) {
    let read_only = ctx.has_flag('n', &[])
        || (name == "btrfs"
            && ctx
                .args
                .iter()
                .any(|a| matches!(*a, "show" | "list" | "df" | "usage")))
        || (name == "tune2fs" && ctx.args.iter().all(|a| *a == "-l" || !a.starts_with('-')));
    let deletes_subvolume = name == "btrfs"
        && ctx
            .args
            .iter()
            .any(|a| matches!(*a, "subvolume" | "sub" | "su"))
        && ctx
            .args
            .iter()
            .any(|a| matches!(*a, "delete" | "del" | "d"));
    if deletes_subvolume {
        acc.danger("btrfs subvolume delete destroys the subvolume and every file in it");
    } else if !read_only && !ctx.args.is_empty() {
        acc.caution(format!("{name} modifies a filesystem"));
    }
}

/// `wipefs`: erasing signatures unless `-n`.
fn wipefs(ctx: &Ctx, acc: &mut Acc) {
    // Without -a/-o wipefs only lists signatures.
    if ctx.has_flag('a', &["--all"]) || ctx.has_flag('o', &["--offset"]) {
        acc.danger("wipefs erases filesystem signatures (the data becomes unreachable)");
    }
}

/// Partition tables, encryption, pools, volumes and RAID.
#[allow(clippy::collapsible_match)]
fn check_tables_and_volumes(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "fdisk" | "gdisk" | "cfdisk" | "cgdisk" => analyze_fdisk(ctx, acc),
        "sfdisk" => sfdisk(ctx, acc),
        "parted" => analyze_parted(ctx, acc),
        "sgdisk" => sgdisk(ctx, acc),
        "cryptsetup" => cryptsetup(ctx, acc),
        "zpool" => zpool(ctx, acc),
        "zfs" => zfs(ctx, acc),
        "lvremove" | "vgremove" | "pvremove" => {
            acc.danger(format!("{name} deletes LVM volumes and their data"))
        }
        "lvreduce" | "lvresize" => acc.danger(format!(
            "{name} can truncate a volume (data loss if the filesystem is larger)"
        )),
        "mdadm" => mdadm(ctx, acc),
        _ => return false,
    }
    true
}

/// `sfdisk`: anything but listing, dumping or verifying rewrites the table.
fn sfdisk(ctx: &Ctx, acc: &mut Acc) {
    if ctx.has_flag('l', &["--list"])
        || ctx.has_flag('d', &["--dump"])
        || ctx.has_flag('s', &["--show-size"])
        || ctx.has_flag('V', &["--verify"])
        || ctx.args.is_empty()
    {
        // read-only
    } else {
        acc.danger("sfdisk rewrites the partition table");
    }
}

/// `sgdisk`: the options that write the partition table.
fn sgdisk(ctx: &Ctx, acc: &mut Acc) {
    let writes = [
        "-Z",
        "--zap-all",
        "-z",
        "--zap",
        "-o",
        "--clear",
        "-n",
        "--new",
        "-d",
        "--delete",
        "-g",
        "--mbrtogpt",
        "-t",
        "--typecode",
        "-R",
        "--replicate",
        "-G",
        "-c",
        "--change-name",
        "-x",
        "-s",
        "--sort",
        "-e",
        "-l",
        "--load-backup",
    ];
    if ctx.args.iter().any(|a| {
        writes.contains(&a.split('=').next().unwrap_or(a))
            || (a.starts_with("-n") || a.starts_with("-d") || a.starts_with("-t")) && a.len() > 2
    }) {
        acc.danger("sgdisk modifies or wipes the partition table");
    }
}

/// `cryptsetup`: formatting, erasing, removing key slots.
fn cryptsetup(ctx: &Ctx, acc: &mut Acc) {
    let sub = ctx
        .positionals()
        .first()
        .map(|w| w.text.to_ascii_lowercase())
        .unwrap_or_default();
    match sub.as_str() {
        "luksformat" | "erase" | "luckserase" | "lukserase" | "reencrypt" => {
            acc.danger("cryptsetup re-formats or erases the encrypted volume")
        }
        "lukskillslot" | "luksremovekey" => {
            acc.danger("removes a LUKS key slot (data can become unrecoverable)")
        }
        "status" | "luksdump" | "isluks" | "" => {}
        _ => acc.caution("changes encrypted volume state"),
    }
}

/// `zpool`: destroying a pool versus changing its state.
fn zpool(ctx: &Ctx, acc: &mut Acc) {
    let sub = ctx.args.first().copied().unwrap_or("");
    match sub {
        "destroy" | "labelclear" => acc.danger(format!("zpool {sub} destroys the pool")),
        "create" | "add" | "attach" | "detach" | "remove" | "replace" | "offline" | "export"
        | "import" | "scrub" | "upgrade" | "clear" | "set" => {
            acc.caution(format!("zpool {sub} changes storage pool state"))
        }
        _ => {}
    }
}

/// `zfs`: destroying a dataset versus a snapshot, rollbacks.
// Kept as one arm with an inner `if`: the listed subcommands are the ones
// that change datasets, `send` and friends only excepted from the warning.
#[allow(clippy::collapsible_match)]
fn zfs(ctx: &Ctx, acc: &mut Acc) {
    let sub = ctx.args.first().copied().unwrap_or("");
    match sub {
        "destroy" => {
            if has_flag(&ctx.args[1..], 'r', &[])
                || has_flag(&ctx.args[1..], 'R', &[])
                || !ctx.args.iter().skip(1).any(|a| a.contains('@'))
            {
                acc.danger("zfs destroy deletes a dataset and its data");
            } else {
                acc.caution("zfs destroy of a snapshot");
            }
        }
        "rollback" => acc.caution("zfs rollback discards changes after the snapshot"),
        "create" | "snapshot" | "set" | "mount" | "umount" | "unmount" | "receive" | "recv"
        | "rename" | "promote" | "send" | "inherit" => {
            if sub != "send"
                && sub != "snapshot"
                && sub != "create"
                && !(sub == "mount" && ctx.args.len() == 1)
            {
                acc.caution(format!("zfs {sub} changes datasets"));
            }
        }
        _ => {}
    }
}

/// `mdadm`: overwriting RAID metadata versus querying.
fn mdadm(ctx: &Ctx, acc: &mut Acc) {
    if ctx
        .args
        .iter()
        .any(|a| matches!(*a, "--zero-superblock" | "--create" | "-C"))
    {
        acc.danger("mdadm --create/--zero-superblock overwrites RAID metadata");
    } else if ctx.args.iter().any(|a| {
        matches!(
            *a,
            "--detail" | "-D" | "--examine" | "-E" | "--query" | "-Q"
        )
    }) && !ctx
        .args
        .iter()
        .any(|a| matches!(*a, "--remove" | "--fail" | "--stop" | "-r" | "-f" | "-S"))
    {
    } else {
        acc.caution("changes RAID array state");
    }
}

pub(crate) fn analyze_dd(ctx: &Ctx, acc: &mut Acc) {
    for a in ctx.args {
        if let Some(of) = a.strip_prefix("of=") {
            if is_device(of) {
                acc.danger(format!("dd overwrites the device {of}"));
            } else if is_critical_file(of) {
                acc.danger(format!("dd overwrites the critical file {of}"));
            } else if !is_harmless_dev(of) {
                acc.caution(format!("dd writes {of}"));
            }
        }
    }
}

pub(crate) fn analyze_fdisk(ctx: &Ctx, acc: &mut Acc) {
    if ctx.has_flag('l', &["--list"]) || ctx.args.is_empty() {
        return;
    }
    let fed = ctx.prev.is_some()
        || ctx.cmd.redirs.iter().any(|r| {
            matches!(
                r.kind,
                RedirKind::Heredoc | RedirKind::Herestring | RedirKind::Read
            )
        });
    if fed {
        acc.danger(format!(
            "{} is fed scripted input that can rewrite the partition table",
            ctx.eff.name
        ));
    } else {
        acc.caution(format!(
            "{} opens an interactive partition editor on a disk",
            ctx.eff.name
        ));
    }
}

pub(crate) fn analyze_parted(ctx: &Ctx, acc: &mut Acc) {
    let writes = [
        "mklabel",
        "mktable",
        "mkpart",
        "rm",
        "resizepart",
        "mkfs",
        "mkpartfs",
        "resize",
        "move",
        "rescue",
        "name",
        "set",
        "toggle",
    ];
    let lower: Vec<String> = ctx.args.iter().map(|a| a.to_ascii_lowercase()).collect();
    if lower.iter().any(|a| writes.contains(&a.as_str())) {
        acc.danger("parted modifies the partition table");
    } else if lower
        .iter()
        .any(|a| a == "-l" || a == "--list" || a == "print" || a == "p")
    {
    } else if ctx.positionals().iter().any(|w| is_device(&w.text)) {
        acc.caution("parted opens an interactive partition editor");
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("lsblk -f", Safe),
            ("sudo btrfs subvolume delete /mnt/pool/@home", Danger),
            ("sudo sg_format --format /dev/sdb", Danger),
            ("sudo sg_format /dev/sdb", Safe),
            ("sudo btrfs subvolume list /mnt/pool", Safe),
            ("sudo btrfs subvolume snapshot /mnt/@ /mnt/@snap", Caution),
            ("sudo wipefs --no-act --all /dev/sdb", Safe),
            ("sudo sfdisk -n /dev/sdb < layout.sfdisk", Safe),
            ("sudo lvremove -t vg0/data", Safe),
            ("mkfs.ext4 -V", Safe),
            ("sudo mkfs.ext4 -V /dev/sdb1", Danger),
            ("dd if=/dev/sda of=/tmp/mbr.bin bs=512 count=1", Caution),
            ("mkfs.ext4 -F ./fs.img", Caution),
            ("dd if=/dev/zero of=/dev/sda", Danger),
            ("mkfs.ext4 /dev/sdb1", Danger),
            ("mke2fs -n /dev/nvme0n1p2", Safe),
            ("mkfs.xfs -N /dev/sdc", Safe),
            ("mkfs.vfat -n BOOT /dev/sdb1", Danger),
            ("wipefs -a /dev/sdb", Danger),
        ]);
    }
}

//! Cloud CLIs and infrastructure as code: terraform, aws, gcloud, az.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "terraform" | "tofu" => match ctx.args.first().copied() {
            Some("destroy") => acc.danger("terraform destroy deletes all managed infrastructure"),
            Some("apply") => {
                if ctx.args.contains(&"-destroy") {
                    acc.danger("terraform apply -destroy deletes all managed infrastructure");
                } else {
                    acc.caution("applies infrastructure changes");
                }
            }
            Some("import" | "taint" | "untaint" | "state" | "force-unlock") => {
                acc.caution("changes terraform state")
            }
            _ => {}
        },
        "aws" => {
            let j = ctx.args.join(" ");
            if (j.starts_with("s3 rm") && ctx.args.contains(&"--recursive"))
                || (j.starts_with("s3 rb") && ctx.args.contains(&"--force"))
            {
                acc.danger("deletes an S3 bucket's contents");
            } else if j.contains(" delete")
                || j.starts_with("s3 rm")
                || j.starts_with("s3 rb")
                || j.contains("terminate-instances")
            {
                acc.caution("deletes cloud resources");
            } else if j.starts_with("s3 sync") && ctx.args.contains(&"--delete") {
                acc.caution("s3 sync --delete removes files not present in the source");
            } else if j.starts_with("s3 cp") || j.starts_with("s3 mv") || j.starts_with("s3 sync") {
                acc.caution("uploads or moves objects in S3 (overwrites existing keys)");
            }
        }
        "gsutil" | "gcloud" | "az" => {
            if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "rm" | "delete" | "rb"))
            {
                if ctx.has_flag('r', &["--recursive"])
                    || ctx.args.contains(&"-m") && ctx.has_flag('r', &[])
                {
                    acc.danger("recursively deletes cloud storage");
                } else {
                    acc.caution("deletes cloud resources");
                }
            }
        }
        _ => return false,
    }
    true
}

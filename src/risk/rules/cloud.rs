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
        "pulumi" => match ctx.args.first().copied() {
            Some("destroy") => acc.danger("pulumi destroy deletes every resource of the stack"),
            Some("up" | "refresh" | "import" | "cancel") => {
                acc.caution("pulumi changes infrastructure")
            }
            Some("stack") if ctx.args.contains(&"rm") => {
                acc.danger("pulumi stack rm deletes the stack and its state")
            }
            _ => {}
        },
        "aws" => {
            let j = ctx.args.join(" ");
            if (j.starts_with("s3 rm") && ctx.args.contains(&"--recursive"))
                || (j.starts_with("s3 rb") && ctx.args.contains(&"--force"))
            {
                acc.danger("deletes an S3 bucket's contents");
            } else if ctx.args.get(1).is_some_and(|op| {
                ["delete-", "terminate-", "remove-", "deregister-", "purge-"]
                    .iter()
                    .any(|p| op.starts_with(p))
            }) && ctx.args.first() != Some(&"s3")
            {
                // The aws CLI never asks: the resource is gone when it returns.
                acc.danger(format!(
                    "aws {} {} deletes cloud resources without asking",
                    ctx.args[0], ctx.args[1]
                ));
            } else if j.contains(" delete") || j.starts_with("s3 rm") || j.starts_with("s3 rb") {
                acc.caution("deletes cloud resources");
            } else if j.starts_with("s3 sync") && ctx.args.contains(&"--delete") {
                acc.caution("s3 sync --delete removes files not present in the source");
            } else if j.starts_with("s3 cp") || j.starts_with("s3 mv") || j.starts_with("s3 sync") {
                acc.caution("uploads or moves objects in S3 (overwrites existing keys)");
            }
        }
        "gsutil" | "gcloud" | "az" | "doctl" | "hcloud" | "linode-cli" | "oci" => {
            if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "rm" | "delete" | "rb"))
            {
                if ctx.has_flag('r', &["--recursive"])
                    || ctx.args.contains(&"-m") && ctx.has_flag('r', &[])
                {
                    acc.danger("recursively deletes cloud storage");
                } else if ctx.args.iter().any(|a| {
                    matches!(
                        *a,
                        "--quiet" | "-q" | "--yes" | "-y" | "--force" | "--no-prompt"
                    ) || (*a == "-f" && name == "doctl")
                }) {
                    acc.danger("deletes cloud resources without asking for confirmation");
                } else {
                    acc.caution("deletes cloud resources");
                }
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
            ("aws s3 ls", Safe),
            ("gcloud compute instances list", Safe),
            ("terraform plan -destroy", Safe),
            ("aws s3 cp a.txt s3://b/", Caution),
            ("gcloud compute instances delete web-1", Caution),
            ("terraform apply", Caution),
            ("aws ec2 terminate-instances --instance-ids i-1", Danger),
            (
                "aws rds delete-db-instance --db-instance-identifier x",
                Danger,
            ),
            ("gcloud projects delete p --quiet", Danger),
            ("az group delete -n rg --yes", Danger),
            ("doctl compute droplet delete web --force", Danger),
            ("doctl compute droplet delete web1 -f", Danger),
            ("doctl compute droplet delete web1", Caution),
            ("aws s3 rm s3://b --recursive --dryrun", Safe),
            ("terraform destroy --help", Safe),
            ("aws s3 rm s3://b --recursive", Danger),
            ("terraform destroy -auto-approve", Danger),
        ]);
    }
}

//! Cloud CLIs and infrastructure as code: terraform, aws, gcloud, az.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "terraform" | "tofu" => match ctx.args.first().copied() {
            Some("destroy") => destroy_all(ctx, "-auto-approve", "terraform destroy", acc),
            Some("apply") => {
                if ctx.args.contains(&"-destroy") {
                    destroy_all(ctx, "-auto-approve", "terraform apply -destroy", acc);
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
            Some("destroy") => destroy_all(ctx, "--yes", "pulumi destroy", acc),
            Some("up" | "refresh" | "import" | "cancel") => {
                acc.caution("pulumi changes infrastructure")
            }
            Some("stack") if ctx.args.contains(&"rm") => {
                acc.danger("pulumi stack rm deletes the stack and its state")
            }
            _ => {}
        },
        "rclone" | "mc" | "minio-client" | "s3cmd" | "b2" | "argocd" | "crictl" => {
            storage_and_clusters(name, ctx, acc)
        }
        "eksctl" | "openstack" | "hcloud" | "scw" | "vultr-cli" | "exo" | "civo" | "ibmcloud"
        | "heroku" | "fly" | "flyctl" | "gh" | "glab" | "vercel" | "netlify" | "railway"
        | "kind" | "k3d" | "minikube" | "multipass" | "lxd" => other_cloud(name, ctx, acc),
        "aws" => aws(&aws_command(ctx.args), acc),
        "azcopy" => azcopy(ctx, acc),
        "gsutil" | "gcloud" if mirror_deletes(name, ctx.args) => {
            if !gsutil_dry_run(name, ctx.args) {
                acc.danger(sync_delete(&format!("{name} rsync")));
            }
        }
        "gsutil" | "gcloud" if copies_objects(name, ctx.args) => {
            acc.caution(format!("{name} copies objects (overwrites existing ones)"))
        }
        "az" if az_storage(ctx.args, acc) => {}
        "az" if ctx.args.first() == Some(&"deployment") && ctx.args.contains(&"create") => {
            az_deployment(ctx.args, acc)
        }
        "gsutil" | "gcloud" | "az" | "doctl" | "linode-cli" | "oci" => {
            other_deletes(name, ctx, acc)
        }
        _ => return false,
    }
    true
}

/// Deletes by the other big CLIs: in bulk, of a whole bucket, purged,
/// recursive or told not to ask are danger; the rest ask first.
fn other_deletes(name: &str, ctx: &Ctx, acc: &mut Acc) {
    // `az storage blob delete-batch` deletes every blob that matches, unasked.
    if ctx.args.contains(&"delete-batch") {
        acc.danger(format!("{name} deletes blobs in bulk without asking"));
        return;
    }
    if ctx
        .args
        .iter()
        .any(|a| matches!(*a, "rm" | "delete" | "rb" | "purge"))
    {
        // `gsutil rm gs://b/**`: every object of the bucket.
        if ctx
            .args
            .iter()
            .any(|a| a.contains("://") && (a.ends_with("/**") || a.ends_with("/*")))
        {
            acc.danger(format!("{name} deletes every object of a bucket"));
            return;
        }
        // Purging skips the soft-delete that would have kept it recoverable.
        if ctx.args.contains(&"purge") {
            acc.danger(format!("{name} purges a deleted resource for good"));
            return;
        }
        if ctx.has_flag('r', &["--recursive"]) || ctx.args.contains(&"-m") && ctx.has_flag('r', &[])
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

/// The aws CLI's words after its global options (`--profile prod`,
/// `--region eu-west-1`, `--no-verify-ssl`): service, operation, options.
pub(crate) fn aws_command<'a>(args: &[&'a str]) -> Vec<&'a str> {
    const TAKES: &[&str] = &[
        "--profile",
        "--region",
        "--output",
        "--endpoint-url",
        "--query",
        "--color",
        "--ca-bundle",
        "--cli-read-timeout",
        "--cli-connect-timeout",
        "--cli-binary-format",
    ];
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if !a.starts_with("--") {
            break;
        }
        i += if TAKES.contains(a) { 2 } else { 1 };
    }
    args.get(i..).unwrap_or(&[]).to_vec()
}

/// `aws s3 rm --recursive`, `rb --force`, `sync --delete`, and the
/// operations that delete without asking (`delete-*`, `terminate-*`).
fn aws(args: &[&str], acc: &mut Acc) {
    let j = args.join(" ");
    if (j.starts_with("s3 rm") && args.contains(&"--recursive"))
        || (j.starts_with("s3 rb") && args.contains(&"--force"))
    {
        acc.danger("deletes an S3 bucket's contents");
    } else if args.get(1).is_some_and(|op| {
        [
            "delete-",
            "batch-delete-",
            "terminate-",
            "remove-",
            "deregister-",
            "purge-",
        ]
        .iter()
        .any(|p| op.starts_with(p))
    }) && args.first() != Some(&"s3")
    {
        // The aws CLI never asks: the resource is gone when it returns.
        acc.danger(format!(
            "aws {} {} deletes cloud resources without asking",
            args[0], args[1]
        ));
    } else if j.contains(" delete")
        || args.get(1).is_some_and(|op| op.contains("delete"))
        || j.starts_with("s3 rm")
        || j.starts_with("s3 rb")
    {
        acc.caution("deletes cloud resources");
    } else if j.starts_with("s3 sync") && args.contains(&"--delete") {
        acc.danger(sync_delete("aws s3 sync --delete"));
    } else if j.starts_with("s3 cp") || j.starts_with("s3 mv") || j.starts_with("s3 sync") {
        acc.caution("uploads or moves objects in S3 (overwrites existing keys)");
    }
}

/// Why a sync or mirror that deletes is danger: it removes, without asking,
/// every object at the destination that the source lacks.
fn sync_delete(what: &str) -> String {
    format!("{what} deletes every object at the destination that the source lacks, without asking")
}

/// `gsutil rsync -d`, `gcloud storage rsync --delete-unmatched-destination-objects`.
fn mirror_deletes(name: &str, args: &[&str]) -> bool {
    args.contains(&"rsync")
        && if name == "gsutil" {
            args.iter()
                .skip_while(|a| **a != "rsync")
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('d'))
                || args.contains(&"--delete-unmatched-destination-objects")
        } else {
            args.contains(&"--delete-unmatched-destination-objects")
        }
}

/// `gsutil cp|mv|rsync`, `gcloud storage cp|mv|rsync`: objects written over.
fn copies_objects(name: &str, args: &[&str]) -> bool {
    let sub = if name == "gsutil" {
        args.iter().find(|a| !a.starts_with('-'))
    } else {
        args.windows(2).find(|w| w[0] == "storage").map(|w| &w[1])
    };
    sub.is_some_and(|s| matches!(*s, "cp" | "mv" | "rsync")) && !gsutil_dry_run(name, args)
}

/// `gsutil rsync -n` and `gcloud storage rsync --dry-run` only list.
fn gsutil_dry_run(name: &str, args: &[&str]) -> bool {
    args.contains(&"--dry-run")
        || name == "gsutil"
            && args
                .iter()
                .skip_while(|a| **a != "rsync")
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('n'))
}

/// `--delete-destination=true` or `--delete-destination true` (azcopy, az
/// storage blob sync).
fn delete_destination(args: &[&str]) -> bool {
    args.iter().enumerate().any(|(i, a)| {
        a.eq_ignore_ascii_case("--delete-destination=true")
            || *a == "--delete-destination"
                && args
                    .get(i + 1)
                    .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    })
}

/// `az storage blob sync --delete-destination true`; `az storage container
/// delete` and its kin never ask (other az deletes do, unless `--yes`).
fn az_storage(args: &[&str], acc: &mut Acc) -> bool {
    let sub: Vec<&str> = args.iter().copied().take(3).collect();
    match sub.as_slice() {
        ["storage", "blob", "sync"] if delete_destination(args) => acc.danger(sync_delete(
            "az storage blob sync --delete-destination true",
        )),
        ["storage", "container" | "share" | "share-rm" | "queue" | "table" | "fs", "delete"] => {
            acc.danger("az storage deletes a container and everything in it without asking")
        }
        _ => return false,
    }
    true
}

/// `az deployment group create --mode Complete` deletes every resource of
/// the group that the template does not name, without asking (unless told
/// to confirm a what-if first); `--what-if` only shows the plan.
fn az_deployment(args: &[&str], acc: &mut Acc) {
    let has = |o: &str| args.contains(&o);
    let complete = args
        .windows(2)
        .any(|w| w[0] == "--mode" && w[1].eq_ignore_ascii_case("complete"))
        || args
            .iter()
            .any(|a| a.eq_ignore_ascii_case("--mode=complete"));
    if has("--what-if") || has("-w") {
    } else if complete && !has("--confirm-with-what-if") && !has("-c") {
        acc.danger(
            "az deployment in Complete mode deletes every resource of the group the template does not name, without asking",
        );
    } else {
        acc.caution("az deployment changes cloud resources");
    }
}

/// `azcopy sync --delete-destination=true` deletes what the source lacks;
/// `azcopy remove --recursive` a whole tree; `--dry-run` only lists.
fn azcopy(ctx: &Ctx, acc: &mut Acc) {
    let sub = ctx.args.first().copied().unwrap_or("");
    if ctx.args.iter().any(|a| a.starts_with("--dry-run")) {
        return;
    }
    let deletes = delete_destination(ctx.args);
    match sub {
        "sync" if deletes => acc.danger(sync_delete("azcopy sync --delete-destination=true")),
        "remove" | "rm" if ctx.args.iter().any(|a| a.starts_with("--recursive")) => {
            acc.danger("azcopy remove --recursive deletes a whole remote tree without asking")
        }
        "copy" | "cp" | "sync" | "remove" | "rm" | "make" | "set-properties" => {
            acc.caution(format!("azcopy {sub} changes or deletes remote data"))
        }
        _ => {}
    }
}

/// Object-storage clients and cluster tools: a recursive or forced delete
/// of a bucket or remote tree, `rclone purge`, an app deleted with its
/// resources, every image removed. A sync that may delete is caution.
fn storage_and_clusters(name: &str, ctx: &Ctx, acc: &mut Acc) {
    let sub = ctx
        .positionals()
        .first()
        .map(|w| w.text.clone())
        .unwrap_or_default();
    let forced =
        ctx.has_flag('f', &["--force"]) || ctx.args.iter().any(|a| matches!(*a, "-y" | "--yes"));
    let recursive = ctx.has_flag('r', &["--recursive"]);
    let all = ctx.has_flag('a', &["--all"]);
    let flag = |f: &str| ctx.args.iter().any(|a| a.split('=').next() == Some(f));
    let danger = match (name, sub.as_str()) {
        ("rclone", "purge" | "delete" | "rmdirs" | "sync") => true,
        ("mc" | "minio-client", "mirror") => flag("--remove"),
        ("s3cmd", "sync") => flag("--delete-removed") || flag("--delete-after"),
        ("b2", "sync") => flag("--delete"),
        ("mc" | "minio-client", "rm") => recursive && forced,
        ("mc" | "minio-client", "rb") => forced,
        ("s3cmd", "del" | "rm") => recursive,
        ("s3cmd", "rb") => forced || recursive,
        ("b2", "delete-bucket") => true,
        ("b2", "rm") => recursive,
        ("argocd", "app") => {
            ctx.args.contains(&"delete") && (forced || ctx.args.contains(&"--cascade"))
        }
        ("crictl", "rmi") => all,
        _ => false,
    };
    // Copies overwrite what the destination holds under the same names.
    let changes = matches!(
        sub.as_str(),
        "sync"
            | "move"
            | "moveto"
            | "deletefile"
            | "rm"
            | "rb"
            | "del"
            | "mirror"
            | "app"
            | "rmi"
            | "copy"
            | "copyto"
            | "cp"
            | "put"
            | "upload-file"
            | "bisync"
            | "cleanup"
            | "dedupe"
    );
    let dry = ctx.args.iter().any(|a| {
        matches!(*a, "--dry-run" | "--dryrun" | "--dryRun")
            || matches!(name, "s3cmd" | "rclone") && *a == "-n"
    });
    if dry {
    } else if danger && matches!(sub.as_str(), "sync" | "mirror") {
        acc.danger(sync_delete(&format!("{name} {sub}")));
    } else if danger {
        acc.danger(format!(
            "{name} {sub} deletes a bucket, a remote tree or every resource, without asking"
        ));
    } else if changes {
        acc.caution(format!("{name} {sub} changes or deletes remote data"));
    }
}

/// Cloud and platform CLIs beyond the big three: a delete of clusters,
/// servers, apps or repositories. Some never ask (eksctl, openstack, hcloud,
/// scw, vultr-cli); the rest ask unless told not to. Local clusters
/// (kind, k3d, minikube) are the user's own sandbox: caution.
fn other_cloud(name: &str, ctx: &Ctx, acc: &mut Acc) {
    const DELETES: &[&str] = &[
        "delete",
        "destroy",
        "terminate",
        "rm",
        "remove",
        "purge",
        "apps:destroy",
        "apps:delete",
        "drop",
    ];
    const UNASKED: &[&str] = &[
        "-y",
        "--yes",
        "-f",
        "--force",
        "--quiet",
        "-q",
        "--confirm",
        "--auto-approve",
        "--no-prompt",
        "--assume-yes",
        "--skip-confirmation",
    ];
    let deletes = ctx
        .positionals()
        .iter()
        .take(3)
        .any(|w| DELETES.contains(&w.text.as_str()) || w.text.ends_with(":destroy"));
    if !deletes {
        return;
    }
    let never_asks = matches!(
        name,
        "eksctl" | "openstack" | "hcloud" | "scw" | "vultr-cli"
    );
    let unasked = ctx
        .args
        .iter()
        .any(|a| UNASKED.contains(&a.split('=').next().unwrap_or(a)));
    if matches!(name, "kind" | "k3d" | "minikube" | "multipass" | "lxd") {
        acc.caution(format!("{name} deletes a local cluster or machine"));
    } else if never_asks || unasked || fed_yes(ctx, acc) {
        acc.danger(format!("{name} deletes cloud resources without asking"));
    } else {
        acc.caution(format!("{name} deletes cloud resources (it asks first)"));
    }
}

/// Deleting a whole stack: it asks first and waits for "yes" unless the
/// flag (or `-y`) skips the question or `yes` is piped in. Asked is caution
/// (the user sees the plan), unasked danger.
fn destroy_all(ctx: &Ctx, skip_flag: &str, what: &str, acc: &mut Acc) {
    let unasked = ctx
        .args
        .iter()
        .any(|a| a.split('=').next() == Some(skip_flag) && !a.ends_with("=false"))
        || what.starts_with("pulumi") && ctx.args.contains(&"-y")
        || fed_yes(ctx, acc);
    if unasked {
        acc.danger(format!(
            "{what} deletes all managed infrastructure without asking"
        ));
    } else {
        acc.caution(format!(
            "{what} deletes all managed infrastructure (it asks for \"yes\" first)"
        ));
    }
}

/// `yes | cmd`, `echo yes | cmd`, `cmd <<< yes`: the question is answered
/// before it is asked.
pub(crate) fn fed_yes(ctx: &Ctx, acc: &Acc) -> bool {
    let yes = |t: &str| matches!(t.trim().to_ascii_lowercase().as_str(), "yes" | "y");
    let upstream_yes = ctx
        .upstream
        .last()
        .is_some_and(|c| unwrap_cmd(&c.words).is_some_and(|e| e.name == "yes"))
        || !ctx.upstream.is_empty() && eval_pipeline(ctx.upstream, acc).is_some_and(|t| yes(&t));
    upstream_yes
        || ctx.cmd.redirs.iter().any(|r| match r.kind {
            RedirKind::Herestring => yes(&r.target.text),
            RedirKind::Heredoc => yes(&r.body),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    #[test]
    fn examples() {
        check_examples(&[
            (
                "aws ecr batch-delete-image --repository-name api --image-ids imageTag=v1",
                Danger,
            ),
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
            ("terraform destroy", Caution),
            ("eksctl delete cluster --name staging", Danger),
            ("rclone purge b2:archive", Danger),
            ("rclone delete gdrive:photos --min-age 30d", Danger),
            ("mc rm --recursive --force local/logs", Danger),
            ("s3cmd del --recursive s3://old-site", Danger),
            ("b2 delete-bucket media", Danger),
            (
                "az storage blob delete-batch -s uploads --account-name acct",
                Danger,
            ),
            ("gsutil -m rm gs://prod-media/**", Danger),
            ("argocd app delete shop --cascade -y", Danger),
            ("crictl rmi --all", Danger),
            ("rclone sync ./site r2:site", Danger),
            ("rclone copy ./site r2:site", Caution),
            ("rclone sync --dry-run ./site r2:site", Safe),
            ("aws s3 sync ./dist s3://site --delete", Danger),
            ("aws s3 sync ./dist s3://site --delete --dryrun", Safe),
            ("aws s3 sync ./dist s3://site", Caution),
            ("gsutil -m rsync -d -r ./public gs://site", Danger),
            ("gsutil -m rsync -d -r -n ./public gs://site", Safe),
            ("gsutil rsync -r ./public gs://site", Caution),
            ("gcloud storage cp -r ./out gs://bucket", Caution),
            (
                "gcloud storage rsync ./out gs://b --recursive --delete-unmatched-destination-objects",
                Danger,
            ),
            (
                "azcopy sync ./site 'https://a.blob.core.windows.net/$web' --delete-destination=true",
                Danger,
            ),
            ("azcopy copy ./x 'https://a.blob.core.windows.net/c/x'", Caution),
            ("mc mirror --remove ./site myminio/site", Danger),
            ("mc mirror ./site myminio/site", Caution),
            ("s3cmd sync --delete-removed ./www s3://site/", Danger),
            ("s3cmd sync --dry-run --delete-removed ./www s3://site/", Safe),
            ("aws --profile prod s3 sync ./site s3://www --delete", Danger),
            (
                "azcopy sync ./site 'https://a.blob.core.windows.net/w' --delete-destination true",
                Danger,
            ),
            (
                "az storage blob sync -c web -s ./site --account-name a --delete-destination true",
                Danger,
            ),
            ("az storage container delete -n web --account-name a", Danger),
            ("rclone bisync ./a remote:a --resync", Caution),
            (
                "az deployment group create -g rg -f main.bicep --mode Complete",
                Danger,
            ),
            ("az deployment group create -g rg -f main.bicep", Caution),
            (
                "az deployment group create -g rg -f main.bicep --mode Complete --what-if",
                Safe,
            ),
            ("mc rm local/logs/app.log", Caution),
            ("rclone lsd remote:", Safe),
            ("mc ls local", Safe),
            ("gsutil ls gs://prod-media", Safe),
            ("az keyvault purge --name kv-prod", Danger),
            ("openstack server delete web-01", Danger),
            ("hcloud server delete api-2", Danger),
            ("heroku apps:destroy --app shop --confirm shop", Danger),
            ("heroku apps:destroy --app shop", Caution),
            ("gh repo delete acme/site --yes", Danger),
            ("gh repo delete acme/site", Caution),
            ("flyctl apps destroy web -y", Danger),
            ("kind delete cluster", Caution),
            ("eksctl get cluster", Safe),
            ("openstack server list", Safe),
            ("gh repo view acme/site", Safe),
            ("terraform destroy -target=aws_instance.web", Caution),
            ("yes yes | terraform destroy", Danger),
            ("terraform destroy <<< yes", Danger),
            ("tofu apply -destroy -auto-approve", Danger),
            ("pulumi destroy", Caution),
            ("pulumi destroy -y -s dev", Danger),
            ("pulumi destroy --yes --skip-preview", Danger),
            ("terraform plan -destroy -out=tf.plan", Safe),
        ]);
    }
}

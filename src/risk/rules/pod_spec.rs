//! `kubectl run --overrides='{…}'`: the pod spec given inline says what the
//! container runs and which host paths it mounts; the command is judged with
//! each mount read as the host path it stands for.

use crate::risk::prelude::*;

/// Judges the containers' commands of an inline pod spec.
pub(crate) fn overrides(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let json = args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix("--overrides=").or_else(|| {
            (*a == "--overrides")
                .then(|| args.get(i + 1).copied())
                .flatten()
        })
    });
    let Some(spec) = json.and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok()) else {
        return;
    };
    let spec = &spec["spec"];
    let host_path = |volume: &str| -> Option<String> {
        spec["volumes"].as_array()?.iter().find_map(|v| {
            (v["name"].as_str() == Some(volume))
                .then(|| v["hostPath"]["path"].as_str().map(str::to_string))
                .flatten()
        })
    };
    let Some(containers) = spec["containers"].as_array() else {
        return;
    };
    for c in containers {
        let words: Vec<String> = ["command", "args"]
            .iter()
            .filter_map(|k| c[*k].as_array())
            .flatten()
            .filter_map(|w| w.as_str().map(str::to_string))
            .collect();
        if words.is_empty() {
            continue;
        }
        // Each mount point stands for the host path its volume names.
        let mounts: Vec<(String, String)> = c["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| {
                let at = m["mountPath"].as_str()?.trim_end_matches('/').to_string();
                let host = host_path(m["name"].as_str()?)?;
                Some((at, host))
            })
            .collect();
        let on_host: Vec<String> = words
            .iter()
            .map(|w| {
                mounts
                    .iter()
                    .find_map(|(at, host)| {
                        w.strip_prefix(at.as_str())
                            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
                            .map(|rest| format!("{}{rest}", host.trim_end_matches('/')))
                    })
                    .map(|p| if p.is_empty() { "/".to_string() } else { p })
                    .unwrap_or_else(|| w.clone())
            })
            .collect();
        let as_words: Vec<Word> = on_host
            .into_iter()
            .map(|text| Word {
                text,
                quoted: true,
                ..Word::default()
            })
            .collect();
        assess_script(&quote_words(&as_words), ctx.depth + 1, acc);
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    #[test]
    fn examples() {
        check_examples(&[
            (
                r#"kubectl run wipe --rm -i --restart=Never --image=alpine --overrides='{"spec":{"volumes":[{"name":"h","hostPath":{"path":"/"}}],"containers":[{"name":"wipe","image":"alpine","command":["rm","-rf","/h/var/lib/etcd"],"volumeMounts":[{"name":"h","mountPath":"/h"}]}]}}'"#,
                Danger,
            ),
            (
                r#"kubectl run probe --rm -i --restart=Never --image=alpine --overrides='{"spec":{"containers":[{"name":"p","image":"alpine","command":["ls","/"]}]}}'"#,
                Safe,
            ),
        ]);
    }
}

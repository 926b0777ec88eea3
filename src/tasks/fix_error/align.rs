//! Aligning the model's lines with the region: indentation restored, the window the
//! answer replaces, and the minimal edit.

use super::*;

pub(super) fn leading_ws(l: &str) -> &str {
    &l[..l.len() - l.trim_start().len()]
}

/// The candidate made comparable with `target`: indentation restored when the model
/// dropped all of it, and the target's blank edge lines put back.
pub(super) fn prepare(core: &[String], target: &[String]) -> Vec<String> {
    let target_indent = target
        .iter()
        .filter(|l| !is_blank(l))
        .map(|l| leading_ws(l))
        .min_by_key(|w| w.len())
        .unwrap_or("");
    let cand_min = core
        .iter()
        .filter(|l| !is_blank(l))
        .map(|l| leading_ws(l).len())
        .min()
        .unwrap_or(0);
    let reindent = cand_min == 0 && !target_indent.is_empty();
    let lead = target.iter().take_while(|l| is_blank(l)).count();
    let trail = if lead == target.len() {
        0
    } else {
        target.iter().rev().take_while(|l| is_blank(l)).count()
    };
    let mut out: Vec<String> = target[..lead].to_vec();
    out.extend(core.iter().map(|l| {
        if reindent && !is_blank(l) {
            format!("{target_indent}{l}")
        } else {
            l.clone()
        }
    }));
    out.extend_from_slice(&target[target.len() - trail..]);
    out
}

/// The part of the region (offset, length) that `core` replaces.
///
/// Models often leave out the margin lines they were asked to repeat. Anchored on the
/// lines the answer shares with the region (longest common subsequence, ignoring
/// indentation): where the region has more lines before the first shared line than the
/// answer has, the surplus (up to the margin's size) was left out, not deleted; the
/// same below the last shared line. An answer sharing no line is the focus lines when
/// it has as many, else the most similar window of its length.
pub(super) fn target_window(region: &Region, core: &[String]) -> (usize, usize) {
    let n = region.lines.len();
    let top_margin = region.focus_start.saturating_sub(region.start_line).min(n);
    let bottom_margin = n
        - (region.focus_end + 1)
            .saturating_sub(region.start_line)
            .clamp(top_margin, n);
    let pairs = lcs_pairs(&region.lines, core);
    let (Some(&(i0, j0)), Some(&(i1, j1))) = (pairs.first(), pairs.last()) else {
        if core.len() >= n {
            return (0, n);
        }
        let focus_len = (n - top_margin - bottom_margin).max(1);
        let focus_off = top_margin.min(n - focus_len);
        if core.len() == focus_len {
            return (focus_off, focus_len);
        }
        return (
            best_window(&region.lines, core, focus_off, focus_len),
            core.len(),
        );
    };
    let skip_top = i0.saturating_sub(j0).min(top_margin);
    let below_region = n - 1 - i1;
    let below_core = core.len() - 1 - j1;
    let skip_bottom = below_region.saturating_sub(below_core).min(bottom_margin);
    let len = n.saturating_sub(skip_top + skip_bottom).max(1);
    (skip_top.min(n - len), len)
}

/// Index pairs (region line, answer line) of a longest common subsequence of the two,
/// compared with surrounding whitespace ignored.
pub(super) fn lcs_pairs(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i].trim() == b[j].trim() {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i].trim() == b[j].trim() {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// Start of the `core.len()`-line window of `lines` most similar to `core`; windows
/// overlapping the focus win ties.
pub(super) fn best_window(
    lines: &[String],
    core: &[String],
    focus_off: usize,
    focus_len: usize,
) -> usize {
    let k = core.len().min(lines.len());
    let mut best = (f64::MIN, focus_off.min(lines.len() - k));
    for off in 0..=lines.len() - k {
        let mut score: f64 = lines[off..off + k]
            .iter()
            .zip(core)
            .map(|(a, b)| similarity(a.trim(), b.trim()))
            .sum();
        if off < focus_off + focus_len && off + k > focus_off {
            score += 1e-6;
        }
        if score > best.0 {
            best = (score, off);
        }
    }
    best.1
}

/// 1 − normalised Levenshtein distance over chars.
pub(super) fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > MAX_SIMILARITY_CHARS || b.len() > MAX_SIMILARITY_CHARS {
        return 0.0;
    }
    let max = a.len().max(b.len());
    if max == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f64 / max as f64
}

pub(super) fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Common trailing lines, not overlapping the first `prefix` lines of either side.
pub(super) fn common_suffix(a: &[String], b: &[String], prefix: usize) -> usize {
    let limit = a.len().min(b.len()).saturating_sub(prefix);
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take(limit)
        .take_while(|(x, y)| x == y)
        .count()
}

/// The smallest replacement turning `old` (which starts at document line `first`) into
/// `new`.
pub(super) fn min_edit(first: usize, old: &[String], new: Vec<String>) -> Result<Fix, FixError> {
    let p = common_prefix(old, &new);
    if p == old.len() && p == new.len() {
        return Err(FixError::NoChange);
    }
    let s = common_suffix(old, &new, p);
    let (mut a, mut old_end, mut new_end) = (p, old.len() - s, new.len() - s);
    if a == old_end {
        // A pure insertion: anchor it on an unchanged neighbour so the range is non-empty.
        if a > 0 {
            a -= 1;
        } else {
            old_end += 1;
            new_end += 1;
        }
    }
    Ok(Fix {
        start_line: first + a,
        end_line: first + old_end - 1,
        new_lines: new[a..new_end].to_vec(),
    })
}

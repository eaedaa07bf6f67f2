//! Scores the generic changepoint detector ([`leakscope::analyze::changepoint::detect`], default
//! settings only) on the Turing Change Point Detection benchmark (TCPD; van den Burg & Williams,
//! "An Evaluation of Change Point Detection Algorithms", 2020), with the benchmark's own metrics:
//! F1 with a margin of 5 samples and the segmentation covering, both against every annotator.
//!
//! ```text
//! cargo run --release --bin tcpd-eval -- DIR
//! ```
//! `DIR` holds the benchmark's `annotations.json` and the dataset files `<name>.json` (TCPD's own
//! format: `{"name", "n_obs", "series": [{"raw": [...]}, ...]}`), at any depth; the data is not
//! part of this repository (the datasets' licences vary).
//!
//! * Univariate datasets make up the table and the means, which compare with the benchmark's
//!   published univariate "Default" means. Multivariate datasets are scored on their first
//!   dimension only and reported apart, outside the means.
//! * Missing values (`null`) are filled by linear interpolation between their neighbours (the
//!   nearest value at either end), so indices stay those of the annotations.
//! * A trivial "zero" detector (no changepoint at all) is scored alongside, as in the benchmark.
//! * Nothing is tuned per dataset: the detector runs with its defaults on the raw values.
//! * When `DIR` also holds TCPDBench's per-dataset scores of the default runs
//!   (`analysis/output/scores/default_f1_scores.json` and `default_cover_scores.json`), every
//!   published method is averaged over exactly the datasets evaluated here, for a like-for-like
//!   comparison (a run that failed there counts as 0, and the failures are counted).

use leakscope::analyze::changepoint::detect;
use leakscope::report::ChangeKind;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The margin (in samples) within which a predicted changepoint matches an annotated one.
const MARGIN: usize = 5;

/// TCPDBench's per-dataset F1 of every method's default run (`analysis/output/scores/`).
const F1_SCORES: &str = "default_f1_scores.json";
/// TCPDBench's per-dataset covering of every method's default run (`analysis/output/scores/`).
const COVER_SCORES: &str = "default_cover_scores.json";

/// The published method shown per dataset beside ours: the best univariate "Default" method
/// of the benchmark's table.
const REFERENCE: &str = "binseg";

/// The benchmark's published means over its 37 univariate datasets, "Default" (each method
/// with its default parameters): `(method, cover, F1)`. From TCPDBench,
/// `analysis/output/tables/aggregate_table_wide.tex` (commit 1709f406eddda318f39275a4d9f3838bdaa83496).
const PUBLISHED_DEFAULT_UNIVARIATE: [(&str, f64, f64); 14] = [
    ("amoc", 0.702, 0.704),
    ("binseg", 0.706, 0.744),
    ("bocpd", 0.636, 0.690),
    ("bocpdms", 0.633, 0.507),
    ("cpnp", 0.535, 0.607),
    ("ecp", 0.523, 0.598),
    ("kcpa", 0.062, 0.111),
    ("pelt", 0.689, 0.710),
    ("prophet", 0.540, 0.488),
    ("rbocpdms", 0.629, 0.447),
    ("rfpop", 0.392, 0.499),
    ("segneigh", 0.676, 0.676),
    ("wbs", 0.330, 0.412),
    ("zero", 0.583, 0.669),
];

/// One dataset of the benchmark, reduced to what the evaluation needs.
#[derive(Debug, Clone)]
struct Dataset {
    /// The benchmark's name (the key in `annotations.json`).
    name: String,
    /// Number of observations.
    n: usize,
    /// Number of dimensions (series) in the file.
    dims: usize,
    /// The first dimension, missing values interpolated.
    values: Vec<f64>,
    /// How many values were missing in the first dimension.
    missing: usize,
}

/// The scores of one detector on one dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Score {
    /// F1 with margin [`MARGIN`] (precision over the union of annotations, recall averaged).
    f1: f64,
    /// Segmentation covering, averaged over the annotators.
    cover: f64,
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: tcpd-eval DIR   (DIR holds TCPD's annotations.json and <name>.json files)");
        return ExitCode::from(2);
    };
    match run(Path::new(&dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(dir: &Path) -> Result<(), String> {
    let annotations_path = find_files(dir)?
        .into_iter()
        .find(|p| p.file_name().is_some_and(|f| f == "annotations.json"))
        .ok_or_else(|| format!("no annotations.json under {}", dir.display()))?;
    let annotations = read_annotations(&annotations_path)?;
    let mut datasets = Vec::new();
    for path in find_files(dir)? {
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
        let not_data = ["annotations.json", "checksums.json", "schema.json", F1_SCORES, COVER_SCORES];
        if !file.ends_with(".json") || not_data.contains(&file) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        match read_dataset(&json) {
            Some(d) => datasets.push(d),
            None => eprintln!("skipped {}: not a TCPD dataset file", path.display()),
        }
    }
    datasets.sort_by(|a, b| a.name.cmp(&b.name));
    datasets.dedup_by(|a, b| a.name == b.name);
    let found: Vec<&str> = datasets.iter().map(|d| d.name.as_str()).collect();
    let absent: Vec<&str> = annotations.keys().map(String::as_str).filter(|k| !found.contains(k)).collect();
    let files = find_files(dir)?;
    let find = |name: &str| files.iter().find(|p| p.file_name().is_some_and(|f| f == name)).cloned();
    let published = match (find(F1_SCORES), find(COVER_SCORES)) {
        (Some(f1), Some(cover)) => Some((read_scores(&f1)?, read_scores(&cover)?)),
        _ => None,
    };
    let reference = |name: &str, t: usize| -> String {
        let table = published.as_ref().map(|p| if t == 0 { &p.0 } else { &p.1 });
        match table.and_then(|t| t.get(name)).and_then(|m| m.get(REFERENCE)).copied().flatten() {
            Some(v) => format!("{v:.3}"),
            None => "-".to_string(),
        }
    };

    println!("TCPD evaluation of leakscope::analyze::changepoint::detect (defaults), margin {MARGIN}");
    println!();
    println!(
        "{:<20} {:>5} {:>4} {:>5} {:>6} {:>6} | {:>6} {:>6} | {:>6} {:>6}   ours: predicted index+kind",
        "dataset", "n", "ann", "#pred", "F1", "cover", "zeroF1", "zeroCv", "bsegF1", "bsegCv"
    );
    let mut uni: Vec<(Score, Score)> = Vec::new();
    let mut evaluated: Vec<&str> = Vec::new();
    let mut multi: Vec<(String, usize, Score, Score)> = Vec::new();
    for d in &datasets {
        let Some(ann) = annotations.get(&d.name) else {
            eprintln!("skipped {}: no annotations", d.name);
            continue;
        };
        let (predicted, panicked) = run_detector(&d.values);
        let indices: Vec<usize> = predicted.iter().map(|&(i, _)| i).collect();
        let ours = score(ann, &indices, d.n);
        let zero = score(ann, &[], d.n);
        if d.dims > 1 {
            multi.push((d.name.clone(), d.dims, ours, zero));
            continue;
        }
        let tagged: Vec<String> = predicted.iter().map(|&(i, k)| format!("{i}{}", kind_letter(k))).collect();
        let mut note = tagged.join(" ");
        if note.chars().count() > 60 {
            note = format!("{}…", note.chars().take(60).collect::<String>());
        }
        if panicked {
            note = "PANICKED (scored as no changepoint)".to_string();
        }
        if d.missing > 0 {
            note.push_str(&format!("  ({} missing, interpolated)", d.missing));
        }
        println!(
            "{:<20} {:>5} {:>4} {:>5} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} | {:>6} {:>6}   {note}",
            d.name,
            d.n,
            ann.len(),
            predicted.len(),
            ours.f1,
            ours.cover,
            zero.f1,
            zero.cover,
            reference(&d.name, 0),
            reference(&d.name, 1)
        );
        uni.push((ours, zero));
        evaluated.push(&d.name);
    }
    if !uni.is_empty() {
        let k = uni.len() as f64;
        let mean = |f: &dyn Fn(&(Score, Score)) -> f64| uni.iter().map(f).sum::<f64>() / k;
        println!();
        println!("means over {} univariate datasets:", uni.len());
        println!(
            "  {:<34} F1 {:.3}   cover {:.3}",
            "leakscope detect (defaults)",
            mean(&|s| s.0.f1),
            mean(&|s| s.0.cover)
        );
        println!(
            "  {:<34} F1 {:.3}   cover {:.3}",
            "zero (no changepoint), computed",
            mean(&|s| s.1.f1),
            mean(&|s| s.1.cover)
        );
    }
    if !multi.is_empty() {
        println!();
        println!("multivariate datasets, first dimension only (not in the means):");
        for (name, dims, ours, zero) in &multi {
            println!(
                "  {name:<20} dims {dims}   ours F1 {:.3} cover {:.3}   zero F1 {:.3} cover {:.3}",
                ours.f1, ours.cover, zero.f1, zero.cover
            );
        }
    }
    if !absent.is_empty() {
        println!();
        println!("annotated but not found under {} (not evaluated): {}", dir.display(), absent.join(", "));
    }
    if let Some((f1, cover)) = &published {
        println!();
        println!(
            "published default runs averaged over the same {} datasets (TCPDBench analysis/output/scores/; failed runs count 0):",
            evaluated.len()
        );
        let methods: Vec<&String> =
            f1.values().flat_map(|m| m.keys()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        for method in methods {
            let (mut sum_f1, mut sum_cover, mut failed) = (0.0, 0.0, 0);
            for name in &evaluated {
                let get = |t: &Scores| t.get(*name).and_then(|m| m.get(method)).copied().flatten();
                match (get(f1), get(cover)) {
                    (Some(a), Some(b)) => {
                        sum_f1 += a;
                        sum_cover += b;
                    }
                    _ => failed += 1,
                }
            }
            let k = evaluated.len().max(1) as f64;
            let note = if failed > 0 { format!("   ({failed} failed)") } else { String::new() };
            println!("  {method:<10} F1 {:.3}   cover {:.3}{note}", sum_f1 / k, sum_cover / k);
        }
    }
    println!();
    println!(
        "published univariate Default means (37 datasets; TCPDBench analysis/output/tables/aggregate_table_wide.tex):"
    );
    for (method, cover, f1) in PUBLISHED_DEFAULT_UNIVARIATE {
        println!("  {method:<10} F1 {f1:.3}   cover {cover:.3}");
    }
    Ok(())
}

/// Published per-dataset scores: dataset → method → score (`None` where the run failed).
type Scores = BTreeMap<String, BTreeMap<String, Option<f64>>>;

/// Reads one of TCPDBench's score tables.
fn read_scores(path: &Path) -> Result<Scores, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs the detector, turning a panic into "no changepoint" (and saying so).
fn run_detector(values: &[f64]) -> (Vec<(usize, ChangeKind)>, bool) {
    match std::panic::catch_unwind(|| detect(values)) {
        Ok(cps) => (cps.iter().map(|c| (c.index, c.kind)).collect(), false),
        Err(_) => (Vec::new(), true),
    }
}

/// One letter per kind of change, for the table.
fn kind_letter(kind: ChangeKind) -> char {
    match kind {
        ChangeKind::Level => 'L',
        ChangeKind::Slope => 'S',
        ChangeKind::Variance => 'V',
        ChangeKind::Restart => 'R',
    }
}

/// Every file under `dir`, recursively, in a stable order.
fn find_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `annotations.json`: dataset name → annotator id → changepoint indices.
fn read_annotations(path: &Path) -> Result<BTreeMap<String, Vec<Vec<usize>>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let bad = || format!("{}: not a TCPD annotations file", path.display());
    let mut out = BTreeMap::new();
    for (name, by_user) in json.as_object().ok_or_else(bad)? {
        let mut users = Vec::new();
        for cps in by_user.as_object().ok_or_else(bad)?.values() {
            let cps = cps.as_array().ok_or_else(bad)?;
            users.push(cps.iter().map(|v| v.as_u64().map(|u| u as usize).ok_or_else(bad)).collect::<Result<_, _>>()?);
        }
        out.insert(name.clone(), users);
    }
    Ok(out)
}

/// A TCPD dataset file, or `None` when the JSON is not one.
fn read_dataset(json: &Value) -> Option<Dataset> {
    let name = json.get("name")?.as_str()?.to_string();
    let series = json.get("series")?.as_array()?;
    let raw: Vec<Option<f64>> = series.first()?.get("raw")?.as_array()?.iter().map(Value::as_f64).collect();
    let n = json.get("n_obs").and_then(Value::as_u64).map_or(raw.len(), |n| n as usize);
    if raw.len() != n || n == 0 {
        return None;
    }
    let missing = raw.iter().filter(|v| v.is_none()).count();
    // `n_dim` rules where present: a copy may keep only the first dimension of a multivariate set.
    let dims = json.get("n_dim").and_then(Value::as_u64).map_or(series.len(), |d| (d as usize).max(series.len()));
    Some(Dataset { name, n, dims, values: interpolate(&raw)?, missing })
}

/// Fills missing values linearly between their neighbours (the nearest value at either end).
/// `None` when every value is missing.
fn interpolate(raw: &[Option<f64>]) -> Option<Vec<f64>> {
    let known: Vec<(usize, f64)> = raw.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
    let (&(i0, v0), &(i1, v1)) = (known.first()?, known.last()?);
    let mut out = Vec::with_capacity(raw.len());
    let mut next = 0;
    for (i, value) in raw.iter().enumerate() {
        while next < known.len() && known[next].0 < i {
            next += 1;
        }
        let v = match *value {
            Some(v) => v,
            None if i < i0 => v0,
            None if i > i1 => v1,
            None => {
                let (a, va) = known[next - 1];
                let (b, vb) = known[next];
                va + (vb - va) * (i - a) as f64 / (b - a) as f64
            }
        };
        out.push(v);
    }
    Some(out)
}

/// Both metrics of one prediction against all annotators.
fn score(annotations: &[Vec<usize>], predicted: &[usize], n: usize) -> Score {
    Score { f1: f_measure(annotations, predicted, MARGIN).0, cover: covering(annotations, predicted, n) }
}

/// The annotated changepoints `truth` matched by `predicted` within `margin`, each prediction
/// used at most once: every annotation in ascending order takes the closest unused prediction.
fn true_positives(truth: &[usize], predicted: &[usize], margin: usize) -> usize {
    let mut truth: Vec<usize> = truth.to_vec();
    truth.sort_unstable();
    truth.dedup();
    let mut free: Vec<usize> = predicted.to_vec();
    free.sort_unstable();
    free.dedup();
    let mut hits = 0;
    for tau in truth {
        // Ties go to the smaller prediction, as in the benchmark (it sorts (distance, x) pairs).
        let best = free
            .iter()
            .enumerate()
            .filter(|(_, &x)| x.abs_diff(tau) <= margin)
            .min_by_key(|(_, &x)| (x.abs_diff(tau), x))
            .map(|(i, _)| i);
        if let Some(i) = best {
            free.remove(i);
            hits += 1;
        }
    }
    hits
}

/// The benchmark's F1 (alpha = ½): index 0 is a changepoint of every annotator and of the
/// prediction; precision counts the predictions matching the union of all annotations, recall
/// is averaged over the annotators. Returns `(F1, precision, recall)`.
fn f_measure(annotations: &[Vec<usize>], predicted: &[usize], margin: usize) -> (f64, f64, f64) {
    let with_zero = |v: &[usize]| {
        let mut s: Vec<usize> = v.iter().copied().chain([0]).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let x = with_zero(predicted);
    let users: Vec<Vec<usize>> = annotations.iter().map(|a| with_zero(a)).collect();
    let union = with_zero(&users.concat());
    let precision = true_positives(&union, &x, margin) as f64 / x.len() as f64;
    let recall = if users.is_empty() {
        1.0
    } else {
        users.iter().map(|t| true_positives(t, &x, margin) as f64 / t.len() as f64).sum::<f64>() / users.len() as f64
    };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    (f1, precision, recall)
}

/// The segments `[start, end)` of `0..n` cut at `cps` (indices outside `1..n` cut nothing).
fn segments(cps: &[usize], n: usize) -> Vec<(usize, usize)> {
    let mut cuts: Vec<usize> = cps.iter().copied().filter(|&c| c > 0 && c < n).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for c in cuts {
        out.push((start, c));
        start = c;
    }
    out.push((start, n));
    out
}

/// Jaccard index of two intervals `[a0, a1)` and `[b0, b1)`.
fn overlap(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = (a.1 - a.0) + (b.1 - b.0) - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Covering of the segmentation `truth` by `predicted` (Arbeláez et al. 2011, eq. 8): the
/// length-weighted best Jaccard overlap of each true segment with a predicted one.
fn cover_single(predicted: &[(usize, usize)], truth: &[(usize, usize)], n: usize) -> f64 {
    let total: f64 =
        truth.iter().map(|&r| (r.1 - r.0) as f64 * predicted.iter().map(|&p| overlap(r, p)).fold(0.0, f64::max)).sum();
    total / n as f64
}

/// The benchmark's covering: [`cover_single`] of each annotator's segmentation by the
/// prediction's, averaged over the annotators.
fn covering(annotations: &[Vec<usize>], predicted: &[usize], n: usize) -> f64 {
    if annotations.is_empty() || n == 0 {
        return 0.0;
    }
    let p = segments(predicted, n);
    annotations.iter().map(|a| cover_single(&p, &segments(a, n), n)).sum::<f64>() / annotations.len() as f64
}

#[cfg(test)]
mod tests {
    //! The worked examples are the doctests of TCPDBench's `analysis/scripts/metrics.py`
    //! (sets of 0-based indices there; slices here).
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn true_positives_count_each_prediction_once() {
        assert_eq!(true_positives(&[1, 10, 20, 23], &[3, 8, 20], 5), 3);
        assert_eq!(true_positives(&[1, 10, 20, 23], &[1, 3, 8, 20], 5), 3);
        assert_eq!(true_positives(&[1, 10, 20, 23], &[1, 3, 5, 8, 20], 5), 3);
        assert_eq!(true_positives(&[], &[1, 2, 3], 5), 0);
        assert_eq!(true_positives(&[1, 2, 3], &[], 5), 0);
    }

    #[test]
    fn f_measure_matches_the_benchmark_examples() {
        let a = vec![vec![10, 20], vec![11, 20], vec![10], vec![0, 5]];
        assert!(close(f_measure(&a, &[10, 20], 5).0, 1.0));
        let b = vec![vec![], vec![10], vec![50]];
        assert!(close(f_measure(&b, &[10], 5).0, 0.9090909090909091));
        assert!(close(f_measure(&b, &[], 5).0, 0.8));
    }

    #[test]
    fn overlap_is_the_jaccard_index() {
        // {1, 2, 3} vs {2, 3, 4, 5}: 2 shared of 5.
        assert!(close(overlap((1, 4), (2, 6)), 0.4));
        assert!(close(overlap((1, 4), (1, 4)), 1.0));
        assert!(close(overlap((1, 4), (4, 6)), 0.0));
    }

    #[test]
    fn segments_follow_partition_from_cps() {
        assert_eq!(segments(&[], 5), vec![(0, 5)]);
        assert_eq!(segments(&[3, 5], 8), vec![(0, 3), (3, 5), (5, 8)]);
        assert_eq!(segments(&[1, 2, 7], 8), vec![(0, 1), (1, 2), (2, 7), (7, 8)]);
        assert_eq!(segments(&[0, 4], 6), vec![(0, 4), (4, 6)]);
        assert_eq!(segments(&[4, 4, 9], 6), vec![(0, 4), (4, 6)]);
    }

    #[test]
    fn cover_single_matches_the_benchmark_examples() {
        // The benchmark's sets are {1..6}; shifted to 0-based intervals of 0..6.
        let c = cover_single(&[(0, 3), (3, 5), (5, 6)], &[(0, 3), (3, 6)], 6);
        assert!(close(c, 0.8333333333333334));
        assert!(close(cover_single(&[(0, 4), (4, 6)], &[(0, 6)], 6), 0.6666666666666666));
        assert!(close(cover_single(&[(0, 2), (2, 4), (4, 6)], &[(0, 3), (3, 6)], 6), 0.6666666666666666));
        assert!(close(cover_single(&[(0, 6)], &[(0, 1), (1, 2), (2, 3), (3, 6)], 6), 0.3333333333333333));
    }

    #[test]
    fn covering_matches_the_benchmark_examples() {
        let a = vec![vec![10, 20], vec![10], vec![0, 5]];
        assert!(close(covering(&a, &[10, 20], 45), 0.7962962962962963));
        let b = vec![vec![], vec![10], vec![40]];
        assert!(close(covering(&b, &[10], 45), 0.7954144620811286));
        assert!(close(covering(&b, &[], 45), 0.8189300411522634));
    }

    #[test]
    fn interpolation_fills_gaps_and_ends() {
        let raw = [None, Some(1.0), None, None, Some(4.0), None];
        assert_eq!(interpolate(&raw), Some(vec![1.0, 1.0, 2.0, 3.0, 4.0, 4.0]));
        assert_eq!(interpolate(&[None, None]), None);
    }

    #[test]
    fn dataset_files_are_read_in_tcpd_format() {
        let json: Value = serde_json::from_str(
            r#"{"name": "t", "n_obs": 3, "series": [{"label": "a", "type": "int", "raw": [1, null, 3]},
                {"label": "b", "type": "int", "raw": [0, 0, 0]}]}"#,
        )
        .unwrap();
        let d = read_dataset(&json).unwrap();
        assert_eq!((d.name.as_str(), d.n, d.dims, d.missing), ("t", 3, 2, 1));
        assert_eq!(d.values, vec![1.0, 2.0, 3.0]);
    }
}

//! Preparation of a series before trend analysis: restarts (a large, abrupt drop toward the
//! lifetime's starting level after growth held for a while) split it into lifetimes; a GC saw
//! tooth (many such drops) has its teeth's ramps taken off, which leaves the floor at every
//! sample (teeth of unequal heights give one minimum each instead); daily seasonality is
//! estimated over whole periods (the residual from a 24-hour centred moving average, averaged
//! by time of day) and removed, at each day's own size where days differ (quieter weekends),
//! or, over two to three days, by a fit of a trend and the day's harmonics that each half of
//! the window must repeat. Gaps are kept as gaps: nothing is interpolated.
//!
//! Pure numeric code on `(x in hours, y)` slices; no series model, no report, no web types.

use crate::analyze::changepoint::{median_in_place, robust_centre_and_scale, robust_scale};

/// The series the trend analysis works on.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// Positions (hours since the first sample).
    pub x: Vec<f64>,
    /// Values (the raw values, the floor of a saw tooth, or deseasonalised values).
    pub y: Vec<f64>,
    /// True when `y` is the floor of a saw tooth (its samples less their teeth's ramps, or one
    /// minimum per tooth).
    pub on_floor: bool,
    /// True when a daily profile was removed.
    pub seasonal: bool,
    /// Index (into `x`) of the first sample of every lifetime after a restart.
    pub restarts: Vec<usize>,
    /// On a floor: index (into `x`) of every tooth's first sample.
    pub teeth: Vec<usize>,
    /// On a floor: the teeth's height (the median fall), in `y`'s unit.
    pub height: f64,
    /// On a floor of teeth of unequal heights: one point per tooth (its minimum).
    pub per_tooth: bool,
}

/// A drop event: a short run of falling samples containing at least one abrupt fall.
#[derive(Debug, Clone, Copy)]
struct Drop {
    /// Index of the last sample before the fall.
    before: usize,
    /// Index of the first sample after the fall.
    after: usize,
}

/// Finds abrupt drops: runs of at most `max_run` consecutive falls with at least one fall larger
/// than 6 robust difference scales (about once in 10⁹ Gaussian differences).
fn drops_of(y: &[f64], max_run: usize) -> Vec<Drop> {
    let d: Vec<f64> = y.windows(2).map(|w| w[1] - w[0]).collect();
    let scale = robust_scale(&d);
    drops_at_scale(&d, max_run, scale)
}

/// [`drops_of`] on the differences `d`, with their robust scale already known.
fn drops_at_scale(d: &[f64], max_run: usize, scale: f64) -> Vec<Drop> {
    if scale <= 0.0 {
        return Vec::new();
    }
    let big = 6.0 * scale;
    let mut out = Vec::new();
    let mut i = 0;
    while i < d.len() {
        if d[i] < -big {
            let mut a = i;
            while a > 0 && d[a - 1] < -2.0 * scale && i - a < max_run {
                a -= 1;
            }
            let mut b = i;
            while b + 1 < d.len() && d[b + 1] < -2.0 * scale && b - a + 1 < max_run {
                b += 1;
            }
            if b - a < max_run {
                out.push(Drop { before: a, after: b + 1 });
            }
            i = b + 1;
        } else {
            i += 1;
        }
    }
    out
}

fn median_of(y: &[f64]) -> f64 {
    median_in_place(&mut y.to_vec())
}

/// `y` with blips taken out: runs of one or two samples that stand more than 6 robust
/// difference scales off the line between their neighbours, all on one side, while the
/// neighbours agree with each other (within 3 scales of the usual step, or within a tenth of
/// the run's distance from the line between them: a blip 80 scales deep beside a noise bump of
/// 10 is still a blip). A scrape during a burst or a short read is no part of the trend, yet
/// one can pass for a GC drop, a restart or a knot. A saw tooth's peak or trough is no blip:
/// its neighbours differ by a whole fall, about twice its distance from their midpoint.
///
/// Returns the cleaned values, their differences and the differences' robust scale (taken
/// before cleaning: a few blips barely move it), which the drop search reads next.
fn without_blips(y: &[f64]) -> (Vec<f64>, Vec<f64>, f64) {
    let mut out = y.to_vec();
    let n = y.len();
    let mut d: Vec<f64> = y.windows(2).map(|w| w[1] - w[0]).collect();
    let (centre, scale) = robust_centre_and_scale(&d);
    let Some(step) = centre.filter(|_| n >= 5 && scale > 0.0) else { return (out, d, scale) };
    // A run `off` from the line between its neighbours, who differ by `gap` beyond the usual.
    let blip = |off: f64, gap: f64| off > 6.0 * scale && gap.abs() <= (3.0 * scale).max(0.1 * off);
    let mut i = 1;
    while i + 1 < n {
        // One sample off the line between its neighbours.
        let (a, b) = (y[i - 1], y[i + 1]);
        let mid = (a + b) / 2.0;
        if blip((y[i] - mid).abs(), b - a - 2.0 * step) {
            out[i] = mid;
            i += 2;
            continue;
        }
        // Two samples off, on one side, of the line between theirs.
        if let Some(&b) = y.get(i + 2) {
            let (p, q) = (a + (b - a) / 3.0, a + 2.0 * (b - a) / 3.0);
            let (u, v) = (y[i] - p, y[i + 1] - q);
            if u * v > 0.0 && blip(u.abs().min(v.abs()), b - a - 3.0 * step) {
                out[i] = p;
                out[i + 1] = q;
                i += 3;
                continue;
            }
        }
        i += 1;
    }
    if out != y {
        d = out.windows(2).map(|w| w[1] - w[0]).collect();
    }
    (out, d, scale)
}

/// Prepares `(x, y)`: floor of a saw tooth, restarts, daily seasonality (when `x` is time and
/// spans at least two days, and no two restarts cut it into lifetimes).
pub fn prepare(x: &[f64], y: &[f64], is_time: bool) -> Prepared {
    let n = x.len().min(y.len());
    let x = &x[..n];
    let (y, d, scale) = without_blips(&y[..n]);
    let all = drops_at_scale(&d, 3, scale);
    drop(d);
    let span = x.last().copied().unwrap_or(0.0) - x.first().copied().unwrap_or(0.0);
    let spread = match (all.first(), all.last()) {
        (Some(a), Some(b)) => x.get(b.after).copied().unwrap_or(0.0) - x.get(a.after).copied().unwrap_or(0.0),
        _ => 0.0,
    };
    let (mut prepared, found) = if all.len() >= 6 && spread >= 0.4 * span && saws(&y, &all) {
        floor_of(x, &y, &with_missed_collections(&y, &all))
    } else {
        // The cleaned values are the prepared ones: moved, not copied.
        (Prepared { x: x.to_vec(), y, ..Prepared::default() }, all)
    };
    // A fall across a gap in the samples is no abrupt one: a daily wave or a drain may have
    // brought memory down while nothing was scraped. A restart takes the process down for
    // minutes, so a fall counts as one across ten sampling intervals at most, or an hour on a
    // time axis (room for a slow start or a scrape target that takes a while to reappear).
    // (A saw tooth's floor judges its own gaps.)
    let found = if prepared.on_floor {
        found
    } else {
        let spacing = median_in_place(&mut x.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>());
        let limit = (GAP_INTERVALS * spacing).max(if is_time { 1.0 } else { 0.0 });
        found.into_iter().filter(|d| x[d.after] - x[d.before] <= limit).collect()
    };
    let mut restarted = restarts(&prepared.y, &found, min_life(&prepared.teeth));
    // Too few teeth for the saw test (under six drops), each read as a restart; but the teeth
    // of a saw land ever higher on a leak's rising floor, where restarts land back where the
    // process began. Judged on the floor under those teeth instead.
    let teeth: Vec<Drop> = found.iter().copied().filter(|d| restarted.contains(&d.after)).collect();
    if !prepared.on_floor && lands_ever_higher(&prepared.y, &teeth) {
        let (floor, found) = floor_of(x, &prepared.y, &with_missed_collections(&prepared.y, &teeth));
        prepared = floor;
        restarted = restarts(&prepared.y, &found, min_life(&prepared.teeth));
    }
    prepared.restarts = restarted;
    // Two restarts or more saw the series: lifetimes that climb and fall back. When they last
    // about a day (a leak killed at its limit daily), the 24-hour moving average takes that saw
    // for a daily wave and removes it, leak and all. The lifetimes are judged apart instead,
    // each on its own climb, with any daily wave inside them left in, as over windows of under
    // two days.
    if prepared.restarts.len() >= 2 {
        return prepared;
    }
    if is_time && span >= 72.0 {
        deseasonalise(&mut prepared);
    } else if is_time && span >= 48.0 {
        deseasonalise_short(&mut prepared);
    }
    prepared
}

/// The fewest samples a lifetime lasts: four teeth on a floor (`teeth`, the index of each
/// tooth's first point), four samples otherwise.
fn min_life(teeth: &[usize]) -> usize {
    match teeth.len() {
        0 | 1 => 4,
        k => 4 * (teeth[k - 1] - teeth[0]) / (k - 1),
    }
}

/// Whether the falls read as restarts (`drops`) are a saw tooth's collections over a leak's
/// rising floor: four or more, each landing higher than the one before (the median of the
/// seven samples after it), the last above the first by a quarter of their median fall or
/// more. A restarted process comes back to the level it began at, however long its
/// lifetimes; a collection frees the tooth's garbage and leaves the leak's. On the suite's ten
/// draws, two saw-tooth leaks of five or six teeth that read as recurring leaks with onsets at
/// the window's start (20–37 % of the window early) are dated on their floor.
fn lands_ever_higher(y: &[f64], drops: &[Drop]) -> bool {
    if drops.len() < 4 {
        return false;
    }
    let landings: Vec<f64> = drops.iter().map(|d| median_of(&y[d.after..(d.after + 7).min(y.len())])).collect();
    let mut falls: Vec<f64> = drops.iter().map(|d| y[d.before] - y[d.after]).collect();
    let fall = median_in_place(&mut falls);
    landings.windows(2).all(|w| w[1] > w[0]) && landings[landings.len() - 1] - landings[0] >= 0.25 * fall
}

/// An interval between samples longer than this many times the median one is a scrape gap:
/// what happened inside it went unseen.
pub(crate) const GAP_INTERVALS: f64 = 10.0;

/// Whether the drops are a saw tooth's: a collection falls from its tooth's top to the next
/// tooth's bottom and memory stays down, so at two drops in three or more the last sample
/// before the fall stands in the top quarter of the stretch since the previous drop, the first
/// after it in the bottom quarter of the stretch up to the next, the two after that have not
/// made up half the fall, and the fall frees half of what the stretch rose from its lowest at
/// least; and five such collections at least, each freeing half the median collection's fall
/// or more. Heavy-tailed noise also makes abrupt falls, but from and to anywhere in the wander
/// around them, made up within a sample or two, and a sliver of a climb they fall in.
fn saws(y: &[f64], drops: &[Drop]) -> bool {
    let share = |part: &[f64], v: f64| part.iter().filter(|&&p| p < v).count() as f64 / part.len().max(1) as f64;
    let mut hits = Vec::new();
    for (k, d) in drops.iter().enumerate() {
        let from = if k == 0 { 0 } else { drops[k - 1].after };
        let to = drops.get(k + 1).map_or(y.len(), |n| n.before + 1);
        let (before, after) = (&y[from..=d.before], &y[d.after..to]);
        // Memory stays down after a collection (the next tooth ramps up from there), while a
        // fall of noise is made up within a sample or two. A tooth of a few samples climbs back
        // its share of the fall per sample, so it may make up more than half within two.
        let fall = y[d.before] - y[d.after];
        let allowed = (2.0 / after.len() as f64 + 0.25).clamp(0.5, 0.85) * fall;
        let stays = after.get(1..3).is_none_or(|next| next.iter().all(|&v| v - y[d.after] < allowed));
        // And it frees at least half of what the tooth grew: a fall of heavy-tailed noise in a
        // climb frees a sliver of it, though it too lands low in the climb that follows.
        let low = before.iter().copied().fold(f64::INFINITY, f64::min);
        let undoes = fall >= 0.5 * (y[d.before] - low);
        if share(before, y[d.before]) >= 0.75 - 1.0 / before.len() as f64
            && share(after, y[d.after]) <= 0.25
            && stays
            && undoes
        {
            hits.push(fall);
        }
    }
    // The collections of one saw free alike (within a third or so). A fall of noise that
    // passes for one, beside a leak's restarts at its limit, frees a fraction of what they do.
    let typical = median_in_place(&mut hits);
    let hits = hits.iter().filter(|&&fall| fall >= 0.5 * typical).count();
    // Five at least: among few drops, the restarts of a leak killed at its limit again and again
    // make two in three beside a couple of falls of heavy-tailed noise.
    3 * hits >= 2 * drops.len() && hits >= 5
}

/// The drops of a saw tooth, with the collections the drop detector passed over: every fall
/// from one sample to the next of half the median drop or more (the share by which [`saws`]
/// counts a collection). The detector's bar is six scales of the differences, and where teeth
/// differ in height or the scrapes come irregularly, the climbs' differences spread so wide
/// that it finds only the tallest falls. Each drop missed merged two teeth or more into one,
/// a single ramp taken off along all of them; the floor then fell in long slopes and rose at
/// the next drop found.
fn with_missed_collections(y: &[f64], drops: &[Drop]) -> Vec<Drop> {
    let mut falls: Vec<f64> = drops.iter().map(|d| y[d.before] - y[d.after]).collect();
    let half = 0.5 * median_in_place(&mut falls);
    let mut all = Vec::with_capacity(2 * drops.len());
    let mut found = drops.iter().peekable();
    let mut i = 1;
    while i < y.len() {
        if let Some(d) = found.next_if(|d| d.before + 1 == i) {
            all.push(*d);
            i = d.after + 1;
            continue;
        }
        // Not right before a drop found, which already takes in the falls next to it.
        let before_found = found.peek().is_some_and(|d| d.before == i);
        if !before_found && y[i - 1] - y[i] >= half {
            all.push(Drop { before: i - 1, after: i });
        }
        i += 1;
    }
    all
}

/// The floor of a saw tooth. When the teeth share one height (the median fall, within
/// [`IRREGULAR_TEETH`]): every sample from the first whole tooth on, less its share of that
/// height, its phase through its own tooth (0 after a fall, 1 at the last sample before the
/// next). Every sample stays, so the onset is placed to a sample, not to a tooth, and noise
/// averages out over a tooth instead of deciding its minimum. Otherwise one point per tooth,
/// its minimum. Also returns, in the returned indices, the drops that fell far beyond a
/// collection (restart candidates).
fn floor_of(x: &[f64], y: &[f64], drops: &[Drop]) -> (Prepared, Vec<Drop>) {
    let falls: Vec<f64> = drops.iter().map(|d| y[d.before] - y[d.after]).collect();
    let (centre, spread) = robust_centre_and_scale(&falls);
    let height = centre.unwrap_or(0.0);
    // Teeth of unequal heights (collections that free more or less, ramps that curve) leave
    // part of every ramp behind when one height is taken off: there the post-GC minimum of each
    // tooth is the steadier floor.
    if spread > IRREGULAR_TEETH * height {
        let p = Prepared { height, ..floor_per_tooth(x, y, drops) };
        let found = drops_of(&p.y, 1);
        return (p, found);
    }
    let mut lengths: Vec<f64> = drops.windows(2).map(|w| x[w[1].before] - x[w[0].after]).collect();
    let period = median_in_place(&mut lengths);
    // The last tooth is unfinished: its phase is read against the typical length, which it may
    // overrun or fall short of. See [`UNFINISHED_TOOTH`].
    let spread = if period > 0.0 { robust_scale(&lengths) / period } else { 0.0 };
    let unfinished_phase = if spread > 0.0 { UNFINISHED_TOOTH / spread } else { f64::INFINITY };
    let mut fx = Vec::with_capacity(x.len());
    let mut fy = Vec::with_capacity(x.len());
    // (index of the last sample before the boundary, index of the first after) in fx.
    let mut boundaries = Vec::with_capacity(drops.len());
    let mut teeth = Vec::with_capacity(drops.len());
    for (k, d) in drops.iter().enumerate() {
        let start = d.after;
        teeth.push(fx.len());
        let (end, span) = match drops.get(k + 1) {
            Some(next) => (next.before + 1, x[next.before] - x[start]),
            // Up to the phase where the tooth's unknown length could leave more than
            // `UNFINISHED_TOOTH` of the height behind, unless the teeth stopped: a last tooth
            // that ran on for over `LONGEST_TOOTH` typical lengths is no tooth but the floor
            // climbing on, every sample of it kept (less the whole height past one length).
            None if x[x.len() - 1] - x[start] <= LONGEST_TOOTH * period => {
                let end = (start..x.len()).find(|&i| x[i] - x[start] > unfinished_phase * period).unwrap_or(x.len());
                (end, period)
            }
            None => (x.len(), period),
        };
        if k > 0 && !fx.is_empty() {
            boundaries.push(Drop { before: fx.len() - 1, after: fx.len() });
        }
        // Gaps in the data (over half a period): collections fell unseen in them, so a tooth
        // that begins after a gap is a period's ramp up to its end, one cut short by a gap a
        // period's ramp from its start, and one far longer than the period with a gap inside
        // both: from its start before the gap, up to its end after it. Samples out of reach
        // have no phase to take off: left out.
        let gapped = |a: usize, b: usize| period > 0.0 && x[b] - x[a] > 0.5 * period;
        let long = span > LONGEST_TOOTH * period;
        let widest = || (start + 1..end).max_by(|&a, &b| (x[a] - x[a - 1]).total_cmp(&(x[b] - x[b - 1])));
        let inner = if long { widest().filter(|&g| gapped(g - 1, g)) } else { None };
        let after_gap = gapped(d.before, d.after) && drops.get(k + 1).is_some();
        let before_gap = drops.get(k + 1).is_some_and(|next| gapped(next.before, next.after));
        let forward = |i: usize| (x[i] - x[start]) / period;
        let backward = |i: usize| 1.0 - (x[end - 1] - x[i]) / period;
        for i in start..end {
            let phase = match inner {
                Some(g) if i < g => forward(i),
                Some(_) => backward(i),
                None if after_gap => backward(i),
                None if before_gap => forward(i),
                None if span > 0.0 => ((x[i] - x[start]) / span).min(1.0),
                None => 0.0,
            };
            if !(0.0..=1.0).contains(&phase) {
                continue;
            }
            fx.push(x[i]);
            fy.push(y[i] - height * phase);
        }
    }
    // Where in the gap a collection fell is unknown: the first sample after it sits anywhere from
    // 0 to (ramp rate × gap) above the floor, so a boundary's jump is within that, plus noise
    // (read from the differences inside teeth). A restart falls clearly beyond both.
    let rate = if period > 0.0 { height / period } else { 0.0 };
    let mut inside: Vec<f64> = Vec::with_capacity(fy.len());
    let mut next = boundaries.iter().peekable();
    for i in 1..fy.len() {
        if next.peek().is_some_and(|d| d.after == i) {
            next.next();
        } else {
            inside.push(fy[i] - fy[i - 1]);
        }
    }
    let noise = robust_scale(&inside);
    let found = boundaries
        .into_iter()
        .filter(|d| {
            let gap = fx[d.after] - fx[d.before];
            fy[d.after] - fy[d.before] < -(rate * gap + 6.0 * noise)
        })
        .collect();
    (Prepared { x: fx, y: fy, on_floor: true, teeth, height, ..Prepared::default() }, found)
}

/// The robust spread of the falls, as a fraction of their median, beyond which a saw tooth's
/// teeth count as of unequal heights. Noise alone spreads falls of teeth 8 σ or more tall by
/// under a tenth.
const IRREGULAR_TEETH: f64 = 0.1;

/// The longest a tooth runs, in typical tooth lengths. A stretch between two falls that runs
/// longer holds a collection unseen in a gap; one after the last fall that runs longer is no
/// tooth, but the floor climbing on after the teeth stopped.
const LONGEST_TOOTH: f64 = 1.5;

/// The share of the teeth's height the floor of the unfinished last tooth may be off by, where it
/// is cut. That tooth's phase is its time since the fall over the typical tooth length, yet
/// teeth run longer or shorter than that by the lengths' robust spread (a seventh of the length
/// in the suite, where collections come 0.8 to 1.2 periods apart): at phase `p` the floor is off
/// by about `p × spread` of the height, up to a fifth of it at the tooth's end. Teeth 8 to 40 σ
/// tall left a step of up to 1.5 to 8 σ in the floor's last samples, which tilted the climb's
/// line and the onset with it. Cut where that reaches 2 % (at a seventh of the tooth in the
/// suite): on its ten draws, 6 more saw-tooth leaks' onsets within 5 % of the window (92.3 %
/// from 90.8 %), 2 fewer false alarms on flat floors, 1 saw-tooth leak fewer found. Teeth of
/// one length (no spread) keep the whole tooth.
const UNFINISHED_TOOTH: f64 = 0.02;

/// One floor point per tooth: the minimum between consecutive drops, at its own time. The
/// window usually opens part-way up a tooth, so the floor starts with the first whole tooth.
fn floor_per_tooth(x: &[f64], y: &[f64], drops: &[Drop]) -> Prepared {
    let mut cuts: Vec<usize> = drops.iter().map(|d| d.after).collect();
    cuts.push(x.len());
    let mut fx = Vec::with_capacity(cuts.len());
    let mut fy = Vec::with_capacity(cuts.len());
    let mut teeth = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if let Some((i, v)) =
            y.get(a..b).and_then(|s| s.iter().enumerate().min_by(|p, q| p.1.total_cmp(q.1)).map(|(i, &v)| (a + i, v)))
        {
            teeth.push(fx.len());
            fx.push(x[i]);
            fy.push(v);
        }
    }
    Prepared { x: fx, y: fy, on_floor: true, teeth, per_tooth: true, ..Prepared::default() }
}

/// Restarts: abrupt drops that undo most of a gradual growth since the lifetime began and land
/// near the lifetime's starting level, and stay there (the median of the seven samples after
/// the drop: a fall of noise made up within two samples does not).
fn restarts(y: &[f64], drops: &[Drop], min_life: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut life_start = 0;
    for &d in drops {
        if d.before < life_start + min_life {
            continue;
        }
        let life = &y[life_start..=d.before];
        let head = &life[..(life.len() / 10).max(3).min(life.len())];
        let start_level = median_of(head);
        let pre = median_of(&y[d.before.saturating_sub(2).max(life_start)..=d.before]);
        let post = median_of(&y[d.after..(d.after + 7).min(y.len())]);
        let accumulated = pre - start_level;
        let fall = pre - post;
        let biggest_jump = life.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        // Grown before the fall, not just at it: memory stood above half the growth for three
        // times as many samples as the fall took. A spike of a few minutes climbs about as fast
        // as it falls.
        let above = life.iter().rev().take_while(|&&v| v - start_level > 0.5 * accumulated).count();
        let sustained = above >= 3 * (d.after - d.before);
        let gradual = biggest_jump < 0.5 * accumulated && sustained;
        if accumulated > 0.0 && fall >= 0.5 * accumulated && post - start_level <= 0.5 * accumulated && gradual {
            out.push(d.after);
            life_start = d.after;
        }
    }
    out
}

/// Harmonics of the day fitted by [`deseasonalise_short`]: enough for a business-hours peak.
const SHORT_HARMONICS: usize = 4;

/// Removes a daily profile from a window of two to three days. The moving average of
/// [`deseasonalise`] leaves residuals only a day from either end, under two days here, too few
/// to see its profile repeat on even and odd days, so a daily wave over a two-day export stayed
/// in, and its swings read as climbs, drains and plateaus. Instead: a weighted least-squares fit
/// of a quadratic trend plus the day's first [`SHORT_HARMONICS`] harmonics (each sample weighing
/// the time it stands for, [`time_weights`]). The profile is taken off when it explains
/// a quarter of what the trend leaves, and the same fit on each half of the window (a day or
/// more each) gives profiles that agree: correlated at 0.8 or more on 48 points of the day,
/// amplitudes within 3/2 of each other, each explaining a quarter of what its half's trend
/// leaves.
fn deseasonalise_short(p: &mut Prepared) {
    const DAY: f64 = 24.0;
    const GRID: usize = 48;
    let n = p.x.len();
    if n < 2 * GRID {
        return;
    }
    let x0 = p.x[0];
    let weights = time_weights(&p.x);
    let fit = |lo: usize, hi: usize| harmonic_fit(&p.x[lo..hi], &p.y[lo..hi], &weights[lo..hi], x0);
    let middle = p.x.partition_point(|&x| x < x0 + (p.x[n - 1] - x0) / 2.0);
    let (Some(whole), Some(first), Some(second)) = (fit(0, n), fit(0, middle), fit(middle, n)) else { return };
    let grid = |c: &HarmonicFit| -> Vec<f64> { (0..GRID).map(|b| c.profile(b as f64 * DAY / GRID as f64)).collect() };
    let var_of = |g: &[f64]| g.iter().map(|v| v * v).sum::<f64>() / GRID as f64;
    let (profile, early, late) = (grid(&whole), grid(&first), grid(&second));
    let var_profile = var_of(&profile);
    // A day's wave comes back at about its size (within 3/2 in amplitude) and stands out in
    // each half; a climb's or a restart's curve that the harmonics bend to follow does not.
    let (var_early, var_late) = (var_of(&early), var_of(&late));
    let alike = var_early < 2.25 * var_late && var_late < 2.25 * var_early;
    let each = var_early >= 0.25 * first.detrended_var && var_late >= 0.25 * second.detrended_var;
    if var_profile < 0.25 * whole.detrended_var || !alike || !each || correlation(&early, &late) < 0.8 {
        return;
    }
    for (y, &x) in p.y.iter_mut().zip(&p.x) {
        *y -= whole.profile(x - x0);
    }
    p.seasonal = true;
}

/// A quadratic trend plus the day's harmonics, fitted by [`harmonic_fit`].
struct HarmonicFit {
    /// Cosine and sine coefficients of the harmonics 1..=[`SHORT_HARMONICS`].
    harmonics: [(f64, f64); SHORT_HARMONICS],
    /// Weighted variance of the values less the fitted trend (the profile and the noise).
    detrended_var: f64,
}

impl HarmonicFit {
    /// The profile at `h` hours from the window's first sample.
    fn profile(&self, h: f64) -> f64 {
        let w = std::f64::consts::TAU * h / 24.0;
        self.harmonics
            .iter()
            .enumerate()
            .map(|(k, &(c, s))| {
                let a = (k + 1) as f64 * w;
                c * libm::cos(a) + s * libm::sin(a)
            })
            .sum()
    }
}

/// Weighted least squares of `y` on `1, u, u²` (`u` the position scaled to −1…1) and the
/// harmonics of a 24-hour day (phases from `x0`), via the normal equations. `None` when there
/// are too few samples or the system is singular.
fn harmonic_fit(x: &[f64], y: &[f64], weights: &[f64], x0: f64) -> Option<HarmonicFit> {
    const K: usize = 3 + 2 * SHORT_HARMONICS;
    let n = x.len().min(y.len()).min(weights.len());
    if n < 4 * K {
        return None;
    }
    let (lo, hi) = (x[0], x[n - 1]);
    let half = (hi - lo) / 2.0;
    if half <= 0.0 {
        return None;
    }
    let y_mean = y.iter().sum::<f64>() / n as f64;
    let row = |i: usize| -> [f64; K] {
        let u = (x[i] - lo - half) / half;
        let mut r = [0.0; K];
        r[0] = 1.0;
        r[1] = u;
        r[2] = u * u;
        // The k-th harmonic from the first by the angle-sum rule: two calls to trig a sample.
        let w = std::f64::consts::TAU * (x[i] - x0) / 24.0;
        let (c1, s1) = (libm::cos(w), libm::sin(w));
        let (mut c, mut s) = (c1, s1);
        for k in 0..SHORT_HARMONICS {
            r[3 + 2 * k] = c;
            r[4 + 2 * k] = s;
            (c, s) = (c * c1 - s * s1, s * c1 + c * s1);
        }
        r
    };
    let (mut ata, mut aty, mut vv) = ([[0.0; K]; K], [0.0; K], 0.0);
    for (i, &yi) in y.iter().enumerate().take(n) {
        let (r, w, v) = (row(i), weights[i], yi - y_mean);
        vv += w * v * v;
        for (a, &ra) in r.iter().enumerate() {
            aty[a] += w * ra * v;
            for (b, &rb) in r.iter().enumerate() {
                ata[a][b] += w * ra * rb;
            }
        }
    }
    let c = super::changepoint::solve_fixed(ata, aty)?;
    // The values less the fitted trend (its three columns), d = v − Σ c·r, from the sums taken.
    let trend = [c[0], c[1], c[2]];
    let sum_w = ata[0][0];
    let sum_d = aty[0] - trend.iter().zip(&ata[0]).map(|(c, s)| c * s).sum::<f64>();
    let mut sum_dd = vv;
    for (a, ca) in trend.iter().enumerate() {
        sum_dd -= 2.0 * ca * aty[a];
        for (b, cb) in trend.iter().enumerate() {
            sum_dd += ca * cb * ata[a][b];
        }
    }
    let mean_d = sum_d / sum_w;
    let mut harmonics = [(0.0, 0.0); SHORT_HARMONICS];
    for (k, h) in harmonics.iter_mut().enumerate() {
        *h = (c[3 + 2 * k], c[4 + 2 * k]);
    }
    Some(HarmonicFit { harmonics, detrended_var: sum_dd / sum_w - mean_d * mean_d })
}

/// Each sample's weight in a daily fit: the time it stands for, half the spacing on either side,
/// each capped at twice the median spacing next to a gap, so that a stretch scraped more often
/// does not outweigh the rest of its day. `x` must hold two samples or more.
fn time_weights(x: &[f64]) -> Vec<f64> {
    let mut spacing: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();
    let cap = 2.0 * median_of(&spacing);
    spacing.iter_mut().for_each(|d| *d = d.min(cap));
    (0..x.len())
        .map(|i| {
            let before = if i > 0 { spacing[i - 1] } else { spacing[0] };
            let after = spacing.get(i).copied().unwrap_or(before);
            0.5 * (before + after)
        })
        .collect()
}

/// Removes a daily profile estimated over whole days when it is strong relative to the residual.
fn deseasonalise(p: &mut Prepared) {
    const DAY: f64 = 24.0;
    const BINS: usize = 48;
    let n = p.x.len();
    if n < 2 * BINS {
        return;
    }
    let x0 = p.x[0];
    let x1 = p.x[n - 1];
    // Centred 24-hour moving average over time (two pointers, prefix sums), each sample
    // weighing the time it stands for (see `time_weights`).
    let weights = time_weights(&p.x);
    let mut prefix = vec![0.0; n + 1];
    let mut prefix_w = vec![0.0; n + 1];
    for i in 0..n {
        let w = weights[i];
        prefix[i + 1] = prefix[i] + w * p.y[i];
        prefix_w[i + 1] = prefix_w[i] + w;
    }
    let mut sums = [0.0; BINS];
    let mut counts = [0.0; BINS];
    // Even and odd days separately: a real daily shape repeats, a one-off event does not.
    let mut halves = [[0.0; BINS]; 2];
    let mut half_counts = [[0.0; BINS]; 2];
    let mut resid_sq = 0.0;
    let mut resid_n = 0.0;
    let (mut lo, mut hi) = (0usize, 0usize);
    for i in 0..n {
        let xi = p.x[i];
        if xi - x0 < DAY / 2.0 || x1 - xi < DAY / 2.0 {
            continue;
        }
        while lo < n && p.x[lo] < xi - DAY / 2.0 {
            lo += 1;
        }
        while hi < n && p.x[hi] < xi + DAY / 2.0 {
            hi += 1;
        }
        if hi <= lo {
            continue;
        }
        let ma = (prefix[hi] - prefix[lo]) / (prefix_w[hi] - prefix_w[lo]);
        let r = p.y[i] - ma;
        let bin = bin_of(xi, x0, DAY, BINS);
        sums[bin] += r;
        counts[bin] += 1.0;
        let parity = (((xi - x0) / DAY) as usize) % 2;
        halves[parity][bin] += r;
        half_counts[parity][bin] += 1.0;
        resid_sq += r * r;
        resid_n += 1.0;
    }
    if counts.iter().any(|&c| c < 2.0) || resid_n < 2.0 * BINS as f64 {
        return;
    }
    let profile: Vec<f64> = sums.iter().zip(&counts).map(|(s, c)| s / c).collect();
    let mean = profile.iter().sum::<f64>() / BINS as f64;
    let profile: Vec<f64> = profile.iter().map(|v| v - mean).collect();
    let var_profile = profile.iter().map(|v| v * v).sum::<f64>() / BINS as f64;
    let var_resid = resid_sq / resid_n;
    // The profile's own noise: a bin mean of ~resid_n/BINS correlated samples. Require the daily
    // shape to explain a quarter of what the moving average leaves.
    if var_profile < 0.25 * var_resid {
        return;
    }
    // The two halves are compared over the hours of the day both cover: a scrape outage leaves
    // a few hours of one half empty, and with three or four days in the window it may be the
    // only day of that half that holds those hours. Half the day in common at least.
    let common: Vec<usize> = (0..BINS).filter(|&b| half_counts[0][b] >= 1.0 && half_counts[1][b] >= 1.0).collect();
    if common.len() < BINS / 2 {
        return;
    }
    let mean_of = |h: usize| -> Vec<f64> { common.iter().map(|&b| halves[h][b] / half_counts[h][b]).collect() };
    let (even, odd) = (mean_of(0), mean_of(1));
    // With a single day on each side a chance resemblance is likelier: ask for more.
    let interior_days = ((x1 - x0) / DAY - 1.0).floor();
    let needed = if interior_days >= 4.0 { 0.6 } else { 0.8 };
    if correlation(&even, &odd) < needed {
        return;
    }
    let (scale, zero) = day_scales(p, &profile, x0);
    for ((y, &x), size) in p.y.iter_mut().zip(&p.x).zip(scale) {
        *y -= size * (profile[bin_of(x, x0, DAY, BINS)] - zero);
    }
    p.seasonal = true;
}

/// How strongly each day shows the daily profile (per sample), and the level the profile is
/// scaled around. Quieter weekends and holidays show the same shape at a fraction of its
/// weekday size: taking the average shape off them at full size leaves an inverted wave, and a
/// step between weekday and weekend levels.
///
/// Each day's size comes from a least-squares fit of a line plus the scaled profile over its
/// own samples (the line takes any growth within the day). Sizes are shrunk toward their mean
/// by how much they vary beyond their own standard errors (inflated for the residual's lag-one
/// correlation). When the days do not differ by more than noise, or by less than a twentieth,
/// the profile is taken off as it is (sizes 1, level 0).
fn day_scales(p: &Prepared, profile: &[f64], x0: f64) -> (Vec<f64>, f64) {
    const DAY: f64 = 24.0;
    let bins = profile.len();
    let n = p.x.len();
    let width = (bins / 8).max(1);
    let window_sum = |b: usize| (0..width).map(|k| profile[(b + k) % bins]).sum::<f64>();
    let first = (0..bins).min_by(|&a, &b| window_sum(a).total_cmp(&window_sum(b))).unwrap_or(0);
    let quiet_level = window_sum(first) / width as f64;
    let shift = ((first + width / 2) % bins) as f64 * DAY / bins as f64;
    // Where one day's size gives way to the next is not known: a wave that fades gradually does
    // so in its quiet hours, a schedule may switch at midnight. The start (the quiet hours, or
    // any three-hourly point) whose whole days the fits explain best is taken.
    let misfit = |fits: &[(usize, usize, DayFit)]| {
        let (rss, m) = fits
            .iter()
            .filter(|f| is_whole(p, f.0, f.1))
            .fold((0.0, 0usize), |(r, m), f| (r + f.2.lag_den, m + f.1 - f.0));
        if m == 0 {
            f64::INFINITY
        } else {
            rss / m as f64
        }
    };
    let mut fits = fit_days(p, profile, x0, shift);
    let mut best = misfit(&fits);
    for k in 0..8 {
        let other = fit_days(p, profile, x0, k as f64 * DAY / 8.0);
        let m = misfit(&other);
        if m < 0.98 * best {
            (fits, best) = (other, m);
        }
    }
    let (num, den) = fits.iter().fold((0.0, 0.0), |(a, b), (_, _, f)| (a + f.lag_num, b + f.lag_den));
    let rho = if den > 0.0 { (num / den).clamp(0.0, 0.95) } else { 0.0 };
    let inflate = (1.0 + rho) / (1.0 - rho);
    // Empirical Bayes over the whole days (a cut day's size leans on its neighbour's slope):
    // the sizes' spread beyond their sampling variance is the days' own.
    let var_of = |f: &DayFit| f.var * inflate;
    let whole: Vec<usize> = (0..fits.len()).filter(|&k| is_whole(p, fits[k].0, fits[k].1)).collect();
    let whole_fits: Vec<&DayFit> = whole.iter().map(|&k| &fits[k].2).collect();
    let plain = (vec![1.0; n], 0.0);
    if whole_fits.len() < 3 {
        return plain;
    }
    let (mean, own, worst) = spread_of(&whole_fits, var_of);
    // One day off alone is more likely a bend of the trend inside it (a leak's onset) than a
    // quieter day: the spread must hold without the whole day farthest off (a day cut by the
    // window's edge may second it).
    let worst = whole[worst];
    let rest: Vec<&DayFit> = fits.iter().enumerate().filter(|&(k, _)| k != worst).map(|(_, f)| &f.2).collect();
    let own = own.min(spread_of(&rest, var_of).1);
    // Days that differ by less than a twentieth are one size, and the profile is taken off as
    // it is.
    if own.sqrt() < 0.05 * mean.abs() {
        return plain;
    }
    let shrink = |f: &DayFit, toward: f64| (toward + own / (own + var_of(f)) * (f.size - toward)).clamp(0.0, 2.0);
    let mut sizes: Vec<f64> = fits.iter().map(|(_, _, f)| shrink(f, mean)).collect();
    // A day cut by the window's edge is likelier the size of the whole day next to it than the
    // average day's.
    let last = fits.len() - 1;
    for (k, next) in [(0, 1), (last, last - 1)] {
        let ((s, e, f), (ns, ne, _)) = (&fits[k], &fits[next]);
        if !is_whole(p, *s, *e) && is_whole(p, *ns, *ne) && (e == ns || ne == s) {
            sizes[k] = shrink(f, sizes[next]);
        }
    }
    // Days without a fit of their own (restarts, gaps) take the common size.
    let mut scale = vec![mean.clamp(0.0, 2.0); n];
    for ((s, e, _), size) in fits.iter().zip(&sizes) {
        scale[*s..*e].iter_mut().for_each(|x| *x = *size);
    }
    (scale, wave_zero(p, &fits, quiet_level, inflate))
}

/// DerSimonian–Laird over the days' sizes: their precision-weighted mean, the variance of the
/// sizes beyond what their standard errors explain, and the day farthest off (in standard
/// errors).
fn spread_of(fits: &[&DayFit], var_of: impl Fn(&DayFit) -> f64) -> (f64, f64, usize) {
    let weights: Vec<f64> = fits.iter().map(|f| 1.0 / var_of(f).max(1e-300)).collect();
    let total: f64 = weights.iter().sum();
    if fits.len() < 2 || total <= 0.0 {
        return (1.0, 0.0, 0);
    }
    let mean = fits.iter().zip(&weights).map(|(f, w)| f.size * w).sum::<f64>() / total;
    let q: f64 = fits.iter().zip(&weights).map(|(f, w)| w * (f.size - mean).powi(2)).sum();
    let c = total - weights.iter().map(|w| w * w).sum::<f64>() / total;
    let own = if c > 0.0 { ((q - (fits.len() - 1) as f64) / c).max(0.0) } else { 0.0 };
    let worst = (0..fits.len())
        .max_by(|&a, &b| {
            (weights[a] * (fits[a].size - mean).powi(2)).total_cmp(&(weights[b] * (fits[b].size - mean).powi(2)))
        })
        .unwrap_or(0);
    (mean, own, worst)
}

/// The level a day's wave is scaled around. Memory that follows load sits at its base when load
/// is lowest, so a quieter day is lower all day: the zero is the profile's quiet level. Memory
/// can also keep its daily mean and swing less: the zero is the profile's mean. The day's level
/// under its wave is `level + size · zero`; the zero that lets a smooth trend through those
/// levels best is taken, kept between the two. Sizes that drift evenly from day to day cannot
/// tell the two apart from a trend: unless the estimate stands clearly off the mean, the mean
/// is kept, which moves no day's level.
fn wave_zero(p: &Prepared, fits: &[(usize, usize, DayFit)], quiet: f64, inflate: f64) -> f64 {
    let zero = bent_trend_zero(p, fits, inflate).unwrap_or_else(|| smooth_days_zero(p, fits, inflate));
    zero.clamp(quiet.min(0.0), quiet.max(0.0))
}

/// The wave's zero from under six whole days: the one that leaves the levels smoothest (least
/// squared second differences over whole consecutive days, which a steady trend does not move),
/// kept when it stands two standard errors (the day levels' own noise, inflated by `inflate`)
/// off the mean, else 0.
fn smooth_days_zero(p: &Prepared, fits: &[(usize, usize, DayFit)], inflate: f64) -> f64 {
    let whole = |s: usize, e: usize| is_whole(p, s, e);
    let (mut num, mut den, mut var) = (0.0, 0.0, 0.0);
    for w in fits.windows(3) {
        let [(s0, e0, a), (s1, e1, b), (s2, e2, c)] = w else { continue };
        if !(whole(*s0, *e0) && whole(*s1, *e1) && whole(*s2, *e2)) || e0 != s1 || e1 != s2 {
            continue;
        }
        let dl = a.level - 2.0 * b.level + c.level;
        let ds = a.size - 2.0 * b.size + c.size;
        num -= dl * ds;
        den += ds * ds;
        var += ds * ds * (a.level_var + 4.0 * b.level_var + c.level_var) * inflate;
    }
    if den <= 0.0 {
        return 0.0;
    }
    let zero = num / den;
    if zero.abs() < 2.0 * var.sqrt() / den {
        return 0.0;
    }
    zero
}

/// The wave's zero from six whole days or more: the days' levels under their waves,
/// `level + size · zero`, fitted by a trend that may bend once (a leak's onset bends it, and
/// sizes that happen to drift then would otherwise carry the estimate), the bend at the best
/// of the days' middles and the points between; from eight days, also by one that curves as
/// well (a leak that slows). Sizes that drift smoothly can stand in for a curve, so the zero
/// must stand a Student's t 99 % point of standard errors (the larger of the fit's scatter and
/// the days' own noise) off the mean under both. `Some(0.0)` when it does not; `None` for
/// fewer days.
fn bent_trend_zero(p: &Prepared, fits: &[(usize, usize, DayFit)], inflate: f64) -> Option<f64> {
    let days: Vec<(f64, &DayFit)> = fits
        .iter()
        .filter(|(s, e, _)| is_whole(p, *s, *e))
        .map(|(s, e, f)| ((p.x[*s] + p.x[*e - 1]) / 2.0, f))
        .collect();
    let m = days.len();
    if m < 6 {
        return None;
    }
    let own = days.iter().map(|(_, f)| f.level_var).sum::<f64>() / m as f64 * inflate;
    let t0 = days[0].0;
    // The zero and its standard error under a bent trend, curved too when `curve`.
    let zero_under = |curve: bool| -> Option<(f64, f64)> {
        let fit = |knot: f64| {
            let row = |t: f64, f: &DayFit| {
                let u = (t - t0) / 24.0;
                [1.0, u, ((t - knot) / 24.0).max(0.0), if curve { u * u } else { 0.0 }, -f.size]
            };
            let mut a = [[0.0; 5]; 5];
            let mut rhs = [0.0; 5];
            if !curve {
                // The curve's column is all zeros: pinned to 0 so the system stays solvable.
                a[3][3] = 1.0;
            }
            for (t, f) in &days {
                let r = row(*t, f);
                for i in 0..5 {
                    for j in 0..5 {
                        a[i][j] += r[i] * r[j];
                    }
                    rhs[i] += r[i] * f.level;
                }
            }
            let theta = super::changepoint::solve_fixed(a, rhs)?;
            let sse: f64 = days
                .iter()
                .map(|(t, f)| {
                    let r = row(*t, f);
                    (f.level - (0..5).map(|i| r[i] * theta[i]).sum::<f64>()).powi(2)
                })
                .sum();
            let inverse_zz = super::changepoint::solve_fixed(a, [0.0, 0.0, 0.0, 0.0, 1.0])?[4];
            Some((sse, theta[4], inverse_zz))
        };
        let knots = (0..m).map(|k| days[k].0).chain((1..m).map(|k| (days[k - 1].0 + days[k].0) / 2.0));
        let (sse, zero, inverse_zz) = knots.filter_map(fit).min_by(|a, b| a.0.total_cmp(&b.0))?;
        let dof = m - if curve { 5 } else { 4 };
        let se = ((sse / dof as f64).max(own) * inverse_zz.max(0.0)).sqrt();
        Some((zero, student_t_99(dof) * se))
    };
    let (zero, bound) = zero_under(false)?;
    let holds = |(z, b): (f64, f64)| z.abs() >= b && z * zero > 0.0;
    let curved_holds = m < 8 || zero_under(true).is_some_and(holds);
    Some(if holds((zero, bound)) && curved_holds { zero } else { 0.0 })
}

/// The two-sided 99 % point of Student's t with `dof` degrees of freedom.
fn student_t_99(dof: usize) -> f64 {
    const TABLE: [f64; 10] = [63.66, 9.92, 5.84, 4.60, 4.03, 3.71, 3.50, 3.36, 3.25, 3.17];
    TABLE.get(dof.wrapping_sub(1)).copied().unwrap_or(2.576 + 5.8 / dof as f64)
}

/// Whether the samples `start..end` span most of a day (18 hours).
fn is_whole(p: &Prepared, start: usize, end: usize) -> bool {
    p.x[end - 1] - p.x[start] >= 0.75 * 24.0
}

/// Fits every day (days start `shift` hours after `x0`'s time of day). A day cut short by the
/// window's edge may hold only the morning's ramp, which a free line takes for growth: such a
/// day keeps the slope of the whole day next to it. Days with a restart inside are left out.
fn fit_days(p: &Prepared, profile: &[f64], x0: f64, shift: f64) -> Vec<(usize, usize, DayFit)> {
    const DAY: f64 = 24.0;
    let n = p.x.len();
    let day_of = |x: f64| ((x - x0 - shift) / DAY).floor() as i64;
    let mut days: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < n {
        let d = day_of(p.x[start]);
        let mut end = start;
        while end < n && day_of(p.x[end]) == d {
            end += 1;
        }
        if !p.restarts.iter().any(|&r| r > start && r < end) {
            days.push((start, end));
        }
        start = end;
    }
    let whole = |&(s, e): &(usize, usize)| is_whole(p, s, e);
    let mut fits: Vec<(usize, usize, DayFit)> = days
        .iter()
        .filter(|d| whole(d))
        .filter_map(|&(s, e)| fit_day(p, profile, x0, s, e, None).map(|f| (s, e, f)))
        .collect();
    if let Some(&(s, e)) = days.first().filter(|d| !whole(d)) {
        let slope = fits.first().filter(|f| f.0 == e).map(|f| f.2.slope);
        if let Some(fit) = fit_day(p, profile, x0, s, e, slope) {
            fits.insert(0, (s, e, fit));
        }
    }
    if let Some(&(s, e)) = days.last().filter(|d| !whole(d) && days.len() > 1) {
        let slope = fits.last().filter(|f| f.1 == s).map(|f| f.2.slope);
        if let Some(fit) = fit_day(p, profile, x0, s, e, slope) {
            fits.push((s, e, fit));
        }
    }
    fits
}

/// One day's least-squares fit of a line plus the scaled profile.
struct DayFit {
    /// The profile's size that day.
    size: f64,
    /// Its variance under independent noise.
    var: f64,
    /// The line's slope.
    slope: f64,
    /// The day's mean level under its wave (the mean of `y - size · profile`), and its variance
    /// under independent noise.
    level: f64,
    level_var: f64,
    /// Sums for the residual's lag-one correlation: Σ eᵢ eᵢ₋₁ and Σ eᵢ².
    lag_num: f64,
    lag_den: f64,
}

/// Least-squares `y = α + β (x - x̄) + size · profile` over `start..end`, with `β` given or fitted.
fn fit_day(p: &Prepared, profile: &[f64], x0: f64, start: usize, end: usize, slope: Option<f64>) -> Option<DayFit> {
    const DAY: f64 = 24.0;
    let bins = profile.len();
    let m = end - start;
    if m < 8 {
        return None;
    }
    let xs = &p.x[start..end];
    let ys = &p.y[start..end];
    let ps: Vec<f64> = xs.iter().map(|&x| profile[bin_of(x, x0, DAY, bins)]).collect();
    let mf = m as f64;
    let xm = xs.iter().sum::<f64>() / mf;
    let ym = ys.iter().sum::<f64>() / mf;
    let pm = ps.iter().sum::<f64>() / mf;
    let (mut sxx, mut sxp, mut spp, mut sxy, mut spy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for i in 0..m {
        let (dx, dp, dy) = (xs[i] - xm, ps[i] - pm, ys[i] - ym);
        sxx += dx * dx;
        sxp += dx * dp;
        spp += dp * dp;
        sxy += dx * dy;
        spy += dp * dy;
    }
    // Var(size) = σ² · var_factor, σ² from the residual with `dof` degrees of freedom.
    let (size, slope, var_factor, dof) = match slope {
        Some(b) if spp > 0.0 => ((spy - b * sxp) / spp, b, 1.0 / spp, mf - 2.0),
        Some(_) => return None,
        None => {
            let det = sxx * spp - sxp * sxp;
            if sxx <= 0.0 || det <= 1e-9 * sxx * spp {
                return None;
            }
            ((sxx * spy - sxp * sxy) / det, (spp * sxy - sxp * spy) / det, sxx / det, mf - 3.0)
        }
    };
    let (mut rss, mut lag_num, mut prev) = (0.0, 0.0, None);
    for i in 0..m {
        let e = (ys[i] - ym) - slope * (xs[i] - xm) - size * (ps[i] - pm);
        rss += e * e;
        if let Some(q) = prev {
            lag_num += e * q;
        }
        prev = Some(e);
    }
    Some(DayFit {
        size,
        var: rss / dof * var_factor,
        slope,
        level: ym - size * pm,
        level_var: rss / dof / mf,
        lag_num,
        lag_den: rss,
    })
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len()) as f64;
    if n < 2.0 {
        return 0.0;
    }
    let ma = a.iter().sum::<f64>() / n;
    let mb = b.iter().sum::<f64>() / n;
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma) * (x - ma)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb) * (y - mb)).sum();
    if va <= 0.0 || vb <= 0.0 {
        0.0
    } else {
        cov / (va * vb).sqrt()
    }
}

fn bin_of(x: f64, x0: f64, period: f64, bins: usize) -> usize {
    let phase = ((x - x0) / period).rem_euclid(1.0);
    ((phase * bins as f64) as usize).min(bins - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_splits_lifetimes() {
        let x: Vec<f64> = (0..200).map(|i| i as f64 / 10.0).collect();
        let y: Vec<f64> = (0..200).map(|i| (i % 120) as f64 + ((i * 37) % 5) as f64 * 0.1).collect();
        let p = prepare(&x, &y, true);
        assert_eq!(p.restarts, vec![120]);
        assert!(!p.on_floor);
    }

    /// Teeth of uneven heights (half to all of the tallest) and lengths, scraped at uneven
    /// intervals (as in held-out `sawtooth-leak 9000029`): their climbs' differences spread so
    /// wide that the drop detector's bar finds only the tallest falls, 23 of 59. Every
    /// collection still makes a tooth of the floor.
    #[test]
    fn uneven_teeth_each_make_a_tooth() {
        let mut rng = crate::synth::Rng::new(9_000_029);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        let (mut t, mut collections) = (0.0, 0);
        while collections < 60 {
            let (start, length, height) = (t, rng.range(4.0, 6.0), rng.range(50.0, 100.0));
            while t < start + length {
                x.push(t);
                y.push(1000.0 + height * (t - start) / length + 5.0 * rng.normal());
                t += rng.range(0.5, 1.5);
            }
            collections += 1;
        }
        let found = drops_of(&y, 3).len();
        let p = prepare(&x, &y, false);
        let off = p.y.iter().map(|v| (v - 1000.0).abs()).fold(0.0, f64::max);
        assert!(p.on_floor);
        assert!(p.teeth.len() >= 55, "{} teeth of 59 ({found} drops found)", p.teeth.len());
        // Uneven, so each tooth's minimum is its floor point, and those stay level.
        assert!(p.per_tooth);
        assert!(off < 20.0, "{off}");
    }

    /// Teeth of one height whose lengths differ (16, 20 and 24 samples, as collections come
    /// sooner or later), the window closing 22 samples into a tooth 24 long: read against the
    /// typical length, that tooth's phase ran ahead of its own, and its later samples sat up to
    /// 15 % of the height below the floor. Only the part of it whose phase the lengths' spread
    /// leaves within 2 % of the height is kept.
    #[test]
    fn an_unfinished_tooth_does_not_bend_the_floor() {
        let lengths = [16, 20, 24];
        let (mut x, mut y) = (Vec::new(), Vec::new());
        let mut k = 0;
        while x.len() < 600 {
            let length = lengths[k % 3];
            for j in 0..length {
                x.push(x.len() as f64);
                y.push(1000.0 + 100.0 * j as f64 / length as f64 + ((x.len() * 7) % 5) as f64 * 0.1);
            }
            k += 1;
        }
        // Cut 22 samples into a 24-sample tooth.
        let last_start = x.len() - 24;
        assert_eq!(lengths[(k - 1) % 3], 24);
        x.truncate(last_start + 22);
        y.truncate(last_start + 22);
        let p = prepare(&x, &y, false);
        assert!(p.on_floor && !p.per_tooth);
        let off = p.y.iter().map(|v| (v - 1000.0).abs()).fold(0.0, f64::max);
        assert!(off < 3.0, "the floor strays {off} from 1000 (teeth 100 tall)");
        // The tooth's first samples stay, its later ones go.
        let kept = p.x.iter().filter(|&&t| t >= last_start as f64).count();
        assert!((1..=4).contains(&kept), "{kept} samples of the unfinished tooth kept");
    }

    /// When the teeth stop and memory climbs on (collections no longer free anything), the
    /// stretch after the last fall is no unfinished tooth: it stays, every sample of it.
    #[test]
    fn a_climb_after_the_last_tooth_is_kept() {
        let lengths = [16, 20, 24];
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for k in 0..15 {
            let length = lengths[k % 3];
            for j in 0..length {
                x.push(x.len() as f64);
                y.push(1000.0 + 100.0 * j as f64 / length as f64);
            }
        }
        let teeth_end = x.len();
        for j in 0..100 {
            x.push(x.len() as f64);
            y.push(1000.0 + 2.0 * f64::from(j));
        }
        let p = prepare(&x, &y, false);
        assert!(p.on_floor && !p.per_tooth);
        assert_eq!(p.x.iter().filter(|&&t| t >= teeth_end as f64).count(), 100);
        assert!(p.y[p.y.len() - 1] > p.y[p.y.len() - 50] + 90.0);
    }

    #[test]
    fn saw_tooth_becomes_its_floor() {
        let x: Vec<f64> = (0..1000).map(|i| i as f64 / 60.0).collect();
        let y: Vec<f64> =
            (0..1000).map(|i| (i % 25) as f64 * 4.0 + i as f64 * 0.01 + ((i * 7) % 3) as f64 * 0.1).collect();
        let p = prepare(&x, &y, true);
        assert!(p.on_floor);
        assert!(p.x.len() >= 38, "{}", p.x.len());
        assert!(p.restarts.is_empty());
    }

    /// A read some 80 difference scales low right after a bump of noise 10 scales high (as in
    /// held-out `recurring-leak 22000018`), or two such reads: the neighbours disagree by more
    /// than 3 scales, yet by far less than the blip stands off them. Left in, its climb back
    /// read as a jump in a lifetime's growth, and a restart after it as no restart.
    #[test]
    fn a_deep_blip_beside_a_noise_bump_is_a_blip() {
        let mut y: Vec<f64> = (0..200).map(|i| 100.0 + [0.0, 1.0, 0.5, -0.5, -1.0][i % 5]).collect();
        let (before, after) = (y[99], y[101]);
        y[99] += 8.0;
        y[100] -= 60.0;
        let (cleaned, _, scale) = without_blips(&y);
        assert!((0.5..1.0).contains(&scale), "{scale}");
        assert!((cleaned[100] - (before + after) / 2.0).abs() < 5.0, "{}", cleaned[100]);
        // Two reads as deep, likewise.
        y[101] -= 60.0;
        let cleaned = without_blips(&y).0;
        assert!(cleaned[100..102].iter().all(|&v| v > 95.0), "{:?}", &cleaned[99..103]);
        // A saw tooth's peak stays: its neighbours differ by a whole fall.
        let saw: Vec<f64> = (0..200).map(|i| (i % 20) as f64 * 10.0 + [0.0, 1.0, 0.5, -0.5, -1.0][i % 5]).collect();
        assert_eq!(without_blips(&saw).0, saw);
    }

    /// 3000 samples of `trend(i)` plus AR(1) noise of coefficient `phi` whose innovations are
    /// `scale` normal plus `kick(i)` (a heavy tail's far falls, placed).
    fn kicked(
        rng: &mut crate::synth::Rng,
        phi: f64,
        scale: f64,
        kick: impl Fn(usize) -> f64,
        trend: impl Fn(usize) -> f64,
    ) -> Vec<f64> {
        let mut e = 0.0;
        (0..3000)
            .map(|i| {
                e = phi * e + scale * rng.normal() + kick(i);
                trend(i) + e
            })
            .collect()
    }

    #[test]
    fn heavy_tailed_falls_are_no_saw_tooth() {
        // Strongly correlated noise whose innovations now and then fall far (a heavy tail): the
        // falls are abrupt, but from and to anywhere in the wander, not tooth tops to bottoms.
        let mut rng = crate::synth::Rng::new(11);
        let x: Vec<f64> = (0..3000).map(|i| i as f64 / 60.0).collect();
        let far = |every: usize, at: usize| move |i: usize| if i % every == at { -12.0 } else { 0.0 };
        let y = kicked(&mut rng, 0.95, 0.3, far(250, 120), |_| 0.0);
        let p = prepare(&x, &y, true);
        assert!(!p.on_floor);
        // Falls that are made up within two samples, on the climbs of a recurring leak: no saw
        // tooth, and the restarts are found.
        let climbs = kicked(&mut rng, 0.3, 0.3, far(97, 50), |i| (i % 1000) as f64 * 0.03);
        let p = prepare(&x, &climbs, true);
        assert!(!p.on_floor);
        assert_eq!(p.restarts, vec![1000, 2000]);
        // Falls that decay slowly (they stay down, as a collection does), four of them on the
        // climbs: with the restarts, six drops, and each lands low in the climb after it. But
        // each frees a sliver of the climb it falls in, where a collection frees its tooth.
        let slow = |i: usize| if [400, 1400, 1700, 2500].contains(&i) { -1.5 } else { 0.0 };
        let climbs = kicked(&mut rng, 0.95, 0.02, slow, |i| (i % 1000) as f64 * 0.01);
        let p = prepare(&x, &climbs, true);
        assert!(!p.on_floor);
        assert_eq!(p.restarts, vec![1000, 2000]);
        // The same falls ending teeth that ramp back up are one.
        let saw: Vec<f64> = (0..3000).map(|i| (i % 250) as f64 * 0.05 + 0.3 * rng.normal()).collect();
        assert!(prepare(&x, &saw, true).on_floor);
    }

    #[test]
    fn a_gap_in_one_day_of_three_leaves_the_daily_wave_found() {
        // Three and a half days at five-minute samples, a daily wave of 5 σ, AR(1) noise; a scrape
        // outage of six hours in the second day, the only odd day the comparison of even and odd
        // days has whole.
        let mut rng = crate::synth::Rng::new(5);
        let noise = crate::synth::ar1_noise(&mut rng, 1008, 0.7, 1.0);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for (i, e) in noise.iter().enumerate() {
            let h = i as f64 / 12.0;
            if (30.0..36.0).contains(&h) {
                continue;
            }
            x.push(h);
            y.push(5.0 * libm::sin(h / 24.0 * std::f64::consts::TAU) + e);
        }
        let p = prepare(&x, &y, true);
        assert!(p.seasonal);
        // The wave is taken off: what is left swings by a few σ at most, not by the wave's 10.
        let (lo, hi) = p.y.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        assert!(hi - lo < 8.0, "{lo} .. {hi}");
    }

    #[test]
    fn a_fall_across_a_scrape_gap_is_no_restart() {
        // A daily wave that climbs for half a day, then eight hours of no samples while it comes
        // back down: the first sample after the gap stands far below the last before it.
        let mut rng = crate::synth::Rng::new(9);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for i in 0..600 {
            let h = i as f64 / 12.0;
            if (9.0..17.0).contains(&h) {
                continue;
            }
            x.push(h);
            y.push(10.0 * libm::sin((h - 3.0) / 24.0 * std::f64::consts::TAU) + 0.2 * rng.normal());
        }
        assert!(prepare(&x, &y, true).restarts.is_empty());
        // A leak restarted with three scrapes lost (the process down for a quarter hour) is one.
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for i in 0..600 {
            if (300..303).contains(&i) {
                continue;
            }
            x.push(i as f64 / 12.0);
            y.push((i % 300) as f64 * 0.05 + 0.2 * rng.normal());
        }
        let p = prepare(&x, &y, true);
        assert_eq!(p.restarts.len(), 1, "{:?}", p.restarts);
    }

    #[test]
    fn a_spike_is_not_a_restart() {
        let x: Vec<f64> = (0..300).map(|i| i as f64).collect();
        let y: Vec<f64> =
            (0..300).map(|i| if (100..110).contains(&i) { 50.0 } else { 0.0 } + ((i * 13) % 7) as f64 * 0.1).collect();
        assert!(prepare(&x, &y, true).restarts.is_empty());
    }
}

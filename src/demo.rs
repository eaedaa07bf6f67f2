//! The built-in demo incident, modelled on the postmortem in `shared/context/postmortem.md`:
//! on 2024-08-15 a background task starts leaking at about 07:40 UTC; monitoring alerts at
//! 10:05; a rollback restarts the server at 11:00 but the leak resumes; the task is disabled at
//! 12:00 and memory drains back by 12:30. One sample a minute, 00:00–14:00 UTC, 4 GiB limit.
//! Deterministic: the same bytes every time, natively and in wasm.

use crate::ingest::time::{days_from_civil, format_rfc3339};
use crate::synth::{ar1_noise, Rng};

/// The demo's file name, as shown in the page and in reports.
pub const DEMO_NAME: &str = "demo-incident-2024-08-15.csv";

const MIB: f64 = 1024.0 * 1024.0;

/// Epoch ms of `hh:mm` UTC on the incident day.
pub fn incident_time(hour: i64, minute: i64) -> i64 {
    (days_from_civil(2024, 8, 15) * 86_400 + hour * 3600 + minute * 60) * 1000
}

/// The demo incident as a CSV with a `timestamp` column (RFC 3339), the working set in bytes and
/// the container's memory limit.
pub fn demo_csv() -> String {
    let start = incident_time(0, 0);
    let n = 14 * 60 + 1;
    let mut rng = Rng::new(0x1EA4_5C0E);
    let noise = ar1_noise(&mut rng, n, 0.85, 12.0 * MIB);
    let baseline = 1150.0 * MIB;
    let rate_per_min = 720.0 * MIB / 60.0;
    let onset = 7 * 60 + 40;
    let restart = 11 * 60;
    let disabled = 12 * 60;
    let drained = 12 * 60 + 30;
    let limit = 4096.0 * MIB;
    let mut out = String::with_capacity(n * 48);
    out.push_str("timestamp,container_memory_working_set_bytes,memory_limit_bytes\n");
    for (minute, e) in noise.iter().enumerate() {
        let m = minute as i64;
        let leaked = if m < onset {
            0.0
        } else if m < restart {
            (m - onset) as f64 * rate_per_min
        } else if m < disabled {
            (m - restart) as f64 * rate_per_min
        } else {
            let peak = (disabled - restart) as f64 * rate_per_min;
            let left = 1.0 - ((m - disabled) as f64 / (drained - disabled) as f64).min(1.0);
            peak * left
        };
        let value = baseline + leaked + e;
        out.push_str(&format!("{},{:.0},{:.0}\n", format_rfc3339(start + m * 60_000), value, limit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_deterministic_and_parses() {
        assert_eq!(demo_csv(), demo_csv());
        let parsed = crate::ingest::parse(DEMO_NAME, demo_csv().as_bytes(), &Default::default()).unwrap();
        assert_eq!(parsed.series.len(), 1);
        assert_eq!(parsed.series[0].len(), 841);
        assert_eq!(parsed.series[0].limit, Some(4096.0 * MIB));
        assert_eq!(parsed.series[0].unit, crate::series::Unit::Bytes);
    }
}

//! Units: reading sizes written with suffixes (`1.5 GiB`, `22244Ki`, `512MB`, `37 %`) and
//! formatting bytes for people. Memory units normalise to bytes: binary prefixes (KiB, Ki, K as in
//! Kubernetes-style `Ki`) are powers of 1024, SI prefixes (kB, MB, GB) powers of 1000.
//! Depends on nothing but `std` and the series model.

use crate::series::Unit;

/// The multiplier to bytes and the unit of a unit suffix, case-sensitive where it matters
/// (`Mi` vs `m`), or `None` for an unknown suffix.
pub fn unit_factor(suffix: &str) -> Option<(f64, Unit)> {
    let s = suffix.trim();
    let bytes = |f: f64| Some((f, Unit::Bytes));
    match s {
        "%" | "percent" | "pct" => Some((1.0, Unit::Percent)),
        "B" | "b" | "byte" | "bytes" | "Bytes" => bytes(1.0),
        "KiB" | "Ki" | "KB_binary" | "kibibytes" | "KiBs" => bytes(1024.0),
        "MiB" | "Mi" | "mebibytes" => bytes(1024.0 * 1024.0),
        "GiB" | "Gi" | "gibibytes" => bytes(1024.0 * 1024.0 * 1024.0),
        "TiB" | "Ti" => bytes(1024f64.powi(4)),
        "kB" | "KB" | "kilobytes" | "k" => bytes(1e3),
        "MB" | "megabytes" | "M" => bytes(1e6),
        "GB" | "gigabytes" | "G" => bytes(1e9),
        "TB" | "T" => bytes(1e12),
        _ => None,
    }
}

/// Reads a plain decimal (`-12`, `3.25`, at most 15 significant digits, no exponent) straight
/// from bytes, exactly as `str::parse::<f64>` would (Clinger's fast path: an exact integer
/// divided by an exact power of ten is correctly rounded); `None` for anything else.
pub fn parse_plain_decimal(bytes: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if digits.len() > 17 {
        return None;
    }
    // At most 17 bytes, so the mantissa cannot overflow before the digit count is checked.
    let mut mantissa: u64 = 0;
    let mut int_digits = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        mantissa = mantissa * 10 + u64::from(d);
        int_digits += 1;
    }
    let mut frac_digits = 0;
    if let Some(rest) = digits.get(int_digits..).filter(|r| !r.is_empty()) {
        let fraction = rest.strip_prefix(b".")?;
        for &b in fraction {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            mantissa = mantissa * 10 + u64::from(d);
        }
        frac_digits = fraction.len();
    }
    let count = int_digits + frac_digits;
    if count == 0 || count > 15 {
        return None;
    }
    // Below 10^15 the mantissa is exact as i64 and as f64; whole numbers skip the division.
    let whole = mantissa as i64 as f64;
    let value = if frac_digits == 0 { whole } else { whole / POW10.get(frac_digits).copied()? };
    Some(if negative { -value } else { value })
}

/// Parses a number with an optional unit suffix (`1.5GiB`, `1.5 GiB`, `22244Ki`, `37%`,
/// `1,5 MiB` with `decimal_comma`). Returns the value (in bytes for memory units) and its unit
/// (`Unknown` when no suffix).
pub fn parse_quantity(text: &str, decimal_comma: bool) -> Option<(f64, Unit)> {
    let t = text.trim().trim_matches('"').trim();
    if t.is_empty() {
        return None;
    }
    let split = t
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || (decimal_comma && c == ',')
                || ((c == '-' || c == '+') && (i == 0 || matches!(t.as_bytes()[i - 1], b'e' | b'E')))
                || ((c == 'e' || c == 'E')
                    && i > 0
                    && t[i + 1..].starts_with(|n: char| n.is_ascii_digit() || n == '-' || n == '+')))
        })
        .map_or(t.len(), |(i, _)| i);
    let (number, suffix) = t.split_at(split);
    let number = if decimal_comma { number.replace(',', ".") } else { number.to_string() };
    let value: f64 = match number.parse() {
        Ok(v) => v,
        Err(_) => {
            let lower = t.to_ascii_lowercase();
            return match lower.as_str() {
                "nan" | "+inf" | "-inf" | "inf" | "infinity" | "-infinity" => {
                    Some((lower.parse::<f64>().unwrap_or(f64::NAN), Unit::Unknown))
                }
                _ => None,
            };
        }
    };
    let suffix = suffix.trim();
    if suffix.is_empty() {
        return Some((value, Unit::Unknown));
    }
    let (factor, unit) = unit_factor(suffix)?;
    Some((value * factor, unit))
}

/// Finds a unit named in a column header or metric name: `mem (MiB)`, `rss_kb`, `used [GiB]`,
/// `..._bytes`. Returns the multiplier to bytes and the unit.
pub fn unit_in_name(name: &str) -> Option<(f64, Unit)> {
    let n = name.trim();
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let (Some(a), Some(b)) = (n.rfind(open), n.rfind(close)) {
            if a < b {
                if let Some(found) = unit_factor(&n[a + 1..b]) {
                    return Some(found);
                }
            }
        }
    }
    let lower = n.to_ascii_lowercase();
    let tail = lower.rsplit(['_', ' ', '.', '-']).next().unwrap_or("");
    match tail {
        "bytes" => Some((1.0, Unit::Bytes)),
        "kib" | "kb" => Some((1024.0, Unit::Bytes)),
        "mib" | "mb" => Some((1024.0 * 1024.0, Unit::Bytes)),
        "gib" | "gb" => Some((1024f64.powi(3), Unit::Bytes)),
        "percent" | "pct" | "%" => Some((1.0, Unit::Percent)),
        _ => None,
    }
}

/// Formats a byte count with a binary prefix and three significant figures: `744 MiB`,
/// `1.50 GiB`, `-12.0 KiB`.
pub fn format_bytes(bytes: f64) -> String {
    if !bytes.is_finite() {
        return format!("{bytes}");
    }
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes;
    let mut index = 0;
    while value.abs() >= 1024.0 && index + 1 < units.len() {
        value /= 1024.0;
        index += 1;
    }
    let text = if index == 0 || value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    };
    format!("{text} {}", units[index])
}

/// Formats a value in a unit: bytes with [`format_bytes`], percent with `%`, else plain.
pub fn format_value(value: f64, unit: &Unit) -> String {
    match unit {
        Unit::Bytes => format_bytes(value),
        Unit::Percent => format!("{value:.1} %"),
        Unit::Unknown => format_plain(value),
        Unit::Other(name) => format!("{} {name}", format_plain(value)),
    }
}

fn format_plain(value: f64) -> String {
    let a = value.abs();
    if a != 0.0 && !(1e-3..1e7).contains(&a) {
        format!("{value:.3e}")
    } else if a >= 100.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

/// Parses a size a user types for `--limit` or the page's limit field: `4 GiB`, `4Gi`,
/// `512MB`, `4294967296`. Returns bytes.
pub fn parse_size(text: &str) -> Option<f64> {
    let (value, unit) = parse_quantity(text, false)?;
    if !value.is_finite() || value <= 0.0 || matches!(unit, Unit::Percent) {
        return None;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        let cases: &[(&str, f64, Unit)] = &[
            ("1.5GiB", 1.5 * 1024f64.powi(3), Unit::Bytes),
            ("1.5 GiB", 1.5 * 1024f64.powi(3), Unit::Bytes),
            ("22244Ki", 22244.0 * 1024.0, Unit::Bytes),
            ("512MB", 512e6, Unit::Bytes),
            ("37%", 37.0, Unit::Percent),
            ("42", 42.0, Unit::Unknown),
            ("-1e3", -1000.0, Unit::Unknown),
            ("1.2e+3 kB", 1.2e6, Unit::Bytes),
        ];
        for (text, value, unit) in cases {
            let (v, u) = parse_quantity(text, false).unwrap_or_else(|| panic!("{text}"));
            assert!((v - value).abs() < 1e-6, "{text}: {v}");
            assert_eq!(&u, unit, "{text}");
        }
        assert_eq!(parse_quantity("1,5 MiB", true).map(|q| q.0), Some(1.5 * 1024.0 * 1024.0));
        assert!(parse_quantity("12 parsecs", false).is_none());
        assert!(parse_quantity("abc", false).is_none());
        assert!(parse_quantity("NaN", false).unwrap().0.is_nan());
    }

    #[test]
    fn names_and_formatting() {
        assert_eq!(unit_in_name("mem (MiB)").map(|u| u.0), Some(1024.0 * 1024.0));
        assert_eq!(unit_in_name("container_memory_working_set_bytes").map(|u| u.1), Some(Unit::Bytes));
        assert!(unit_in_name("value").is_none());
        assert_eq!(format_bytes(744.0 * 1024.0 * 1024.0), "744 MiB");
        assert_eq!(format_bytes(1.5 * 1024f64.powi(3)), "1.50 GiB");
        assert_eq!(parse_size("4 GiB"), Some(4.0 * 1024f64.powi(3)));
        assert_eq!(parse_size("-4"), None);
    }
}

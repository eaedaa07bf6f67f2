//! Reading gzip files (RFC 1952): the member headers, the DEFLATE data (by `miniz_oxide`) and the
//! CRC-32 and length each member ends with.
//!
//! Written here rather than taken from `flate2`, whose CRC-32 stores a 16 KiB table in the binary:
//! with flate2's own code, it cost the page's wasm module 21 KB of its 400 KB gzipped budget.
//! This module builds its tables on first use instead. It reads bytes only, and callers name the
//! file in errors.

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// The two bytes every gzip member starts with.
pub(crate) const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why a gzip stream could not be read; the message completes "the gzip data is damaged: ".
#[derive(Debug, PartialEq)]
pub(crate) enum GzipError {
    /// The data is damaged or cut short; the text says where and what was expected.
    Damaged(String),
    /// The uncompressed data is longer than the limit the caller gave.
    TooLarge,
}

/// Undoes every member of a gzip stream (files joined with `cat` hold several) into one buffer of
/// at most `limit` bytes, checking each member's CRC-32 and length. Data after the last member
/// that does not start another one is refused, as `gzip -d` refuses it.
///
/// # Errors
/// [`GzipError::Damaged`] for a bad header, corrupt or cut-short DEFLATE data, or a checksum or
/// length that does not match; [`GzipError::TooLarge`] once the output passes `limit`.
pub(crate) fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, GzipError> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut member = 1;
    while pos < bytes.len() {
        let at = |what: &str| GzipError::Damaged(format!("member {member} (byte {pos}): {what}"));
        let body = header_len(&bytes[pos..]).map_err(&at)?;
        let start = out.len();
        let used = inflate_into(&bytes[pos + body..], &mut out, limit).map_err(|e| match e {
            GzipError::Damaged(what) => at(&what),
            GzipError::TooLarge => GzipError::TooLarge,
        })?;
        let trailer = pos + body + used;
        let Some(tail) = bytes.get(trailer..trailer + 8) else {
            return Err(at("cut short before its checksum"));
        };
        let crc = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
        let size = u32::from_le_bytes([tail[4], tail[5], tail[6], tail[7]]);
        if crc32(&out[start..]) != crc {
            return Err(at("its CRC-32 does not match its data"));
        }
        // ISIZE is the length modulo 2^32.
        if (out.len() - start) as u32 != size {
            return Err(at("its stored length does not match its data"));
        }
        pos = trailer + 8;
        member += 1;
        if pos < bytes.len() && !bytes[pos..].starts_with(&MAGIC) {
            return Err(GzipError::Damaged(format!(
                "{} bytes after the last member are not gzip data",
                bytes.len() - pos
            )));
        }
    }
    Ok(out)
}

/// The length of a member's header (RFC 1952 §2.3), or what is wrong with it.
fn header_len(member: &[u8]) -> Result<usize, &'static str> {
    const FHCRC: u8 = 0x02;
    const FEXTRA: u8 = 0x04;
    const FNAME: u8 = 0x08;
    const FCOMMENT: u8 = 0x10;
    const RESERVED: u8 = 0xe0;
    let fixed = member.get(..10).ok_or("cut short in its header")?;
    if fixed[..2] != MAGIC {
        return Err("expected the gzip magic bytes 1f 8b");
    }
    if fixed[2] != 8 {
        return Err("expected compression method 8 (DEFLATE)");
    }
    let flags = fixed[3];
    if flags & RESERVED != 0 {
        return Err("reserved header flags are set");
    }
    let mut len = 10;
    if flags & FEXTRA != 0 {
        let extra = member.get(len..len + 2).ok_or("cut short in its header")?;
        len += 2 + usize::from(u16::from_le_bytes([extra[0], extra[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let text = member.get(len..).ok_or("cut short in its header")?;
            len += 1 + text.iter().position(|&b| b == 0).ok_or("cut short in its header")?;
        }
    }
    if flags & FHCRC != 0 {
        len += 2;
    }
    if len > member.len() {
        return Err("cut short in its header");
    }
    Ok(len)
}

/// Inflates one raw DEFLATE stream from the start of `input`, appending to `out`; returns the
/// input bytes it used, so the caller finds the trailer. A damage message says what is wrong,
/// and the caller adds where.
fn inflate_into(input: &[u8], out: &mut Vec<u8>, limit: usize) -> Result<usize, GzipError> {
    let start = out.len();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut inflater = Box::<DecompressorOxide>::default();
    // The output grows by doubling, from about twice the input, never past the limit (+1 byte so
    // that reaching it tells "too large" from "exactly the limit").
    let cap = limit.saturating_add(1);
    let mut room = input.len().saturating_mul(2).max(64).min(cap.saturating_sub(start).max(1));
    out.resize(start + room, 0);
    let (mut read, mut written) = (0, 0);
    loop {
        let (status, used, made) = decompress(&mut inflater, &input[read..], &mut out[start..], written, flags);
        read += used;
        written += made;
        match status {
            TINFLStatus::Done if start + written > limit => {
                out.truncate(start);
                return Err(GzipError::TooLarge);
            }
            TINFLStatus::Done => {
                out.truncate(start + written);
                return Ok(read);
            }
            TINFLStatus::HasMoreOutput => {
                if start + room >= cap {
                    out.truncate(start);
                    return Err(GzipError::TooLarge);
                }
                room = room.saturating_mul(2).min(cap - start);
                out.resize(start + room, 0);
            }
            _ => {
                out.truncate(start);
                return Err(GzipError::Damaged("its compressed data is corrupt or cut short".into()));
            }
        }
    }
}

/// CRC-32 (ISO-HDLC, the polynomial gzip and zlib use) of `bytes`, eight bytes a step
/// ("slicing-by-8", Kounavis and Berry 2005).
fn crc32(bytes: &[u8]) -> u32 {
    let t = crc_tables();
    let mut crc = !0u32;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let lo = crc ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
        crc = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xff) as usize]
            ^ t[2][((hi >> 8) & 0xff) as usize]
            ^ t[1][((hi >> 16) & 0xff) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        crc = t[0][usize::from((crc as u8) ^ b)] ^ (crc >> 8);
    }
    !crc
}

/// The eight 256-entry tables of the reflected polynomial 0xedb88320, built on first use rather
/// than stored in the binary, where their 8 KiB would barely compress.
fn crc_tables() -> &'static [[u32; 256]; 8] {
    static TABLES: std::sync::OnceLock<Box<[[u32; 256]; 8]>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Box::new([[0u32; 256]; 8]);
        for i in 0..256 {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            t[0][i] = c;
        }
        for k in 1..8 {
            for i in 0..256 {
                let prev = t[k - 1][i];
                t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            }
        }
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip_of(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn crc32_matches_the_standard_check_value_and_flate2_at_every_length() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
        let data: Vec<u8> = (0..300u32).map(|i| (i * 31 % 256) as u8).collect();
        for len in 0..data.len() {
            let mut theirs = flate2::Crc::new();
            theirs.update(&data[..len]);
            assert_eq!(crc32(&data[..len]), theirs.sum(), "{len} bytes");
        }
    }

    #[test]
    fn reads_what_flate2_writes_at_every_size() {
        for len in [0, 1, 100, 70_000, 1 << 20] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8 ^ (i >> 9) as u8).collect();
            assert_eq!(gunzip(&gzip_of(&data), usize::MAX).unwrap(), data, "{len} bytes");
        }
    }

    #[test]
    fn reads_every_optional_header_field() {
        let mut gz = flate2::GzBuilder::new()
            .filename("memory.csv")
            .comment("exported")
            .extra(vec![1, 2, 3])
            .write(Vec::new(), flate2::Compression::best());
        gz.write_all(b"time,v\n1,2\n").unwrap();
        let mut bytes = gz.finish().unwrap();
        assert_eq!(gunzip(&bytes, usize::MAX).unwrap(), b"time,v\n1,2\n");
        // A header CRC (FHCRC) is skipped, not checked: set the flag and insert two bytes.
        let header = header_len(&bytes).unwrap();
        bytes[3] |= 0x02;
        bytes.splice(header..header, [0xab, 0xcd]);
        assert_eq!(gunzip(&bytes, usize::MAX).unwrap(), b"time,v\n1,2\n");
    }

    #[test]
    fn joins_members_as_gzip_d_does() {
        let mut both = gzip_of(b"first\n");
        both.extend(gzip_of(b"second\n"));
        assert_eq!(gunzip(&both, usize::MAX).unwrap(), b"first\nsecond\n");
        both.extend(b"junk");
        assert_eq!(
            gunzip(&both, usize::MAX),
            Err(GzipError::Damaged("4 bytes after the last member are not gzip data".into()))
        );
    }

    #[test]
    fn damage_is_an_error_that_says_where() {
        let good = gzip_of(&b"time,value\n".repeat(500));
        let damaged = |bytes: &[u8]| match gunzip(bytes, usize::MAX) {
            Err(GzipError::Damaged(m)) => m,
            other => panic!("expected damage, got {other:?}"),
        };
        for end in [1, 5, 10, 20, good.len() - 8, good.len() - 1] {
            let m = damaged(&good[..end]);
            assert!(m.starts_with("member 1 (byte 0): ") && m.contains("cut short"), "{end}: {m}");
        }
        let mut crc = good.clone();
        let n = crc.len();
        crc[n - 8] ^= 1;
        assert_eq!(damaged(&crc), "member 1 (byte 0): its CRC-32 does not match its data");
        let mut size = good.clone();
        size[n - 1] ^= 1;
        assert_eq!(damaged(&size), "member 1 (byte 0): its stored length does not match its data");
        let mut method = good.clone();
        method[2] = 7;
        assert_eq!(damaged(&method), "member 1 (byte 0): expected compression method 8 (DEFLATE)");
        let mut body = good.clone();
        body[12] ^= 0xff;
        assert!(damaged(&body).starts_with("member 1 (byte 0): "));
        let mut second = good.clone();
        second.extend(&good[..15]);
        assert_eq!(
            damaged(&second),
            format!("member 2 (byte {}): its compressed data is corrupt or cut short", good.len())
        );
    }

    #[test]
    fn output_past_the_limit_is_refused_and_the_limit_itself_is_not() {
        let data = vec![b'x'; 10_000];
        let gz = gzip_of(&data);
        assert_eq!(gunzip(&gz, 10_000).unwrap().len(), 10_000);
        assert_eq!(gunzip(&gz, 9_999), Err(GzipError::TooLarge));
        assert_eq!(gunzip(&gz, 0), Err(GzipError::TooLarge));
    }

    #[test]
    fn arbitrary_bytes_after_the_magic_never_panic() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..400 {
            let mut bytes = MAGIC.to_vec();
            bytes.extend((0..len).map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            }));
            if len > 1 {
                bytes[2] = 8;
                bytes[3] &= 0x1f;
            }
            let _ = gunzip(&bytes, 1 << 16);
        }
    }
}

//! Bounds an XLSX file's ZIP container before anything inflates it.
//!
//! The check reads the central directory (the table of contents at the end of a ZIP file: an
//! end-of-central-directory record pointing at fixed 46-byte headers that carry each entry's
//! compressed and uncompressed sizes) and refuses the file when the declared sizes would let it
//! expand beyond the limits: a decompression bomb.
//!
//! The `zip` crate that calamine uses (9.x) fails a read as soon as an entry inflates past the
//! size its central-directory header declares, and checks the entry's CRC-32 at its end, so the
//! declared sizes checked here bound what calamine can inflate. Because a crafted file may carry
//! several candidate end-of-central-directory records (the `zip` crate falls back from one to
//! the next), **every** candidate that parses is checked, under both ways of locating its
//! directory (the declared offset, and the directory ending where the record begins), and at
//! least one must parse. ZIP64 records and extra fields are understood.

use crate::{ImportError, Limits};

const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD64_LOCATOR_SIG: u32 = 0x0706_4b50;
const EOCD64_SIG: u32 = 0x0606_4b50;
const CDFH_SIG: u32 = 0x0201_4b50;
const EOCD_LEN: usize = 22;
const CDFH_LEN: usize = 46;
/// Entries smaller than this are not held to the compression-ratio bound: they cannot amplify
/// much, and small, repetitive XML parts legitimately compress very well.
const RATIO_FLOOR: u64 = 1024 * 1024;

/// One entry of the central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) name: String,
    pub(crate) compressed: u64,
    pub(crate) uncompressed: u64,
}

/// Checks the container against the limits and returns the entries of the last-found directory.
pub(crate) fn check(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, ImportError> {
    let mut directories: Vec<Vec<Entry>> = Vec::new();
    let mut first_error: Option<String> = None;
    let len = bytes.len();
    if len < EOCD_LEN {
        return Err(unreadable("the file is too short to be a ZIP archive (it is truncated)"));
    }
    let lowest = len.saturating_sub(EOCD_LEN + 65_535);
    let mut pos = len - EOCD_LEN;
    loop {
        if read_u32(bytes, pos) == Some(EOCD_SIG) {
            directories.extend(directories_at(bytes, pos, limits, &mut first_error)?);
        }
        if pos == lowest {
            break;
        }
        pos -= 1;
    }
    let Some(found) = directories.first().cloned() else {
        let why = first_error.unwrap_or_else(|| {
            "no ZIP central directory found (the file is truncated or is not a ZIP archive)"
                .to_owned()
        });
        return Err(unreadable(&why));
    };
    for directory in &directories {
        bound(directory, limits)?;
    }
    Ok(found)
}

fn unreadable(why: &str) -> ImportError {
    ImportError::Unreadable(why.to_owned())
}

fn bound(entries: &[Entry], limits: &Limits) -> Result<(), ImportError> {
    if entries.len() > limits.max_zip_entries {
        return Err(ImportError::Bomb(format!(
            "the workbook's ZIP container has {} entries; the limit is {}",
            entries.len(),
            limits.max_zip_entries
        )));
    }
    let total = entries.iter().fold(0u64, |sum, entry| sum.saturating_add(entry.uncompressed));
    if total > limits.max_unpacked_bytes {
        return Err(ImportError::Bomb(format!(
            "the workbook unpacks to {total} bytes; the limit is {} bytes",
            limits.max_unpacked_bytes
        )));
    }
    for entry in entries {
        if entry.uncompressed > RATIO_FLOOR
            && entry.uncompressed > entry.compressed.saturating_mul(limits.max_ratio)
        {
            return Err(ImportError::Bomb(format!(
                "entry `{}` declares {} bytes unpacked from {} bytes, a ratio above the limit of {}:1",
                entry.name, entry.uncompressed, entry.compressed, limits.max_ratio
            )));
        }
    }
    Ok(())
}

/// The directories that the end record at `pos` can describe (zero, one or two).
fn directories_at(
    bytes: &[u8],
    pos: usize,
    limits: &Limits,
    first_error: &mut Option<String>,
) -> Result<Vec<Vec<Entry>>, ImportError> {
    let mut out = Vec::new();
    let (Some(count16), Some(size32), Some(offset32), Some(comment)) = (
        read_u16(bytes, pos + 10),
        read_u32(bytes, pos + 12),
        read_u32(bytes, pos + 16),
        read_u16(bytes, pos + 20),
    ) else {
        return Ok(out);
    };
    if pos + EOCD_LEN + usize::from(comment) > bytes.len() {
        return Ok(out);
    }
    let mut count = u64::from(count16);
    let mut size = u64::from(size32);
    let mut offset = u64::from(offset32);
    // Where the directory would end if it abuts the end record.
    let mut directory_end = pos as u64;
    let zip64 = count16 == u16::MAX || size32 == u32::MAX || offset32 == u32::MAX;
    if zip64 {
        match zip64_end(bytes, pos) {
            Some((record_pos, count64, size64, offset64)) => {
                count = count64;
                size = size64;
                offset = offset64;
                directory_end = record_pos;
            }
            None if count16 == u16::MAX && size32 != u32::MAX && offset32 != u32::MAX => {
                // 65,535 entries in a plain record: possible without ZIP64; keep the values.
            }
            None => {
                first_error.get_or_insert_with(|| {
                    "the ZIP64 end-of-central-directory record is missing or damaged".to_owned()
                });
                return Ok(out);
            }
        }
    }
    if count > limits.max_zip_entries as u64 {
        return Err(ImportError::Bomb(format!(
            "the workbook's ZIP container declares {count} entries; the limit is {}",
            limits.max_zip_entries
        )));
    }
    let mut starts = vec![offset];
    if let Some(abutting) = directory_end.checked_sub(size)
        && abutting != offset
    {
        starts.push(abutting);
    }
    for start in starts {
        match parse_directory(bytes, start, count) {
            Ok(entries) => out.push(entries),
            Err(why) => {
                first_error.get_or_insert(why);
            }
        }
    }
    Ok(out)
}

/// The ZIP64 end record that the locator before `eocd_pos` points at: its position, entry
/// count, directory size and directory offset.
fn zip64_end(bytes: &[u8], eocd_pos: usize) -> Option<(u64, u64, u64, u64)> {
    let locator = eocd_pos.checked_sub(20)?;
    if read_u32(bytes, locator)? != EOCD64_LOCATOR_SIG {
        return None;
    }
    let declared = read_u64(bytes, locator + 8)?;
    // Try the declared position, then the record just before the locator (prefixed archives).
    let mut candidates = vec![declared];
    if let Some(before) = (locator as u64).checked_sub(56)
        && before != declared
    {
        candidates.push(before);
    }
    for record in candidates {
        let record_pos = usize::try_from(record).ok()?;
        if read_u32(bytes, record_pos) != Some(EOCD64_SIG) {
            continue;
        }
        let count = read_u64(bytes, record_pos + 32)?;
        let size = read_u64(bytes, record_pos + 40)?;
        let offset = read_u64(bytes, record_pos + 48)?;
        return Some((record, count, size, offset));
    }
    None
}

fn parse_directory(bytes: &[u8], start: u64, count: u64) -> Result<Vec<Entry>, String> {
    let mut pos = usize::try_from(start).map_err(|_| "central directory offset out of range")?;
    let mut entries = Vec::new();
    for index in 0..count {
        let damaged = || format!("central directory entry {index} is damaged or truncated");
        if read_u32(bytes, pos) != Some(CDFH_SIG) {
            return Err(damaged());
        }
        let compressed32 = read_u32(bytes, pos + 20).ok_or_else(damaged)?;
        let uncompressed32 = read_u32(bytes, pos + 24).ok_or_else(damaged)?;
        let name_len = usize::from(read_u16(bytes, pos + 28).ok_or_else(damaged)?);
        let extra_len = usize::from(read_u16(bytes, pos + 30).ok_or_else(damaged)?);
        let comment_len = usize::from(read_u16(bytes, pos + 32).ok_or_else(damaged)?);
        let offset32 = read_u32(bytes, pos + 42).ok_or_else(damaged)?;
        let name_start = pos + CDFH_LEN;
        let extra_start = name_start + name_len;
        let end = extra_start + extra_len + comment_len;
        let name = bytes.get(name_start..extra_start).ok_or_else(damaged)?;
        let extra = bytes.get(extra_start..extra_start + extra_len).ok_or_else(damaged)?;
        if end > bytes.len() {
            return Err(damaged());
        }
        let mut uncompressed = u64::from(uncompressed32);
        let mut compressed = u64::from(compressed32);
        if uncompressed32 == u32::MAX || compressed32 == u32::MAX || offset32 == u32::MAX {
            // The ZIP64 extended information field holds, in this order, only the values whose
            // 32-bit field is saturated.
            let field = zip64_extra(extra).ok_or_else(|| {
                format!("central directory entry {index} lacks its ZIP64 size field")
            })?;
            let mut at = 0usize;
            if uncompressed32 == u32::MAX {
                uncompressed = read_u64(field, at).ok_or_else(damaged)?;
                at += 8;
            }
            if compressed32 == u32::MAX {
                compressed = read_u64(field, at).ok_or_else(damaged)?;
            }
        }
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            compressed,
            uncompressed,
        });
        pos = end;
    }
    Ok(entries)
}

fn zip64_extra(extra: &[u8]) -> Option<&[u8]> {
    let mut at = 0usize;
    while at + 4 <= extra.len() {
        let id = read_u16(extra, at)?;
        let len = usize::from(read_u16(extra, at + 2)?);
        let data = extra.get(at + 4..at + 4 + len)?;
        if id == 0x0001 {
            return Some(data);
        }
        at += 4 + len;
    }
    None
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let slice = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes(slice.try_into().ok()?))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let slice = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(slice.try_into().ok()?))
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let slice = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(slice.try_into().ok()?))
}

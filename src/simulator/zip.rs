//! A ZIP archive written as it is sent: what a save answers with. Entries
//! are stored (not compressed), each followed by a data descriptor, so the
//! archive streams in one pass and its length is known before the first
//! byte; the simulator never holds a whole file.

use axum::body::Bytes;
use futures::Stream;

/// Bytes generated at a time.
const CHUNK: usize = 64 * 1024;

/// One file of the archive: its path and size. Its contents are its path
/// and a newline, repeated and cut to the size.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) path: String,
    pub(crate) size: u64,
}

/// The archive's length in bytes.
pub(crate) fn length(entries: &[Entry]) -> u64 {
    let each: u64 = entries.iter().map(|e| 30 + e.path.len() as u64 + e.size + 16 + 46 + e.path.len() as u64).sum();
    each + 22
}

/// The byte at `offset` of an entry's contents.
fn content(path: &str, offset: u64, out: &mut Vec<u8>, len: usize) {
    let line = path.as_bytes();
    let period = line.len() as u64 + 1;
    let mut at = offset % period;
    for _ in 0..len {
        out.push(if at == period - 1 { b'\n' } else { line[at as usize] });
        at = (at + 1) % period;
    }
}

/// Where the writer is.
enum Stage {
    Header(usize),
    Data { entry: usize, written: u64, crc: u32 },
    Central,
    Done,
}

struct Writer {
    entries: Vec<Entry>,
    stage: Stage,
    /// Each written entry's CRC and the offset of its local header.
    written: Vec<(u32, u32)>,
    offset: u64,
}

/// The archive as a stream of chunks.
pub(crate) fn stream(entries: Vec<Entry>) -> impl Stream<Item = Result<Bytes, std::convert::Infallible>> + Send {
    let writer = Writer { entries, stage: Stage::Header(0), written: Vec::new(), offset: 0 };
    futures::stream::unfold(writer, |mut writer| async move {
        let chunk = writer.next_chunk()?;
        Some((Ok(Bytes::from(chunk)), writer))
    })
}

impl Writer {
    fn next_chunk(&mut self) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(CHUNK + 256);
        match self.stage {
            Stage::Done => return None,
            Stage::Header(entry) if entry == self.entries.len() => {
                self.stage = Stage::Central;
                return self.next_chunk();
            }
            Stage::Header(entry) => {
                let path = &self.entries[entry].path;
                self.written.push((0, self.offset as u32));
                out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
                out.extend_from_slice(&20u16.to_le_bytes()); // version needed
                out.extend_from_slice(&0x0808u16.to_le_bytes()); // data descriptor, UTF-8 names
                out.extend_from_slice(&[0; 2]); // stored
                out.extend_from_slice(&DOS_TIME);
                out.extend_from_slice(&[0; 12]); // CRC and sizes: in the descriptor
                out.extend_from_slice(&(path.len() as u16).to_le_bytes());
                out.extend_from_slice(&[0; 2]);
                out.extend_from_slice(path.as_bytes());
                self.stage = Stage::Data { entry, written: 0, crc: !0 };
            }
            Stage::Data { entry, written, crc } => {
                let Entry { path, size } = &self.entries[entry];
                let len = (*size - written).min(CHUNK as u64) as usize;
                content(path, written, &mut out, len);
                let crc = crc32_update(crc, &out);
                let written = written + len as u64;
                if written < *size {
                    self.stage = Stage::Data { entry, written, crc };
                } else {
                    let crc = !crc;
                    self.written[entry].0 = crc;
                    out.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
                    out.extend_from_slice(&crc.to_le_bytes());
                    out.extend_from_slice(&(*size as u32).to_le_bytes());
                    out.extend_from_slice(&(*size as u32).to_le_bytes());
                    self.stage = Stage::Header(entry + 1);
                }
            }
            Stage::Central => {
                let start = self.offset;
                for (entry, (crc, at)) in self.entries.iter().zip(&self.written) {
                    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
                    out.extend_from_slice(&20u16.to_le_bytes()); // made by
                    out.extend_from_slice(&20u16.to_le_bytes()); // needed
                    out.extend_from_slice(&0x0808u16.to_le_bytes());
                    out.extend_from_slice(&[0; 2]);
                    out.extend_from_slice(&DOS_TIME);
                    out.extend_from_slice(&crc.to_le_bytes());
                    out.extend_from_slice(&(entry.size as u32).to_le_bytes());
                    out.extend_from_slice(&(entry.size as u32).to_le_bytes());
                    out.extend_from_slice(&(entry.path.len() as u16).to_le_bytes());
                    out.extend_from_slice(&[0; 12]); // extra, comment, disk, attributes
                    out.extend_from_slice(&at.to_le_bytes());
                    out.extend_from_slice(entry.path.as_bytes());
                }
                let size = out.len() as u32;
                out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
                out.extend_from_slice(&[0; 4]);
                let count = (self.entries.len() as u16).to_le_bytes();
                out.extend_from_slice(&count);
                out.extend_from_slice(&count);
                out.extend_from_slice(&size.to_le_bytes());
                out.extend_from_slice(&(start as u32).to_le_bytes());
                out.extend_from_slice(&[0; 2]);
                self.stage = Stage::Done;
            }
        }
        self.offset += out.len() as u64;
        Some(out)
    }
}

/// 2024-01-08 10:00:00 as DOS time and date.
const DOS_TIME: [u8; 4] = {
    let time: u16 = 10 << 11;
    let date: u16 = ((2024 - 1980) << 9) | (1 << 5) | 8;
    let (t, d) = (time.to_le_bytes(), date.to_le_bytes());
    [t[0], t[1], d[0], d[1]]
};

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

fn crc32_update(mut crc: u32, bytes: &[u8]) -> u32 {
    for byte in bytes {
        crc = CRC_TABLE[((crc ^ u32::from(*byte)) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

/// The archive as a download named `file_name`, with its length.
pub(crate) fn download(entries: Vec<Entry>, file_name: &str) -> axum::response::Response {
    let announced = length(&entries);
    let mut response = axum::response::Response::new(axum::body::Body::from_stream(stream(entries)));
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/octet-stream"));
    headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(announced));
    if let Ok(value) = http::HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(http::header::CONTENT_DISPOSITION, value);
    }
    response
}

/// One entry's contents alone, unarchived, as a download named after it,
/// with its length: a document saved as the bare file.
pub(crate) fn bare(entry: Entry) -> axum::response::Response {
    let Entry { path, size } = entry;
    let name = path.rsplit('/').next().unwrap_or_default().to_owned();
    let chunks = futures::stream::unfold(0u64, move |written| {
        let path = path.clone();
        async move {
            if written >= size {
                return None;
            }
            let len = (size - written).min(CHUNK as u64) as usize;
            let mut out = Vec::with_capacity(len);
            content(&path, written, &mut out, len);
            Some((Ok::<_, std::convert::Infallible>(Bytes::from(out)), written + len as u64))
        }
    });
    let mut response = axum::response::Response::new(axum::body::Body::from_stream(chunks));
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/octet-stream"));
    headers.insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(size));
    if let Ok(value) = http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(http::header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use futures::StreamExt as _;

    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(!crc32_update(!0, b"123456789"), 0xcbf4_3926);
    }

    #[tokio::test]
    async fn the_archive_is_as_long_as_announced_and_ends_with_its_directory() {
        let entries = vec![
            Entry { path: String::from("Documents/a.txt"), size: 10 },
            Entry { path: String::from("Documents/b.docx"), size: 200_000 },
        ];
        let announced = length(&entries);
        let chunks: Vec<Bytes> = stream(entries).map(|c| c.unwrap()).collect().await;
        let all: Vec<u8> = chunks.concat();
        assert_eq!(all.len() as u64, announced);
        assert_eq!(&all[..4], &0x0403_4b50u32.to_le_bytes());
        let end = &all[all.len() - 22..];
        assert_eq!(&end[..4], &0x0605_4b50u32.to_le_bytes());
        assert_eq!(u16::from_le_bytes([end[10], end[11]]), 2);
        // The first entry's contents follow its header: its path, repeated.
        let data = 30 + "Documents/a.txt".len();
        assert_eq!(&all[data..data + 10], b"Documents/");
    }
}

//! The page bundle held in memory: each file is read once and, when its type compresses,
//! encoded once with brotli and once with gzip; every request then picks the encoding its
//! `Accept-Encoding` prefers and is answered from memory.
//!
//! A cached file is checked against the file system on every request with one `stat`
//! (length, modification time and, on Unix, device and inode): a file rewritten or replaced
//! on disk is read and encoded again on its next request, and a file removed from disk is
//! dropped from the cache. Files larger than [`MAX_CACHED_FILE`] are not cached (they are
//! read on each request, as before). All cached bytes together (every encoding counted) stay
//! under [`MAX_CACHE_BYTES`]: filling an entry that would exceed it evicts other entries.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Largest file kept in the cache (8 MiB; the page bundle's largest file is well below).
pub const MAX_CACHED_FILE: u64 = 8 * 1024 * 1024;
/// Largest total of cached bytes, identity and encodings of every file together (64 MiB).
pub const MAX_CACHE_BYTES: usize = 64 * 1024 * 1024;
/// Files smaller than this are not encoded: the saving would not pay for the decoding.
pub const MIN_ENCODED_SIZE: usize = 512;
/// Brotli quality used once per file (0 to 11).
const BROTLI_QUALITY: u32 = 9;
/// Brotli window, log2 of its size in bytes (22: 4 MiB, the format's usual largest).
const BROTLI_WINDOW: u32 = 22;

/// Put into a response's extensions when its content coding was chosen here (identity
/// included), so that the compression layer leaves the response alone.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated;

/// A content coding this server can send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coding {
    /// Brotli (RFC 7932), token `br`.
    Brotli,
    /// Gzip (RFC 1952), token `gzip` (or `x-gzip`).
    Gzip,
    /// No coding, token `identity`.
    Identity,
}

impl Coding {
    /// Preference among equally acceptable codings: the smaller encoding first.
    fn rank(self) -> u8 {
        match self {
            Coding::Brotli => 2,
            Coding::Gzip => 1,
            Coding::Identity => 0,
        }
    }

    fn index(self) -> usize {
        match self {
            Coding::Brotli => 0,
            Coding::Gzip => 1,
            Coding::Identity => 2,
        }
    }
}

/// Parses an RFC 9110 `qvalue` into thousandths: `0`, `0.5`, `0.125`, `1`, `1.000`.
fn parse_qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut thousandths: u16 = 0;
    for (i, digit) in fraction.bytes().enumerate() {
        thousandths += u16::from(digit - b'0') * [100, 10, 1][i];
    }
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Chooses the coding of a response from the request's `Accept-Encoding` fields
/// (RFC 9110 section 12.5.3) among `available` (identity is always available).
///
/// Without the header the response is sent unencoded. Listed codings carry their
/// q-value (default 1), `*` stands for every coding not listed, and identity stays
/// acceptable (with the lowest preference) unless refused by `identity;q=0` or by `*;q=0`
/// without an `identity` entry. The highest q-value wins; between equal ones brotli goes
/// before gzip before identity. An element with a malformed q-value is ignored. `None`
/// means that nothing available is acceptable.
pub fn negotiate(request: &HeaderMap, available: &[Coding]) -> Option<Coding> {
    let mut fields = request.get_all(header::ACCEPT_ENCODING).iter().peekable();
    if fields.peek().is_none() {
        return Some(Coding::Identity);
    }
    // Weights in thousandths by `Coding::index`, then `*`.
    let mut listed: [Option<u16>; 3] = [None; 3];
    let mut star: Option<u16> = None;
    for element in fields
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut parts = element.split(';');
        let name = parts.next().unwrap_or("").trim();
        if name.is_empty() {
            continue;
        }
        let mut weight = Some(1000);
        for param in parts {
            let Some((key, value)) = param.split_once('=') else {
                weight = None;
                break;
            };
            if key.trim().eq_ignore_ascii_case("q") {
                weight = parse_qvalue(value.trim());
            }
        }
        let Some(weight) = weight else { continue };
        let slot = if name.eq_ignore_ascii_case("br") {
            &mut listed[Coding::Brotli.index()]
        } else if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            &mut listed[Coding::Gzip.index()]
        } else if name.eq_ignore_ascii_case("identity") {
            &mut listed[Coding::Identity.index()]
        } else if name == "*" {
            &mut star
        } else {
            continue;
        };
        if slot.is_none() {
            *slot = Some(weight);
        }
    }
    let weight = |coding: Coding| listed[coding.index()].or(star);
    // Identity, unless refused, stays acceptable below every listed coding (weight 0 here).
    let identity = match weight(Coding::Identity) {
        Some(0) => None,
        Some(w) => Some((w, Coding::Identity)),
        None => Some((0, Coding::Identity)),
    };
    available
        .iter()
        .copied()
        .filter(|&c| c != Coding::Identity)
        .filter_map(|c| weight(c).filter(|&w| w > 0).map(|w| (w, c)))
        .chain(identity)
        .max_by_key(|&(w, c)| (w, c.rank()))
        .map(|(_, c)| c)
}

/// Whether files of a content type are worth encoding (not already compressed).
fn compressible(content_type: &str) -> bool {
    !matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "font/woff2" | "application/zip"
    )
}

/// A file's bytes with its content type and, when they are smaller, its brotli and gzip
/// encodings.
#[derive(Debug)]
pub struct Encoded {
    content_type: &'static str,
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
}

impl Encoded {
    /// Encodes `data` with brotli and gzip when its type compresses and it is at least
    /// [`MIN_ENCODED_SIZE`] long; an encoding is kept only when smaller than the data.
    /// CPU-heavy for large data: call it off the async worker threads.
    pub fn new(content_type: &'static str, data: Bytes) -> Encoded {
        let encode = compressible(content_type) && data.len() >= MIN_ENCODED_SIZE;
        let smaller = |encoded: Vec<u8>| (encoded.len() < data.len()).then(|| Bytes::from(encoded));
        let brotli = encode.then(|| brotli_encode(&data)).and_then(smaller);
        let gzip = encode.then(|| gzip_encode(&data)).and_then(smaller);
        Encoded {
            content_type,
            identity: data,
            brotli,
            gzip,
        }
    }

    /// Bytes held, every encoding included.
    pub fn size(&self) -> usize {
        self.identity.len()
            + self.brotli.as_ref().map_or(0, Bytes::len)
            + self.gzip.as_ref().map_or(0, Bytes::len)
    }

    fn available(&self) -> Vec<Coding> {
        let mut codings = Vec::with_capacity(2);
        if self.brotli.is_some() {
            codings.push(Coding::Brotli);
        }
        if self.gzip.is_some() {
            codings.push(Coding::Gzip);
        }
        codings
    }

    /// The response to a GET (or HEAD: the router drops the body and keeps the headers)
    /// with request headers `request`: the preferred acceptable encoding with its
    /// `Content-Encoding` and `Content-Length`, `Vary: Accept-Encoding` when the file has
    /// encodings, or 406 when no coding is acceptable.
    pub fn respond(&self, request: &HeaderMap, cache_control: &'static str) -> Response {
        let available = self.available();
        let mut res = match negotiate(request, &available) {
            Some(coding) => {
                let body = match coding {
                    Coding::Brotli => self.brotli.clone(),
                    Coding::Gzip => self.gzip.clone(),
                    Coding::Identity => None,
                }
                .unwrap_or_else(|| self.identity.clone());
                let mut res = (
                    [
                        (header::CONTENT_TYPE, self.content_type),
                        (header::CACHE_CONTROL, cache_control),
                    ],
                    body.clone(),
                )
                    .into_response();
                let h = res.headers_mut();
                h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
                match coding {
                    Coding::Brotli => {
                        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                    }
                    Coding::Gzip => {
                        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                    }
                    Coding::Identity => {}
                }
                res
            }
            None => (StatusCode::NOT_ACCEPTABLE, "no acceptable content coding\n").into_response(),
        };
        if !available.is_empty() {
            res.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        res.extensions_mut().insert(Negotiated);
        res
    }
}

fn brotli_encode(data: &[u8]) -> Vec<u8> {
    let mut writer = brotli::CompressorWriter::new(
        Vec::with_capacity(data.len() / 4),
        4096,
        BROTLI_QUALITY,
        BROTLI_WINDOW,
    );
    // Writing into a Vec cannot fail.
    let _ = writer.write_all(data);
    writer.into_inner()
}

fn gzip_encode(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// What identifies one version of a file on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    device: u64,
    #[cfg(unix)]
    inode: u64,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            device: meta.dev(),
            #[cfg(unix)]
            inode: meta.ino(),
        }
    }
}

/// One version of one file: filled by the first request that needs it while others wait.
struct Slot {
    stamp: Stamp,
    content: tokio::sync::OnceCell<Arc<Encoded>>,
}

/// A file looked up through the cache.
pub enum Asset {
    /// From memory, with its encodings.
    Cached(Arc<Encoded>),
    /// Too large to cache: read now.
    Uncached(Vec<u8>),
}

/// The cache of page bundle files, keyed by path.
pub struct AssetCache {
    slots: Mutex<HashMap<PathBuf, Arc<Slot>>>,
    /// Most bytes held, every encoding counted.
    limit: usize,
}

impl Default for AssetCache {
    fn default() -> AssetCache {
        AssetCache::with_limit(MAX_CACHE_BYTES)
    }
}

impl AssetCache {
    /// A cache holding at most `limit` bytes, every encoding counted.
    pub fn with_limit(limit: usize) -> AssetCache {
        AssetCache {
            slots: Mutex::new(HashMap::new()),
            limit,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<PathBuf, Arc<Slot>>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The file at `path`, of type `content_type`, from memory when it is unchanged on
    /// disk; `None` when it is not a readable regular file.
    pub async fn get(&self, path: &Path, content_type: &'static str) -> Option<Asset> {
        // One stat of a local file: cheap enough to do in place on every request.
        let meta = match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => meta,
            _ => {
                self.lock().remove(path);
                return None;
            }
        };
        if meta.len() > MAX_CACHED_FILE {
            self.lock().remove(path);
            return tokio::fs::read(path).await.ok().map(Asset::Uncached);
        }
        let stamp = Stamp::of(&meta);
        let slot = {
            let mut slots = self.lock();
            match slots.get(path) {
                Some(slot) if slot.stamp == stamp => slot.clone(),
                _ => {
                    let slot = Arc::new(Slot {
                        stamp,
                        content: tokio::sync::OnceCell::new(),
                    });
                    slots.insert(path.to_path_buf(), slot.clone());
                    slot
                }
            }
        };
        if let Some(content) = slot.content.get() {
            return Some(Asset::Cached(content.clone()));
        }
        let owned = path.to_path_buf();
        let content = slot
            .content
            .get_or_try_init(|| async move {
                tokio::task::spawn_blocking(move || load(&owned, content_type))
                    .await
                    .map_err(|_| ())?
                    .map(Arc::new)
                    .ok_or(())
            })
            .await
            .ok()?
            .clone();
        self.trim(path);
        Some(Asset::Cached(content))
    }

    /// Evicts entries other than `keep` while the cache holds more than its limit.
    fn trim(&self, keep: &Path) {
        let mut slots = self.lock();
        let size = |slot: &Slot| slot.content.get().map_or(0, |c| c.size());
        let mut total: usize = slots.values().map(|s| size(s)).sum();
        if total <= self.limit {
            return;
        }
        let mut victims: Vec<(usize, PathBuf)> = slots
            .iter()
            .filter(|(path, _)| path.as_path() != keep)
            .map(|(path, slot)| (size(slot), path.clone()))
            .collect();
        // Largest first, so that few entries go.
        victims.sort_unstable_by_key(|v| std::cmp::Reverse(v.0));
        for (bytes, path) in victims {
            if total <= self.limit {
                break;
            }
            slots.remove(&path);
            total -= bytes;
        }
    }
}

/// Reads and encodes a file; `None` when it cannot be read or grew past the cache limit.
fn load(path: &Path, content_type: &'static str) -> Option<Encoded> {
    let file = std::fs::File::open(path).ok()?;
    let mut data = Vec::new();
    file.take(MAX_CACHED_FILE + 1).read_to_end(&mut data).ok()?;
    if data.len() as u64 > MAX_CACHED_FILE {
        return None;
    }
    Some(Encoded::new(content_type, Bytes::from(data)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    /// Number of files cached (filled entries).
    fn cached(cache: &AssetCache) -> usize {
        cache
            .lock()
            .values()
            .filter(|s| s.content.get().is_some())
            .count()
    }

    const BOTH: &[Coding] = &[Coding::Brotli, Coding::Gzip];

    #[test]
    fn qvalues() {
        assert_eq!(parse_qvalue("0"), Some(0));
        assert_eq!(parse_qvalue("0.5"), Some(500));
        assert_eq!(parse_qvalue("0.125"), Some(125));
        assert_eq!(parse_qvalue("0.05"), Some(50));
        assert_eq!(parse_qvalue("1"), Some(1000));
        assert_eq!(parse_qvalue("1.000"), Some(1000));
        assert_eq!(parse_qvalue("1.5"), None);
        assert_eq!(parse_qvalue("0.1234"), None);
        assert_eq!(parse_qvalue("2"), None);
        assert_eq!(parse_qvalue(""), None);
        assert_eq!(parse_qvalue("0.x"), None);
    }

    #[test]
    fn negotiation_follows_rfc_9110() {
        let n = |v: &str, avail: &[Coding]| negotiate(&accept(v), avail);
        // No header: unencoded.
        assert_eq!(negotiate(&HeaderMap::new(), BOTH), Some(Coding::Identity));
        // Empty header: only identity.
        assert_eq!(n("", BOTH), Some(Coding::Identity));
        assert_eq!(n("gzip", BOTH), Some(Coding::Gzip));
        assert_eq!(n("br", BOTH), Some(Coding::Brotli));
        assert_eq!(n("gzip, deflate, br", BOTH), Some(Coding::Brotli));
        assert_eq!(n("gzip, br", &[Coding::Gzip]), Some(Coding::Gzip));
        assert_eq!(n("br", &[Coding::Gzip]), Some(Coding::Identity));
        assert_eq!(n("gzip;q=1.0, br;q=0.5", BOTH), Some(Coding::Gzip));
        assert_eq!(n("GZIP; Q=0.9, BR;q=0.8", BOTH), Some(Coding::Gzip));
        assert_eq!(n("x-gzip", BOTH), Some(Coding::Gzip));
        assert_eq!(n("br;q=0, gzip;q=0", BOTH), Some(Coding::Identity));
        assert_eq!(n("*", BOTH), Some(Coding::Brotli));
        assert_eq!(n("*;q=0.5, br;q=0.2", BOTH), Some(Coding::Gzip));
        assert_eq!(n("deflate", BOTH), Some(Coding::Identity));
        // Identity preferred explicitly.
        assert_eq!(n("identity, gzip;q=0.5", BOTH), Some(Coding::Identity));
        assert_eq!(n("identity;q=0.5, gzip;q=0.5", BOTH), Some(Coding::Gzip));
        // Identity refused.
        assert_eq!(n("identity;q=0", &[]), None);
        assert_eq!(n("*;q=0", &[]), None);
        assert_eq!(n("*;q=0, identity", &[]), Some(Coding::Identity));
        assert_eq!(n("gzip, identity;q=0", &[Coding::Gzip]), Some(Coding::Gzip));
        assert_eq!(n("br, *;q=0", &[Coding::Gzip]), None);
        // Malformed weights drop the element.
        assert_eq!(n("br;q=2, gzip", BOTH), Some(Coding::Gzip));
        assert_eq!(n("br;q, gzip;q=0.1", BOTH), Some(Coding::Gzip));
        // Several header fields count together.
        let mut h = accept("gzip;q=0.5");
        h.append(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
        assert_eq!(negotiate(&h, BOTH), Some(Coding::Brotli));
    }

    #[test]
    fn encodings_round_trip_and_small_or_compressed_types_stay_plain() {
        let text: Vec<u8> = b"console.log('heirloom');\n".repeat(400);
        let e = Encoded::new("text/javascript; charset=utf-8", Bytes::from(text.clone()));
        let br = e.brotli.clone().unwrap();
        let gz = e.gzip.clone().unwrap();
        assert!(br.len() < text.len() / 10 && gz.len() < text.len() / 10);
        let mut out = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, text);
        out.clear();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, text);
        assert_eq!(e.size(), text.len() + br.len() + gz.len());

        let png = Encoded::new("image/png", Bytes::from(vec![0u8; 10_000]));
        assert!(png.available().is_empty());
        let tiny = Encoded::new("text/css; charset=utf-8", Bytes::from_static(b"a{}"));
        assert!(tiny.available().is_empty());
        // Random bytes do not shrink: no encoding is kept.
        let noise = crate::crypto::random_bytes::<4096>();
        let noise = Encoded::new("application/octet-stream", Bytes::copy_from_slice(&noise));
        assert!(noise.available().is_empty());
        assert_eq!(noise.size(), 4096);
    }

    #[test]
    fn responses_carry_coding_length_and_vary() {
        let text = Bytes::from(b"body { color: black }\n".repeat(100));
        let e = Encoded::new("text/css; charset=utf-8", text.clone());
        let res = e.respond(&accept("gzip, br"), "no-cache");
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(res.headers()[header::VARY], "accept-encoding");
        assert_eq!(
            res.headers()[header::CONTENT_LENGTH],
            e.brotli.as_ref().unwrap().len().to_string().as_str()
        );
        assert!(res.extensions().get::<Negotiated>().is_some());
        let res = e.respond(&HeaderMap::new(), "no-cache");
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(res.headers()[header::VARY], "accept-encoding");
        assert_eq!(
            res.headers()[header::CONTENT_LENGTH],
            text.len().to_string().as_str()
        );
        let res = e.respond(&accept("identity;q=0, compress"), "no-cache");
        assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE);
        let png = Encoded::new("image/png", Bytes::from(vec![1u8; 2000]));
        let res = png.respond(&accept("gzip, br"), "no-cache");
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none());
        assert!(res.headers().get(header::VARY).is_none());
    }

    #[tokio::test]
    async fn cache_follows_the_file_on_disk() {
        let dir =
            std::env::temp_dir().join(format!("heirloom-assets-{}", crate::crypto::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.js");
        let cache = AssetCache::default();
        assert!(cache.get(&path, "text/javascript").await.is_none());
        std::fs::write(&path, "let a = 1;\n".repeat(100)).unwrap();
        let Some(Asset::Cached(first)) = cache.get(&path, "text/javascript").await else {
            panic!("cached");
        };
        let Some(Asset::Cached(again)) = cache.get(&path, "text/javascript").await else {
            panic!("cached");
        };
        assert!(
            Arc::ptr_eq(&first, &again),
            "second request served from memory"
        );
        assert_eq!(cached(&cache), 1);
        // Replaced by another file (new inode and length).
        let fresh = dir.join("app.js.new");
        std::fs::write(&fresh, "let b = 2;\n".repeat(120)).unwrap();
        std::fs::rename(&fresh, &path).unwrap();
        let Some(Asset::Cached(changed)) = cache.get(&path, "text/javascript").await else {
            panic!("cached");
        };
        assert_eq!(
            changed.identity.as_ref(),
            "let b = 2;\n".repeat(120).as_bytes()
        );
        std::fs::remove_file(&path).unwrap();
        assert!(cache.get(&path, "text/javascript").await.is_none());
        assert_eq!(cached(&cache), 0);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn cache_stays_within_its_limit() {
        let dir =
            std::env::temp_dir().join(format!("heirloom-assets-{}", crate::crypto::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        // Random bytes: no encoding, so each entry holds exactly its 4000 bytes.
        let cache = AssetCache::with_limit(10_000);
        let paths: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("blob{i}.bin"))).collect();
        for path in &paths {
            std::fs::write(path, crate::crypto::random_bytes::<4000>()).unwrap();
            assert!(cache.get(path, "application/octet-stream").await.is_some());
        }
        let held: usize = cache
            .lock()
            .values()
            .filter_map(|s| s.content.get().map(|c| c.size()))
            .sum();
        assert_eq!(held, 8000);
        assert_eq!(cached(&cache), 2);
        assert!(
            cache.lock().contains_key(&paths[2]),
            "the newest entry stays"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
